#include "services/glue/crawler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engines/sql/formats/table_writer.h"
#include "engines/sql/main/database.h"
#include "services/glue/glue_error.h"
#include "services/glue/glue_test_util.h"
#include "services/glue/table_source.h"

namespace glue {
namespace {

using base::Json;

class CrawlerTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    catalog_->CreateDatabase({{"Name", "lake"}});
  }

  // Writes a partitioned Parquet dataset of `n` rows under s3://data/<prefix>.
  void WriteParquet(const std::string& location, int n) {
    std::string csv = "i\n";
    for (int i = 1; i <= n; i++) csv += std::to_string(i) + "\n";
    Put("gen/numbers.csv", csv);
    sql::Database db(fs_);
    sql::Connection conn(db);
    sql::QueryOptions files;
    files.file_table_functions = true;
    sql::QueryResult r = conn.Query(
        "SELECT i AS customer_id, 20 + i % 50 AS age, CAST(1000 + i * 10 AS DOUBLE) AS "
        "purchase_amount, CASE i % 4 WHEN 0 THEN '東京' WHEN 1 THEN '大阪' WHEN 2 THEN '名古屋' "
        "ELSE '福岡' END AS region FROM read_csv('s3://data/gen/numbers.csv')",
        files);
    sql::WriteOptions o;
    o.location = location;
    o.partition_by = {"region"};
    sql::WriteTable(*fs_, "customers", r.names, r.types, r.rows, o);
  }

  std::string Query(const std::string& sql) {
    sql::Database db(fs_);
    db.catalog().SetResolver(MakeTableResolver(*catalog_, *fs_, "lake"));
    sql::Connection conn(db);
    sql::QueryResult r = conn.Query(sql);
    std::string out;
    for (size_t row = 0; row < r.RowCount(); row++) {
      for (size_t c = 0; c < r.names.size(); c++) {
        out += (c ? "|" : "") + r.GetValue(c, row).ToString();
      }
      out += "\n";
    }
    return out;
  }
};

TEST_F(CrawlerTest, FindsPartitionedParquetAndCsvDatasets) {
  WriteParquet("s3://data/sample-data/customers/", 1000);
  Put("sample-data/orders/2024.csv", "order_id,amount,day\n1,10.5,2024-01-01\n2,20,2024-01-02\n");
  Put("sample-data/orders/_SUCCESS", "x");
  std::atomic<bool> stop{false};
  CrawlSummary s = CrawlS3Path(*catalog_, *fs_, "s3://data/sample-data/", "lake", "", "c1", stop);
  EXPECT_EQ(s.tables_created, 2);
  EXPECT_EQ(s.partitions_added, 4);

  std::optional<Json> customers = catalog_->GetTable("lake", "customers");
  ASSERT_TRUE(customers);
  EXPECT_EQ((*customers)["Parameters"]["classification"], "parquet");
  EXPECT_EQ((*customers)["PartitionKeys"], Json::parse(R"([{"Name":"region","Type":"string"}])"));
  Json cols = (*customers)["StorageDescriptor"]["Columns"];
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_EQ(cols[0]["Name"], "customer_id");
  EXPECT_EQ(cols[0]["Type"], "bigint");
  EXPECT_EQ(cols[2]["Type"], "double");
  EXPECT_EQ(
      catalog_->GetPartitions("lake", "customers", {"region = '東京'", "", 0, 0, 1}).items.size(),
      1u);
  EXPECT_EQ(Query("SELECT region, COUNT(*), SUM(purchase_amount) FROM customers "
                  "GROUP BY region ORDER BY region"),
            "名古屋|250|1500000.0\n大阪|250|1497500.0\n東京|250|1505000.0\n福岡|250|1502500.0\n");

  std::optional<Json> orders = catalog_->GetTable("lake", "orders");
  ASSERT_TRUE(orders);
  EXPECT_EQ((*orders)["Parameters"]["classification"], "csv");
  EXPECT_EQ((*orders)["Parameters"]["skip.header.line.count"], "1");
  EXPECT_EQ(Query("SELECT SUM(amount), MAX(day) FROM orders"), "30.5|2024-01-02\n");

  // A second crawl changes nothing; a new partition and a new column are picked up.
  s = CrawlS3Path(*catalog_, *fs_, "s3://data/sample-data/", "lake", "", "c1", stop);
  EXPECT_EQ(s.tables_created + s.tables_updated + s.partitions_added, 0);
  Put("sample-data/orders/2024.csv", "order_id,amount,day,note\n1,10.5,2024-01-01,x\n");
  {
    sql::Database db(fs_);
    sql::Connection conn(db);
    sql::QueryResult r = conn.Query(
        "SELECT CAST(9999 AS BIGINT) AS customer_id, CAST(30 AS BIGINT) AS age, "
        "CAST(5.0 AS DOUBLE) AS purchase_amount, '札幌' AS region");
    sql::WriteOptions o;
    o.location = "s3://data/sample-data/customers/";
    o.partition_by = {"region"};
    o.file_prefix = "more";
    sql::WriteTable(*fs_, "customers", r.names, r.types, r.rows, o);
  }
  s = CrawlS3Path(*catalog_, *fs_, "s3://data/sample-data/", "lake", "", "c1", stop);
  EXPECT_EQ(s.tables_updated, 1);
  EXPECT_EQ(s.partitions_added, 1);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM customers WHERE region = '札幌'"), "1\n");
  EXPECT_EQ(catalog_->GetTable("lake", "orders")->at("StorageDescriptor")["Columns"].size(), 4u);
}

TEST_F(CrawlerTest, CrawlerLifecycle) {
  WriteParquet("s3://data/crawl/customers/", 40);
  Crawlers crawlers(*meta_, *catalog_, fs_);
  Json input = {{"Name", "customers-crawler"},
                {"Role", "arn:aws:iam::123456789012:role/GlueRole"},
                {"DatabaseName", "lake"},
                {"TablePrefix", "raw_"},
                {"Targets", {{"S3Targets", {{{"Path", "s3://data/crawl/"}}}}}}};
  crawlers.Create(input);
  EXPECT_THROW(crawlers.Create(input), GlueError);
  EXPECT_EQ(crawlers.Get("customers-crawler")->at("State"), "READY");
  EXPECT_THROW(crawlers.Stop("customers-crawler"), GlueError);
  crawlers.Start("customers-crawler");
  Json doc;
  for (int i = 0; i < 200; i++) {
    doc = *crawlers.Get("customers-crawler");
    if (doc["State"] == "READY") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(doc["State"], "READY");
  EXPECT_EQ(doc["LastCrawl"]["Status"], "SUCCEEDED");
  EXPECT_TRUE(catalog_->GetTable("lake", "raw_customers"));
  Json m = crawlers.Metrics("customers-crawler");
  EXPECT_EQ(m["TablesCreated"], 1);
  EXPECT_EQ(crawlers.List().size(), 1u);
  crawlers.Update({{"Name", "customers-crawler"}, {"TablePrefix", "v2_"}});
  EXPECT_EQ(crawlers.Get("customers-crawler")->at("TablePrefix"), "v2_");
  crawlers.Delete("customers-crawler");
  EXPECT_FALSE(crawlers.Get("customers-crawler"));
  EXPECT_THROW(crawlers.Start("customers-crawler"), GlueError);
}

}  // namespace
}  // namespace glue
