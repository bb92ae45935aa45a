// Turns an optimized logical plan into physical operators: resolves column bindings to
// input positions, picks hash joins for equi-conditions (nested loops otherwise), fuses
// ORDER BY + LIMIT into a top-N sort and HAVING into its aggregation, runs hash aggregations over
// parallel copies of their input pipeline (scans, filters, projections, hash join probes), and the
// build sides of those probes over copies of theirs, and evaluates VALUES rows. The copies share
// their external scan's chunks (ChunkExchange) unless the aggregation over them may find its
// groups in key order. Also executes subquery plans for the expression executor. Stateless apart
// from the query context; one planner per execution.
#pragma once

#include "engines/sql/execution/physical_operator.h"
#include "engines/sql/planner/logical_operator.h"

namespace sql {

class PhysicalPlanner {
 public:
  explicit PhysicalPlanner(ExecContext* ctx);
  PhysicalPtr Plan(const LogicalOperator& op);

 private:
  struct PipelineState;
  // A hash aggregation that returns only the groups passing `having` (predicates over its
  // result rows: a HAVING clause planned into it).
  PhysicalPtr PlanAggregate(const LogicalOperator& op, std::vector<BoundExprPtr> having);
  // A hash aggregation over copies of its input pipeline on the worker threads, or null
  // when the input cannot be split (or the query runs on one thread).
  PhysicalPtr PlanParallelAggregate(const LogicalOperator& op,
                                    const std::vector<BoundExprPtr>& having);
  // One copy of a parallel pipeline; `first` is the copy that reports progress.
  PhysicalPtr PlanPipeline(const LogicalOperator& op, PipelineState* state, bool first);

  ExecContext* ctx_;
};

// Runs `plan` with `params` as the parameter frame and returns all rows (or the first
// `max_rows`). Used for subqueries and by Connection.
ChunkCollection ExecutePlan(const LogicalOperator& plan, QueryState* query,
                            const std::vector<Value>& params, size_t max_rows = SIZE_MAX);

}  // namespace sql
