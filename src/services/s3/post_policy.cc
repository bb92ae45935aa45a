#include "services/s3/post_policy.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/strings.h"
#include "platform/aws/api_error.h"

namespace s3 {
namespace {

aws::ApiError InvalidPolicy(const std::string& why) {
  return aws::ApiError(400, "InvalidPolicyDocument", "Invalid Policy: " + why);
}

aws::ApiError Denied(const std::string& why) {
  return aws::ApiError(403, "AccessDenied", "Invalid according to Policy: " + why);
}

std::string FieldName(const base::Json& v) {
  if (!v.is_string()) throw InvalidPolicy("a condition's field must be a string");
  std::string name = v.get<std::string>();
  if (name.empty() || name.front() != '$')
    throw InvalidPolicy("a condition's field must start with $");
  return base::ToLower(name.substr(1));
}

uint64_t Bound(const base::Json& v) {
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) {
    return v.get<uint64_t>();
  }
  if (v.is_string()) {
    try {
      return std::stoull(v.get<std::string>());
    } catch (const std::exception&) {
    }
  }
  throw InvalidPolicy("content-length-range bounds must be non-negative integers");
}

}  // namespace

PostPolicy PostPolicy::Parse(std::string_view base64_text) {
  std::optional<std::string> text = base::Base64Decode(base::Trim(base64_text));
  if (!text) throw InvalidPolicy("the policy is not base64");
  base::Json doc = base::Json::parse(*text, nullptr, false);
  if (!doc.is_object()) throw InvalidPolicy("the policy is not a JSON object");
  PostPolicy p;
  auto exp = doc.find("expiration");
  if (exp == doc.end() || !exp->is_string()) throw InvalidPolicy("Policy missing expiration.");
  const std::string& when = exp->get<std::string>();
  // A date before 1970 has expired (and may lie before what a time point holds): only its
  // form is checked. Later dates parse as they are; base rejects those past the clock's range.
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool before_1970 = when.size() >= 4 && std::all_of(when.begin(), when.begin() + 4, digit) &&
                     when.compare(0, 4, "1970") < 0;
  std::optional<base::TimePoint> t;
  if (!before_1970) {
    t = base::ParseIso8601(when);
  } else if (base::ParseIso8601("1970" + when.substr(4))) {
    t = base::TimePoint();
  }
  if (!t) throw InvalidPolicy("Invalid 'expiration' value: '" + when + "'");
  p.expiration_ = *t;
  auto conditions = doc.find("conditions");
  if (conditions == doc.end() || !conditions->is_array()) {
    throw InvalidPolicy("Policy missing conditions.");
  }
  for (const base::Json& c : *conditions) {
    if (c.is_object()) {
      for (const auto& [k, v] : c.items()) {
        if (!v.is_string()) throw InvalidPolicy("condition values must be strings");
        p.conditions_.push_back({Condition::Op::kEq, base::ToLower(k), v.get<std::string>()});
      }
      continue;
    }
    if (!c.is_array() || c.size() != 3 || !c[0].is_string()) {
      throw InvalidPolicy("a condition must be an object or a three-element array");
    }
    std::string op = base::ToLower(c[0].get<std::string>());
    if (op == "content-length-range") {
      p.length_range_ = std::make_pair(Bound(c[1]), Bound(c[2]));
      continue;
    }
    if (!c[2].is_string()) throw InvalidPolicy("condition values must be strings");
    if (op == "eq") {
      p.conditions_.push_back({Condition::Op::kEq, FieldName(c[1]), c[2].get<std::string>()});
    } else if (op == "starts-with") {
      p.conditions_.push_back(
          {Condition::Op::kStartsWith, FieldName(c[1]), c[2].get<std::string>()});
    } else {
      throw InvalidPolicy("Invalid Condition: unknown operation " + op);
    }
  }
  return p;
}

void PostPolicy::Check(const std::map<std::string, std::string>& fields, const std::string& bucket,
                       base::TimePoint now) const {
  if (now > expiration_) throw Denied("Policy expired.");
  for (const Condition& c : conditions_) {
    std::string actual;
    if (c.field == "bucket") {
      actual = bucket;
    } else if (auto it = fields.find(c.field); it != fields.end()) {
      actual = it->second;
    }
    bool ok = c.op == Condition::Op::kEq ? actual == c.value : actual.rfind(c.value, 0) == 0;
    if (!ok) {
      throw Denied("Policy Condition failed: [\"" +
                   std::string(c.op == Condition::Op::kEq ? "eq" : "starts-with") + "\", \"$" +
                   c.field + "\", \"" + c.value + "\"]");
    }
  }
  for (const auto& field : fields) {
    const std::string& name = field.first;
    if (name == "policy" || name == "x-amz-signature" || name == "file" ||
        name.rfind("x-ignore-", 0) == 0) {
      continue;
    }
    bool named = std::any_of(conditions_.begin(), conditions_.end(),
                             [&](const Condition& c) { return c.field == name; });
    if (!named) throw Denied("Extra input fields: " + name);
  }
}

}  // namespace s3
