// The error a service handler throws to answer with an AWS error. The protocol layer encodes
// it in the service's own error shape (json `__type`, query/rest-xml `<Error><Code>`...).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace aws {

class ApiError : public base::Error {
 public:
  ApiError(int http_status, std::string code, const std::string& message)
      : base::Error(message), http_status_(http_status), code_(std::move(code)) {}

  int http_status() const { return http_status_; }
  const std::string& code() const { return code_; }
  std::string message() const { return what(); }

  // Extra members of the error body, in order (S3: <BucketName>, <Key>, <Resource>...).
  std::vector<std::pair<std::string, std::string>>& fields() { return fields_; }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  ApiError& With(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  // Response headers to add to the error response (S3: x-amz-delete-marker on 405...).
  std::vector<std::pair<std::string, std::string>>& headers() { return headers_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

 private:
  int http_status_;
  std::string code_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace aws
