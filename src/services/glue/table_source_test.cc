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

// serialization.null.format names the NULL text; set to '' (in SERDEPROPERTIES or
// TBLPROPERTIES) it makes empty fields NULL, strings included; unset, \N is NULL.
TEST_F(TableSourceTest, NullFormatEmptyMakesEmptyFieldsNull) {
  Put("n/1.csv", "id,region,amount,day\n1,,,2024-01-01\n2,\\N,3.5,\n");
  Json table = CsvTable("unset", "s3://data/n/");
  catalog_->CreateTable("db", table);
  EXPECT_EQ(Query("SELECT id, region IS NULL, length(region), amount, day FROM unset ORDER BY id"),
            "1|false|0|NULL|2024-01-01\n2|true|NULL|3.5|NULL\n");
  table["Name"] = "serde_empty";
  table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["serialization.null.format"] = "";
  catalog_->CreateTable("db", table);
  EXPECT_EQ(Query("SELECT id, region IS NULL, region FROM serde_empty ORDER BY id"),
            "1|true|NULL\n2|false|\\N\n");
  table = CsvTable("table_empty", "s3://data/n/");
  table["Parameters"]["serialization.null.format"] = "";
  catalog_->CreateTable("db", table);
  EXPECT_EQ(Query("SELECT count(region) FROM table_empty"), "1\n");
  EXPECT_EQ(ReadStorageFormat(table).csv.null_marker, "");
  EXPECT_EQ(ReadStorageFormat(CsvTable("x", "s3://data/n/")).csv.null_marker, "\\N");
}

// OpenCSVSerde reads an empty field as an empty string: a numeric column cannot hold it, so
// the query fails (HIVE_BAD_DATA) unless use.null.for.invalid.data makes it NULL.
TEST_F(TableSourceTest, OpenCsvEmptyNumberFailsUnlessInvalidDataIsNull) {
  Put("o/1.csv", "\"id\",\"qty\",\"note\"\n\"1\",\"5\",\"\"\n\"2\",,\n");
  Json table = {{"Name", "o"},
                {"StorageDescriptor",
                 {{"Columns",
                   {{{"Name", "id"}, {"Type", "int"}},
                    {{"Name", "qty"}, {"Type", "int"}},
                    {{"Name", "note"}, {"Type", "string"}}}},
                  {"Location", "s3://data/o/"},
                  {"SerdeInfo", {{"SerializationLibrary", std::string(kOpenCsvSerDe)}}}}},
                {"Parameters", {{"skip.header.line.count", "1"}}}};
  catalog_->CreateTable("db", table);
  EXPECT_EQ(Query("SELECT id, note = '', note IS NULL FROM o ORDER BY id"),
            "1|true|false\n2|true|false\n");
  try {
    Query("SELECT sum(qty) FROM o");
    FAIL() << "an empty number was read";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.name(), "HIVE_BAD_DATA");
    EXPECT_NE(std::string(e.what()).find("Error parsing field value '' for field 1"),
              std::string::npos)
        << e.what();
  }
  table["Name"] = "o_lenient";
  table["Parameters"]["use.null.for.invalid.data"] = "TRUE";
  catalog_->CreateTable("db", table);
  EXPECT_EQ(Query("SELECT count(*), count(qty), sum(qty) FROM o_lenient"), "2|1|5\n");
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
