// Rewrites logical plans before execution: constant folding, flattening of inner/cross
// join trees with the WHERE conjuncts into a join graph that is re-ordered greedily (most
// selective relation first, then always a relation connected by an equality so that
// dozens of tables joined through WHERE become hash joins, never cross products; row
// estimates from Parquet statistics, a column's range conditions taken together), eager
// aggregation of facts by their join key below a GROUP BY over a dimension, pushing
// single-table predicates down to their table, and Hive partition pruning of external
// scans. Stateless; thread-safe.
#pragma once

#include "engines/sql/execution/exec_context.h"
#include "engines/sql/planner/logical_operator.h"

namespace sql {

LogicalPtr Optimize(LogicalPtr plan, QueryState* query);

}  // namespace sql
