// Bound (resolved and typed) expressions: what the binder makes of parsed expressions and
// what the optimizer and executor work on. Column references name a (table index, column
// index) binding until physical planning resolves them to positions in an input chunk.
// Trees are built by one thread and then shared read-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engines/sql/common/types.h"
#include "engines/sql/common/value.h"
#include "engines/sql/function/scalar_function.h"

namespace sql {

struct LogicalOperator;
struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

struct ColumnBinding {
  uint32_t table = 0;
  uint32_t column = 0;
  bool operator==(const ColumnBinding& o) const { return table == o.table && column == o.column; }
};

enum class BoundExprKind {
  kConstant,
  kColumnRef,   // binding; `index` set at physical planning
  kParameter,   // correlated outer value: `index` is the slot in the parameter frame
  kFunction,    // function
  kCast,        // children[0]; try_cast
  kAnd,
  kOr,
  kNot,
  kIsNull,      // negated = IS NOT NULL
  kIsDistinct,  // negated = IS NOT DISTINCT FROM
  kCase,        // children: when, then, ..., else
  kCoalesce,
  kInList,      // children[0] IN (children[1..]); negated
  kSubquery,    // subquery
  kTry,         // children[0]; errors become NULL
  kAggregate,   // binder-only: replaced by column refs when planning
  kWindow,      // binder-only
};

enum class SubqueryKind { kScalar, kExists, kIn, kAny, kAll };

// A subquery used as an expression. The expression's children are the correlated outer
// values (parameter slots 0..n-1) followed, for IN/ANY/ALL, by the left operand.
struct BoundSubquery {
  SubqueryKind kind = SubqueryKind::kScalar;
  std::string op;  // comparison for ANY/ALL ("=", "<", ...)
  std::unique_ptr<LogicalOperator> plan;
  size_t correlated_count = 0;
  std::vector<Type> parameter_types;
};

struct BoundOrder {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = false;
};

struct BoundAggregate {
  std::string name;
  std::vector<BoundExprPtr> args;
  bool distinct = false;
  BoundExprPtr filter;
};

enum class WindowFrameBound { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };

struct BoundWindow {
  std::string name;
  std::vector<BoundExprPtr> args;
  std::vector<BoundExprPtr> partitions;
  std::vector<BoundOrder> orders;
  bool rows_frame = false;  // ROWS vs RANGE
  bool has_frame = false;
  WindowFrameBound start = WindowFrameBound::kUnboundedPreceding;
  WindowFrameBound end = WindowFrameBound::kCurrentRow;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  bool ignore_nulls = false;
  bool distinct = false;
};

struct BoundExpr {
  BoundExprKind kind = BoundExprKind::kConstant;
  Type type;
  std::string text;  // source text, for error messages and column names
  Value value;
  ColumnBinding binding;
  int index = -1;
  std::shared_ptr<const BoundFunction> function;
  bool try_cast = false;
  bool negated = false;
  std::vector<BoundExprPtr> children;
  std::shared_ptr<BoundSubquery> subquery;
  std::shared_ptr<BoundAggregate> aggregate;
  std::shared_ptr<BoundWindow> window;

  BoundExprPtr Copy() const;
  // Structural equality (same operation over the same inputs); subqueries never compare
  // equal.
  bool Equals(const BoundExpr& o) const;
  bool IsConstant() const { return kind == BoundExprKind::kConstant; }
  // True when no column, parameter, subquery or non-deterministic function occurs.
  bool IsFoldable() const;
  // Appends every column binding referenced (not descending into subqueries).
  void CollectBindings(std::vector<ColumnBinding>* out) const;
  bool HasSubquery() const;
};

BoundExprPtr MakeConstant(const Value& v, std::string text = "");
BoundExprPtr MakeColumnRef(ColumnBinding b, Type type, std::string text = "");

}  // namespace sql
