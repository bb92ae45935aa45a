#include "services/mlflow/search_filter.h"

#include <gtest/gtest.h>

#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

std::string ErrorOf(std::string_view filter) {
  try {
    ParseFilter(filter);
  } catch (const MlflowError& e) {
    EXPECT_EQ(e.code(), "INVALID_PARAMETER_VALUE");
    EXPECT_EQ(e.http_status(), 400);
    return e.what();
  }
  ADD_FAILURE() << "no error for " << filter;
  return "";
}

TEST(SearchFilterTest, ParsesAndChainsWithEveryIdentifierForm) {
  std::vector<Comparison> cs = ParseFilter(
      "metrics.rmse < 1 and params.model_class = 'LogisticRegression' AND "
      "tags.\"user-name\" != \"Tomas\" and metric.`my metric` >= -2.5e1 AND run_name LIKE 'a%' "
      "and attributes.run_id IN ('a', 'b') AND attr.run_id NOT IN ('c') and "
      "`params`.lr ILIKE '%x%'");
  ASSERT_EQ(cs.size(), 8u);
  EXPECT_EQ(cs[0].type, EntityType::kMetric);
  EXPECT_EQ(cs[0].key, "rmse");
  EXPECT_EQ(cs[0].op, Comparator::kLt);
  EXPECT_EQ(cs[0].value.kind, FilterValue::Kind::kNumber);
  EXPECT_EQ(cs[0].value.number, 1);
  EXPECT_EQ(cs[1].type, EntityType::kParam);
  EXPECT_EQ(cs[1].value.text, "LogisticRegression");
  EXPECT_EQ(cs[2].type, EntityType::kTag);
  EXPECT_EQ(cs[2].key, "user-name");
  EXPECT_EQ(cs[2].op, Comparator::kNe);
  EXPECT_EQ(cs[2].value.text, "Tomas");
  EXPECT_EQ(cs[3].key, "my metric");
  EXPECT_EQ(cs[3].op, Comparator::kGe);
  EXPECT_EQ(cs[3].value.number, -25);
  EXPECT_EQ(cs[4].type, EntityType::kAttribute);
  EXPECT_EQ(cs[4].key, "run_name");
  EXPECT_EQ(cs[4].op, Comparator::kLike);
  EXPECT_EQ(cs[5].op, Comparator::kIn);
  EXPECT_EQ(cs[5].value.list, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cs[6].op, Comparator::kNotIn);
  EXPECT_EQ(cs[6].value.list, (std::vector<std::string>{"c"}));
  EXPECT_EQ(cs[7].type, EntityType::kParam);
  EXPECT_EQ(cs[7].key, "lr");
  EXPECT_EQ(cs[7].op, Comparator::kILike);
}

TEST(SearchFilterTest, QuotesInsideStringsAndDottedKeys) {
  std::vector<Comparison> cs = ParseFilter("tags.a.b.c = 'it''s' and metrics.\"x y\" = 3");
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].key, "a.b.c");
  EXPECT_EQ(cs[0].value.text, "it's");
  EXPECT_EQ(cs[1].key, "x y");
  EXPECT_TRUE(ParseFilter("   ").empty());
}

TEST(SearchFilterTest, ErrorsNameTheOffendingToken) {
  EXPECT_NE(ErrorOf("metrics.a > 1 OR metrics.b < 2").find("'OR'"), std::string::npos);
  EXPECT_NE(ErrorOf("metricz.a > 1").find("'metricz'"), std::string::npos);
  EXPECT_NE(ErrorOf("metrics.a ~ 1").find("'~'"), std::string::npos);
  EXPECT_NE(ErrorOf("metrics.a <> 1").find("'<>'"), std::string::npos);
  EXPECT_NE(ErrorOf("metrics.a > abc").find("'abc'"), std::string::npos);
  EXPECT_NE(ErrorOf("params.a = 'open").find("'open"), std::string::npos);
  EXPECT_NE(ErrorOf("metrics.a >").find("'>'"), std::string::npos);
  EXPECT_NE(ErrorOf("metrics.a > 1 and").find("'and'"), std::string::npos);
  EXPECT_NE(ErrorOf("run_id IN ('a' 'b')").find("'b'"), std::string::npos);
}

TEST(SearchFilterTest, OrderByClauses) {
  OrderKey k = ParseOrderBy("metrics.`my metric` DESC");
  EXPECT_EQ(k.type, EntityType::kMetric);
  EXPECT_EQ(k.key, "my metric");
  EXPECT_FALSE(k.ascending);
  k = ParseOrderBy("start_time");
  EXPECT_EQ(k.type, EntityType::kAttribute);
  EXPECT_EQ(k.key, "start_time");
  EXPECT_TRUE(k.ascending);
  k = ParseOrderBy("params.lr asc");
  EXPECT_EQ(k.type, EntityType::kParam);
  EXPECT_TRUE(k.ascending);
  EXPECT_THROW(ParseOrderBy("metrics.a sideways"), MlflowError);
  EXPECT_THROW(ParseOrderBy("metrics.a DESC extra"), MlflowError);
  EXPECT_THROW(ParseOrderBy(""), MlflowError);
}

TEST(SearchFilterTest, LikeBecomesACaseSensitiveGlob) {
  EXPECT_EQ(LikeToGlob("a%b_c"), "a*b?c");
  EXPECT_EQ(LikeToGlob("x*y?[z"), "x[*]y[?][[]z");
}

}  // namespace
}  // namespace mlflow
