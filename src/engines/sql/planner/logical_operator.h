// The logical plan: a tree of relational operators over bound expressions, produced by the
// binder, rewritten by the optimizer and turned into physical operators by the physical
// planner. One struct serves every kind; the fields a kind uses are noted beside them.
// Plans are built and rewritten by one thread, then read-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engines/sql/binder/bound_expression.h"
#include "engines/sql/catalog/catalog.h"

namespace sql {

enum class LogicalKind {
  kGet,         // scan of a memory table or external table
  kValues,      // literal rows
  kDummy,       // one row, no columns (SELECT without FROM)
  kFilter,      // expressions = conjuncts
  kProjection,  // expressions
  kAggregate,   // groups + aggregates (+ grouping sets)
  kJoin,        // join_type, conditions, expressions = residual conjuncts
  kOrder,       // orders
  kLimit,       // limit, offset
  kDistinct,
  kWindow,      // expressions = window expressions
  kSetOp,       // set_op, set_all
  kEmpty,       // no rows (pruned), types only
};

enum class JoinType { kInner, kLeft, kRight, kFull, kSemi, kAnti, kCross };

struct JoinCondition {
  BoundExprPtr left;   // over the left child's columns
  BoundExprPtr right;  // over the right child's columns
  // true: IS NOT DISTINCT FROM (NULLs match), false: '='.
  bool null_equal = false;
};

enum class SetOp { kUnion, kIntersect, kExcept };

struct LogicalOperator;
using LogicalPtr = std::unique_ptr<LogicalOperator>;

struct LogicalOperator {
  LogicalKind kind;
  std::vector<LogicalPtr> children;
  std::vector<BoundExprPtr> expressions;
  uint32_t table_index = 0;   // Get, Values, Projection, Window, SetOp, Empty
  std::vector<Type> types;    // output types (all kinds; set by ResolveTypes)

  // kGet
  std::shared_ptr<MemoryTable> memory_table;
  std::shared_ptr<const std::vector<DataChunk>> snapshot;
  std::shared_ptr<const TableDefinition> external;
  std::vector<uint32_t> column_ids;      // table columns the scan produces, in order
  std::vector<ColumnDef> table_columns;  // every column of the table (incl. partition keys)
  std::vector<BoundExprPtr> pushed_filters;  // over the table's column bindings
  std::string table_name;

  // kValues: rows of expressions
  std::vector<std::vector<BoundExprPtr>> rows;

  // kAggregate
  uint32_t group_index = 0;
  uint32_t aggregate_index = 0;
  uint32_t grouping_index = 0;             // GROUPING() values, one column per grouping call
  std::vector<BoundExprPtr> groups;
  std::vector<BoundExprPtr> aggregates;    // kAggregate expressions
  std::vector<std::vector<size_t>> grouping_sets;  // empty = one set of all groups
  std::vector<std::vector<size_t>> grouping_calls; // arguments of each GROUPING() call

  // kJoin
  JoinType join_type = JoinType::kInner;
  std::vector<JoinCondition> conditions;

  // kOrder
  std::vector<BoundOrder> orders;

  // kLimit
  int64_t limit = -1;  // -1 = none
  int64_t offset = 0;

  // kSetOp
  SetOp set_op = SetOp::kUnion;
  bool set_all = false;

  double estimated_rows = 0;

  std::vector<ColumnBinding> GetColumnBindings() const;
  // Recomputes `types` from children (and expressions) bottom-up.
  void ResolveTypes();
  // Human-readable plan for EXPLAIN.
  std::string ToString(int indent = 0) const;
};

LogicalPtr MakeLogical(LogicalKind kind);

}  // namespace sql
