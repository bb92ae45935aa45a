"""What a request can reach through SQL, and what a DDL statement may change.

Athena, Glue data quality rules and Visual ETL flows run SQL on the server's engine. The engine
has file table functions (read_csv, read_json, read_parquet) for its own command-line use: no
request may reach them from Athena or a data quality rule, and nothing reachable from a request
may read a local path (a table LOCATION that is not s3://, file: URIs, '..' in keys) or write
outside the statement's own targets. Athena DDL needs the caller's glue: permissions, as in
AWS: a denied statement fails naming the action and resource, and the catalog is unchanged."""
import json
import time
import unittest

import glue_roles
import harness

BUCKET = "secure-bucket"
OUTPUT = "s3://%s/results/" % BUCKET
# A line of /etc/passwd that any of these reads would have returned.
PASSWD_MARK = "root:"


class AthenaSecurityTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.athena = cls.server.client("athena")
        cls.glue = cls.server.client("glue")
        glue_roles.create_role(cls.server.client("iam"), "GlueRuns")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.s3.put_object(Bucket=BUCKET, Key="data/people/p.csv",
                          Body=b"id,name\n1,ana\n2,bo\n3,cy\n")
        cls.glue.create_database(DatabaseInput={"Name": "sec"})
        cls.glue.create_table(DatabaseName="sec", TableInput=cls.text_table(
            "people", "s3://%s/data/people/" % BUCKET, [("id", "int"), ("name", "string")]))

    @staticmethod
    def text_table(name, location, columns):
        return {"Name": name, "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
                "StorageDescriptor": {
                    "Columns": [{"Name": n, "Type": t} for n, t in columns],
                    "Location": location,
                    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    "SerdeInfo": {"SerializationLibrary":
                                  "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                                  "Parameters": {"field.delim": ","}}}}

    def run_query(self, sql, athena=None):
        athena = athena or self.athena
        qid = athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": "sec"},
            ResultConfiguration={"OutputLocation": OUTPUT})["QueryExecutionId"]
        deadline = time.time() + 60
        while True:
            q = self.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            if q["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                return qid, q
            self.assertLess(time.time(), deadline, "query %s did not finish" % qid)
            time.sleep(0.02)

    def keys(self, prefix):
        return [o["Key"] for o in
                self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]

    def assertFailed(self, q, reason_start):
        self.assertEqual(q["Status"]["State"], "FAILED", q["Status"])
        reason = q["Status"]["StateChangeReason"]
        self.assertTrue(reason.startswith(reason_start), reason)
        self.assertNotIn(PASSWD_MARK, reason)
        return reason

    # --- Athena ---

    def test_athena_has_no_file_functions(self):
        for sql in ["SELECT * FROM read_csv('/etc/passwd')",
                    "SELECT * FROM read_csv('s3://%s/data/people/p.csv')" % BUCKET,
                    "SELECT * FROM read_csv_auto('file:///etc/passwd', false, ':')",
                    "SELECT * FROM read_json('/etc/os-release')",
                    "SELECT * FROM read_parquet('../../../../etc/*')",
                    "SELECT p.id FROM people p JOIN read_csv('/etc/passwd') x ON true"]:
            with self.subTest(sql=sql):
                qid, q = self.run_query(sql)
                reason = self.assertFailed(q, "FUNCTION_NOT_FOUND: ")
                self.assertIn("not registered", reason)
                self.assertNotIn("results/%s.csv" % qid, self.keys("results/"))
        # The same data is readable the Athena way, through a table.
        qid, q = self.run_query("SELECT count(*) FROM people")
        self.assertEqual(q["Status"]["State"], "SUCCEEDED")
        rows = self.athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
        self.assertEqual(rows[1]["Data"][0]["VarCharValue"], "3")

    def test_locations_are_s3_only(self):
        # The Glue API stores any text as a location; reading one that is not s3:// fails
        # without touching the local disk.
        for i, location in enumerate(["/etc/", "file:///etc/", "../../../../etc/", "etc"]):
            name = "local_%d" % i
            self.glue.create_table(DatabaseName="sec", TableInput=self.text_table(
                name, location, [("line", "string")]))
            with self.subTest(location=location):
                _, q = self.run_query("SELECT * FROM %s" % name)
                reason = self.assertFailed(q, "HIVE_CANNOT_OPEN_SPLIT: ")
                self.assertIn("only s3:// locations", reason)
        # Partitions with a local location are no way round it.
        table = self.text_table("parted", "s3://%s/data/parted/" % BUCKET, [("line", "string")])
        table["PartitionKeys"] = [{"Name": "p", "Type": "string"}]
        self.glue.create_table(DatabaseName="sec", TableInput=table)
        self.glue.create_partition(DatabaseName="sec", TableName="parted", PartitionInput={
            "Values": ["x"], "StorageDescriptor": dict(table["StorageDescriptor"],
                                                       Location="/etc/")})
        _, q = self.run_query("SELECT * FROM parted")
        self.assertFailed(q, "HIVE_CANNOT_OPEN_SPLIT: ")
        _, q = self.run_query("ALTER TABLE parted ADD PARTITION (p='y') LOCATION 'file:///etc/'")
        self.assertFailed(q, "INVALID_TABLE_PROPERTY: ")
        self.assertEqual(len(self.glue.get_partitions(
            DatabaseName="sec", TableName="parted")["Partitions"]), 1)
        # DDL and writes refuse local places up front.
        for sql, error in [
                ("CREATE EXTERNAL TABLE t_local (a string) LOCATION '/etc/'",
                 "INVALID_TABLE_PROPERTY: "),
                ("CREATE EXTERNAL TABLE t_file (a string) LOCATION 'file:///etc/'",
                 "INVALID_TABLE_PROPERTY: "),
                ("CREATE TABLE t_ctas WITH (external_location = '/tmp/unistudio-ctas/') AS "
                 "SELECT 1 AS a", "INVALID_TABLE_PROPERTY: "),
                ("UNLOAD (SELECT 1 AS a) TO 'file:///tmp/unistudio-unload/' "
                 "WITH (format = 'JSON')", "INVALID_TABLE_PROPERTY: ")]:
            with self.subTest(sql=sql):
                _, q = self.run_query(sql)
                self.assertFailed(q, error)
        tables = [t["Name"] for t in self.glue.get_tables(DatabaseName="sec")["TableList"]]
        self.assertFalse({"t_local", "t_file", "t_ctas"} & set(tables), tables)
        # '..' in a key is part of the key: it names nothing outside the bucket.
        self.s3.put_object(Bucket=BUCKET, Key="data/../dots/d.csv", Body=b"h\nfrom-dots\n")
        self.glue.create_table(DatabaseName="sec", TableInput=self.text_table(
            "dots", "s3://%s/data/../dots/" % BUCKET, [("h", "string")]))
        qid, q = self.run_query("SELECT h FROM dots")
        self.assertEqual(q["Status"]["State"], "SUCCEEDED", q["Status"])
        rows = self.athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
        self.assertEqual([r["Data"][0]["VarCharValue"] for r in rows], ["h", "from-dots"])
        self.glue.create_table(DatabaseName="sec", TableInput=self.text_table(
            "outside", "s3://%s/../../../../etc/" % BUCKET, [("line", "string")]))
        qid, q = self.run_query("SELECT count(*) FROM outside")
        self.assertEqual(q["Status"]["State"], "SUCCEEDED", q["Status"])
        rows = self.athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
        self.assertEqual(rows[1]["Data"][0]["VarCharValue"], "0")

    # --- Glue data quality ---

    def test_data_quality_rules_read_only_their_table(self):
        # A second statement never gets as far as the engine.
        self.assertAwsError(
            "InvalidInputException", self.glue.create_data_quality_ruleset, Name="writer",
            Ruleset='Rules = [ CustomSql "SELECT count(*) FROM primary; CREATE TABLE x WITH '
                    '(external_location = \'s3://%s/dq-written/\') AS SELECT 1 AS a" > 0 ]'
                    % BUCKET)
        ruleset = ('Rules = [ CustomSql "SELECT count(*) FROM read_csv(\'/etc/passwd\')" > 0, '
                   'CustomSql "SELECT count(*) FROM read_csv(\'s3://%s/data/people/p.csv\')" > 0,'
                   ' CustomSql "SELECT count(*) FROM primary" = 3 ]' % BUCKET)
        self.glue.create_data_quality_ruleset(Name="sneaky", Ruleset=ruleset)
        run_id = self.glue.start_data_quality_ruleset_evaluation_run(
            DataSource={"GlueTable": {"DatabaseName": "sec", "TableName": "people"}},
            Role="GlueRuns", RulesetNames=["sneaky"])["RunId"]
        deadline = time.time() + 60
        while True:
            run = self.glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)
            if run["Status"] not in ("STARTING", "RUNNING", "STOPPING"):
                break
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        self.assertEqual(run["Status"], "SUCCEEDED", run.get("ErrorString"))
        rules = self.glue.get_data_quality_result(ResultId=run["ResultIds"][0])["RuleResults"]
        self.assertEqual([r["Result"] for r in rules], ["ERROR", "ERROR", "PASS"])
        for r in rules[:2]:
            self.assertTrue(r["EvaluationMessage"].startswith("FUNCTION_NOT_FOUND: "),
                            r["EvaluationMessage"])
        for r in rules:
            self.assertNotIn(PASSWD_MARK, r.get("EvaluationMessage", ""))
        self.assertEqual(self.keys("dq-written/"), [])

    # --- Visual ETL ---

    def run_flow(self, name, sql):
        nodes = {
            "src": {"S3CsvSource": {"Name": "people", "Paths": ["s3://%s/data/people/" % BUCKET],
                                    "Separator": "comma", "WithHeader": True,
                                    "QuoteChar": "quote"}},
            "sql": {"SparkSQL": {"Name": "sql", "Inputs": ["src"],
                                 "SqlAliases": [{"From": "src", "Alias": "people"}],
                                 "SqlQuery": sql}},
            "out": {"S3DirectTarget": {"Name": "out", "Inputs": ["sql"], "Format": "json",
                                       "Path": "s3://%s/etl-out/%s/" % (BUCKET, name)}}}
        self.glue.create_job(Name=name, Role="GlueRuns", Command={"Name": "glueetl"},
                             CodeGenConfigurationNodes=nodes)
        run_id = self.glue.start_job_run(JobName=name)["JobRunId"]
        deadline = time.time() + 60
        while True:
            run = self.glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]
            if run["JobRunState"] in ("SUCCEEDED", "FAILED", "STOPPED"):
                return run
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)

    def test_etl_sql_reaches_no_local_file_and_writes_only_its_target(self):
        # The flow reads its sources as tables; its SQL has no file table functions, neither
        # for local files nor for objects the flow's sources do not name.
        run = self.run_flow("local-read", "SELECT * FROM read_csv('/etc/passwd', false, ':')")
        self.assertEqual(run["JobRunState"], "FAILED")
        self.assertIn("FUNCTION_NOT_FOUND", run["ErrorMessage"])
        self.assertIn("read_csv", run["ErrorMessage"])
        self.assertNotIn(PASSWD_MARK, run["ErrorMessage"])
        self.assertEqual(self.keys("etl-out/local-read/"), [])
        run = self.run_flow("s3-read", "SELECT * FROM read_csv('s3://%s/data/people/p.csv')"
                            % BUCKET)
        self.assertEqual(run["JobRunState"], "FAILED")
        self.assertIn("FUNCTION_NOT_FOUND", run["ErrorMessage"])
        self.assertEqual(self.keys("etl-out/s3-read/"), [])
        # SQL that closes the flow's own query to append a write statement is refused.
        run = self.run_flow(
            "sneaky-write",
            "SELECT 1 AS a)) SELECT 1 AS a; CREATE TABLE x WITH (format = 'JSON', "
            "external_location = 's3://%s/etl-written/') AS SELECT 1 AS a; "
            "WITH \"w\" AS ((SELECT 1 AS a" % BUCKET)
        self.assertEqual(run["JobRunState"], "FAILED")
        self.assertIn("NOT_SUPPORTED", run["ErrorMessage"])
        self.assertEqual(self.keys("etl-written/"), [])
        self.assertEqual(self.keys("etl-out/sneaky-write/"), [])
        # The flow's own SQL still works.
        run = self.run_flow("fine", "SELECT name FROM people WHERE id > 1")
        self.assertEqual(run["JobRunState"], "SUCCEEDED", run.get("ErrorMessage"))
        body = b"".join(self.s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()
                        for k in self.keys("etl-out/fine/"))
        self.assertEqual(sorted(json.loads(line)["name"] for line in body.splitlines()),
                         ["bo", "cy"])

    # --- DDL authorization ---

    def test_ddl_needs_the_callers_glue_permissions(self):
        account = self.server.client("sts").get_caller_identity()["Account"]
        arn = "arn:aws:glue:us-east-1:%s:" % account
        iam = self.server.client("iam")
        iam.create_user(UserName="ddl-user")
        key = iam.create_access_key(UserName="ddl-user")["AccessKey"]
        athena = self.server.client("athena", key=key["AccessKeyId"],
                                    secret=key["SecretAccessKey"])
        user = "arn:aws:iam::%s:user/ddl-user" % account
        self.s3.put_object(Bucket=BUCKET, Key="data/ev/d=1/a.csv", Body=b"h\n1\n")
        self.s3.put_object(Bucket=BUCKET, Key="data/ev/d=2/a.csv", Body=b"h\n2\n")
        self.assertEqual(self.run_query(
            "CREATE EXTERNAL TABLE ev (v int) PARTITIONED BY (d string) ROW FORMAT DELIMITED "
            "FIELDS TERMINATED BY ',' LOCATION 's3://%s/data/ev/' "
            "TBLPROPERTIES ('skip.header.line.count'='1')" % BUCKET)[1]["Status"]["State"],
            "SUCCEEDED")
        self.assertEqual(self.run_query("ALTER TABLE ev ADD PARTITION (d='1')")[1]["Status"][
            "State"], "SUCCEEDED")

        def policy(denied_action, resource):
            iam.put_user_policy(UserName="ddl-user", PolicyName="p", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["athena:*", "glue:*", "s3:*"],
                     "Resource": "*"},
                    {"Effect": "Deny", "Action": denied_action, "Resource": resource}]}))

        def partitions():
            return sorted(p["Values"][0] for p in self.glue.get_partitions(
                DatabaseName="sec", TableName="ev")["Partitions"])

        def tables():
            return {t["Name"] for t in self.glue.get_tables(DatabaseName="sec")["TableList"]}

        cases = [
            ("glue:CreateTable", arn + "table/sec/new_t",
             "CREATE EXTERNAL TABLE new_t (a int) LOCATION 's3://%s/data/new/'" % BUCKET,
             lambda: "new_t" not in tables()),
            ("glue:CreateTable", arn + "table/sec/ctas_t",
             "CREATE TABLE ctas_t WITH (external_location = 's3://%s/data/ctas/') AS "
             "SELECT 1 AS a" % BUCKET,
             lambda: "ctas_t" not in tables() and self.keys("data/ctas/") == []),
            ("glue:DeleteTable", arn + "table/sec/people", "DROP TABLE people",
             lambda: "people" in tables()),
            ("glue:CreateDatabase", arn + "database/newdb", "CREATE DATABASE newdb",
             lambda: "newdb" not in [d["Name"] for d in self.glue.get_databases()["DatabaseList"]]),
            ("glue:DeleteDatabase", arn + "database/sec", "DROP DATABASE sec CASCADE",
             lambda: "people" in tables()),
            ("glue:BatchCreatePartition", arn + "table/sec/ev", "MSCK REPAIR TABLE ev",
             lambda: partitions() == ["1"]),
            ("glue:BatchCreatePartition", arn + "table/sec/ev",
             "ALTER TABLE ev ADD PARTITION (d='2')", lambda: partitions() == ["1"]),
            ("glue:BatchDeletePartition", arn + "table/sec/ev",
             "ALTER TABLE ev DROP PARTITION (d='1')", lambda: partitions() == ["1"]),
        ]
        for action, resource, sql, unchanged in cases:
            with self.subTest(sql=sql):
                policy(action, resource)
                _, q = self.run_query(sql, athena)
                self.assertEqual(q["Status"]["State"], "FAILED", q["Status"])
                self.assertEqual(
                    q["Status"]["StateChangeReason"],
                    "PERMISSION_DENIED: Insufficient permissions to execute the query. User: %s "
                    "is not authorized to perform: %s on resource: %s because explicit deny in "
                    "an identity-based policy (statement #2)" % (user, action, resource))
                self.assertTrue(unchanged())
        # Denying something else lets the same statements through.
        policy("glue:DeleteTable", arn + "table/sec/other")
        _, q = self.run_query("MSCK REPAIR TABLE ev", athena)
        self.assertEqual(q["Status"]["State"], "SUCCEEDED", q["Status"])
        self.assertEqual(partitions(), ["1", "2"])
        _, q = self.run_query("CREATE DATABASE newdb", athena)
        self.assertEqual(q["Status"]["State"], "SUCCEEDED", q["Status"])


if __name__ == "__main__":
    unittest.main()
