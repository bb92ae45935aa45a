"""Visual ETL flows (seed §13.2) as Glue jobs through boto3: S3 source → filter → aggregate →
S3 target, run for real, with the written files checked against the numbers computed here;
a join and SQL flow into a catalog table; a failing flow reports why."""
import csv
import io
import json
import random
import time
import unittest

import glue_roles
import harness

BUCKET = "etl-bucket"
REGIONS = ["東京", "大阪", "名古屋", "福岡"]


class EtlTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.glue = cls.server.client("glue")
        cls.iam = cls.server.client("iam")
        cls.role = glue_roles.create_role(cls.iam, "GlueEtl")
        cls.s3.create_bucket(Bucket=BUCKET)
        rng = random.Random(3)
        cls.sales = [{"order_id": i, "region": REGIONS[i % 4], "customer_id": i % 25,
                      "sales_amount": round(rng.uniform(10, 3000), 2)} for i in range(1, 2001)]
        lines = ["order_id,region,customer_id,sales_amount"]
        lines += ["%d,%s,%d,%.2f" % (r["order_id"], r["region"], r["customer_id"],
                                     r["sales_amount"]) for r in cls.sales]
        cls.s3.put_object(Bucket=BUCKET, Key="raw/sales/sales.csv",
                          Body=("\n".join(lines) + "\n").encode())
        cls.customers = [{"customer_id": c, "segment": "gold" if c % 5 == 0 else "standard"}
                         for c in range(25)]
        cls.s3.put_object(Bucket=BUCKET, Key="raw/customers/customers.json", Body="".join(
            json.dumps(c) + "\n" for c in cls.customers).encode())

    def run_job(self, name, expected="SUCCEEDED"):
        return self.run_job_id(name, self.glue.start_job_run(JobName=name)["JobRunId"], expected)

    def read_csv_files(self, prefix):
        rows = []
        for obj in self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []):
            body = self.s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read().decode()
            rows += list(csv.DictReader(io.StringIO(body)))
        return rows

    def test_filter_aggregate_to_s3(self):
        nodes = {
            "node-source": {"S3CsvSource": {
                "Name": "sales", "Paths": ["s3://%s/raw/sales/" % BUCKET],
                "Separator": "comma", "WithHeader": True, "QuoteChar": "quote"}},
            "node-filter": {"Filter": {
                "Name": "big orders", "Inputs": ["node-source"], "LogicalOperator": "AND",
                "Filters": [{"Operation": "GT", "Negated": False, "Values": [
                    {"Type": "COLUMNEXTRACTED", "Value": ["sales_amount"]},
                    {"Type": "CONSTANT", "Value": ["1000"]}]}]}},
            "node-agg": {"Aggregate": {
                "Name": "by region", "Inputs": ["node-filter"], "Groups": [["region"]],
                "Aggs": [{"Column": ["sales_amount"], "AggFunc": "sum"},
                         {"Column": ["order_id"], "AggFunc": "count"}]}},
            "node-target": {"S3DirectTarget": {
                "Name": "summary", "Inputs": ["node-agg"],
                "Path": "s3://%s/curated/big_orders_by_region/" % BUCKET, "Format": "csv",
                "Compression": "none"}},
        }
        self.glue.create_job(Name="big-orders-flow", Role=self.role,
                             Command={"Name": "glueetl", "ScriptLocation": "s3://x/y.py"},
                             CodeGenConfigurationNodes=nodes, GlueVersion="4.0")
        job = self.glue.get_job(JobName="big-orders-flow")["Job"]
        self.assertEqual(set(job["CodeGenConfigurationNodes"]), set(nodes))
        self.assertIn("big-orders-flow", self.glue.list_jobs()["JobNames"])
        run = self.run_job("big-orders-flow")
        self.assertIn("CompletedOn", run)

        expected = {}
        for r in self.sales:
            if r["sales_amount"] > 1000:
                e = expected.setdefault(r["region"], [0.0, 0])
                e[0] += r["sales_amount"]
                e[1] += 1
        rows = self.read_csv_files("curated/big_orders_by_region/")
        self.assertEqual(len(rows), len(expected))
        for row in rows:
            self.assertAlmostEqual(float(row["sum(sales_amount)"]), expected[row["region"]][0],
                                   places=4)
            self.assertEqual(int(row["count(order_id)"]), expected[row["region"]][1])
        runs = self.glue.get_job_runs(JobName="big-orders-flow")["JobRuns"]
        self.assertEqual([r["Id"] for r in runs], [run["Id"]])

    def test_join_sql_to_catalog_parquet(self):
        self.glue.create_database(DatabaseInput={"Name": "etl_db"})
        nodes = {
            "sales": {"S3CsvSource": {"Name": "sales", "Paths": ["s3://%s/raw/sales/" % BUCKET],
                                      "Separator": "comma", "WithHeader": True,
                                      "QuoteChar": "quote"}},
            "customers": {"S3JsonSource": {"Name": "customers",
                                           "Paths": ["s3://%s/raw/customers/" % BUCKET]}},
            "joined": {"Join": {"Name": "join", "Inputs": ["sales", "customers"],
                                "JoinType": "equijoin",
                                "Columns": [{"From": "sales", "Keys": [["customer_id"]]},
                                            {"From": "customers", "Keys": [["customer_id"]]}]}},
            "mapped": {"ApplyMapping": {"Name": "map", "Inputs": ["joined"], "Mapping": [
                {"ToKey": "segment", "FromPath": ["segment"], "FromType": "string",
                 "ToType": "string", "Dropped": False},
                {"ToKey": "amount", "FromPath": ["sales_amount"], "FromType": "double",
                 "ToType": "double", "Dropped": False},
                {"ToKey": "region", "FromPath": ["region"], "FromType": "string",
                 "ToType": "string", "Dropped": False},
                {"ToKey": "order_id", "FromPath": ["order_id"], "FromType": "long",
                 "ToType": "long", "Dropped": True}]}},
            "summary": {"SparkSQL": {"Name": "sql", "Inputs": ["mapped"],
                                     "SqlAliases": [{"From": "mapped", "Alias": "m"}],
                                     "SqlQuery": "SELECT segment, region, sum(amount) AS total "
                                                 "FROM m GROUP BY segment, region"}},
            "target": {"S3DirectTarget": {
                "Name": "out", "Inputs": ["summary"], "Format": "parquet",
                "Path": "s3://%s/curated/segments/" % BUCKET, "PartitionKeys": [["region"]],
                "SchemaChangePolicy": {"EnableUpdateCatalog": True, "Database": "etl_db",
                                       "Table": "segments"}}},
        }
        self.glue.create_job(Name="segments-flow", Role="GlueEtl",
                             Command={"Name": "glueetl", "ScriptLocation": "s3://x/y.py"},
                             CodeGenConfigurationNodes=nodes)
        self.run_job("segments-flow")
        table = self.glue.get_table(DatabaseName="etl_db", Name="segments")["Table"]
        self.assertEqual(table["PartitionKeys"][0]["Name"], "region")
        parts = self.glue.get_partitions(DatabaseName="etl_db", TableName="segments")["Partitions"]
        self.assertEqual(sorted(p["Values"][0] for p in parts), sorted(REGIONS))
        # Read it back through Athena and compare.
        athena = self.server.client("athena")
        qid = athena.start_query_execution(
            QueryString="SELECT segment, region, total FROM segments",
            QueryExecutionContext={"Database": "etl_db"},
            ResultConfiguration={"OutputLocation": "s3://%s/athena/" % BUCKET})[
                "QueryExecutionId"]
        while athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"][
                "State"] in ("QUEUED", "RUNNING"):
            time.sleep(0.05)
        rows = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"][1:]
        got = {(r["Data"][0]["VarCharValue"], r["Data"][1]["VarCharValue"]):
               float(r["Data"][2]["VarCharValue"]) for r in rows}
        segment = {c["customer_id"]: c["segment"] for c in self.customers}
        expected = {}
        for r in self.sales:
            key = (segment[r["customer_id"]], r["region"])
            expected[key] = expected.get(key, 0.0) + r["sales_amount"]
        self.assertEqual(set(got), set(expected))
        for k, v in expected.items():
            self.assertAlmostEqual(got[k], v, places=4)

    def test_drop_null_fields_keeps_only_columns_with_values(self):
        # always_null is NULL everywhere; blank holds "" and "null", neg -1, na the custom
        # placeholder "n/a": all four go. mixed has one real value and stays, NULLs and all.
        rows = [{"id": i, "always_null": None, "blank": "" if i % 2 else "null", "neg": -1,
                 "na": "n/a", "mixed": "kept" if i == 3 else None} for i in range(1, 6)]
        self.s3.put_object(Bucket=BUCKET, Key="raw/sparse/sparse.json",
                           Body="".join(json.dumps(r) + "\n" for r in rows).encode())
        nodes = {
            "src": {"S3JsonSource": {"Name": "sparse",
                                     "Paths": ["s3://%s/raw/sparse/" % BUCKET]}},
            "drop": {"DropNullFields": {
                "Name": "drop nulls", "Inputs": ["src"],
                "NullCheckBoxList": {"IsEmpty": True, "IsNullString": True, "IsNegOne": True},
                "NullTextList": [{"Value": "n/a",
                                  "Datatype": {"Id": "String", "Label": "STRING"}}]}},
            "out": {"S3DirectTarget": {"Name": "out", "Inputs": ["drop"], "Format": "json",
                                       "Path": "s3://%s/curated/sparse/" % BUCKET}},
        }
        self.glue.create_job(Name="drop-nulls", Role="GlueEtl", Command={"Name": "glueetl"},
                             CodeGenConfigurationNodes=nodes)
        self.run_job("drop-nulls")
        written = []
        for obj in self.s3.list_objects_v2(Bucket=BUCKET, Prefix="curated/sparse/")["Contents"]:
            body = self.s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read().decode()
            written += [json.loads(line) for line in body.splitlines() if line]
        self.assertEqual(sorted(r["id"] for r in written), [1, 2, 3, 4, 5])
        for r in written:
            self.assertLessEqual(set(r), {"id", "mixed"}, r)
            self.assertEqual(r.get("mixed"), "kept" if r["id"] == 3 else None)
        # Without placeholders only the all-NULL column goes.
        nodes["drop"]["DropNullFields"] = {"Name": "drop nulls", "Inputs": ["src"]}
        nodes["out"]["S3DirectTarget"]["Path"] = "s3://%s/curated/sparse2/" % BUCKET
        self.glue.update_job(JobName="drop-nulls", JobUpdate={
            "Role": "GlueEtl", "Command": {"Name": "glueetl"}, "CodeGenConfigurationNodes": nodes})
        self.run_job("drop-nulls")
        obj = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="curated/sparse2/")["Contents"][0]
        first = json.loads(self.s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
                           .decode().splitlines()[0])
        self.assertLessEqual(set(first), {"id", "blank", "neg", "na", "mixed"})
        self.assertIn("neg", first)
        self.assertNotIn("always_null", first)

    def test_bad_flow_fails_with_a_reason(self):
        nodes = {"src": {"S3CsvSource": {"Name": "s", "Paths": ["s3://%s/raw/sales/" % BUCKET],
                                         "Separator": "comma", "WithHeader": True,
                                      "QuoteChar": "quote"}},
                 "f": {"Filter": {"Name": "f", "Inputs": ["src"], "LogicalOperator": "AND",
                                  "Filters": [{"Operation": "GT", "Values": [
                                      {"Type": "COLUMNEXTRACTED", "Value": ["no_such_column"]},
                                      {"Type": "CONSTANT", "Value": ["1"]}]}]}},
                 "t": {"S3DirectTarget": {"Name": "t", "Inputs": ["f"], "Format": "json",
                                          "Path": "s3://%s/bad/" % BUCKET}}}
        self.glue.create_job(Name="bad-flow", Role="GlueEtl", Command={"Name": "glueetl"},
                             CodeGenConfigurationNodes=nodes)
        run = self.run_job("bad-flow", expected="FAILED")
        self.assertIn("no_such_column", run["ErrorMessage"])
        self.glue.update_job(JobName="bad-flow", JobUpdate={
            "Role": "GlueEtl", "Command": {"Name": "glueetl"},
            "CodeGenConfigurationNodes": {"t": {"S3DirectTarget": {
                "Name": "t", "Inputs": ["missing"], "Format": "json", "Path": "s3://b/x/"}}}})
        run = self.run_job("bad-flow", expected="FAILED")
        self.assertIn("missing", run["ErrorMessage"])
        self.glue.delete_job(JobName="bad-flow")
        self.assertAwsError("EntityNotFoundException", self.glue.get_job, JobName="bad-flow")

    def copy_flow(self, target):
        return {"src": {"S3CsvSource": {"Name": "s", "Paths": ["s3://%s/raw/sales/" % BUCKET],
                                        "Separator": "comma", "WithHeader": True,
                                        "QuoteChar": "quote"}},
                "t": {"S3DirectTarget": {"Name": "t", "Inputs": ["src"], "Format": "json",
                                         "Path": "s3://%s/%s/" % (BUCKET, target)}}}

    def keys(self, prefix):
        return [o["Key"] for o in
                self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]

    def test_run_reads_and_writes_as_the_jobs_role(self):
        # The caller (root) may read everything; the job's role may not read the sales.
        glue_roles.create_role(self.iam, "EtlNoRead", [
            {"Effect": "Allow", "Action": ["s3:*", "glue:*"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::%s/raw/*" % BUCKET}])
        nodes = self.copy_flow("as-role")
        self.glue.create_job(Name="as-role", Role="EtlNoRead", Command={"Name": "glueetl"},
                             CodeGenConfigurationNodes=nodes)
        run = self.run_job("as-role", expected="FAILED")
        message = run["ErrorMessage"]
        self.assertIn("assumed-role/EtlNoRead/", message)
        self.assertIn("is not authorized to perform: s3:GetObject on resource: "
                      "arn:aws:s3:::%s/raw/sales/sales.csv" % BUCKET, message)
        self.assertEqual(self.keys("as-role/"), [])
        # A role that may read but not write there fails at the write, naming it.
        glue_roles.create_role(self.iam, "EtlNoWrite", [
            {"Effect": "Allow", "Action": ["s3:*", "glue:*"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::%s/as-role/*" % BUCKET}])
        self.glue.update_job(JobName="as-role", JobUpdate={
            "Role": "EtlNoWrite", "Command": {"Name": "glueetl"},
            "CodeGenConfigurationNodes": nodes})
        run = self.run_job("as-role", expected="FAILED")
        self.assertIn("s3:PutObject on resource: arn:aws:s3:::%s/as-role/" % BUCKET,
                      run["ErrorMessage"])
        self.assertEqual(self.keys("as-role/"), [])
        # A role that may not create the catalog table a target registers fails before
        # writing any file.
        glue_roles.create_role(self.iam, "EtlNoCatalog", [
            {"Effect": "Allow", "Action": ["s3:*", "glue:Get*"], "Resource": "*"}])
        self.glue.create_database(DatabaseInput={"Name": "etl_roles"})
        catalog_nodes = self.copy_flow("as-role")
        catalog_nodes["t"]["S3DirectTarget"]["SchemaChangePolicy"] = {
            "EnableUpdateCatalog": True, "Database": "etl_roles", "Table": "as_role"}
        self.glue.update_job(JobName="as-role", JobUpdate={
            "Role": "EtlNoCatalog", "Command": {"Name": "glueetl"},
            "CodeGenConfigurationNodes": catalog_nodes})
        run = self.run_job("as-role", expected="FAILED")
        self.assertIn("glue:CreateTable on resource: arn:aws:glue:", run["ErrorMessage"])
        self.assertEqual(self.keys("as-role/"), [])
        self.assertAwsError("EntityNotFoundException", self.glue.get_table,
                            DatabaseName="etl_roles", Name="as_role")
        # With a role that may, the same flow writes every row.
        self.glue.update_job(JobName="as-role", JobUpdate={
            "Role": "GlueEtl", "Command": {"Name": "glueetl"},
            "CodeGenConfigurationNodes": nodes})
        self.run_job("as-role")
        body = b"".join(self.s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()
                        for k in self.keys("as-role/"))
        self.assertEqual(len(body.splitlines()), len(self.sales))

    def test_starting_a_run_needs_pass_role_on_the_jobs_role(self):
        glue = glue_roles.glue_user(self.server, self.iam, "etl-dev")
        glue.create_job(Name="dev-flow", Role="GlueEtl", Command={"Name": "glueetl"},
                        CodeGenConfigurationNodes=self.copy_flow("dev-flow"))
        err = self.assertAwsError("AccessDeniedException", glue.start_job_run, JobName="dev-flow")
        self.assertIn("iam:PassRole", str(err))
        self.assertIn(self.role, str(err))
        self.assertEqual(glue.get_job_runs(JobName="dev-flow")["JobRuns"], [])
        glue_roles.allow_pass_role(self.iam, "etl-dev", self.role)
        run_id = glue.start_job_run(JobName="dev-flow")["JobRunId"]
        self.assertTrue(run_id.startswith("jr_"))
        self.run_job_id("dev-flow", run_id)

    def run_job_id(self, name, run_id, expected="SUCCEEDED"):
        deadline = time.time() + 120
        while time.time() < deadline:
            run = self.glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]
            if run["JobRunState"] in ("SUCCEEDED", "FAILED", "STOPPED"):
                break
            time.sleep(0.1)
        self.assertEqual(run["JobRunState"], expected, run.get("ErrorMessage"))
        return run


if __name__ == "__main__":
    unittest.main()
