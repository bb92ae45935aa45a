// Factories for the physical operators. Expressions passed in are already resolved to
// input positions (BoundExpr::index). Operators are single-threaded; parallel plans run one
// copy of a pipeline per worker (see the physical planner).
#pragma once

#include <memory>
#include <vector>

#include "engines/sql/binder/bound_expression.h"
#include "engines/sql/execution/physical_operator.h"
#include "engines/sql/planner/logical_operator.h"

namespace sql {

// Rows of an in-memory table snapshot (zero-copy), `column_ids` in order.
PhysicalPtr MakeMemoryScan(ExecContext* ctx, std::shared_ptr<const std::vector<DataChunk>> chunks,
                           std::vector<uint32_t> column_ids, std::vector<Type> types);
// Rows of a materialized collection.
PhysicalPtr MakeCollectionScan(ExecContext* ctx, std::shared_ptr<ChunkCollection> rows);
PhysicalPtr MakeFilter(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> predicates);
PhysicalPtr MakeProjection(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> exprs);
// `aggregates` are kAggregate expressions whose arguments are resolved against the input.
PhysicalPtr MakeHashAggregate(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> groups,
                              std::vector<BoundExprPtr> aggregates,
                              std::vector<std::vector<size_t>> grouping_sets,
                              std::vector<std::vector<size_t>> grouping_calls,
                              std::vector<Type> types);
// Equi-join on left_keys[i] = right_keys[i]; `residual` is over left columns followed by
// right columns.
PhysicalPtr MakeHashJoin(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, JoinType type,
                         std::vector<BoundExprPtr> left_keys, std::vector<BoundExprPtr> right_keys,
                         std::vector<bool> null_equal, BoundExprPtr residual, std::vector<Type> types);
PhysicalPtr MakeNestedLoopJoin(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, JoinType type,
                               BoundExprPtr predicate, std::vector<Type> types);
// Sorts; with limit >= 0 keeps only the first offset+limit rows (top-N).
PhysicalPtr MakeSort(ExecContext* ctx, PhysicalPtr child, std::vector<BoundOrder> orders,
                     int64_t limit, int64_t offset);
PhysicalPtr MakeLimit(ExecContext* ctx, PhysicalPtr child, int64_t limit, int64_t offset);
PhysicalPtr MakeDistinct(ExecContext* ctx, PhysicalPtr child);
PhysicalPtr MakeSetOperation(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, SetOp op, bool all);
// `windows` are kWindow expressions resolved against the input; output = input + one
// column per window expression.
PhysicalPtr MakeWindow(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> windows,
                       std::vector<Type> types);

// Reads the whole output of `op` into a collection.
ChunkCollection Materialize(PhysicalOperator& op, ExecContext* ctx, size_t max_rows = SIZE_MAX);

}  // namespace sql
