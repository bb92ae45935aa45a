#include "services/glue/dq_ruleset_parser.h"

#include <gtest/gtest.h>

namespace glue {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseDqRuleset(text);
  } catch (const DqSyntaxError& e) {
    return e.what();
  }
  return "";
}

TEST(DqRulesetParserTest, ParsesEveryRuleTypeWithItsParts) {
  DqRuleset r = ParseDqRuleset(R"(Rules = [
    RowCount between 10 and 100,
    ColumnCount = 5,
    IsComplete "id",
    Completeness "name" >= 0.9 where "price > 3",
    IsUnique "id",
    Uniqueness "name" > 0.5,
    IsPrimaryKey "id" "name",
    ColumnValues "state" in ["CA", "NY", NULL] with threshold > 0.8,
    ColumnValues "code" matches "[A-Z]{3}",
    ColumnValues "price" not between -1.5 and 1e3,
    Mean "price" < 20, Sum "price" = 300, StandardDeviation "price" <= 2.5,
    DistinctValuesCount "state" != 3,
    ColumnLength "code" = 3,
    CustomSql "select count(*) from primary where price > 10" > 4,
    ColumnExists "id"
  ])");
  ASSERT_EQ(r.rules.size(), 17u);
  const DqRule& row_count = r.rules[0];
  EXPECT_EQ(row_count.type, "RowCount");
  EXPECT_TRUE(row_count.parameters.empty());
  EXPECT_EQ(row_count.expression->op, DqOperator::kBetween);
  ASSERT_EQ(row_count.expression->values.size(), 2u);
  EXPECT_EQ(row_count.expression->values[0].number, 10);
  EXPECT_EQ(row_count.expression->values[1].number, 100);
  EXPECT_EQ(row_count.text, "RowCount between 10 and 100");

  EXPECT_FALSE(r.rules[2].expression);
  EXPECT_EQ(r.rules[2].parameters, std::vector<std::string>{"id"});
  EXPECT_EQ(*r.rules[3].where, "price > 3");
  EXPECT_EQ(r.rules[3].expression->op, DqOperator::kGe);
  EXPECT_EQ(r.rules[3].text, R"(Completeness "name" >= 0.9 where "price > 3")");
  EXPECT_EQ(r.rules[6].parameters, (std::vector<std::string>{"id", "name"}));

  const DqRule& in = r.rules[7];
  EXPECT_EQ(in.expression->op, DqOperator::kIn);
  ASSERT_EQ(in.expression->values.size(), 3u);
  EXPECT_EQ(in.expression->values[0].kind, DqValue::Kind::kString);
  EXPECT_EQ(in.expression->values[1].text, "NY");
  EXPECT_EQ(in.expression->values[2].kind, DqValue::Kind::kNull);
  EXPECT_EQ(in.threshold->op, DqOperator::kGt);
  EXPECT_DOUBLE_EQ(in.threshold->values[0].number, 0.8);
  EXPECT_EQ(in.text, R"(ColumnValues "state" in ["CA", "NY", NULL] with threshold > 0.8)");

  EXPECT_EQ(r.rules[8].expression->op, DqOperator::kMatches);
  EXPECT_EQ(r.rules[8].expression->values[0].text, "[A-Z]{3}");
  EXPECT_EQ(r.rules[9].expression->op, DqOperator::kNotBetween);
  EXPECT_DOUBLE_EQ(r.rules[9].expression->values[0].number, -1.5);
  EXPECT_DOUBLE_EQ(r.rules[9].expression->values[1].number, 1000);
  EXPECT_EQ(r.rules[13].expression->op, DqOperator::kNe);
  EXPECT_EQ(r.rules[15].parameters[0], "select count(*) from primary where price > 10");
  EXPECT_EQ(r.rules[16].type, "ColumnExists");
}

TEST(DqRulesetParserTest, CompositeRulesNest) {
  DqRuleset r = ParseDqRuleset(
      R"(Rules = [ (RowCount > 0) and ((IsComplete "a") or (IsUnique "b")) and (Sum "c" > 1) ])");
  ASSERT_EQ(r.rules.size(), 1u);
  const DqRule& top = r.rules[0];
  EXPECT_EQ(top.kind, DqRule::Kind::kAnd);
  ASSERT_EQ(top.operands.size(), 3u);
  EXPECT_EQ(top.operands[0].type, "RowCount");
  EXPECT_EQ(top.operands[1].kind, DqRule::Kind::kOr);
  EXPECT_EQ(top.operands[1].operands[1].type, "IsUnique");
  EXPECT_EQ(top.operands[2].type, "Sum");
  EXPECT_EQ(top.text, R"((RowCount > 0) and ((IsComplete "a") or (IsUnique "b")) and (Sum "c" > 1))");
  // A lone parenthesized rule is that rule.
  EXPECT_EQ(ParseDqRuleset("Rules = [ (RowCount > 0) ]").rules[0].type, "RowCount");
}

TEST(DqRulesetParserTest, ValuesKeywordsNowAndComments) {
  DqRuleset r = ParseDqRuleset(
      "# completeness rules\n"
      "Rules = [\n"
      "  ColumnValues \"d\" > (now() - 3 days),  # recent\n"
      "  ColumnValues \"d\" <= now(),\n"
      "  ColumnValues \"s\" not in [EMPTY, WHITESPACES_ONLY, \"n\\\"a\"],\n"
      "  ColumnValues \"e\" matches \"[a-z]+@x\\.com\\\\\"\n"
      "]");
  ASSERT_EQ(r.rules.size(), 4u);
  EXPECT_EQ(r.rules[0].expression->values[0].kind, DqValue::Kind::kNow);
  EXPECT_EQ(r.rules[0].expression->values[0].number, -3 * 86400);
  EXPECT_EQ(r.rules[1].expression->values[0].number, 0);
  const auto& list = r.rules[2].expression->values;
  EXPECT_EQ(r.rules[2].expression->op, DqOperator::kNotIn);
  EXPECT_EQ(list[0].kind, DqValue::Kind::kEmpty);
  EXPECT_EQ(list[1].kind, DqValue::Kind::kWhitespacesOnly);
  EXPECT_EQ(list[2].text, "n\"a");
  EXPECT_EQ(r.rules[3].expression->values[0].text, R"([a-z]+@x\.com\\)");
}

TEST(DqRulesetParserTest, ErrorsNameLineAndColumn) {
  EXPECT_EQ(ErrorOf("Rules = [ RowCount > 0, IsComplet \"a\" ]"),
            "Invalid DQDL at line 1, column 25: unknown rule type IsComplet (found 'IsComplet')");
  EXPECT_EQ(ErrorOf("Rules = [\n  RowCount >\n]"),
            "Invalid DQDL at line 3, column 1: RowCount compares with numbers (found ']')");
  EXPECT_EQ(ErrorOf("Rules = [ IsComplete ]"),
            "Invalid DQDL at line 1, column 22: IsComplete needs a quoted column name (found ']')");
  EXPECT_EQ(ErrorOf("Rule = [ RowCount > 0 ]"),
            "Invalid DQDL at line 1, column 1: expected 'Rules = [' at the start of the ruleset "
            "(found 'Rule')");
  EXPECT_EQ(ErrorOf("Rules = [ ColumnValues \"a\" in [\"x\" ]"),
            "Invalid DQDL at line 1, column 37: expected ',' or ']' after a rule (found the end "
            "of the ruleset)");
  EXPECT_EQ(ErrorOf("Rules = [ Mean \"a\" > \"x\" ]"),
            "Invalid DQDL at line 1, column 22: Mean compares with numbers (found \"x\")");
  EXPECT_EQ(ErrorOf("Rules = [ (RowCount > 0) and (RowCount < 9) or (RowCount = 3) ]"),
            "Invalid DQDL at line 1, column 45: mixing 'and' and 'or' needs parentheses around "
            "each group (found 'or')");
  EXPECT_EQ(ErrorOf("Rules = [ RowCount > 0 with threshold > 0.5 ]"),
            "Invalid DQDL at line 1, column 24: RowCount does not take 'with threshold' (found "
            "'with')");
  EXPECT_EQ(ErrorOf("Rules = [ CustomSql \"delete from primary\" = 0 ]"),
            "Invalid DQDL at line 1, column 21: CustomSql takes one SELECT statement (found "
            "\"delete from primary\")");
  EXPECT_EQ(ErrorOf("Rules = [ RowCount > 0 where \"1=1; drop table x\" ]"),
            "Invalid DQDL at line 1, column 30: a 'where' condition is one SQL expression (found "
            "\"1=1; drop table x\")");
  EXPECT_EQ(ErrorOf("Rules = [ IsComplete \"a ]"),
            "Invalid DQDL at line 1, column 22: unterminated string");
  EXPECT_EQ(ErrorOf("Rules = [ RowCount > 0 ] extra"),
            "Invalid DQDL at line 1, column 26: unexpected text after the closing ']' (found "
            "'extra')");
  EXPECT_EQ(ErrorOf("Rules = [ ]"),
            "Invalid DQDL at line 1, column 11: the ruleset has no rules (found ']')");
  EXPECT_EQ(ErrorOf("Rules = [ RowCount > 0 ; ]"),
            "Invalid DQDL at line 1, column 24: unexpected character ';'");
  EXPECT_EQ(ErrorOf("Rules = [ ColumnValues \"a\" > (now() - 3 weeks) ]"),
            "Invalid DQDL at line 1, column 41: expected a duration unit (days, hours, minutes or "
            "seconds) (found 'weeks')");
}

TEST(DqRulesetParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string text = "Rules = [ ";
  for (int i = 0; i < 5000; ++i) text += "(";
  text += "RowCount > 0";
  for (int i = 0; i < 5000; ++i) text += ")";
  text += " ]";
  EXPECT_NE(ErrorOf(text).find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace glue
