#include "services/s3/lifecycle_config.h"

#include <set>

#include "platform/aws/api_error.h"
#include "services/s3/s3_common.h"

namespace s3 {
namespace {

aws::ApiError Malformed(const std::string& why) {
  return aws::ApiError(400, "MalformedXML",
                       "The XML you provided was not well-formed or did not validate against our "
                       "published schema: " +
                           why);
}

std::optional<int> PositiveInt(const base::Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() <= 0 || it->get<int64_t>() > 1 << 30) {
    throw InvalidArgument(std::string("'") + name +
                          "' in a lifecycle rule must be a positive integer");
  }
  return it->get<int>();
}

std::optional<uint64_t> Size(const base::Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_number_integer() || it->get<int64_t>() < 0) return std::nullopt;
  return it->get<uint64_t>();
}

void ReadFilter(const base::Json& filter, storage::LifecycleRule& rule) {
  const base::Json* source = &filter;
  if (auto a = filter.find("And"); a != filter.end() && a->is_object()) {
    source = &*a;
    rule.tags = TagsFromJson(a->value("Tags", base::Json::array()));
  }
  if (auto t = filter.find("Tag"); t != filter.end() && t->is_object()) {
    rule.tags.push_back({InputString(*t, "Key"), InputString(*t, "Value")});
  }
  rule.prefix = InputString(*source, "Prefix");
  rule.object_size_greater_than = Size(*source, "ObjectSizeGreaterThan");
  rule.object_size_less_than = Size(*source, "ObjectSizeLessThan");
}

}  // namespace

std::vector<storage::LifecycleRule> ParseLifecycleRules(const base::Json& rules) {
  if (!rules.is_array() || rules.empty() || rules.size() > 1000) {
    throw Malformed("a lifecycle configuration holds 1 to 1000 rules");
  }
  std::vector<storage::LifecycleRule> out;
  std::set<std::string> ids;
  for (const base::Json& r : rules) {
    storage::LifecycleRule rule;
    rule.id = InputString(r, "ID");
    if (rule.id.size() > 255)
      throw InvalidArgument("ID length should not exceed allowed limit of 255");
    if (!rule.id.empty() && !ids.insert(rule.id).second) {
      throw InvalidArgument("Rule ID must be unique. Found same ID for more than one rule");
    }
    std::string status = InputString(r, "Status");
    if (status != "Enabled" && status != "Disabled")
      throw Malformed("Status must be Enabled or Disabled");
    rule.enabled = status == "Enabled";
    if (r.contains("Transitions") || r.contains("NoncurrentVersionTransitions")) {
      throw aws::ApiError(
          501, "NotImplemented",
          "Lifecycle transitions are not supported: UniStudio has one storage class.");
    }
    if (auto f = r.find("Filter"); f != r.end() && f->is_object()) {
      ReadFilter(*f, rule);
    } else {
      rule.prefix = InputString(r, "Prefix");
    }
    bool has_action = false;
    if (auto e = r.find("Expiration"); e != r.end() && e->is_object()) {
      rule.expiration_days = PositiveInt(*e, "Days");
      if (std::optional<base::TimePoint> date = OptionalTime(*e, "Date")) {
        if (base::ToUnixMillis(*date) % 86'400'000 != 0) {
          throw InvalidArgument("'Date' must be at midnight GMT");
        }
        rule.expiration_date = date;
      }
      rule.expired_object_delete_marker = e->value("ExpiredObjectDeleteMarker", false);
      int actions = rule.expiration_days.has_value() + rule.expiration_date.has_value() +
                    rule.expired_object_delete_marker;
      if (actions != 1) {
        throw Malformed("Expiration takes exactly one of Days, Date and ExpiredObjectDeleteMarker");
      }
      has_action = true;
    }
    if (auto n = r.find("NoncurrentVersionExpiration"); n != r.end() && n->is_object()) {
      rule.noncurrent_days = PositiveInt(*n, "NoncurrentDays");
      rule.newer_noncurrent_versions = PositiveInt(*n, "NewerNoncurrentVersions");
      if (!rule.noncurrent_days)
        throw Malformed("NoncurrentVersionExpiration needs NoncurrentDays");
      has_action = true;
    }
    if (auto a = r.find("AbortIncompleteMultipartUpload"); a != r.end() && a->is_object()) {
      rule.abort_incomplete_multipart_days = PositiveInt(*a, "DaysAfterInitiation");
      if (!rule.abort_incomplete_multipart_days) {
        throw Malformed("AbortIncompleteMultipartUpload needs DaysAfterInitiation");
      }
      has_action = true;
    }
    if (!has_action) throw Malformed("a lifecycle rule needs at least one action");
    out.push_back(std::move(rule));
  }
  return out;
}

}  // namespace s3
