// The members of one MLflow REST request, read the way MLflow's server reads them: from the
// query string (GET requests; a repeated field repeats its parameter) and from the JSON body
// (POST, PATCH and DELETE), under proto3 JSON rules: int64 members may be numbers or decimal
// strings, doubles may be numbers, numeric strings or "NaN"/"Infinity"/"-Infinity", booleans
// true/false in either form. Members the request does not know are ignored. Errors are
// MlflowError INVALID_PARAMETER_VALUE (BAD_REQUEST for a body that is not a JSON object) with
// MLflow's messages. A plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"

namespace mlflow {

class RequestFields {
 public:
  RequestFields() : doc_(base::Json::object()) {}
  // `query` holds the decoded query parameters in order; `body` is the raw entity body (empty
  // when there is none). Body members win over query parameters of the same name.
  static RequestFields Parse(const std::vector<std::pair<std::string, std::string>>& query,
                             std::string_view body);

  bool Has(std::string_view name) const;
  // A string member; numbers and booleans read as their JSON text.
  std::optional<std::string> String(std::string_view name) const;
  // A string member that must be present and non-empty.
  std::string RequiredString(std::string_view name) const;
  std::optional<int64_t> Int64(std::string_view name) const;
  std::optional<double> Double(std::string_view name) const;
  std::optional<bool> Bool(std::string_view name) const;
  // A repeated string member: a JSON array, a repeated query parameter, or one value.
  std::vector<std::string> Strings(std::string_view name) const;
  // A repeated message member (a JSON array of objects); empty when absent.
  const base::Json& Objects(std::string_view name) const;

  // The run a run-scoped request names: run_id, or the deprecated run_uuid.
  std::string RunId() const;

 private:
  const base::Json* Find(std::string_view name) const;

  base::Json doc_;
};

// Proto3 JSON reading of a member of a nested message (a metric inside log-batch).
std::optional<int64_t> JsonInt64(const base::Json& value, std::string_view name);
std::optional<double> JsonDouble(const base::Json& value, std::string_view name);
std::optional<std::string> JsonString(const base::Json& value, std::string_view name);

}  // namespace mlflow
