// The error every part of the MLflow module throws to answer a client: an MLflow error code
// ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE", ...) and a message, sent as
// {"error_code": ..., "message": ...} with the HTTP status MLflow's own server uses for that
// code (RESOURCE_ALREADY_EXISTS and INVALID_PARAMETER_VALUE are 400, RESOURCE_DOES_NOT_EXIST
// 404, UNAUTHENTICATED 401, ...). Immutable once thrown; safe to share between threads.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace mlflow {

class MlflowError : public base::Error {
 public:
  MlflowError(std::string code, const std::string& message)
      : base::Error(message), code_(std::move(code)) {}

  const std::string& code() const { return code_; }
  // The HTTP status MLflow answers `code` with (500 for codes it does not list).
  int http_status() const;

 private:
  std::string code_;
};

MlflowError InvalidParameter(const std::string& message);
MlflowError NotFound(const std::string& message);
MlflowError AlreadyExists(const std::string& message);
MlflowError InvalidState(const std::string& message);

// MLflow's wording for a request member that is absent, or present with a value of the wrong
// form.
MlflowError MissingParameter(std::string_view name);
MlflowError BadParameterValue(std::string_view name, std::string_view value);

}  // namespace mlflow
