#include "platform/auth/condition.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

#include "base/crypto.h"
#include "base/strings.h"
#include "platform/auth/policy.h"

namespace auth::internal {

namespace {

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && base::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         base::EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// ISO 8601 (the W3C profile: "2020-01-01", "2020-01", "2020-01-01T12:00:00Z", with fractions
// or offsets) or epoch seconds ("1577836800", "1577836800.5").
std::optional<base::TimePoint> ParseDate(std::string_view s) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  bool epoch = i < s.size();
  for (size_t j = i; j < s.size(); ++j) {
    if (!(s[j] >= '0' && s[j] <= '9') && s[j] != '.') epoch = false;
  }
  if (epoch) {
    std::optional<double> seconds = ParseNumber(s);
    // Beyond about year 33,000 the value is not a date any AWS request carries.
    if (!seconds || std::fabs(*seconds) > 1e12) return std::nullopt;
    return base::TimePoint(
        std::chrono::duration_cast<base::Clock::duration>(std::chrono::duration<double>(*seconds)));
  }
  if (s.size() == 7 && s[4] == '-') return base::ParseIso8601(std::string(s) + "-01");
  return base::ParseIso8601(s);
}

struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

std::optional<Address> ParseAddress(std::string_view s) {
  char buf[64];
  if (s.empty() || s.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  Address a;
  a.v6 = s.find(':') != std::string_view::npos;
  if (inet_pton(a.v6 ? AF_INET6 : AF_INET, buf, a.bytes.data()) != 1) return std::nullopt;
  return a;
}

// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it maps.
bool UnmapV4(Address& a) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!a.v6 || std::memcmp(a.bytes.data(), kMapped, sizeof kMapped) != 0) return false;
  std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
  std::fill(a.bytes.begin() + 4, a.bytes.end(), 0);
  a.v6 = false;
  return true;
}

bool PrefixEquals(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int prefix) {
  int full = prefix / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

// The policy values as strings: IAM accepts JSON numbers and booleans where it expects text.
std::vector<std::string> ValueStrings(std::string_view key, const base::Json& values) {
  std::vector<std::string> out;
  auto add = [&](const base::Json& v) {
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
    } else if (v.is_boolean()) {
      out.push_back(v.get<bool>() ? "true" : "false");
    } else if (v.is_number()) {
      out.push_back(v.dump());
    } else {
      throw PolicyError("Condition values for key " + std::string(key) +
                        " must be strings, numbers or booleans.");
    }
  };
  if (values.is_array()) {
    for (const base::Json& v : values) add(v);
  } else {
    add(values);
  }
  return out;
}

}  // namespace

Condition Condition::Compile(std::string_view op, std::string_view key, const base::Json& values,
                             bool variables) {
  struct Spec {
    std::string_view name;
    Family family;
    Compare compare;
    bool negated;
  };
  static constexpr Spec kOperators[] = {
      {"StringEquals", Family::kString, Compare::kEq, false},
      {"StringNotEquals", Family::kString, Compare::kEq, true},
      {"StringEqualsIgnoreCase", Family::kStringIgnoreCase, Compare::kEq, false},
      {"StringNotEqualsIgnoreCase", Family::kStringIgnoreCase, Compare::kEq, true},
      {"StringLike", Family::kStringLike, Compare::kEq, false},
      {"StringNotLike", Family::kStringLike, Compare::kEq, true},
      {"NumericEquals", Family::kNumeric, Compare::kEq, false},
      {"NumericNotEquals", Family::kNumeric, Compare::kEq, true},
      {"NumericLessThan", Family::kNumeric, Compare::kLt, false},
      {"NumericLessThanEquals", Family::kNumeric, Compare::kLe, false},
      {"NumericGreaterThan", Family::kNumeric, Compare::kGt, false},
      {"NumericGreaterThanEquals", Family::kNumeric, Compare::kGe, false},
      {"DateEquals", Family::kDate, Compare::kEq, false},
      {"DateNotEquals", Family::kDate, Compare::kEq, true},
      {"DateLessThan", Family::kDate, Compare::kLt, false},
      {"DateLessThanEquals", Family::kDate, Compare::kLe, false},
      {"DateGreaterThan", Family::kDate, Compare::kGt, false},
      {"DateGreaterThanEquals", Family::kDate, Compare::kGe, false},
      {"Bool", Family::kBool, Compare::kEq, false},
      {"BinaryEquals", Family::kBinary, Compare::kEq, false},
      {"IpAddress", Family::kIp, Compare::kEq, false},
      {"NotIpAddress", Family::kIp, Compare::kEq, true},
      {"ArnEquals", Family::kArn, Compare::kEq, false},
      {"ArnLike", Family::kArn, Compare::kEq, false},
      {"ArnNotEquals", Family::kArn, Compare::kEq, true},
      {"ArnNotLike", Family::kArn, Compare::kEq, true},
      {"Null", Family::kNull, Compare::kEq, false},
  };

  Condition c;
  std::string_view name = op;
  if (StartsWithIgnoreCase(name, "ForAllValues:")) {
    c.set_ = Set::kForAllValues;
    name.remove_prefix(13);
  } else if (StartsWithIgnoreCase(name, "ForAnyValue:")) {
    c.set_ = Set::kForAnyValue;
    name.remove_prefix(12);
  }
  if (EndsWithIgnoreCase(name, "IfExists")) {
    c.if_exists_ = true;
    name.remove_suffix(8);
  }
  const Spec* spec = nullptr;
  for (const Spec& s : kOperators) {
    if (base::EqualsIgnoreCase(s.name, name)) spec = &s;
  }
  if (spec == nullptr ||
      (spec->family == Family::kNull && (c.if_exists_ || c.set_ != Set::kNone))) {
    throw PolicyError("Invalid Condition type : " + std::string(op) + ".");
  }
  if (key.empty()) throw PolicyError("Condition key must not be empty.");
  c.key_ = std::string(key);
  c.family_ = spec->family;
  c.compare_ = spec->compare;
  c.negated_ = spec->negated;

  auto invalid = [&](const std::string& value) {
    return PolicyError("Invalid value " + value + " for condition operator " + std::string(op) +
                       " on key " + std::string(key) + ".");
  };
  for (const std::string& v : ValueStrings(key, values)) {
    switch (c.family_) {
      case Family::kString:
      case Family::kStringIgnoreCase:
      case Family::kBool:
        c.patterns_.push_back(Pattern::Compile(v, {.wildcards = false, .variables = variables}));
        break;
      case Family::kStringLike:
      case Family::kArn:
        c.patterns_.push_back(Pattern::Compile(v, {.wildcards = true, .variables = variables}));
        break;
      case Family::kNumeric: {
        std::optional<double> n = ParseNumber(v);
        if (!n) throw invalid(v);
        c.numbers_.push_back(*n);
        break;
      }
      case Family::kDate: {
        std::optional<base::TimePoint> t = ParseDate(v);
        if (!t) throw invalid(v);
        c.times_.push_back(*t);
        break;
      }
      case Family::kIp: {
        std::string_view text = v;
        size_t slash = text.find('/');
        std::optional<Address> a = ParseAddress(text.substr(0, slash));
        if (!a) throw invalid(v);
        int max = a->v6 ? 128 : 32;
        int prefix = max;
        if (slash != std::string_view::npos) {
          std::string_view digits = text.substr(slash + 1);
          auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
          if (ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
              prefix > max || digits.empty() || digits[0] == '+' || digits[0] == '-') {
            throw invalid(v);
          }
        }
        if (UnmapV4(*a)) prefix = prefix >= 96 ? prefix - 96 : 0;
        c.ranges_.push_back(IpRange{a->v6, a->bytes, prefix});
        break;
      }
      case Family::kBinary: {
        std::optional<std::string> bytes = base::Base64Decode(v);
        if (!bytes) throw invalid(v);
        c.binaries_.push_back(base::Base64Encode(*bytes));
        break;
      }
      case Family::kNull:
        if (base::EqualsIgnoreCase(v, "true")) {
          c.null_wants_absent_.push_back(true);
        } else if (base::EqualsIgnoreCase(v, "false")) {
          c.null_wants_absent_.push_back(false);
        } else {
          throw invalid(v);
        }
        break;
    }
  }
  return c;
}

MatchResult Condition::MatchOne(size_t i, std::string_view value,
                                const ContextKeys& context) const {
  auto result = [](bool b) { return b ? MatchResult::kMatch : MatchResult::kNoMatch; };
  auto compare = [&](const auto& request, const auto& policy) {
    switch (compare_) {
      case Compare::kEq:
        return request == policy;
      case Compare::kLt:
        return request < policy;
      case Compare::kLe:
        return request <= policy;
      case Compare::kGt:
        return request > policy;
      case Compare::kGe:
        return request >= policy;
    }
    return false;
  };
  switch (family_) {
    case Family::kString:
    case Family::kStringLike:
      return patterns_[i].Match(value, context);
    case Family::kStringIgnoreCase:
    case Family::kBool:
      return patterns_[i].Match(value, context, /*ignore_case=*/true);
    case Family::kArn:
      return patterns_[i].MatchArn(value, context);
    case Family::kNumeric: {
      std::optional<double> n = ParseNumber(value);
      return result(n && compare(*n, numbers_[i]));
    }
    case Family::kDate: {
      std::optional<base::TimePoint> t = ParseDate(value);
      return result(t && compare(*t, times_[i]));
    }
    case Family::kIp: {
      std::optional<Address> a = ParseAddress(value);
      if (!a) return MatchResult::kNoMatch;
      UnmapV4(*a);
      const IpRange& r = ranges_[i];
      return result(a->v6 == r.v6 && PrefixEquals(a->bytes, r.address, r.prefix));
    }
    case Family::kBinary:
      return result(value == binaries_[i]);
    case Family::kNull:
      break;
  }
  return MatchResult::kNoMatch;
}

bool Condition::Satisfies(std::string_view value, const ContextKeys& context) const {
  size_t count =
      patterns_.size() + numbers_.size() + times_.size() + ranges_.size() + binaries_.size();
  if (!negated_) {
    // Several policy values are OR'ed.
    for (size_t i = 0; i < count; ++i) {
      if (MatchOne(i, value, context) == MatchResult::kMatch) return true;
    }
    return false;
  }
  // A negated operator holds when no policy value matches (NOR). A value whose variable
  // cannot be resolved makes the test fail rather than vacuously hold.
  for (size_t i = 0; i < count; ++i) {
    if (MatchOne(i, value, context) != MatchResult::kNoMatch) return false;
  }
  return true;
}

bool Condition::Evaluate(const ContextKeys& context) const {
  const std::vector<std::string>* values = context.Find(key_);
  bool present = values != nullptr && !values->empty();
  if (family_ == Family::kNull) {
    for (bool wants_absent : null_wants_absent_) {
      if (wants_absent != present) return true;
    }
    return false;
  }
  if (!present) {
    if (if_exists_) return true;
    switch (set_) {
      case Set::kForAllValues:
        return true;  // vacuously: no value fails
      case Set::kForAnyValue:
        return false;  // no value matches
      case Set::kNone:
        return negated_;  // a negated test of nothing holds
    }
  }
  // A plain operator over a multivalued key: positive operators need one matching value,
  // negated ones need every value to miss. ForAnyValue/ForAllValues apply the operator to
  // each request value and need one, or all, to satisfy it.
  bool need_all = set_ == Set::kForAllValues || (set_ == Set::kNone && negated_);
  for (const std::string& v : *values) {
    bool ok = Satisfies(v, context);
    if (need_all && !ok) return false;
    if (!need_all && ok) return true;
  }
  return need_all;
}

}  // namespace auth::internal
