#include "services/mlflow/mlflow_error.h"

#include <map>

namespace mlflow {

int MlflowError::http_status() const {
  // mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS.
  static const std::map<std::string, int, std::less<>> kStatus = {
      {"INTERNAL_ERROR", 500},
      {"INVALID_STATE", 500},
      {"DATA_LOSS", 500},
      {"NOT_IMPLEMENTED", 501},
      {"TEMPORARILY_UNAVAILABLE", 503},
      {"DEADLINE_EXCEEDED", 504},
      {"REQUEST_LIMIT_EXCEEDED", 429},
      {"CANCELLED", 499},
      {"RESOURCE_EXHAUSTED", 429},
      {"ABORTED", 409},
      {"RESOURCE_CONFLICT", 409},
      {"ALREADY_EXISTS", 409},
      {"NOT_FOUND", 404},
      {"ENDPOINT_NOT_FOUND", 404},
      {"RESOURCE_DOES_NOT_EXIST", 404},
      {"PERMISSION_DENIED", 403},
      {"CUSTOMER_UNAUTHORIZED", 401},
      {"UNAUTHENTICATED", 401},
      {"BAD_REQUEST", 400},
      {"RESOURCE_ALREADY_EXISTS", 400},
      {"INVALID_PARAMETER_VALUE", 400},
  };
  auto it = kStatus.find(code_);
  return it == kStatus.end() ? 500 : it->second;
}

MlflowError InvalidParameter(const std::string& message) {
  return MlflowError("INVALID_PARAMETER_VALUE", message);
}
MlflowError NotFound(const std::string& message) {
  return MlflowError("RESOURCE_DOES_NOT_EXIST", message);
}
MlflowError AlreadyExists(const std::string& message) {
  return MlflowError("RESOURCE_ALREADY_EXISTS", message);
}
MlflowError InvalidState(const std::string& message) {
  return MlflowError("INVALID_STATE", message);
}

MlflowError MissingParameter(std::string_view name) {
  return InvalidParameter("Missing value for required parameter '" + std::string(name) +
                          "'. See the API docs for more information about request parameters.");
}

MlflowError BadParameterValue(std::string_view name, std::string_view value) {
  return InvalidParameter("Invalid value \"" + std::string(value) + "\" for parameter '" +
                          std::string(name) + "' supplied.");
}

}  // namespace mlflow
