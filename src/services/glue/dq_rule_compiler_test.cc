#include "services/glue/dq_rule_compiler.h"

#include <gtest/gtest.h>

#include <cmath>

namespace glue {
namespace {

DqAnswer Value(std::optional<double> v) { return {{v}, 1, ""}; }

TEST(DqRuleCompilerTest, OneScanComputesEveryAggregate) {
  DqRuleCompiler c(ParseDqRuleset(R"(Rules = [
      RowCount > 2,
      IsComplete "Name",
      Completeness "price" > 0.5 where "price > 1",
      ColumnValues "state" in ["CA", NULL],
      Mean "price" between 1 and 10,
      ColumnLength "name" = 3 ])"),
                   {"id", "name", "price", "state"});
  EXPECT_EQ(c.aggregates(),
            (std::vector<std::string>{
                "count(*)",
                "count_if((\"name\" IS NOT NULL))",
                "count_if((price > 1))",
                "count_if((\"price\" IS NOT NULL) AND (price > 1))",
                "count_if((((CAST(\"state\" AS VARCHAR) = 'CA') OR (\"state\" IS NULL))))",
                "avg(TRY_CAST(\"price\" AS DOUBLE))",
                "min(length(CAST(\"name\" AS VARCHAR)))",
                "max(length(CAST(\"name\" AS VARCHAR)))",
                "count_if((TRY_CAST(length(CAST(\"name\" AS VARCHAR)) AS DOUBLE) = 3))",
            }));
  EXPECT_EQ(c.ScanSql().substr(0, 25), "SELECT count(*), count_if");
  EXPECT_EQ(c.ScanSql().substr(c.ScanSql().size() - 13), " FROM primary");
  EXPECT_EQ(c.AggregateSql(5), "SELECT avg(TRY_CAST(\"price\" AS DOUBLE)) FROM primary");
  EXPECT_TRUE(c.statements().empty());
}

TEST(DqRuleCompilerTest, GroupStatementsAndCustomSql) {
  DqRuleCompiler c(ParseDqRuleset(R"(Rules = [
      IsUnique "id", Uniqueness "id" > 0.5, DistinctValuesCount "state" = 2,
      CustomSql "SELECT max(price) FROM primary;" < 100 ])"),
                   {"id", "state", "price"});
  EXPECT_EQ(c.statements(),
            (std::vector<std::string>{
                "SELECT count(*), count_if(n = 1), sum(n) FROM (SELECT count(*) AS n FROM primary "
                "WHERE \"id\" IS NOT NULL GROUP BY \"id\") AS groups",
                "SELECT count(*), count_if(n = 1), sum(n) FROM (SELECT count(*) AS n FROM primary "
                "WHERE \"state\" IS NOT NULL GROUP BY \"state\") AS groups",
                "SELECT max(price) FROM primary",
            }));
  std::vector<DqRuleResult> r =
      c.Judge({Value(10)}, {{{8, 6, 10}, 1, ""}, {{2, 0, 9}, 1, ""}, {{42.5}, 1, ""}});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].result, "FAIL");
  EXPECT_EQ(r[0].message, "Value: 0.6 does not meet the constraint requirement!");
  EXPECT_EQ(r[0].metrics, (std::map<std::string, double>{{"Column.id.Uniqueness", 0.6}}));
  EXPECT_EQ(r[1].result, "PASS");
  EXPECT_EQ(r[1].message, "");
  EXPECT_EQ(r[2].result, "PASS");
  EXPECT_EQ(r[2].metrics, (std::map<std::string, double>{{"Column.state.DistinctValuesCount", 2}}));
  EXPECT_EQ(r[3].result, "PASS");
  EXPECT_EQ(r[3].metrics, (std::map<std::string, double>{{"Dataset.*.CustomSQL", 42.5}}));
  EXPECT_EQ(r[3].name, "Rule_4");
  EXPECT_EQ(r[3].description, R"(CustomSql "SELECT max(price) FROM primary;" < 100)");
}

TEST(DqRuleCompilerTest, JudgesMetricsAgainstExpressions) {
  DqRuleCompiler c(ParseDqRuleset(R"(Rules = [
      RowCount between 4 and 10,
      RowCount between 3 and 10,
      IsComplete "a",
      ColumnValues "a" > 0 with threshold >= 0.75,
      ColumnValues "a" > 0,
      ColumnCount = 2,
      (RowCount > 1) or (ColumnCount > 5),
      (RowCount > 1) and (ColumnCount > 5),
      StandardDeviation "a" < 1,
      IsComplete "missing" ])"),
                   {"a", "b"});
  ASSERT_EQ(c.aggregates().size(), 4u);  // count(*), non-null a, a > 0, stddev
  std::vector<DqRuleResult> r = c.Judge({Value(4), Value(3), Value(3), Value(std::nullopt)}, {});
  ASSERT_EQ(r.size(), 10u);
  EXPECT_EQ(r[0].result, "FAIL");  // between is exclusive
  EXPECT_EQ(r[0].message, "Value: 4.0 does not meet the constraint requirement!");
  EXPECT_EQ(r[0].metrics.at("Dataset.*.RowCount"), 4);
  EXPECT_EQ(r[1].result, "PASS");
  EXPECT_EQ(r[2].result, "FAIL");
  EXPECT_EQ(r[2].message, "Value: 0.75 does not meet the constraint requirement!");
  EXPECT_EQ(r[2].metrics.at("Column.a.Completeness"), 0.75);
  EXPECT_EQ(r[3].result, "PASS");
  EXPECT_EQ(r[3].metrics.at("Column.a.ColumnValues.Compliance"), 0.75);
  EXPECT_EQ(r[4].result, "FAIL");
  EXPECT_EQ(r[5].result, "PASS");
  EXPECT_EQ(r[5].metrics.at("Dataset.*.ColumnCount"), 2);
  EXPECT_EQ(r[6].result, "PASS");
  EXPECT_EQ(r[7].result, "FAIL");
  EXPECT_EQ(r[7].message, "Value: 2.0 does not meet the constraint requirement!");
  EXPECT_EQ(r[7].metrics.size(), 2u);
  EXPECT_EQ(r[8].result, "FAIL");  // no value to judge
  EXPECT_EQ(r[8].message, "Value: NaN does not meet the constraint requirement!");
  EXPECT_TRUE(r[8].metrics.empty());
  EXPECT_EQ(r[9].result, "FAIL");
  EXPECT_EQ(r[9].message, "Input data does not include column missing!");
}

TEST(DqRuleCompilerTest, QueryErrorsMakeTheRuleAnError) {
  DqRuleCompiler c(ParseDqRuleset(R"(Rules = [ RowCount > 0 where "nope > 1", RowCount > 0,
                                   CustomSql "select name from primary" = 1 ])"),
                   {"name"});
  std::vector<DqRuleResult> r =
      c.Judge({Value(3), {{}, 0, "COLUMN_NOT_FOUND: nope"}}, {{{std::nullopt}, 3, ""}});
  EXPECT_EQ(r[0].result, "ERROR");
  EXPECT_EQ(r[0].message, "COLUMN_NOT_FOUND: nope");
  EXPECT_EQ(r[1].result, "PASS");
  EXPECT_EQ(r[2].result, "FAIL");
  EXPECT_EQ(r[2].message, "Custom SQL must return exactly one row with one numeric value");
}

TEST(DqRuleCompilerTest, FormatsNumbersAsAwsPrintsThem) {
  EXPECT_EQ(DqRuleCompiler::FormatNumber(4), "4.0");
  EXPECT_EQ(DqRuleCompiler::FormatNumber(0.75), "0.75");
  EXPECT_EQ(DqRuleCompiler::FormatNumber(-2.5), "-2.5");
  EXPECT_EQ(DqRuleCompiler::FormatNumber(1e7), "1.0E7");
  EXPECT_EQ(DqRuleCompiler::FormatNumber(0.00015), "1.5E-4");
  EXPECT_EQ(DqRuleCompiler::FormatNumber(0), "0.0");
  EXPECT_EQ(DqRuleCompiler::FormatNumber(NAN), "NaN");
}

}  // namespace
}  // namespace glue
