// The policy document of a browser POST upload: a base64 JSON document with an expiration
// and conditions ({"field": "value"}, ["eq", "$field", "value"], ["starts-with", "$field",
// "prefix"], ["content-length-range", min, max]) that the form's fields must satisfy. As in
// S3, every form field except the signature, the policy, the file and x-ignore-* fields must
// be named by a condition. Immutable after parsing; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/time.h"

namespace s3 {

class PostPolicy {
 public:
  // Throws aws::ApiError InvalidPolicyDocument for a document that does not parse.
  static PostPolicy Parse(std::string_view base64_text);

  // Checks the policy against the form's `fields` (lower-case names) at `now`; the bucket
  // condition compares with `bucket`. Throws aws::ApiError AccessDenied (expired, a condition
  // failed, a field without a condition).
  void Check(const std::map<std::string, std::string>& fields, const std::string& bucket,
             base::TimePoint now) const;

  // The content-length-range condition, if the policy has one.
  std::optional<std::pair<uint64_t, uint64_t>> length_range() const { return length_range_; }

 private:
  struct Condition {
    enum class Op { kEq, kStartsWith } op;
    std::string field;  // lower case, without '$'
    std::string value;
  };

  base::TimePoint expiration_{};
  std::vector<Condition> conditions_;
  std::optional<std::pair<uint64_t, uint64_t>> length_range_;
};

}  // namespace s3
