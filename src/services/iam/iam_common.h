// Helpers shared by the IAM and STS operation files: IAM's error answers, name and path
// validation, identifier generation, Marker/MaxItems paging, tags, and policy documents.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "platform/auth/policy.h"
#include "platform/aws/api_error.h"
#include "platform/meta/store.h"

namespace iam {

aws::ApiError NoSuchEntity(const std::string& message);
aws::ApiError EntityAlreadyExists(const std::string& message);
aws::ApiError DeleteConflict(const std::string& message);
aws::ApiError InvalidInput(const std::string& message);
aws::ApiError LimitExceeded(const std::string& message);
aws::ApiError MalformedPolicyDocument(const std::string& message);

// The input member `name` as a string; throws ValidationError when absent.
std::string Required(const base::Json& input, const char* name);
std::string Optional(const base::Json& input, const char* name, std::string fallback = "");

// Paths are "/" or "/segment/.../" of printable ASCII; throws ValidationError otherwise.
std::string ValidPath(const base::Json& input, const char* member = "Path");
// Lower-cased lookup key of an IAM name (names are unique case-insensitively).
std::string NameKey(std::string_view name);

// A unique id: a four-letter prefix (AIDA users, AROA roles, AGPA groups, ANPA policies,
// AKIA access keys, ASIA temporary keys) followed by base32 characters.
std::string NewId(std::string_view prefix);

// Marker/MaxItems paging over rows already sorted by a string key: returns the slice to show
// and fills IsTruncated/Marker into `output`.
struct Page {
  size_t begin = 0;
  size_t end = 0;
};
Page Paginate(const base::Json& input, const std::vector<std::string>& sort_keys,
              base::Json& output);

// Tags as stored (a JSON array of {"Key","Value"}) merged with new ones / with keys removed.
std::string MergeTags(const std::string& stored, const base::Json& tags);
std::string RemoveTags(const std::string& stored, const base::Json& keys);
base::Json TagsJson(const std::string& stored);

// Checks a policy document the way IAM does (JSON, grammar, size, and the shape of its kind:
// identity policies name no principal, trust policies name one) and returns it unchanged;
// throws MalformedPolicyDocument.
std::string ValidPolicyDocument(const std::string& document,
                                auth::PolicyKind kind = auth::PolicyKind::kIdentity);
// IAM returns policy documents URL-encoded (RFC 3986); botocore decodes them.
std::string EncodePolicyDocument(const std::string& document);

// The current time as epoch seconds, the form handlers give timestamps in.
double NowSeconds();

}  // namespace iam
