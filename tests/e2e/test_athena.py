"""Athena through boto3 and the aws CLI: the seed's §12 flows over CSV uploaded with S3, with
the numbers checked against an independent computation; paging, CTAS into partitioned
Parquet with partition pruning, result files in S3, DDL, work groups, errors."""
import csv
import datetime
import io
import json
import os
import random
import subprocess
import time
import unittest

import harness

BUCKET = "analytics-bucket"
OUTPUT = "s3://%s/athena-results/" % BUCKET
REGIONS = ["東京", "大阪", "名古屋", "福岡"]


def make_sales(n, seed=7):
    rng = random.Random(seed)
    rows = []
    start = datetime.date(2023, 10, 1)
    for i in range(1, n + 1):
        day = start + datetime.timedelta(days=rng.randrange(0, 240))
        rows.append({"order_id": i, "region": REGIONS[i % 4], "product": "p%d" % (i % 7),
                     "sales_amount": round(rng.uniform(1, 5000), 2), "sales_date": day})
    return rows


class AthenaTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.athena = cls.server.client("athena")
        cls.glue = cls.server.client("glue")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.sales = make_sales(5000)
        body = io.StringIO()
        w = csv.writer(body, lineterminator="\n")
        w.writerow(["order_id", "region", "product", "sales_amount", "sales_date"])
        for r in cls.sales:
            w.writerow([r["order_id"], r["region"], r["product"], "%.2f" % r["sales_amount"],
                        r["sales_date"].isoformat()])
        cls.s3.put_object(Bucket=BUCKET, Key="raw/sales/sales.csv",
                          Body=body.getvalue().encode())
        qid = cls.start("CREATE DATABASE IF NOT EXISTS sales_db")
        cls.wait_for(qid, "SUCCEEDED")
        qid = cls.start("""
            CREATE EXTERNAL TABLE sales_db.sales_data (
              order_id bigint, region string, product string, sales_amount double,
              sales_date date)
            ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
            STORED AS TEXTFILE
            LOCATION 's3://%s/raw/sales/'
            TBLPROPERTIES ('skip.header.line.count'='1')""" % BUCKET)
        cls.wait_for(qid, "SUCCEEDED")

    @classmethod
    def start(cls, sql, database="sales_db", **kw):
        kw.setdefault("ResultConfiguration", {"OutputLocation": OUTPUT})
        return cls.athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": database},
            **kw)["QueryExecutionId"]

    @classmethod
    def wait_for(cls, qid, expected=None, timeout=120):
        deadline = time.time() + timeout
        while True:
            q = cls.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            state = q["Status"]["State"]
            if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
                break
            if time.time() > deadline:
                raise AssertionError("query %s still %s" % (qid, state))
            time.sleep(0.05)
        if expected and state != expected:
            raise AssertionError("query %s ended %s: %s" % (
                qid, state, q["Status"].get("StateChangeReason")))
        return q

    def rows(self, qid, page_size=1000):
        out, token = [], None
        while True:
            kw = {"QueryExecutionId": qid, "MaxResults": page_size}
            if token:
                kw["NextToken"] = token
            page = self.athena.get_query_results(**kw)
            out += [[d.get("VarCharValue") for d in r["Data"]] for r in page["ResultSet"]["Rows"]]
            token = page.get("NextToken")
            if not token:
                return out, page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]

    def run_query(self, sql, **kw):
        qid = self.start(sql, **kw)
        q = self.wait_for(qid, "SUCCEEDED")
        rows, info = self.rows(qid)
        return q, rows, info

    def test_seed_12_1_group_by_region_with_date_filter(self):
        q, rows, info = self.run_query("""
            SELECT
                region,
                SUM(sales_amount) as total_sales,
                AVG(sales_amount) as avg_sales,
                COUNT(*) as transaction_count
            FROM sales_data
            WHERE sales_date >= DATE '2024-01-01'
            GROUP BY region
            ORDER BY total_sales DESC;""")
        expected = {}
        for r in self.sales:
            if r["sales_date"] >= datetime.date(2024, 1, 1):
                e = expected.setdefault(r["region"], [0.0, 0])
                e[0] += r["sales_amount"]
                e[1] += 1
        self.assertEqual(rows[0], ["region", "total_sales", "avg_sales", "transaction_count"])
        self.assertEqual([c["Type"] for c in info], ["varchar", "double", "double", "bigint"])
        got = rows[1:]
        self.assertEqual(len(got), len(expected))
        self.assertEqual([g[0] for g in got],
                         sorted(expected, key=lambda k: -expected[k][0]))
        for region, total, avg, count in got:
            self.assertAlmostEqual(float(total), expected[region][0], places=4)
            self.assertAlmostEqual(float(avg), expected[region][0] / expected[region][1],
                                   places=6)
            self.assertEqual(int(count), expected[region][1])
        stats = q["Statistics"]
        self.assertGreater(stats["DataScannedInBytes"], 0)
        self.assertGreaterEqual(stats["TotalExecutionTimeInMillis"],
                                stats["EngineExecutionTimeInMillis"])
        self.assertEqual(q["StatementType"], "DML")

        # The result CSV in S3 is Athena's: header, every field quoted, one line per row.
        out = q["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(out, OUTPUT + q["QueryExecutionId"] + ".csv")
        key = out[len("s3://%s/" % BUCKET):]
        body = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        lines = body.split("\n")
        self.assertEqual(lines[0], '"region","total_sales","avg_sales","transaction_count"')
        self.assertEqual(lines[1], ",".join('"%s"' % v for v in got[0]))
        self.assertEqual(body[-1], "\n")
        self.assertEqual(list(csv.reader(io.StringIO(body)))[1:], got)
        meta = self.s3.get_object(Bucket=BUCKET, Key=key + ".metadata")["Body"].read()
        self.assertIn(b"transaction_count", meta)
        self.assertIn(b"bigint", meta)

    def test_paging_through_5000_rows(self):
        qid = self.start("SELECT order_id, region, sales_amount FROM sales_data ORDER BY order_id")
        self.wait_for(qid, "SUCCEEDED")
        first = self.athena.get_query_results(QueryExecutionId=qid, MaxResults=1000)
        self.assertEqual(len(first["ResultSet"]["Rows"]), 1000)  # header + 999 rows
        rows, _ = self.rows(qid, page_size=700)
        self.assertEqual(rows[0], ["order_id", "region", "sales_amount"])
        self.assertEqual(len(rows), 5001)
        self.assertEqual([int(r[0]) for r in rows[1:]], list(range(1, 5001)))
        self.assertEqual([r[1] for r in rows[1:]], [s["region"] for s in self.sales])
        # boto3's paginator walks the same pages.
        pages = self.athena.get_paginator("get_query_results").paginate(
            QueryExecutionId=qid, PaginationConfig={"PageSize": 1000})
        self.assertEqual(sum(len(p["ResultSet"]["Rows"]) for p in pages), 5001)
        self.assertAwsError("InvalidRequestException", self.athena.get_query_results,
                            QueryExecutionId=qid, NextToken="bogus!")

    def test_ctas_partitioned_parquet_prunes_partitions(self):
        q, _, _ = self.run_query("""
            CREATE TABLE sales_by_region
            WITH (format = 'PARQUET', write_compression = 'SNAPPY',
                  external_location = 's3://%s/curated/sales_by_region/',
                  partitioned_by = ARRAY['region'])
            AS SELECT order_id, product, sales_amount, sales_date, region FROM sales_data""" %
                                 BUCKET)
        table = self.glue.get_table(DatabaseName="sales_db", Name="sales_by_region")["Table"]
        self.assertEqual(table["PartitionKeys"], [{"Name": "region", "Type": "string"}])
        self.assertIn("Parquet", table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"])
        parts = self.glue.get_partitions(DatabaseName="sales_db",
                                         TableName="sales_by_region")["Partitions"]
        self.assertEqual(sorted(p["Values"][0] for p in parts), sorted(REGIONS))
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="curated/sales_by_region/")
        self.assertTrue(all(o["Key"].endswith(".parquet") for o in listed["Contents"]))

        q_all, rows_all, _ = self.run_query(
            "SELECT COUNT(*), SUM(sales_amount) FROM sales_by_region")
        q_one, rows_one, _ = self.run_query(
            "SELECT COUNT(*), SUM(sales_amount) FROM sales_by_region WHERE region = '東京'")
        tokyo = [r for r in self.sales if r["region"] == "東京"]
        self.assertEqual(int(rows_all[1][0]), 5000)
        self.assertAlmostEqual(float(rows_all[1][1]), sum(r["sales_amount"] for r in self.sales),
                               places=3)
        self.assertEqual(int(rows_one[1][0]), len(tokyo))
        self.assertAlmostEqual(float(rows_one[1][1]), sum(r["sales_amount"] for r in tokyo),
                               places=3)
        scanned_all = q_all["Statistics"]["DataScannedInBytes"]
        scanned_one = q_one["Statistics"]["DataScannedInBytes"]
        self.assertGreater(scanned_one, 0)
        self.assertLess(scanned_one, scanned_all * 0.5)

        _, rows, _ = self.run_query("SHOW PARTITIONS sales_by_region")
        self.assertEqual(sorted(r[0] for r in rows), sorted("region=" + r for r in REGIONS))

    def test_ddl_show_describe_msck(self):
        for region in ("east", "west"):
            self.s3.put_object(Bucket=BUCKET, Key="events/region=%s/data.json" % region,
                               Body=b'{"id": 1, "name": "a"}\n{"id": 2, "name": "b"}\n')
        self.run_query("""CREATE EXTERNAL TABLE events (id int, name string)
                          PARTITIONED BY (region string)
                          ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
                          LOCATION 's3://%s/events/'""" % BUCKET)
        _, rows, _ = self.run_query("SELECT COUNT(*) FROM events")
        self.assertEqual(rows[1], ["0"])
        q, rows, _ = self.run_query("MSCK REPAIR TABLE events")
        self.assertEqual(q["StatementType"], "DDL")
        self.assertTrue(q["ResultConfiguration"]["OutputLocation"].endswith(".txt"))
        self.assertIn("Repair: Added partition to metastore events:region=east",
                      [r[0] for r in rows])
        _, rows, _ = self.run_query("SELECT region, COUNT(*) FROM events GROUP BY 1 ORDER BY 1")
        self.assertEqual(rows[1:], [["east", "2"], ["west", "2"]])
        _, rows, _ = self.run_query("SHOW TABLES")
        self.assertIn(["events"], rows)
        self.assertIn(["sales_data"], rows)
        q, rows, info = self.run_query("DESCRIBE events")
        self.assertEqual(q["StatementType"], "UTILITY")
        self.assertEqual(rows[0][0].split("\t")[0].strip(), "id")
        self.run_query("ALTER TABLE events DROP PARTITION (region='west')")
        _, rows, _ = self.run_query("SELECT COUNT(*) FROM events")
        self.assertEqual(rows[1], ["2"])
        meta = self.athena.get_table_metadata(CatalogName="AwsDataCatalog",
                                              DatabaseName="sales_db",
                                              TableName="events")["TableMetadata"]
        self.assertEqual([c["Name"] for c in meta["PartitionKeys"]], ["region"])
        self.run_query("DROP TABLE events")
        self.assertAwsError("EntityNotFoundException", self.glue.get_table,
                            DatabaseName="sales_db", Name="events")

    def test_bad_input(self):
        qid = self.start("SELECT region\nFROM sales_data\nWHERE WHERE x")
        q = self.wait_for(qid, "FAILED")
        reason = q["Status"]["StateChangeReason"]
        self.assertIn("line 3:7", reason)
        self.assertAwsError("InvalidRequestException", self.athena.get_query_results,
                            QueryExecutionId=qid)
        qid = self.start("SELECT * FROM no_such_table")
        q = self.wait_for(qid, "FAILED")
        self.assertIn("no_such_table", q["Status"]["StateChangeReason"])
        # A table over a prefix with no objects has no rows.
        self.run_query("CREATE EXTERNAL TABLE empty_t (a int) LOCATION 's3://%s/nothing/here/'"
                       % BUCKET)
        _, rows, _ = self.run_query("SELECT COUNT(*) FROM empty_t")
        self.assertEqual(rows[1], ["0"])
        self.assertAwsError("InvalidRequestException", self.athena.start_query_execution,
                            QueryString="SELECT 1", ResultConfiguration={})
        self.assertAwsError("InvalidRequestException", self.athena.get_query_execution,
                            QueryExecutionId="00000000-0000-0000-0000-000000000000")

    def test_workgroups_enforce_output_and_cutoff(self):
        self.athena.create_work_group(Name="analysts", Configuration={
            "ResultConfiguration": {"OutputLocation": "s3://%s/wg-results/" % BUCKET},
            "EnforceWorkGroupConfiguration": True,
            "BytesScannedCutoffPerQuery": 10000000})
        wg = self.athena.get_work_group(WorkGroup="analysts")["WorkGroup"]
        self.assertEqual(wg["State"], "ENABLED")
        self.assertTrue(wg["Configuration"]["EnforceWorkGroupConfiguration"])
        qid = self.start("SELECT COUNT(*) FROM sales_data", WorkGroup="analysts")
        q = self.wait_for(qid, "SUCCEEDED")
        self.assertTrue(q["ResultConfiguration"]["OutputLocation"].startswith(
            "s3://%s/wg-results/" % BUCKET))
        self.assertEqual(q["WorkGroup"], "analysts")
        self.assertEqual(self.athena.list_query_executions(WorkGroup="analysts")
                         ["QueryExecutionIds"], [qid])
        got = self.athena.batch_get_query_execution(QueryExecutionIds=[qid, "missing-id"])
        self.assertEqual([x["QueryExecutionId"] for x in got["QueryExecutions"]], [qid])
        self.assertEqual(len(got["UnprocessedQueryExecutionIds"]), 1)
        # The cutoff's model minimum (10 MB) is more than this data set; the query runner's
        # unit test covers a query that crosses it.
        self.athena.update_work_group(WorkGroup="analysts", Description="team",
                                      ConfigurationUpdates={
            "BytesScannedCutoffPerQuery": 20000000,
            "ResultConfigurationUpdates": {"OutputLocation": "s3://%s/wg2/" % BUCKET}})
        wg = self.athena.get_work_group(WorkGroup="analysts")["WorkGroup"]
        self.assertEqual(wg["Configuration"]["BytesScannedCutoffPerQuery"], 20000000)
        self.assertEqual(wg["Description"], "team")
        qid = self.start("SELECT 1", WorkGroup="analysts")
        q = self.wait_for(qid, "SUCCEEDED")
        self.assertTrue(q["ResultConfiguration"]["OutputLocation"].startswith(
            "s3://%s/wg2/" % BUCKET))
        names = [w["Name"] for w in self.athena.list_work_groups()["WorkGroups"]]
        self.assertEqual(sorted(names), ["analysts", "primary"])
        self.athena.delete_work_group(WorkGroup="analysts", RecursiveDeleteOption=True)
        self.assertAwsError("InvalidRequestException", self.athena.get_work_group,
                            WorkGroup="analysts")

    def test_named_queries_and_catalogs(self):
        nid = self.athena.create_named_query(Name="regional", Database="sales_db",
                                             QueryString="SELECT 1")["NamedQueryId"]
        nq = self.athena.get_named_query(NamedQueryId=nid)["NamedQuery"]
        self.assertEqual(nq["QueryString"], "SELECT 1")
        self.assertIn(nid, self.athena.list_named_queries()["NamedQueryIds"])
        self.athena.delete_named_query(NamedQueryId=nid)
        self.assertAwsError("InvalidRequestException", self.athena.get_named_query,
                            NamedQueryId=nid)
        cats = self.athena.list_data_catalogs()["DataCatalogsSummary"]
        self.assertEqual(cats, [{"CatalogName": "AwsDataCatalog", "Type": "GLUE"}])
        dbs = [d["Name"] for d in self.athena.list_databases(
            CatalogName="AwsDataCatalog")["DatabaseList"]]
        self.assertIn("sales_db", dbs)
        self.assertIn("default", dbs)

    def test_malformed_files_fail_naming_file_and_offset(self):
        body = b"id,qty\n1,10\n2,abc\n3,30\n"
        self.s3.put_object(Bucket=BUCKET, Key="raw/typed/data.csv", Body=body)
        # OpenCSVSerde fails on a value that is not of the column's type...
        self.run_query("""CREATE EXTERNAL TABLE typed_open (id int, qty int)
                          ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
                          LOCATION 's3://%s/raw/typed/'
                          TBLPROPERTIES ('skip.header.line.count'='1')""" % BUCKET)
        q = self.wait_for(self.start("SELECT SUM(qty) FROM typed_open"), "FAILED")
        reason = q["Status"]["StateChangeReason"]
        self.assertTrue(reason.startswith(
            "HIVE_BAD_DATA: s3://%s/raw/typed/data.csv: line 3: Error parsing field value 'abc'"
            % BUCKET), reason)
        # ... LazySimpleSerDe reads it as NULL, as Hive does.
        self.run_query("""CREATE EXTERNAL TABLE typed_lazy (id int, qty int)
                          ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                          LOCATION 's3://%s/raw/typed/'
                          TBLPROPERTIES ('skip.header.line.count'='1')""" % BUCKET)
        _, rows, _ = self.run_query("SELECT COUNT(*), COUNT(qty), SUM(qty) FROM typed_lazy")
        self.assertEqual(rows[1], ["3", "2", "40"])

        # A Parquet file cut short fails naming its key and the offset where the footer's
        # magic bytes should be.
        self.run_query("""CREATE TABLE pq_good WITH (format = 'PARQUET',
                          external_location = 's3://%s/pq/good/')
                          AS SELECT order_id, sales_amount FROM sales_data""" % BUCKET)
        key = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="pq/good/")["Contents"][0]["Key"]
        data = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        cut = data[:len(data) // 2]
        self.s3.put_object(Bucket=BUCKET, Key="pq/cut/part-0.parquet", Body=cut)
        self.run_query("""CREATE EXTERNAL TABLE pq_cut (order_id bigint, sales_amount double)
                          STORED AS PARQUET LOCATION 's3://%s/pq/cut/'""" % BUCKET)
        q = self.wait_for(self.start("SELECT SUM(sales_amount) FROM pq_cut"), "FAILED")
        self.assertEqual(
            q["Status"]["StateChangeReason"],
            "HIVE_BAD_DATA: s3://%s/pq/cut/part-0.parquet: byte offset %d: Malformed Parquet "
            "file: magic bytes 'PAR1' missing at the end (the file is truncated or not Parquet)"
            % (BUCKET, len(cut) - 4))
        # Bytes overwritten inside the first page fail at that page's offset.
        broken = data[:4] + b"\xff" * 8 + data[12:]
        self.s3.put_object(Bucket=BUCKET, Key="pq/broken/part-0.parquet", Body=broken)
        self.run_query("""CREATE EXTERNAL TABLE pq_broken (order_id bigint, sales_amount double)
                          STORED AS PARQUET LOCATION 's3://%s/pq/broken/'""" % BUCKET)
        q = self.wait_for(self.start("SELECT SUM(order_id) FROM pq_broken"), "FAILED")
        self.assertTrue(q["Status"]["StateChangeReason"].startswith(
            "HIVE_BAD_DATA: s3://%s/pq/broken/part-0.parquet: byte offset 4: Malformed Parquet "
            "file: corrupt column chunk 'order_id'" % BUCKET), q["Status"]["StateChangeReason"])

    def test_query_time_authorization(self):
        account = self.server.client("sts").get_caller_identity()["Account"]
        iam = self.server.client("iam")
        self.s3.put_object(Bucket=BUCKET, Key="raw/private/p.csv", Body=b"1,secret\n")
        self.run_query("CREATE EXTERNAL TABLE secret_t (id int, v string) ROW FORMAT DELIMITED "
                       "FIELDS TERMINATED BY ',' LOCATION 's3://%s/raw/sales/'" % BUCKET)
        self.run_query("CREATE EXTERNAL TABLE private_t (id int, v string) ROW FORMAT DELIMITED "
                       "FIELDS TERMINATED BY ',' LOCATION 's3://%s/raw/private/'" % BUCKET)
        iam.create_user(UserName="analyst")
        secret_arn = "arn:aws:glue:us-east-1:%s:table/sales_db/secret_t" % account
        iam.put_user_policy(UserName="analyst", PolicyName="athena", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["athena:*", "glue:*", "s3:*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "glue:GetTable", "Resource": secret_arn},
                {"Effect": "Deny", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::%s/raw/private/*" % BUCKET}]}))
        key = iam.create_access_key(UserName="analyst")["AccessKey"]
        athena = self.server.client("athena", key=key["AccessKeyId"],
                                    secret=key["SecretAccessKey"])

        def run(sql):
            qid = athena.start_query_execution(
                QueryString=sql, QueryExecutionContext={"Database": "sales_db"},
                ResultConfiguration={"OutputLocation": OUTPUT})["QueryExecutionId"]
            return self.wait_for(qid)

        q = run("SELECT COUNT(*) FROM sales_data")
        self.assertEqual(q["Status"]["State"], "SUCCEEDED", q["Status"].get("StateChangeReason"))
        q = run("SELECT COUNT(*) FROM secret_t")
        self.assertEqual(q["Status"]["State"], "FAILED")
        user_arn = "arn:aws:iam::%s:user/analyst" % account
        self.assertEqual(
            q["Status"]["StateChangeReason"],
            "PERMISSION_DENIED: Insufficient permissions to execute the query. User: %s is not "
            "authorized to perform: glue:GetTable on resource: %s because explicit deny in an "
            "identity-based policy (statement #2)" % (user_arn, secret_arn))
        q = run("SELECT * FROM private_t")
        self.assertEqual(q["Status"]["State"], "FAILED")
        reason = q["Status"]["StateChangeReason"]
        self.assertIn("s3:GetObject on resource: arn:aws:s3:::%s/raw/private/p.csv" % BUCKET,
                      reason)
        self.assertTrue(reason.startswith("PERMISSION_DENIED: "), reason)
        # Results are written with the caller's permissions too.
        iam.put_user_policy(UserName="analyst", PolicyName="no-results", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "s3:PutObject",
                           "Resource": "arn:aws:s3:::%s/athena-results/*" % BUCKET}]}))
        q = run("SELECT 1")
        self.assertEqual(q["Status"]["State"], "FAILED")
        self.assertIn("s3:PutObject on resource: arn:aws:s3:::%s/athena-results/" % BUCKET,
                      q["Status"]["StateChangeReason"])

    def test_runtime_statistics_and_execution_parameters(self):
        qid = self.start("SELECT COUNT(*), SUM(order_id) FROM sales_data "
                         "WHERE region = ? AND order_id > ? -- not a placeholder: ?",
                         ExecutionParameters=["'東京'", "100"])
        q = self.wait_for(qid, "SUCCEEDED")
        rows, _ = self.rows(qid)
        picked = [r["order_id"] for r in self.sales
                  if r["region"] == "東京" and r["order_id"] > 100]
        self.assertEqual(rows[1], [str(len(picked)), str(sum(picked))])
        self.assertEqual(q["ExecutionParameters"], ["'東京'", "100"])
        stats = self.athena.get_query_runtime_statistics(QueryExecutionId=qid)[
            "QueryRuntimeStatistics"]
        self.assertEqual(stats["Rows"]["InputRows"], 5000)
        self.assertEqual(stats["Rows"]["InputBytes"], q["Statistics"]["DataScannedInBytes"])
        self.assertGreater(stats["Rows"]["InputBytes"], 0)
        self.assertEqual(stats["Rows"]["OutputRows"], 1)
        csv_key = q["ResultConfiguration"]["OutputLocation"].split("/", 3)[3]
        size = self.s3.head_object(Bucket=BUCKET, Key=csv_key)["ContentLength"]
        self.assertEqual(stats["Rows"]["OutputBytes"], size)
        self.assertEqual(stats["Timeline"]["EngineExecutionTimeInMillis"],
                         q["Statistics"]["EngineExecutionTimeInMillis"])
        self.assertEqual(stats["Timeline"]["TotalExecutionTimeInMillis"],
                         q["Statistics"]["TotalExecutionTimeInMillis"])
        q = self.wait_for(self.start("SELECT ? + ?", ExecutionParameters=["1"]), "FAILED")
        self.assertEqual(q["Status"]["StateChangeReason"],
                         "INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected 2 "
                         "but found 1")

    def test_cli_start_and_get_results(self):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=harness.ROOT_KEY,
                   AWS_SECRET_ACCESS_KEY=harness.ROOT_SECRET, AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")

        def cli(*args):
            out = subprocess.run(["aws", "--endpoint-url", self.server.endpoint, "--output",
                                  "json", "athena"] + list(args), env=env, capture_output=True,
                                 text=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            return json.loads(out.stdout)

        qid = cli("start-query-execution", "--query-string",
                  "SELECT region, COUNT(*) AS n FROM sales_data GROUP BY region ORDER BY region",
                  "--query-execution-context", "Database=sales_db",
                  "--result-configuration", "OutputLocation=" + OUTPUT)["QueryExecutionId"]
        self.wait_for(qid, "SUCCEEDED")
        res = cli("get-query-results", "--query-execution-id", qid)
        rows = [[d.get("VarCharValue") for d in r["Data"]] for r in res["ResultSet"]["Rows"]]
        counts = {}
        for r in self.sales:
            counts[r["region"]] = counts.get(r["region"], 0) + 1
        self.assertEqual(rows[0], ["region", "n"])
        self.assertEqual({r[0]: int(r[1]) for r in rows[1:]}, counts)


if __name__ == "__main__":
    unittest.main()
