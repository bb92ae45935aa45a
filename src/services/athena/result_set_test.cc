#include "services/athena/result_set.h"

#include <gtest/gtest.h>

namespace athena {
namespace {

ResultSet Sample() {
  ResultSet rs;
  rs.columns = {ColumnOf("region", sql::Type::Varchar()), ColumnOf("n", sql::Type::Bigint()),
                ColumnOf("avg", sql::Type::Double())};
  rs.rows = {
      {"東京", "3", "1.5"}, {"say \"hi\", ok", std::nullopt, "2.0"}, {"", "0", std::nullopt}};
  return rs;
}

TEST(ResultSetTest, CsvQuotesEveryFieldAndLeavesNullEmpty) {
  EXPECT_EQ(Sample().ToCsv(),
            "\"region\",\"n\",\"avg\"\n"
            "\"東京\",\"3\",\"1.5\"\n"
            "\"say \"\"hi\"\", ok\",,\"2.0\"\n"
            "\"\",\"0\",\n");
  std::optional<std::vector<ResultRow>> rows = ParseCsvRows(Sample().ToCsv());
  ASSERT_TRUE(rows);
  EXPECT_EQ(*rows, Sample().rows);
  EXPECT_FALSE(ParseCsvRows("\"a\nb"));
}

TEST(ResultSetTest, PagedRowsStartWithTheHeader) {
  ResultSet rs = Sample();
  EXPECT_EQ(rs.PagedRowCount(), 4u);
  EXPECT_EQ(rs.PagedRow(0)["Data"][0]["VarCharValue"], "region");
  EXPECT_EQ(rs.PagedRow(2)["Data"][1], base::Json::object());  // NULL: no VarCharValue
  EXPECT_EQ(rs.PagedRow(3)["Data"][0]["VarCharValue"], "");
  base::Json info = rs.ColumnInfo();
  EXPECT_EQ(info[1]["Type"], "bigint");
  EXPECT_EQ(info[1]["Precision"], 19);
  EXPECT_EQ(info[0]["Type"], "varchar");
  EXPECT_EQ(info[0]["CaseSensitive"], true);
  rs.header = false;
  EXPECT_EQ(rs.PagedRowCount(), 3u);
  EXPECT_EQ(rs.PagedRow(0)["Data"][0]["VarCharValue"], "東京");
}

TEST(ResultSetTest, MetadataRoundTripsThroughProtobuf) {
  ResultSet rs = Sample();
  rs.columns.push_back(ColumnOf("price", sql::Type::Decimal(10, 2)));
  std::string bytes = rs.MetadataProto();
  // Field 4, length-delimited, first column: catalog "hive" (field 1) then name (field 4).
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0x22);
  EXPECT_EQ(bytes.substr(2, 6), std::string("\x0a\x04hive", 6));
  std::optional<std::vector<ResultColumn>> cols = ParseMetadataProto(bytes);
  ASSERT_TRUE(cols);
  ASSERT_EQ(cols->size(), 4u);
  EXPECT_EQ((*cols)[0].name, "region");
  EXPECT_TRUE((*cols)[0].case_sensitive);
  EXPECT_EQ((*cols)[3].type, "decimal");
  EXPECT_EQ((*cols)[3].precision, 10);
  EXPECT_EQ((*cols)[3].scale, 2);
  EXPECT_FALSE(ParseMetadataProto("\x22\x7f"));
}

TEST(ResultSetTest, TextOutputIsTabSeparatedLines) {
  ResultSet rs;
  rs.header = false;
  rs.columns = {ColumnOf("tab_name", sql::Type::Varchar())};
  rs.rows = {{"a"}, {"b"}};
  EXPECT_EQ(rs.ToText(), "a\nb\n");
}

}  // namespace
}  // namespace athena
