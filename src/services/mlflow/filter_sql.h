// SQL for the string comparisons of MLflow's search filters (search_experiments,
// search_registered_models, search_model_versions): `=`/`!=` exactly, LIKE case-sensitively
// (as a SQLite GLOB) and ILIKE case-insensitively. Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "platform/meta/store.h"
#include "services/mlflow/search_filter.h"

namespace mlflow {

// The condition comparing `column` with the filter's quoted string, its value appended to
// `params`. Throws INVALID_PARAMETER_VALUE for an unquoted value or another comparator.
std::string StringCondition(const Comparison& c, const std::string& column,
                            std::vector<meta::Value>& params);

}  // namespace mlflow
