#include "services/iam/iam_common.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/strings.h"
#include "base/time.h"
#include "platform/auth/policy.h"

namespace iam {

aws::ApiError NoSuchEntity(const std::string& message) {
  return aws::ApiError(404, "NoSuchEntity", message);
}
aws::ApiError EntityAlreadyExists(const std::string& message) {
  return aws::ApiError(409, "EntityAlreadyExists", message);
}
aws::ApiError DeleteConflict(const std::string& message) {
  return aws::ApiError(409, "DeleteConflict", message);
}
aws::ApiError InvalidInput(const std::string& message) {
  return aws::ApiError(400, "InvalidInput", message);
}
aws::ApiError LimitExceeded(const std::string& message) {
  return aws::ApiError(409, "LimitExceeded", message);
}
aws::ApiError MalformedPolicyDocument(const std::string& message) {
  return aws::ApiError(400, "MalformedPolicyDocument", message);
}

std::string Required(const base::Json& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || !it->is_string()) {
    throw aws::ApiError(400, "ValidationError",
                        std::string("1 validation error detected: Value null at '") + name +
                            "' failed to satisfy constraint: Member must not be null");
  }
  return it->get<std::string>();
}

std::string Optional(const base::Json& input, const char* name, std::string fallback) {
  auto it = input.find(name);
  if (it == input.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

std::string ValidPath(const base::Json& input, const char* member) {
  std::string path = Optional(input, member, "/");
  bool ok = !path.empty() && path.front() == '/' && path.back() == '/' && path.size() <= 512;
  for (char c : path) ok = ok && c >= 0x21 && c <= 0x7e;
  if (!ok) {
    throw aws::ApiError(400, "ValidationError",
                        std::string("The specified value for ") + base::ToLower(member) +
                            " is invalid. It must begin and end with / and contain only "
                            "alphanumeric characters and/or / characters.");
  }
  return path;
}

std::string NameKey(std::string_view name) { return base::ToLower(name); }

std::string NewId(std::string_view prefix) {
  return std::string(prefix) + base::RandomUpperAlnum(17);
}

Page Paginate(const base::Json& input, const std::vector<std::string>& sort_keys,
              base::Json& output) {
  size_t max_items = 100;
  if (auto it = input.find("MaxItems"); it != input.end() && it->is_number_integer()) {
    int64_t n = it->get<int64_t>();
    if (n < 1 || n > 1000) {
      throw aws::ApiError(400, "ValidationError",
                          "1 validation error detected: Value '" + std::to_string(n) +
                              "' at 'maxItems' failed to satisfy constraint: Member must have "
                              "value between 1 and 1000");
    }
    max_items = static_cast<size_t>(n);
  }
  Page page;
  std::string marker = Optional(input, "Marker");
  if (!marker.empty()) {
    auto decoded = base::Base64Decode(marker);
    if (!decoded) throw InvalidInput("Invalid Marker.");
    page.begin = static_cast<size_t>(
        std::upper_bound(sort_keys.begin(), sort_keys.end(), *decoded) - sort_keys.begin());
  }
  page.end = std::min(sort_keys.size(), page.begin + max_items);
  bool truncated = page.end < sort_keys.size();
  output["IsTruncated"] = truncated;
  if (truncated) output["Marker"] = base::Base64Encode(sort_keys[page.end - 1]);
  return page;
}

std::string MergeTags(const std::string& stored, const base::Json& tags) {
  base::Json current = base::ParseJson(stored);
  if (!tags.is_array()) return current.dump();
  for (const auto& tag : tags) {
    std::string key = tag.value("Key", "");
    std::string value = tag.value("Value", "");
    bool replaced = false;
    for (auto& t : current) {
      if (t["Key"] == key) {
        t["Value"] = value;
        replaced = true;
      }
    }
    if (!replaced) current.push_back({{"Key", key}, {"Value", value}});
  }
  if (current.size() > 50) throw LimitExceeded("Cannot exceed quota for TagsPerResource: 50.");
  return current.dump();
}

std::string RemoveTags(const std::string& stored, const base::Json& keys) {
  base::Json current = base::ParseJson(stored);
  base::Json kept = base::Json::array();
  for (const auto& t : current) {
    bool remove = false;
    if (keys.is_array()) {
      for (const auto& k : keys) remove = remove || k == t["Key"];
    }
    if (!remove) kept.push_back(t);
  }
  return kept.dump();
}

base::Json TagsJson(const std::string& stored) { return base::ParseJson(stored); }

std::string ValidPolicyDocument(const std::string& document, auth::PolicyKind kind) {
  if (document.size() > 131072) {
    throw LimitExceeded("Cannot exceed quota for PolicySize: 131072.");
  }
  try {
    auth::Policy::Parse(document, kind);
  } catch (const auth::PolicyError& e) {
    throw MalformedPolicyDocument(e.what());
  }
  return document;
}

std::string EncodePolicyDocument(const std::string& document) {
  return base::UriEncode(document);
}

double NowSeconds() { return base::ToUnixSecondsDouble(base::Now()); }

}  // namespace iam
