"""The Glue Data Catalog through boto3: databases, tables with their storage descriptors and
versions, partitions with the GetPartitions expression language, batch operations, errors."""
import os
import subprocess
import json
import unittest

import harness


def columns(*pairs):
    return [{"Name": n, "Type": t} for n, t in pairs]


def csv_table(name, location, partition_keys=()):
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "PartitionKeys": columns(*partition_keys),
        "StorageDescriptor": {
            "Columns": columns(("order_id", "bigint"), ("region", "string"),
                               ("sales_amount", "double"), ("sales_date", "date")),
            "Location": location,
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "Compressed": False,
            "SerdeInfo": {
                "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                "Parameters": {"field.delim": ",", "serialization.format": ","},
            },
        },
    }


class GlueCatalogTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.glue = cls.server.client("glue")

    def test_database_lifecycle(self):
        self.glue.create_database(DatabaseInput={
            "Name": "Sales_DB", "Description": "売上データ",
            "Parameters": {"owner": "analytics"}})
        db = self.glue.get_database(Name="sales_db")["Database"]
        self.assertEqual(db["Name"], "sales_db")
        self.assertEqual(db["Description"], "売上データ")
        self.assertEqual(db["Parameters"], {"owner": "analytics"})
        self.assertEqual(db["CatalogId"], self.server.account_id)
        self.assertIn("CreateTime", db)
        self.assertAwsError("AlreadyExistsException", self.glue.create_database,
                            DatabaseInput={"Name": "sales_db"})
        self.glue.update_database(Name="sales_db", DatabaseInput={
            "Name": "sales_db", "Description": "updated"})
        self.assertEqual(self.glue.get_database(Name="SALES_DB")["Database"]["Description"],
                         "updated")
        names = [d["Name"] for d in self.glue.get_databases()["DatabaseList"]]
        self.assertIn("sales_db", names)
        self.glue.delete_database(Name="sales_db")
        self.assertAwsError("EntityNotFoundException", self.glue.get_database, Name="sales_db")
        self.assertAwsError("EntityNotFoundException", self.glue.delete_database,
                            Name="sales_db")

    def test_database_paging(self):
        for i in range(7):
            self.glue.create_database(DatabaseInput={"Name": "page_db_%d" % i})
        seen, token = [], None
        while True:
            kw = {"MaxResults": 3}
            if token:
                kw["NextToken"] = token
            out = self.glue.get_databases(**kw)
            self.assertLessEqual(len(out["DatabaseList"]), 3)
            seen += [d["Name"] for d in out["DatabaseList"]]
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual([n for n in seen if n.startswith("page_db_")],
                         ["page_db_%d" % i for i in range(7)])
        paginator = self.glue.get_paginator("get_databases")
        all_names = [d["Name"] for p in paginator.paginate(PaginationConfig={"PageSize": 2})
                     for d in p["DatabaseList"]]
        self.assertEqual(sorted(all_names), sorted(set(seen)))

    def test_table_round_trip_and_versions(self):
        self.glue.create_database(DatabaseInput={"Name": "tables_db"})
        self.glue.create_table(DatabaseName="tables_db",
                               TableInput=csv_table("Orders", "s3://bucket/orders/"))
        t = self.glue.get_table(DatabaseName="tables_db", Name="orders")["Table"]
        self.assertEqual(t["Name"], "orders")
        self.assertEqual(t["DatabaseName"], "tables_db")
        self.assertEqual(t["TableType"], "EXTERNAL_TABLE")
        self.assertEqual(t["Parameters"]["skip.header.line.count"], "1")
        sd = t["StorageDescriptor"]
        self.assertEqual([c["Name"] for c in sd["Columns"]],
                         ["order_id", "region", "sales_amount", "sales_date"])
        self.assertEqual(sd["Location"], "s3://bucket/orders/")
        self.assertEqual(sd["SerdeInfo"]["Parameters"]["field.delim"], ",")
        self.assertFalse(sd["Compressed"])
        first_version = t["VersionId"]

        updated = csv_table("orders", "s3://bucket/orders-v2/")
        self.glue.update_table(DatabaseName="tables_db", TableInput=updated)
        t2 = self.glue.get_table(DatabaseName="tables_db", Name="orders")["Table"]
        self.assertEqual(t2["StorageDescriptor"]["Location"], "s3://bucket/orders-v2/")
        self.assertNotEqual(t2["VersionId"], first_version)
        versions = self.glue.get_table_versions(DatabaseName="tables_db",
                                                TableName="orders")["TableVersions"]
        self.assertEqual(len(versions), 2)
        locations = {v["VersionId"]: v["Table"]["StorageDescriptor"]["Location"]
                     for v in versions}
        self.assertEqual(locations[first_version], "s3://bucket/orders/")
        old = self.glue.get_table_version(DatabaseName="tables_db", TableName="orders",
                                          VersionId=first_version)["TableVersion"]
        self.assertEqual(old["Table"]["StorageDescriptor"]["Location"], "s3://bucket/orders/")

        # An update naming a stale version loses.
        self.assertAwsError("ConcurrentModificationException", self.glue.update_table,
                            DatabaseName="tables_db", VersionId=first_version,
                            TableInput=csv_table("orders", "s3://bucket/x/"))

        self.glue.create_table(DatabaseName="tables_db",
                               TableInput=csv_table("customers", "s3://bucket/c/"))
        self.glue.create_table(DatabaseName="tables_db",
                               TableInput=csv_table("order_lines", "s3://bucket/l/"))
        names = [x["Name"] for x in self.glue.get_tables(DatabaseName="tables_db",
                                                         Expression="order*")["TableList"]]
        self.assertEqual(names, ["order_lines", "orders"])
        names = [x["Name"] for x in self.glue.get_tables(
            DatabaseName="tables_db", Expression="customers|orders")["TableList"]]
        self.assertEqual(names, ["customers", "orders"])
        out = self.glue.batch_delete_table(DatabaseName="tables_db",
                                           TablesToDelete=["customers", "missing"])
        self.assertEqual([e["TableName"] for e in out["Errors"]], ["missing"])
        self.assertEqual(out["Errors"][0]["ErrorDetail"]["ErrorCode"],
                         "EntityNotFoundException")
        self.assertAwsError("EntityNotFoundException", self.glue.get_table,
                            DatabaseName="tables_db", Name="customers")
        self.assertAwsError("EntityNotFoundException", self.glue.create_table,
                            DatabaseName="no_such_db", TableInput=csv_table("t", "s3://b/t/"))

    def test_partitions_with_expressions(self):
        self.glue.create_database(DatabaseInput={"Name": "part_db"})
        self.glue.create_table(DatabaseName="part_db", TableInput=csv_table(
            "events", "s3://bucket/events/", partition_keys=(("year", "string"),
                                                            ("month", "string"))))
        inputs = []
        for year in ("2023", "2024"):
            for month in ("01", "02", "03", "04"):
                inputs.append({"Values": [year, month], "StorageDescriptor": {
                    "Location": "s3://bucket/events/year=%s/month=%s/" % (year, month)}})
        out = self.glue.batch_create_partition(DatabaseName="part_db", TableName="events",
                                               PartitionInputList=inputs)
        self.assertEqual(out.get("Errors", []), [])
        out = self.glue.batch_create_partition(DatabaseName="part_db", TableName="events",
                                               PartitionInputList=inputs[:1])
        self.assertEqual(out["Errors"][0]["ErrorDetail"]["ErrorCode"], "AlreadyExistsException")

        def values(expr):
            parts = self.glue.get_partitions(DatabaseName="part_db", TableName="events",
                                             Expression=expr)["Partitions"]
            return sorted(tuple(p["Values"]) for p in parts)

        self.assertEqual(values("year = '2024' AND month > '02'"),
                         [("2024", "03"), ("2024", "04")])
        self.assertEqual(values("month IN ('01', '04') AND year <> '2023'"),
                         [("2024", "01"), ("2024", "04")])
        self.assertEqual(values("month BETWEEN '02' AND '03' AND year = '2023'"),
                         [("2023", "02"), ("2023", "03")])
        self.assertEqual(values("year LIKE '202%' AND month = '01'"),
                         [("2023", "01"), ("2024", "01")])
        self.assertEqual(len(values("")), 8)
        self.assertAwsError("InvalidInputException", self.glue.get_partitions,
                            DatabaseName="part_db", TableName="events",
                            Expression="year = = '2024'")

        p = self.glue.get_partition(DatabaseName="part_db", TableName="events",
                                    PartitionValues=["2024", "03"])["Partition"]
        self.assertEqual(p["StorageDescriptor"]["Location"],
                         "s3://bucket/events/year=2024/month=03/")
        self.assertEqual(p["TableName"], "events")
        got = self.glue.batch_get_partition(DatabaseName="part_db", TableName="events",
                                            PartitionsToGet=[{"Values": ["2023", "01"]},
                                                             {"Values": ["2030", "01"]}])
        self.assertEqual([x["Values"] for x in got["Partitions"]], [["2023", "01"]])

        self.glue.update_partition(DatabaseName="part_db", TableName="events",
                                   PartitionValueList=["2024", "03"],
                                   PartitionInput={"Values": ["2024", "03"], "StorageDescriptor": {
                                       "Location": "s3://bucket/moved/"}})
        p = self.glue.get_partition(DatabaseName="part_db", TableName="events",
                                    PartitionValues=["2024", "03"])["Partition"]
        self.assertEqual(p["StorageDescriptor"]["Location"], "s3://bucket/moved/")

        # Paging with MaxResults visits each partition once.
        seen, token = [], None
        while True:
            kw = {"MaxResults": 3}
            if token:
                kw["NextToken"] = token
            out = self.glue.get_partitions(DatabaseName="part_db", TableName="events", **kw)
            seen += [tuple(x["Values"]) for x in out["Partitions"]]
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(len(seen), 8)
        self.assertEqual(len(set(seen)), 8)

        out = self.glue.batch_delete_partition(
            DatabaseName="part_db", TableName="events",
            PartitionsToDelete=[{"Values": ["2023", "01"]}, {"Values": ["1999", "01"]}])
        self.assertEqual([e["PartitionValues"] for e in out["Errors"]], [["1999", "01"]])
        self.glue.delete_partition(DatabaseName="part_db", TableName="events",
                                   PartitionValues=["2023", "02"])
        self.assertEqual(len(values("")), 6)
        self.assertAwsError("EntityNotFoundException", self.glue.get_partition,
                            DatabaseName="part_db", TableName="events",
                            PartitionValues=["2023", "02"])

    def test_japanese_partition_values(self):
        self.glue.create_database(DatabaseInput={"Name": "jp_db"})
        self.glue.create_table(DatabaseName="jp_db", TableInput=csv_table(
            "sales", "s3://bucket/sales/", partition_keys=(("region", "string"),)))
        for region in ("東京", "大阪", "名古屋", "福岡"):
            self.glue.create_partition(DatabaseName="jp_db", TableName="sales", PartitionInput={
                "Values": [region],
                "StorageDescriptor": {"Location": "s3://bucket/sales/region=%s/" % region}})
        parts = self.glue.get_partitions(DatabaseName="jp_db", TableName="sales",
                                         Expression="region IN ('東京', '大阪')")["Partitions"]
        self.assertEqual(sorted(p["Values"][0] for p in parts), sorted(["東京", "大阪"]))

    def test_bad_input(self):
        # The model's constraints are checked before the handler runs, as AWS does.
        self.assertAwsError("ValidationException", self.glue.create_database,
                            DatabaseInput={"Name": "x" * 300})
        self.assertAwsError("EntityNotFoundException", self.glue.get_database,
                            CatalogId="999999999999", Name="default")
        self.assertAwsError("InvalidInputException", self.glue.get_databases,
                            NextToken="%%%not-a-token")

    def test_cli_lists_tables(self):
        self.glue.create_database(DatabaseInput={"Name": "cli_db"})
        self.glue.create_table(DatabaseName="cli_db",
                               TableInput=csv_table("t1", "s3://bucket/t1/"))
        env = dict(os.environ, AWS_ACCESS_KEY_ID=harness.ROOT_KEY,
                   AWS_SECRET_ACCESS_KEY=harness.ROOT_SECRET, AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        out = subprocess.run(["aws", "--endpoint-url", self.server.endpoint, "--output", "json",
                              "glue", "get-tables", "--database-name", "cli_db"],
                             env=env, capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        tables = json.loads(out.stdout)["TableList"]
        self.assertEqual([t["Name"] for t in tables], ["t1"])
        self.assertEqual(tables[0]["StorageDescriptor"]["Columns"][3],
                         {"Name": "sales_date", "Type": "date"})


if __name__ == "__main__":
    unittest.main()
