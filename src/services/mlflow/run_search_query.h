// The SQL of a search_runs call: checks a parsed filter and order_by against what MLflow
// accepts for runs (metrics compare as numbers with = != < <= > >=; params and tags as quoted
// strings with = != LIKE ILIKE; attributes run_id, run_name, status, user_id, artifact_uri and
// the numeric start_time, end_time, created; IN / NOT IN on run_id only; datasets by name,
// digest and context) and turns it into one SELECT of run keys over the indexed tables: each
// metric, param or tag comparison is a join on its (run, key) row, each order key a left join,
// with MLflow's ordering (missing values last, NaN after numbers, then start_time DESC and
// run_id). All values are bound parameters, so the statement text depends only on the shape of
// the query. Errors are MlflowError INVALID_PARAMETER_VALUE naming the offending part. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/meta/value.h"
#include "services/mlflow/search_filter.h"
#include "services/mlflow/tracking_store.h"

namespace mlflow {

struct RunSearchQuery {
  std::string sql;
  std::vector<meta::Value> params;

  // `exp_keys_json` is a JSON array of the experiments' internal keys; the query returns
  // run_key for `limit` runs from `offset`.
  static RunSearchQuery Build(const std::string& exp_keys_json,
                              const std::vector<Comparison>& filter,
                              const std::vector<OrderKey>& order, ViewType view, int64_t limit,
                              int64_t offset);
};

}  // namespace mlflow
