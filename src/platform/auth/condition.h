// One test of a statement's Condition element: an operator ("ForAnyValue:StringLikeIfExists")
// applied to one context key with the policy's values for it. Values are compiled when the
// policy is parsed (numbers, dates, CIDR ranges, patterns), so evaluation only parses the
// request's values. Internal to the evaluator.
//
// Immutable after Compile; safe to evaluate from many threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/time.h"
#include "platform/auth/context_keys.h"
#include "platform/auth/pattern.h"

namespace auth::internal {

class Condition {
 public:
  // Compiles `op` (the operator as written) over `key` with `values` (a JSON string, number,
  // boolean, or array of them). `variables` says whether policy variables are recognized
  // (policy version 2012-10-17). Throws PolicyError.
  static Condition Compile(std::string_view op, std::string_view key, const base::Json& values,
                           bool variables);

  // Whether the test holds for the request, following IAM's rules for absent keys, negated
  // operators (several policy values are NOR'ed), ...IfExists, Null and the set qualifiers.
  bool Evaluate(const ContextKeys& context) const;

 private:
  enum class Family : uint8_t {
    kString,
    kStringIgnoreCase,
    kStringLike,
    kNumeric,
    kDate,
    kBool,
    kBinary,
    kIp,
    kArn,
    kNull
  };
  enum class Compare : uint8_t { kEq, kLt, kLe, kGt, kGe };
  enum class Set : uint8_t { kNone, kForAllValues, kForAnyValue };
  struct IpRange {
    bool v6 = false;
    std::array<uint8_t, 16> address{};
    int prefix = 0;
  };

  Condition() = default;
  // How one policy value (index `i`) compares with one request value.
  MatchResult MatchOne(size_t i, std::string_view request_value, const ContextKeys& context) const;
  // Whether one request value satisfies the operator against all the policy values.
  bool Satisfies(std::string_view request_value, const ContextKeys& context) const;

  std::string key_;
  Family family_ = Family::kString;
  Compare compare_ = Compare::kEq;
  Set set_ = Set::kNone;
  bool negated_ = false;
  bool if_exists_ = false;
  // The compiled policy values; only the vector of the family in use is filled.
  std::vector<Pattern> patterns_;        // String*, Bool, Arn*
  std::vector<double> numbers_;          // Numeric*
  std::vector<base::TimePoint> times_;   // Date*
  std::vector<IpRange> ranges_;          // IpAddress, NotIpAddress
  std::vector<std::string> binaries_;    // BinaryEquals, as canonical base64
  std::vector<bool> null_wants_absent_;  // Null
};

}  // namespace auth::internal
