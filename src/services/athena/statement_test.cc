#include "services/athena/statement.h"

#include <gtest/gtest.h>

#include "engines/sql/common/error.h"

namespace athena {
namespace {

TEST(StatementTest, QueriesGoToTheEngineWithTheirText) {
  Statement s = ParseStatement("  SELECT 1");
  EXPECT_EQ(s.kind, StatementKind::kQuery);
  EXPECT_EQ(s.query, "  SELECT 1");
  EXPECT_EQ(ParseStatement("WITH x AS (SELECT 1) SELECT * FROM x").kind, StatementKind::kQuery);
  EXPECT_EQ(ParseStatement("-- note\nEXPLAIN SELECT 1").kind, StatementKind::kExplain);
  EXPECT_STREQ(StatementType(StatementKind::kQuery), "DML");
  EXPECT_STREQ(StatementType(StatementKind::kDescribe), "UTILITY");
  EXPECT_STREQ(StatementType(StatementKind::kCreateExternalTable), "DDL");
}

TEST(StatementTest, CreateExternalTableWithEveryClause) {
  Statement s = ParseStatement(R"(CREATE EXTERNAL TABLE IF NOT EXISTS sales_db.`Sales` (
      order_id bigint COMMENT 'id',
      price decimal(10, 2),
      tags array<string>)
    PARTITIONED BY (region string)
    ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t' ESCAPED BY '\\' NULL DEFINED AS ''
    STORED AS TEXTFILE
    LOCATION 's3://bucket/sales/'
    TBLPROPERTIES ('skip.header.line.count'='1', 'classification'='tsv');)");
  EXPECT_EQ(s.kind, StatementKind::kCreateExternalTable);
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_EQ(s.database, "sales_db");
  EXPECT_EQ(s.name, "sales");
  ASSERT_EQ(s.columns.size(), 3u);
  EXPECT_EQ(s.columns[0].comment, "id");
  EXPECT_EQ(s.columns[1].type, "decimal(10,2)");
  EXPECT_EQ(s.columns[2].type, "array<string>");
  ASSERT_EQ(s.partition_columns.size(), 1u);
  EXPECT_EQ(s.partition_columns[0].name, "region");
  EXPECT_EQ(s.serde_properties.at("field.delim"), "\t");
  EXPECT_EQ(s.serde_properties.at("escape.delim"), "\\");
  EXPECT_EQ(s.serde_properties.at("serialization.null.format"), "");
  EXPECT_EQ(s.stored_as, "TEXTFILE");
  EXPECT_EQ(s.location, "s3://bucket/sales/");
  EXPECT_EQ(s.table_properties.at("skip.header.line.count"), "1");
}

TEST(StatementTest, SerdeAndInputFormats) {
  Statement s = ParseStatement(
      "CREATE EXTERNAL TABLE t (a string) ROW FORMAT SERDE "
      "'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES ('separatorChar'=',') "
      "STORED AS INPUTFORMAT 'in.Format' OUTPUTFORMAT 'out.Format' LOCATION 's3://b/t/'");
  EXPECT_EQ(s.serde, "org.apache.hadoop.hive.serde2.OpenCSVSerde");
  EXPECT_EQ(s.serde_properties.at("separatorChar"), ",");
  EXPECT_EQ(s.input_format, "in.Format");
  EXPECT_EQ(s.output_format, "out.Format");
}

TEST(StatementTest, CtasKeepsTheQueryPositions) {
  std::string text =
      "CREATE TABLE db.t\nWITH (format = 'PARQUET', partitioned_by = ARRAY['region'], "
      "bucket_count = 4)\nAS SELECT a, region FROM src WITH NO DATA";
  Statement s = ParseStatement(text);
  EXPECT_EQ(s.kind, StatementKind::kCreateTableAs);
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.with_properties.at("format"), std::vector<std::string>{"PARQUET"});
  EXPECT_EQ(s.with_properties.at("partitioned_by"), std::vector<std::string>{"region"});
  EXPECT_EQ(s.with_properties.at("bucket_count"), std::vector<std::string>{"4"});
  EXPECT_TRUE(s.with_no_data);
  // Blanked up to the query; line breaks kept so positions match the original.
  size_t at = text.find("SELECT");
  EXPECT_EQ(s.query.substr(at), "SELECT a, region FROM src ");
  EXPECT_EQ(s.query.find_first_not_of(" \n"), at);
  EXPECT_EQ(std::count(s.query.begin(), s.query.end(), '\n'), 2);
}

TEST(StatementTest, InsertUnloadAndPartitions) {
  Statement ins = ParseStatement("INSERT INTO t (a, b) SELECT 1, 2");
  EXPECT_EQ(ins.kind, StatementKind::kInsertInto);
  EXPECT_EQ(ins.insert_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(ins.query.find("SELECT 1, 2"), std::string::npos);

  Statement u = ParseStatement(
      "UNLOAD (SELECT * FROM t WHERE x = ')') TO 's3://b/out/' WITH (format = 'JSON')");
  EXPECT_EQ(u.kind, StatementKind::kUnload);
  EXPECT_EQ(u.location, "s3://b/out/");
  EXPECT_EQ(u.query.substr(u.query.find("SELECT")), "SELECT * FROM t WHERE x = ')'");

  Statement add = ParseStatement(
      "ALTER TABLE t ADD IF NOT EXISTS PARTITION (year='2024', month=3) LOCATION 's3://b/x/' "
      "PARTITION (year='2025', month=1)");
  EXPECT_EQ(add.kind, StatementKind::kAddPartitions);
  ASSERT_EQ(add.partitions.size(), 2u);
  EXPECT_EQ(add.partitions[0].values[1], (std::pair<std::string, std::string>{"month", "3"}));
  EXPECT_EQ(add.partitions[0].location, "s3://b/x/");

  Statement drop =
      ParseStatement("ALTER TABLE t DROP PARTITION (year='2024'), PARTITION (year='2025')");
  EXPECT_EQ(drop.kind, StatementKind::kDropPartitions);
  EXPECT_EQ(drop.partitions.size(), 2u);
  EXPECT_EQ(ParseStatement("MSCK REPAIR TABLE db.t").kind, StatementKind::kMsckRepair);
  EXPECT_EQ(ParseStatement("SHOW TABLES IN db 'sa*'").pattern, "sa*");
  EXPECT_EQ(ParseStatement("DESCRIBE FORMATTED db.t").name, "t");
  EXPECT_EQ(ParseStatement("DROP DATABASE IF EXISTS db CASCADE").cascade, true);
}

TEST(StatementTest, SyntaxErrorsNameLineAndColumn) {
  try {
    ParseStatement("CREATE EXTERNAL TABLE t (a string)\n  STORED LIKE PARQUET");
    FAIL() << "no error";
  } catch (const sql::ParserError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 10);
    EXPECT_NE(std::string(e.what()).find("line 2:10: mismatched input 'LIKE'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ParseStatement("FROB x"), sql::ParserError);
  EXPECT_THROW(ParseStatement(""), sql::ParserError);
  EXPECT_THROW(ParseStatement("ALTER TABLE t ADD"), sql::ParserError);
  EXPECT_THROW(ParseStatement("CREATE EXTERNAL TABLE t (a string) LOCATION 'unterminated"),
               sql::ParserError);
}

TEST(StatementTest, BindParametersReplacesPlaceholdersOutsideQuotesAndComments) {
  EXPECT_EQ(BindParameters("SELECT * FROM t WHERE a = ? AND b > ?", {"'x''y'", "42"}),
            "SELECT * FROM t WHERE a = 'x''y' AND b > 42");
  EXPECT_EQ(BindParameters("SELECT '?', \"a?\" , ? -- ?\n/* ? */ + ?", {"1", "2"}),
            "SELECT '?', \"a?\" , 1 -- ?\n/* ? */ + 2");
  EXPECT_EQ(BindParameters("SELECT 'it''s ?'", {}), "SELECT 'it''s ?'");
  try {
    BindParameters("SELECT ?, ?", {"1"});
    FAIL() << "no error";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.name(), "INVALID_PARAMETER_USAGE");
    EXPECT_EQ(std::string(e.what()), "Incorrect number of parameters: expected 2 but found 1");
  }
  EXPECT_THROW(BindParameters("SELECT 1", {"1"}), sql::Error);
}

}  // namespace
}  // namespace athena
