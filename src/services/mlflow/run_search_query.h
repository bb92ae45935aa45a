// The SQL of a search_runs call: checks a parsed filter and order_by against what MLflow
// accepts for runs (metrics compare as numbers with = != < <= > >=; params and tags as quoted
// strings with = != LIKE ILIKE; attributes run_id, run_name, status, user_id, artifact_uri and
// the numeric start_time, end_time, created; IN / NOT IN on run_id only; datasets by name,
// digest and context) and turns it into one SELECT of run keys over the indexed tables: each
// metric, param or tag comparison is a join on its (run, key) row, each order key a left join,
// with MLflow's ordering (missing values last, NaN after numbers, then start_time DESC and
// run_id); a leading metric order key is served from that metric's index (see `split`). All values
// are bound parameters, so the statement text depends only on the shape of the query. Errors are
// MlflowError INVALID_PARAMETER_VALUE naming the offending part. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/meta/value.h"
#include "services/mlflow/search_filter.h"
#include "services/mlflow/tracking_store.h"

namespace mlflow {

struct RunSearchQuery {
  // Each statement ends in "LIMIT ? OFFSET ?", whose two values the caller appends.
  std::string sql;
  std::vector<meta::Value> params;
  // When the first order key is a metric, `sql` returns only the runs with a number for it,
  // walking the metric's (key, value) index in order so that a page costs about what it
  // returns instead of a sort of every match; `rest_sql` then returns the runs where it is
  // missing or NaN (which MLflow orders after the numbers), and `count_sql` (no LIMIT) counts
  // what `sql` can return, to find where a page past its end starts in `rest_sql`.
  std::string rest_sql;
  std::vector<meta::Value> rest_params;
  std::string count_sql;

  bool split() const { return !rest_sql.empty(); }

  // `exp_keys_json` is a JSON array of the experiments' internal keys; the statements return
  // run_key.
  static RunSearchQuery Build(const std::string& exp_keys_json,
                              const std::vector<Comparison>& filter,
                              const std::vector<OrderKey>& order, ViewType view);
};

}  // namespace mlflow
