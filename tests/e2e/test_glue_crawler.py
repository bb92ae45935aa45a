"""Glue crawlers through boto3: the seed's §10.1 customers dataset as partitioned Parquet
(written with Athena UNLOAD), a crawler that finds it, and Athena queries over the crawled
table checked against the numbers computed here. A crawl acts as the crawler's role."""
import time
import unittest

import glue_roles
import harness

BUCKET = "crawl-bucket"
REGIONS = {0: "東京", 1: "大阪", 2: "名古屋", 3: "福岡"}


class GlueCrawlerTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.glue = cls.server.client("glue")
        cls.athena = cls.server.client("athena")
        cls.iam = cls.server.client("iam")
        cls.role = glue_roles.create_role(cls.iam, "GlueCrawler")
        cls.s3.create_bucket(Bucket=BUCKET)
        # The seed's sample data (§10.1): 1,000 customers.
        cls.customers = [{"customer_id": i, "name": "顧客_%d" % i, "age": 20 + i % 50,
                          "purchase_amount": 1000 + i * 10, "region": REGIONS[i % 4]}
                         for i in range(1, 1001)]
        lines = ["customer_id,name,age,purchase_amount,region"]
        lines += ["%d,%s,%d,%d,%s" % (c["customer_id"], c["name"], c["age"],
                                      c["purchase_amount"], c["region"]) for c in cls.customers]
        cls.s3.put_object(Bucket=BUCKET, Key="staging/customers.csv",
                          Body=("\n".join(lines) + "\n").encode())
        cls.query("""CREATE EXTERNAL TABLE staging_customers (customer_id bigint, name string,
                       age bigint, purchase_amount bigint, region string)
                     ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                     LOCATION 's3://%s/staging/'
                     TBLPROPERTIES ('skip.header.line.count'='1')""" % BUCKET)
        cls.query("""UNLOAD (SELECT customer_id, name, age, purchase_amount, region
                             FROM staging_customers)
                     TO 's3://%s/sample-data/customers/'
                     WITH (format = 'PARQUET', partitioned_by = ARRAY['region'])""" % BUCKET)
        cls.glue.create_database(DatabaseInput={"Name": "sample_db"})

    @classmethod
    def query(cls, sql, database="default"):
        qid = cls.athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": database},
            ResultConfiguration={"OutputLocation": "s3://%s/results/" % BUCKET})[
                "QueryExecutionId"]
        while True:
            q = cls.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            if q["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                break
            time.sleep(0.05)
        if q["Status"]["State"] != "SUCCEEDED":
            raise AssertionError(q["Status"].get("StateChangeReason"))
        rows = cls.athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
        return [[d.get("VarCharValue") for d in r["Data"]] for r in rows]

    def wait_ready(self, name):
        deadline = time.time() + 60
        while time.time() < deadline:
            c = self.glue.get_crawler(Name=name)["Crawler"]
            if c["State"] == "READY":
                return c
            time.sleep(0.1)
        raise AssertionError("crawler did not finish")

    def test_crawler_finds_partitioned_parquet(self):
        self.glue.create_crawler(
            Name="customers-crawler", Role=self.role,
            DatabaseName="sample_db",
            Targets={"S3Targets": [{"Path": "s3://%s/sample-data/" % BUCKET}]})
        self.assertEqual(self.glue.get_crawler(Name="customers-crawler")["Crawler"]["State"],
                         "READY")
        self.glue.start_crawler(Name="customers-crawler")
        crawler = self.wait_ready("customers-crawler")
        self.assertEqual(crawler["LastCrawl"]["Status"], "SUCCEEDED")
        metrics = self.glue.get_crawler_metrics(
            CrawlerNameList=["customers-crawler"])["CrawlerMetricsList"][0]
        self.assertEqual(metrics["TablesCreated"], 1)

        table = self.glue.get_table(DatabaseName="sample_db", Name="customers")["Table"]
        self.assertEqual(table["Parameters"]["classification"], "parquet")
        self.assertEqual(table["PartitionKeys"], [{"Name": "region", "Type": "string"}])
        self.assertEqual([(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]],
                         [("customer_id", "bigint"), ("name", "string"), ("age", "bigint"),
                          ("purchase_amount", "bigint")])
        parts = self.glue.get_partitions(DatabaseName="sample_db",
                                         TableName="customers")["Partitions"]
        self.assertEqual(sorted(p["Values"][0] for p in parts), sorted(REGIONS.values()))

        rows = self.query("SELECT region, COUNT(*), SUM(purchase_amount), AVG(age) "
                          "FROM customers GROUP BY region ORDER BY region", "sample_db")
        expected = {}
        for c in self.customers:
            e = expected.setdefault(c["region"], [0, 0, 0])
            e[0] += 1
            e[1] += c["purchase_amount"]
            e[2] += c["age"]
        self.assertEqual(len(rows) - 1, 4)
        for region, count, total, avg_age in rows[1:]:
            self.assertEqual(int(count), expected[region][0])
            self.assertEqual(int(total), expected[region][1])
            self.assertAlmostEqual(float(avg_age), expected[region][2] / expected[region][0])

        # A second run finds nothing new.
        self.glue.start_crawler(Name="customers-crawler")
        self.wait_ready("customers-crawler")
        metrics = self.glue.get_crawler_metrics(
            CrawlerNameList=["customers-crawler"])["CrawlerMetricsList"][0]
        self.assertEqual(metrics["TablesCreated"], 0)
        self.assertEqual(metrics["TablesUpdated"], 0)
        self.assertIn("customers-crawler", self.glue.list_crawlers()["CrawlerNames"])
        self.assertAwsError("CrawlerNotRunningException", self.glue.stop_crawler,
                            Name="customers-crawler")
        self.glue.delete_crawler(Name="customers-crawler")
        self.assertAwsError("EntityNotFoundException", self.glue.get_crawler,
                            Name="customers-crawler")

    def test_a_crawl_reads_and_changes_the_catalog_as_the_crawlers_role(self):
        self.glue.create_database(DatabaseInput={"Name": "role_db"})
        target = {"S3Targets": [{"Path": "s3://%s/sample-data/" % BUCKET}]}
        # A role that may not read the data: the crawl fails naming what was denied.
        glue_roles.create_role(self.iam, "CrawlerNoRead", [
            {"Effect": "Allow", "Action": ["s3:*", "glue:*"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::%s/sample-data/*" % BUCKET}])
        self.glue.create_crawler(Name="no-read", Role="CrawlerNoRead", DatabaseName="role_db",
                                 Targets=target)
        self.glue.start_crawler(Name="no-read")
        crawl = self.wait_ready("no-read")["LastCrawl"]
        self.assertEqual(crawl["Status"], "FAILED")
        self.assertIn("assumed-role/CrawlerNoRead/", crawl["ErrorMessage"])
        self.assertIn("s3:GetObject", crawl["ErrorMessage"])
        # A role that may read but not create tables: nothing lands in the catalog.
        glue_roles.create_role(self.iam, "CrawlerNoCatalog", [
            {"Effect": "Allow", "Action": ["s3:*", "glue:Get*"], "Resource": "*"}])
        self.glue.update_crawler(Name="no-read", Role="CrawlerNoCatalog")
        self.glue.start_crawler(Name="no-read")
        crawl = self.wait_ready("no-read")["LastCrawl"]
        self.assertEqual(crawl["Status"], "FAILED")
        self.assertIn("glue:CreateTable on resource: arn:aws:glue:", crawl["ErrorMessage"])
        self.assertEqual(self.glue.get_tables(DatabaseName="role_db")["TableList"], [])
        # With the full role the same crawler creates the table and its partitions.
        self.glue.update_crawler(Name="no-read", Role=self.role)
        self.glue.start_crawler(Name="no-read")
        self.assertEqual(self.wait_ready("no-read")["LastCrawl"]["Status"], "SUCCEEDED")
        parts = self.glue.get_partitions(DatabaseName="role_db", TableName="customers")
        self.assertEqual(len(parts["Partitions"]), len(REGIONS))

    def test_setting_a_crawlers_role_needs_pass_role(self):
        glue = glue_roles.glue_user(self.server, self.iam, "crawl-dev")
        args = {"Name": "dev-crawler", "Role": self.role, "DatabaseName": "sample_db",
                "Targets": {"S3Targets": [{"Path": "s3://%s/sample-data/" % BUCKET}]}}
        err = self.assertAwsError("AccessDeniedException", glue.create_crawler, **args)
        self.assertIn("iam:PassRole", str(err))
        self.assertNotIn("dev-crawler", glue.list_crawlers()["CrawlerNames"])
        glue_roles.allow_pass_role(self.iam, "crawl-dev", self.role)
        glue.create_crawler(**args)
        self.assertEqual(glue.get_crawler(Name="dev-crawler")["Crawler"]["Role"], self.role)

    def test_bad_crawler_input(self):
        self.assertAwsError("EntityNotFoundException", self.glue.create_crawler,
                            Name="c2", Role="r", DatabaseName="no_such_db",
                            Targets={"S3Targets": [{"Path": "s3://%s/x/" % BUCKET}]})
        self.assertAwsError("EntityNotFoundException", self.glue.start_crawler, Name="nope")


if __name__ == "__main__":
    unittest.main()
