#include "services/glue/partition_expression.h"

#include <gtest/gtest.h>

#include "services/glue/glue_error.h"

namespace glue {
namespace {

const std::vector<PartitionKey> kKeys = {
    {"year", "string"}, {"month", "string"}, {"region", "string"}, {"day", "int"}};

bool Match(const std::string& expr, const std::vector<std::string>& values) {
  return PartitionExpression::Parse(expr, kKeys).Matches(values);
}

TEST(PartitionExpressionTest, ComparisonsAndBooleanLogic) {
  std::vector<std::string> p = {"2024", "07", "東京", "9"};
  EXPECT_TRUE(Match("year = '2024' AND month > '03'", p));
  EXPECT_FALSE(Match("year = '2024' AND month > '07'", p));
  EXPECT_TRUE(Match("year = '2023' OR month >= '07'", p));
  EXPECT_TRUE(Match("NOT (year = '2023')", p));
  EXPECT_TRUE(Match("year <> '2023' and month != '01'", p));
  EXPECT_TRUE(Match("'2025' > year", p));
  EXPECT_TRUE(Match("(year = '2024' OR year = '2023') AND region = '東京'", p));
  EXPECT_TRUE(Match("", p));
  EXPECT_TRUE(Match("YEAR = '2024'", p));
  EXPECT_TRUE(Match("`year` = '2024'", p));
}

TEST(PartitionExpressionTest, InBetweenLikeAndNull) {
  std::vector<std::string> p = {"2024", "07", "大阪", "12"};
  EXPECT_TRUE(Match("region IN ('東京', '大阪')", p));
  EXPECT_FALSE(Match("region NOT IN ('東京', '大阪')", p));
  EXPECT_TRUE(Match("month BETWEEN '06' AND '08'", p));
  EXPECT_FALSE(Match("month NOT BETWEEN '06' AND '08'", p));
  EXPECT_TRUE(Match("year LIKE '20%'", p));
  EXPECT_FALSE(Match("year LIKE '19__'", p));
  EXPECT_TRUE(Match("year NOT LIKE '19%'", p));
  EXPECT_TRUE(Match("region IS NOT NULL", p));
  EXPECT_TRUE(Match("region IS NULL", {"2024", "07", "__HIVE_DEFAULT_PARTITION__", "1"}));
  EXPECT_FALSE(Match("region = 'x'", {"2024", "07", "__HIVE_DEFAULT_PARTITION__", "1"}));
}

TEST(PartitionExpressionTest, NumericKeysCompareAsNumbers) {
  // As text '12' < '9'; as an int key 12 > 9.
  EXPECT_TRUE(Match("day > 9", {"2024", "07", "x", "12"}));
  EXPECT_TRUE(Match("day > '9'", {"2024", "07", "x", "12"}));
  EXPECT_TRUE(Match("day BETWEEN 10 AND 20", {"2024", "07", "x", "12"}));
  EXPECT_TRUE(Match("day IN (1, 12.0)", {"2024", "07", "x", "12"}));
  EXPECT_FALSE(Match("day > 1", {"2024", "07", "x", "abc"}));
  // String keys stay textual: '9' sorts after '10'.
  EXPECT_TRUE(Match("month > '10'", {"2024", "9", "x", "1"}));
}

TEST(PartitionExpressionTest, ErrorsNameThePosition) {
  auto error = [](const std::string& expr) {
    try {
      PartitionExpression::Parse(expr, kKeys);
    } catch (const GlueError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("year = ").find("character 8"), std::string::npos) << error("year = ");
  EXPECT_NE(error("year = '2024").find("unterminated"), std::string::npos);
  EXPECT_NE(error("colour = 'red'").find("colour"), std::string::npos);
  EXPECT_NE(error("year IN ('a' 'b')").find("expected ')'"), std::string::npos);
  EXPECT_NE(error("year = 'a' AND").find("partition key"), std::string::npos);
  EXPECT_NE(error("year ~ 'a'").find("unexpected character"), std::string::npos);
}

}  // namespace
}  // namespace glue
