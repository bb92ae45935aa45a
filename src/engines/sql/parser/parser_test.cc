#include "engines/sql/parser/parser.h"

#include <gtest/gtest.h>

#include "engines/sql/common/error.h"

namespace sql {
namespace {

TEST(ParserTest, ErrorNamesLineColumnAndShowsCaret) {
  try {
    ParseStatement("SELECT a,\n  b FROM FROM t");
    FAIL() << "expected a parse error";
  } catch (const ParserError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 10);
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("line 2:10: ", 0), 0u) << msg;
    EXPECT_NE(msg.find("\n  b FROM FROM t\n         ^"), std::string::npos) << msg;
  }
}

TEST(ParserTest, UnterminatedStringIsAnError) {
  EXPECT_THROW(ParseStatement("SELECT 'abc"), ParserError);
}

TEST(ParserTest, ErrorPastTheEndOfALongLineKeepsTheCaretInside) {
  // An unterminated string spanning lines is reported at the text's end, beyond line 1.
  std::string text = "SELECT '" + std::string(250, 'x') + "\n" + std::string(100, 'y');
  try {
    ParseStatement(text);
    FAIL() << "parsed";
  } catch (const ParserError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.substr(0, 7), "line 1:");
    EXPECT_NE(msg.find(std::string(150, 'x')), std::string::npos) << msg;
    EXPECT_EQ(msg.back(), '^');
  }
}

TEST(ParserTest, PrecedenceOfArithmeticAndLogic) {
  auto e = ParseExpression("1 + 2 * 3 = 7 AND NOT x OR y");
  ASSERT_EQ(e->kind, ExprKind::kBinary);
  EXPECT_EQ(e->op, "or");
  const ParsedExpr& conj = *e->children[0];
  EXPECT_EQ(conj.op, "and");
  const ParsedExpr& eq = *conj.children[0];
  EXPECT_EQ(eq.op, "=");
  EXPECT_EQ(eq.children[0]->op, "+");
  EXPECT_EQ(eq.children[0]->children[1]->op, "*");
  EXPECT_EQ(conj.children[1]->kind, ExprKind::kUnary);
}

TEST(ParserTest, NegativeLiteralsFoldIntoTheirType) {
  auto e = ParseExpression("-2147483648");
  ASSERT_EQ(e->kind, ExprKind::kLiteral);
  EXPECT_EQ(e->value.type().id(), TypeId::kInteger);
  EXPECT_EQ(e->value.int64(), -2147483648LL);
  auto d = ParseExpression("12.50");
  EXPECT_EQ(d->value.type(), Type::Decimal(4, 2));
}

TEST(ParserTest, SelectClausesAndSetOperations) {
  auto s = ParseStatement(
      "WITH c AS (SELECT 1 AS x) SELECT DISTINCT x, count(*) FROM c GROUP BY ROLLUP(x) "
      "HAVING count(*) > 0 UNION ALL SELECT 2, 3 ORDER BY 1 DESC NULLS FIRST LIMIT 5 OFFSET 1");
  ASSERT_EQ(s->kind, StatementKind::kSelect);
  const Query& q = *s->query;
  EXPECT_EQ(q.with.size(), 1u);
  ASSERT_TRUE(q.body->left);
  EXPECT_TRUE(q.body->all);
  EXPECT_EQ(q.body->left->select->group_by[0].kind, GroupingKind::kRollup);
  ASSERT_EQ(q.order_by.size(), 1u);
  EXPECT_TRUE(q.order_by[0].descending);
  EXPECT_EQ(q.order_by[0].nulls_first, 1);
  ASSERT_TRUE(q.limit);
  EXPECT_EQ(q.limit->value.int64(), 5);
}

TEST(ParserTest, WindowFrameAndCtasProperties) {
  auto s = ParseStatement(
      "CREATE TABLE t WITH (format = 'PARQUET', partitioned_by = ARRAY['region']) AS "
      "SELECT sum(x) OVER (PARTITION BY y ORDER BY z ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM u");
  ASSERT_EQ(s->kind, StatementKind::kCreateTableAs);
  ASSERT_EQ(s->properties.size(), 2u);
  EXPECT_EQ(s->properties[1].value->kind, ExprKind::kArray);
  const ParsedExpr& f = *s->query->body->select->items[0].expr;
  ASSERT_TRUE(f.over);
  EXPECT_EQ(f.over->unit, FrameUnit::kRows);
  EXPECT_EQ(f.over->start.kind, FrameBoundKind::kPreceding);
}

TEST(ParserTest, DeepNestingIsRejectedNotCrashing) {
  std::string deep(5000, '(');
  EXPECT_THROW(ParseStatement("SELECT " + deep + "1"), ParserError);
}

}  // namespace
}  // namespace sql
