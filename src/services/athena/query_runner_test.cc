#include "services/athena/query_runner.h"

#include <gtest/gtest.h>

#include "engines/sql/common/error.h"
#include "engines/storage/storage_error.h"
#include "services/glue/glue_test_util.h"
#include "services/glue/table_format.h"

namespace athena {
namespace {

class QueryRunnerTest : public glue::testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    catalog_->CreateDatabase({{"Name", "default"}});
    runner_ = std::make_unique<QueryRunner>(*catalog_, fs_);
    Put("sales/part-1.csv",
        "order_id,region,sales_amount,sales_date\n"
        "1,東京,100.5,2024-01-05\n"
        "2,大阪,200,2023-12-31\n"
        "3,東京,50,2024-02-01\n"
        "4,福岡,75.25,2024-03-01\n");
    Run("CREATE EXTERNAL TABLE sales (order_id bigint, region string, sales_amount double, "
        "sales_date date) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        "LOCATION 's3://data/sales/' TBLPROPERTIES ('skip.header.line.count'='1')");
  }
  void TearDown() override {
    runner_.reset();
    StoreFixture::TearDown();
  }

  QueryOutcome Run(const std::string& sql, const std::string& id = "q",
                   std::vector<std::string> parameters = {}) {
    QueryRequest r;
    r.query_id = id;
    r.sql = sql;
    r.parameters = std::move(parameters);
    r.output_location = "s3://data/results/";
    r.cancel = std::make_shared<std::atomic<bool>>(false);
    return runner_->Run(r);
  }

  static std::string Rows(const ResultSet& rs) {
    std::string out;
    for (const ResultRow& row : rs.rows) {
      for (size_t i = 0; i < row.size(); i++) out += (i ? "|" : "") + row[i].value_or("NULL");
      out += "\n";
    }
    return out;
  }

  std::unique_ptr<QueryRunner> runner_;
};

TEST_F(QueryRunnerTest, SelectWritesAthenaResultFiles) {
  QueryOutcome out =
      Run("SELECT region, SUM(sales_amount) AS total_sales, COUNT(*) AS n FROM sales "
          "WHERE sales_date >= DATE '2024-01-01' GROUP BY region ORDER BY total_sales DESC",
          "abc");
  EXPECT_EQ(Rows(out.results), "東京|150.5|2\n福岡|75.25|1\n");
  EXPECT_EQ(out.results.columns[1].type, "double");
  EXPECT_EQ(out.results.columns[2].type, "bigint");
  EXPECT_GT(out.bytes_scanned, 0u);
  EXPECT_EQ(out.output_file, "s3://data/results/abc.csv");
  EXPECT_EQ(
      Get("results/abc.csv"),
      "\"region\",\"total_sales\",\"n\"\n\"東京\",\"150.5\",\"2\"\n\"福岡\",\"75.25\",\"1\"\n");
  std::optional<std::vector<ResultColumn>> cols =
      ParseMetadataProto(Get("results/abc.csv.metadata"));
  ASSERT_TRUE(cols);
  EXPECT_EQ((*cols)[2].name, "n");
}

TEST_F(QueryRunnerTest, DdlAndUtilityStatements) {
  QueryOutcome tables = Run("SHOW TABLES", "t1");
  EXPECT_EQ(Rows(tables.results), "sales\n");
  EXPECT_FALSE(tables.results.header);
  EXPECT_EQ(Get("results/t1.txt"), "sales\n");
  EXPECT_EQ(Rows(Run("SHOW COLUMNS IN sales").results),
            "order_id\nregion\nsales_amount\nsales_date\n");
  std::string desc = Rows(Run("DESCRIBE sales").results);
  EXPECT_EQ(desc.substr(0, desc.find('\n')),
            "order_id            \tbigint              \t                    ");
  std::string ddl = Rows(Run("SHOW CREATE TABLE sales").results);
  EXPECT_NE(ddl.find("CREATE EXTERNAL TABLE `default`.`sales`(\n  `order_id` bigint,"),
            std::string::npos)
      << ddl;
  EXPECT_NE(ddl.find("'skip.header.line.count'='1'"), std::string::npos) << ddl;
  Run("CREATE DATABASE analytics COMMENT 'x'");
  EXPECT_TRUE(catalog_->GetDatabase("analytics"));
  EXPECT_THROW(Run("CREATE DATABASE analytics"), sql::Error);
  Run("CREATE DATABASE IF NOT EXISTS analytics");
  EXPECT_EQ(Rows(Run("SHOW DATABASES LIKE 'ana*'").results), "analytics\n");
  Run("DROP TABLE sales");
  EXPECT_FALSE(catalog_->GetTable("default", "sales"));
  EXPECT_THROW(Run("DROP TABLE sales"), sql::Error);
  Run("DROP TABLE IF EXISTS sales");
  // Data stays where it was.
  EXPECT_FALSE(Get("sales/part-1.csv").empty());
}

TEST_F(QueryRunnerTest, CtasPartitionedParquetPrunesPartitions) {
  QueryOutcome ctas =
      Run("CREATE TABLE by_region WITH (format = 'PARQUET', write_compression = 'SNAPPY', "
          "partitioned_by = ARRAY['region']) AS SELECT order_id, sales_amount, region FROM sales",
          "ctas1");
  EXPECT_EQ(ctas.update_count, 4);
  std::optional<base::Json> t = catalog_->GetTable("default", "by_region");
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["StorageDescriptor"]["Location"], "s3://data/results/tables/ctas1/");
  EXPECT_EQ((*t)["PartitionKeys"][0]["Name"], "region");
  EXPECT_EQ((*t)["Parameters"]["classification"], "parquet");
  EXPECT_EQ(catalog_->GetPartitions("default", "by_region", {}).items.size(), 3u);

  QueryOutcome all = Run("SELECT SUM(sales_amount) FROM by_region");
  QueryOutcome one = Run("SELECT SUM(sales_amount) FROM by_region WHERE region = '東京'");
  EXPECT_EQ(Rows(all.results), "425.75\n");
  EXPECT_EQ(Rows(one.results), "150.5\n");
  EXPECT_GT(one.bytes_scanned, 0u);
  EXPECT_LT(one.bytes_scanned, all.bytes_scanned);

  EXPECT_THROW(Run("CREATE TABLE by_region AS SELECT 1 AS x"), sql::Error);
  EXPECT_THROW(Run("CREATE TABLE other WITH (external_location = "
                   "'s3://data/results/tables/ctas1/') AS SELECT 1 AS x"),
               sql::Error);  // the location holds files

  // INSERT INTO appends a file and adds the new partition.
  QueryOutcome ins = Run("INSERT INTO by_region SELECT 9, 1000.0, '札幌'", "ins1");
  EXPECT_EQ(ins.update_count, 1);
  EXPECT_EQ(catalog_->GetPartitions("default", "by_region", {}).items.size(), 4u);
  EXPECT_EQ(Rows(Run("SELECT COUNT(*), SUM(sales_amount) FROM by_region").results), "5|1425.75\n");
}

TEST_F(QueryRunnerTest, MsckRepairAndPartitionDdl) {
  Put("events/year=2024/month=01/a.json", "{\"id\": 1}\n{\"id\": 2}\n");
  Put("events/year=2024/month=02/a.json", "{\"id\": 3}\n");
  Put("events/year=2023/month=12/_SUCCESS", "");
  Run("CREATE EXTERNAL TABLE events (id int) PARTITIONED BY (year string, month string) "
      "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://data/events/'");
  EXPECT_EQ(Rows(Run("SELECT COUNT(*) FROM events").results), "0\n");
  QueryOutcome repair = Run("MSCK REPAIR TABLE events");
  std::string text = Rows(repair.results);
  EXPECT_NE(text.find("Repair: Added partition to metastore events:year=2024/month=01"),
            std::string::npos)
      << text;
  EXPECT_EQ(Rows(Run("SHOW PARTITIONS events").results),
            "year=2023/month=12\nyear=2024/month=01\nyear=2024/month=02\n");
  EXPECT_EQ(Rows(Run("SELECT month, COUNT(*) FROM events GROUP BY month ORDER BY month").results),
            "01|2\n02|1\n");
  Run("ALTER TABLE events DROP PARTITION (year='2024', month='01')");
  EXPECT_EQ(Rows(Run("SELECT COUNT(*) FROM events").results), "1\n");
  Run("ALTER TABLE events ADD PARTITION (year='2024', month='01')");
  EXPECT_EQ(Rows(Run("SELECT COUNT(*) FROM events").results), "3\n");
  EXPECT_THROW(Run("ALTER TABLE events ADD PARTITION (year='2024', month='01')"), sql::Error);
  EXPECT_THROW(Run("ALTER TABLE events ADD PARTITION (year='2024')"), sql::Error);
}

TEST_F(QueryRunnerTest, BadInput) {
  try {
    Run("CREATE TABLE x AS\nSELECT region FORM sales");
    FAIL();
  } catch (const sql::ParserError& e) {
    EXPECT_EQ(e.line(), 2);  // the position in the user's text, not in the query part
  }
  try {
    Run("SELECT * FROM nowhere");
    FAIL();
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.name(), "TABLE_NOT_FOUND");
  }
  Run("CREATE EXTERNAL TABLE empty_t (a int) LOCATION 's3://data/missing/prefix/'");
  EXPECT_EQ(Rows(Run("SELECT COUNT(*) FROM empty_t").results), "0\n");
  EXPECT_THROW(Run("CREATE EXTERNAL TABLE no_loc (a int)"), sql::Error);
  Put("bad/x.parquet", "PAR1 this is not parquet");
  Run("CREATE EXTERNAL TABLE bad (a int) STORED AS PARQUET LOCATION 's3://data/bad/'");
  try {
    Run("SELECT * FROM bad");
    FAIL();
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.name(), "HIVE_BAD_DATA");
  }
}

TEST_F(QueryRunnerTest, ParametersAndCountsOnTheSharedEngine) {
  QueryOutcome out =
      Run("SELECT count(*), sum(order_id) FROM sales WHERE region = ? AND "
          "sales_amount > ?",
          "p", {"'東京'", "60"});
  EXPECT_EQ(Rows(out.results), "1|1\n");
  EXPECT_EQ(out.rows_scanned, 4u);
  EXPECT_GT(out.bytes_scanned, 0u);
  EXPECT_EQ(out.output_bytes, Get("results/p.csv").size());
  // The engine is shared by every query, so a query may not change its tables.
  try {
    Run("SELECT 1; CREATE TABLE kept (x integer)");
    FAIL() << "no error";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.name(), "NOT_SUPPORTED");
  }
  EXPECT_THROW(Run("SELECT * FROM kept"), sql::Error);
}

// Athena has no file table functions: files are reached only through catalog tables, whose
// locations exist only in the object store.
TEST_F(QueryRunnerTest, FileFunctionsAndLocalPathsAreUnreachable) {
  for (const char* sql :
       {"SELECT * FROM read_csv('s3://data/sales/part-1.csv')",
        "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_json('file:///etc/passwd')",
        "SELECT * FROM read_parquet('x.parquet')",
        "SELECT count(*) FROM sales, read_csv_auto('/etc/hostname')"}) {
    try {
      Run(sql);
      FAIL() << sql;
    } catch (const sql::Error& e) {
      EXPECT_EQ(e.name(), "FUNCTION_NOT_FOUND") << sql;
      EXPECT_NE(std::string(e.what()).find("not registered"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(Get("results/q.csv"), storage::StorageError);  // no result was written
  // A table whose location is a local path (the Glue API accepts any text) reads nothing.
  for (const char* location : {"/etc/", "file:///etc/", "../../etc/"}) {
    base::Json table = {{"Name", "local_t"},
                        {"StorageDescriptor",
                         {{"Columns", {{{"Name", "line"}, {"Type", "string"}}}},
                          {"Location", location},
                          {"SerdeInfo", {{"SerializationLibrary", glue::kLazySimpleSerDe}}}}}};
    catalog_->CreateTable("default", table);
    try {
      Run("SELECT * FROM local_t");
      FAIL() << location;
    } catch (const sql::Error& e) {
      EXPECT_EQ(e.name(), "HIVE_CANNOT_OPEN_SPLIT") << location;
      EXPECT_NE(std::string(e.what()).find("only s3://"), std::string::npos) << e.what();
    }
    catalog_->DeleteTable("default", "local_t");
  }
  EXPECT_THROW(Run("CREATE EXTERNAL TABLE t2 (a int) LOCATION '/etc/'"), sql::Error);
  EXPECT_FALSE(catalog_->GetTable("default", "t2"));
  EXPECT_THROW(Run("CREATE TABLE t3 WITH (external_location = 'file:///tmp/x/') AS SELECT 1 AS a"),
               sql::Error);
  EXPECT_FALSE(catalog_->GetTable("default", "t3"));
  EXPECT_THROW(Run("UNLOAD (SELECT 1) TO '/tmp/unload/' WITH (format = 'JSON')"), sql::Error);
  // '..' in a key is part of the key: it names no other place.
  Run("CREATE EXTERNAL TABLE dots (a string) LOCATION 's3://data/sales/../../../etc/'");
  EXPECT_EQ(Rows(Run("SELECT count(*) FROM dots").results), "0\n");
}

// Each catalog change is put to check_change first with the Glue action Athena needs; a
// denial fails the statement before anything changed.
TEST_F(QueryRunnerTest, CatalogChangesAreCheckedFirst) {
  std::vector<std::string> asked;
  std::string denied;
  auto run = [&](const std::string& sql) {
    QueryRequest r;
    r.query_id = "ddl";
    r.sql = sql;
    r.output_location = "s3://data/results/";
    r.cancel = std::make_shared<std::atomic<bool>>(false);
    r.check_change = [&](const std::string& action, const std::string& db,
                         const std::string& table) {
      asked.push_back(action + " " + db + "/" + table);
      if (action == denied) throw sql::ExecutionError("PERMISSION_DENIED", action);
    };
    asked.clear();
    return runner_->Run(r);
  };
  run("CREATE DATABASE lake");
  EXPECT_EQ(asked, std::vector<std::string>{"glue:CreateDatabase lake/"});
  run("CREATE EXTERNAL TABLE lake.ev (id int) PARTITIONED BY (d string) "
      "LOCATION 's3://data/ev/'");
  EXPECT_EQ(asked, std::vector<std::string>{"glue:CreateTable lake/ev"});
  Put("ev/d=1/a.csv", "1\n");
  run("MSCK REPAIR TABLE lake.ev");
  EXPECT_EQ(asked, std::vector<std::string>{"glue:BatchCreatePartition lake/ev"});
  run("ALTER TABLE lake.ev ADD PARTITION (d='2')");
  EXPECT_EQ(asked, std::vector<std::string>{"glue:BatchCreatePartition lake/ev"});
  run("ALTER TABLE lake.ev DROP PARTITION (d='2')");
  EXPECT_EQ(asked, std::vector<std::string>{"glue:BatchDeletePartition lake/ev"});
  run("INSERT INTO lake.ev SELECT 5, '3'");
  EXPECT_EQ(asked, std::vector<std::string>{"glue:BatchCreatePartition lake/ev"});
  run("CREATE TABLE lake.c WITH (partitioned_by = ARRAY['d']) AS SELECT 1 AS x, 'a' AS d");
  EXPECT_EQ(asked, (std::vector<std::string>{"glue:CreateTable lake/c",
                                             "glue:BatchCreatePartition lake/c"}));
  run("SELECT count(*) FROM lake.ev");
  EXPECT_TRUE(asked.empty());

  // Denied: nothing changes, not even the files of a CTAS.
  denied = "glue:CreateTable";
  EXPECT_THROW(
      run("CREATE TABLE lake.d WITH (external_location = 's3://data/d/') AS SELECT 1 AS x"),
      sql::Error);
  EXPECT_FALSE(catalog_->GetTable("lake", "d"));
  EXPECT_TRUE(fs_->Glob("s3://data/d/").empty());
  EXPECT_THROW(run("CREATE EXTERNAL TABLE lake.e (id int) LOCATION 's3://data/ev/'"), sql::Error);
  EXPECT_FALSE(catalog_->GetTable("lake", "e"));
  denied = "glue:BatchCreatePartition";
  Put("ev/d=9/a.csv", "9\n");
  EXPECT_THROW(run("MSCK REPAIR TABLE lake.ev"), sql::Error);
  EXPECT_THROW(run("ALTER TABLE lake.ev ADD PARTITION (d='8')"), sql::Error);
  EXPECT_EQ(catalog_->GetPartitions("lake", "ev", {}).items.size(), 2u);  // d=1, d=3
  denied = "glue:BatchDeletePartition";
  EXPECT_THROW(run("ALTER TABLE lake.ev DROP PARTITION (d='1')"), sql::Error);
  EXPECT_EQ(catalog_->GetPartitions("lake", "ev", {}).items.size(), 2u);
  denied = "glue:DeleteTable";
  EXPECT_THROW(run("DROP TABLE lake.ev"), sql::Error);
  EXPECT_THROW(run("DROP DATABASE lake CASCADE"), sql::Error);
  EXPECT_TRUE(catalog_->GetTable("lake", "ev"));
  denied = "glue:DeleteDatabase";
  EXPECT_THROW(run("DROP DATABASE lake CASCADE"), sql::Error);
  EXPECT_TRUE(catalog_->GetDatabase("lake"));
  denied = "";
  run("DROP DATABASE lake CASCADE");
  EXPECT_EQ(asked, (std::vector<std::string>{"glue:DeleteDatabase lake/", "glue:DeleteTable lake/c",
                                             "glue:DeleteTable lake/ev"}));
  EXPECT_FALSE(catalog_->GetDatabase("lake"));
}

TEST_F(QueryRunnerTest, BytesScannedCutoffFailsTheQuery) {
  QueryRequest r;
  r.query_id = "cut";
  r.sql = "SELECT * FROM sales";
  r.output_location = "s3://data/results/";
  r.cancel = std::make_shared<std::atomic<bool>>(false);
  r.bytes_scanned_cutoff = 10;
  try {
    runner_->Run(r);
    FAIL();
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.name(), "EXCEEDED_BYTES_SCANNED_LIMIT");
  }
}

}  // namespace
}  // namespace athena
