// Factories for the physical operators. Expressions passed in are already resolved to
// input positions (BoundExpr::index). Each operator is used by one thread; parallel plans
// run one copy of a pipeline per worker, the copies sharing their scans' morsels and their
// hash joins' build sides (see the physical planner).
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "engines/sql/binder/bound_expression.h"
#include "engines/sql/execution/join_key_filter.h"
#include "engines/sql/execution/physical_operator.h"
#include "engines/sql/planner/logical_operator.h"

namespace sql {

class HashJoinBuild;
class KeyBounds;

// Rows of an in-memory table snapshot (zero-copy), `column_ids` in order. Copies of a
// parallel pipeline share `shared`, the index of the next chunk to hand out.
PhysicalPtr MakeMemoryScan(ExecContext* ctx, std::shared_ptr<const std::vector<DataChunk>> chunks,
                           std::vector<uint32_t> column_ids, std::vector<Type> types,
                           std::shared_ptr<std::atomic<size_t>> shared = nullptr);
// Rows of a materialized collection.
PhysicalPtr MakeCollectionScan(ExecContext* ctx, std::shared_ptr<ChunkCollection> rows);
PhysicalPtr MakeFilter(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> predicates);
PhysicalPtr MakeProjection(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> exprs);
// `aggregates` are kAggregate expressions whose arguments are resolved against the input;
// `having` are predicates over the result rows (resolved against them) that a row must pass
// to be returned. `key_bounds`, for one integer group key read straight from a scan of the
// table it describes, lets groups be finished (and their state freed) as soon as the input
// has moved past them.
PhysicalPtr MakeHashAggregate(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> groups,
                              std::vector<BoundExprPtr> aggregates,
                              std::vector<std::vector<size_t>> grouping_sets,
                              std::vector<std::vector<size_t>> grouping_calls,
                              std::vector<Type> types, std::vector<BoundExprPtr> having = {},
                              std::shared_ptr<const KeyBounds> key_bounds = nullptr);
// Hash aggregation (one grouping set) of `children`, copies of one pipeline run on the
// worker threads, merging the partial results; `builds` are the hash join build sides the
// pipelines probe, prepared before they start. Returns null when an aggregate cannot merge
// partial states (DISTINCT), for the caller to plan a serial aggregation instead.
PhysicalPtr MakeParallelHashAggregate(ExecContext* ctx, std::vector<PhysicalPtr> children,
                                      const std::vector<BoundExprPtr>& groups,
                                      const std::vector<BoundExprPtr>& aggregates,
                                      std::vector<Type> types,
                                      std::vector<std::shared_ptr<HashJoinBuild>> builds,
                                      const std::vector<BoundExprPtr>& having = {},
                                      std::shared_ptr<const KeyBounds> key_bounds = nullptr);
// Equi-join on left_keys[i] = right_keys[i]; `residual` is over left columns followed by
// right columns.
PhysicalPtr MakeHashJoin(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, JoinType type,
                         std::vector<BoundExprPtr> left_keys, std::vector<BoundExprPtr> right_keys,
                         std::vector<bool> null_equal, BoundExprPtr residual, std::vector<Type> types);
// The build side of a hash join, shareable by the probing copies of a parallel pipeline:
// built once, by PrepareHashJoinBuild or by the first probe, then read-only. Many rows (16k
// or more, with worker threads) are indexed in partitions on the worker threads.
std::shared_ptr<HashJoinBuild> MakeHashJoinBuild(ExecContext* ctx, PhysicalPtr right,
                                                 std::vector<BoundExprPtr> right_keys,
                                                 std::vector<bool> null_equal);
// A build side whose input is `copies` of one parallel pipeline, run on the worker threads
// once the build sides they probe (`builds`) are ready.
std::shared_ptr<HashJoinBuild> MakeParallelHashJoinBuild(ExecContext* ctx, std::vector<PhysicalPtr> copies,
                                                         std::vector<std::shared_ptr<HashJoinBuild>> builds,
                                                         std::vector<BoundExprPtr> right_keys,
                                                         std::vector<bool> null_equal);
void PrepareHashJoinBuild(HashJoinBuild& build);
// The Bloom filter of `build`'s keys, filled when it is built, for the scan under the probe
// side; null unless the join has one integer key whose NULLs never match.
std::shared_ptr<JoinKeyFilter> HashJoinKeyFilter(HashJoinBuild& build);
// Probes `build` with the rows of `left` (right and full joins need a build of their own).
PhysicalPtr MakeHashJoinProbe(ExecContext* ctx, PhysicalPtr left, std::shared_ptr<HashJoinBuild> build,
                              JoinType type, std::vector<BoundExprPtr> left_keys,
                              std::vector<bool> null_equal, BoundExprPtr residual,
                              std::vector<Type> types);
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
