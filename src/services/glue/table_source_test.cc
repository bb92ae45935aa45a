#include "services/glue/table_source.h"

#include <gtest/gtest.h>

#include "engines/sql/common/error.h"
#include "engines/sql/formats/table_writer.h"
#include "engines/sql/main/database.h"
#include "services/glue/glue_test_util.h"
#include "services/glue/table_format.h"

namespace glue {
namespace {

using base::Json;

class TableSourceTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    catalog_->CreateDatabase({{"Name", "db"}});
    db_ = std::make_unique<sql::Database>(fs_);
    db_->catalog().SetResolver(MakeTableResolver(*catalog_, *fs_, "db"));
  }
  void TearDown() override {
    db_.reset();
    StoreFixture::TearDown();
  }
  std::string Query(const std::string& sql) {
    sql::Connection conn(*db_);
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
  Json CsvTable(const std::string& name, const std::string& location) {
    return {{"Name", name},
            {"StorageDescriptor",
             {{"Columns",
               {{{"Name", "id"}, {"Type", "int"}},
                {{"Name", "region"}, {"Type", "string"}},
                {{"Name", "amount"}, {"Type", "double"}},
                {{"Name", "day"}, {"Type", "date"}}}},
              {"Location", location},
              {"InputFormat", std::string(kTextInputFormat)},
              {"SerdeInfo",
               {{"SerializationLibrary", std::string(kLazySimpleSerDe)},
                {"Parameters", {{"field.delim", ","}}}}}}},
            {"Parameters", {{"skip.header.line.count", "1"}}}};
  }
  std::unique_ptr<sql::Database> db_;
};

TEST_F(TableSourceTest, QueriesACsvTableAndSkipsHiddenFiles) {
  Put("sales/a.csv", "id,region,amount,day\n1,east,10.5,2024-01-02\n2,west,20,2024-02-01\n");
  Put("sales/sub/b.csv", "id,region,amount,day\n3,east,1.5,2023-12-31\n");
  Put("sales/_SUCCESS", "garbage,garbage\n");
  Put("sales/.hidden/c.csv", "id\n99,x,1,2024-01-01\n");
  catalog_->CreateTable("db", CsvTable("sales", "s3://data/sales"));
  EXPECT_EQ(Query("SELECT region, sum(amount) FROM sales WHERE day >= DATE '2024-01-01' "
                  "GROUP BY region ORDER BY region"),
            "east|10.5\nwest|20.0\n");
  EXPECT_EQ(Query("SELECT count(*) FROM db.sales"), "3\n");
  EXPECT_EQ(Query("SELECT count(*) FROM awsdatacatalog.db.sales"), "3\n");
}

TEST_F(TableSourceTest, MissingLocationIsAnEmptyTable) {
  catalog_->CreateTable("db", CsvTable("empty", "s3://data/nothing-here/"));
  EXPECT_EQ(Query("SELECT count(*) FROM empty"), "0\n");
  catalog_->CreateTable("db", CsvTable("nobucket", "s3://no-such-bucket/x/"));
  EXPECT_EQ(Query("SELECT count(*) FROM nobucket"), "0\n");
  EXPECT_THROW(Query("SELECT * FROM other.sales"), sql::BinderError);
  EXPECT_THROW(Query("SELECT * FROM foo.db.sales"), sql::BinderError);
}

TEST_F(TableSourceTest, PartitionedParquetTable) {
  // Write Parquet files partitioned by region with the engine, then register them.
  sql::Connection conn(*db_);
  sql::QueryResult r = conn.Query(
      "SELECT * FROM (VALUES (1, 10.0, 'east'), (2, 20.0, 'west'), (3, 5.0, 'east')) "
      "AS t(id, amount, region)");
  sql::WriteOptions o;
  o.format = sql::FileFormat::kParquet;
  o.location = "s3://data/pq";
  o.partition_by = {"region"};
  sql::TableDefinition written = sql::WriteTable(*fs_, "pq", r.names, r.types, r.rows, o);
  ASSERT_EQ(written.files.size(), 2u);
  StorageFormat format;
  format.format = sql::FileFormat::kParquet;
  format.compression = "SNAPPY";
  Json input = MakeTableInput(format, written.columns, written.partition_keys, "s3://data/pq/");
  input["Name"] = "pq";
  EXPECT_EQ(input["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"],
            std::string(kParquetSerDe));
  EXPECT_EQ(input["PartitionKeys"][0]["Name"], "region");
  catalog_->CreateTable("db", input);
  // No partitions registered yet: no rows.
  EXPECT_EQ(Query("SELECT count(*) FROM pq"), "0\n");
  for (const char* region : {"east", "west"}) {
    catalog_->CreatePartition("db", "pq", {{"Values", {region}}});
  }
  EXPECT_EQ(Query("SELECT region, sum(amount), count(*) FROM pq GROUP BY region ORDER BY region"),
            "east|15.0|2\nwest|20.0|1\n");
  EXPECT_EQ(Query("SELECT id FROM pq WHERE region = 'west'"), "2\n");
}

TEST_F(TableSourceTest, JsonAndOpenCsvTables) {
  Put("j/1.json", "{\"id\": 1, \"name\": \"a\"}\n{\"id\": 2, \"name\": null}\n");
  catalog_->CreateTable(
      "db", {{"Name", "j"},
             {"StorageDescriptor",
              {{"Columns",
                {{{"Name", "id"}, {"Type", "bigint"}}, {{"Name", "name"}, {"Type", "string"}}}},
               {"Location", "s3://data/j/"},
               {"SerdeInfo", {{"SerializationLibrary", std::string(kOpenXJsonSerDe)}}}}}});
  EXPECT_EQ(Query("SELECT id, name FROM j ORDER BY id"), "1|a\n2|NULL\n");

  Put("q/1.csv", "\"id\",\"name\"\n\"1\",\"x, y\"\n");
  catalog_->CreateTable(
      "db", {{"Name", "q"},
             {"StorageDescriptor",
              {{"Columns",
                {{{"Name", "id"}, {"Type", "string"}}, {{"Name", "name"}, {"Type", "string"}}}},
               {"Location", "s3://data/q/"},
               {"SerdeInfo", {{"SerializationLibrary", std::string(kOpenCsvSerDe)}}}}},
             {"Parameters", {{"skip.header.line.count", "1"}}}});
  EXPECT_EQ(Query("SELECT name FROM q"), "x, y\n");
}

TEST_F(TableSourceTest, UnsupportedFormatsAndTypesAreErrors) {
  catalog_->CreateTable(
      "db",
      {{"Name", "orc"},
       {"StorageDescriptor",
        {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}},
         {"Location", "s3://data/orc/"},
         {"SerdeInfo", {{"SerializationLibrary", "org.apache.hadoop.hive.ql.io.orc.OrcSerde"}}}}}});
  try {
    Query("SELECT * FROM orc");
    FAIL();
  } catch (const sql::BinderError& e) {
    EXPECT_EQ(e.name(), "NOT_SUPPORTED");
    EXPECT_NE(std::string(e.what()).find("OrcSerde"), std::string::npos);
  }
  Json nested = CsvTable("nested", "s3://data/n/");
  nested["StorageDescriptor"]["Columns"][1]["Type"] = "array<string>";
  catalog_->CreateTable("db", nested);
  try {
    Query("SELECT * FROM nested");
    FAIL();
  } catch (const sql::BinderError& e) {
    EXPECT_NE(std::string(e.what()).find("region"), std::string::npos);
  }
}

TEST(TableFormatTest, HiveTypes) {
  EXPECT_EQ(HiveToSqlType("string"), sql::Type::Varchar());
  EXPECT_EQ(HiveToSqlType("INT"), sql::Type::Integer());
  EXPECT_EQ(HiveToSqlType("varchar(20)"), sql::Type::Varchar());
  EXPECT_EQ(HiveToSqlType("decimal(12,2)"), sql::Type::Decimal(12, 2));
  EXPECT_EQ(HiveToSqlType("float"), sql::Type::Real());
  EXPECT_FALSE(HiveToSqlType("struct<a:int>"));
  EXPECT_EQ(SqlToHiveType(sql::Type::Varchar()), "string");
  EXPECT_EQ(SqlToHiveType(sql::Type::Integer()), "int");
  EXPECT_EQ(SqlToHiveType(sql::Type::Decimal(12, 2)), "decimal(12,2)");
}

TEST(TableFormatTest, StorageFormatsRoundTrip) {
  for (sql::FileFormat f :
       {sql::FileFormat::kCsv, sql::FileFormat::kJson, sql::FileFormat::kParquet}) {
    StorageFormat in;
    in.format = f;
    in.csv.delimiter = '|';
    in.csv.quote = 0;
    in.compression = f == sql::FileFormat::kParquet ? "ZSTD" : "";
    Json t = MakeTableInput(in, {{"a", sql::Type::Bigint()}}, {}, "s3://b/t/", true);
    StorageFormat out = ReadStorageFormat(t);
    EXPECT_EQ(out.format, f);
    if (f == sql::FileFormat::kCsv) {
      EXPECT_EQ(out.csv.delimiter, '|');
      EXPECT_EQ(out.csv.skip_header_lines, 1);
      EXPECT_EQ(t["Parameters"]["classification"], "csv");
    }
    if (f == sql::FileFormat::kParquet) {
      EXPECT_EQ(out.compression, "ZSTD");
    }
    EXPECT_EQ(t["StorageDescriptor"]["Columns"][0]["Type"], "bigint");
  }
  // Ctrl-A is LazySimpleSerDe's default, also spelled as a code.
  Json t = {{"StorageDescriptor",
             {{"SerdeInfo",
               {{"SerializationLibrary", std::string(kLazySimpleSerDe)},
                {"Parameters", {{"serialization.format", "1"}}}}}}}};
  EXPECT_EQ(ReadStorageFormat(t).csv.delimiter, '\001');
  t["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] = "\\t";
  EXPECT_EQ(ReadStorageFormat(t).csv.delimiter, '\t');
  Json by_classification = {{"Parameters", {{"classification", "csv"}}}};
  EXPECT_EQ(ReadStorageFormat(by_classification).csv.delimiter, ',');
}

TEST(PartitionPathTest, EscapesLikeHive) {
  EXPECT_EQ(EscapePathValue("a/b:c"), "a%2Fb%3Ac");
  EXPECT_EQ(EscapePathValue("東京"), "東京");
  EXPECT_EQ(UnescapePathValue("a%2Fb%3Ac"), "a/b:c");
  EXPECT_EQ(PartitionLocation("s3://b/t", {"y", "m"}, {"2024", "01"}), "s3://b/t/y=2024/m=01/");
}

}  // namespace
}  // namespace glue
