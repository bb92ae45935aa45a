// What every SageMaker operation file shares: the service's error answers, typed readers of
// input members, the NextToken/MaxResults paging SageMaker's List operations use, S3 URIs,
// and resource ARNs. SageMaker ARNs carry resource names in lower case, so names are unique
// case-insensitively. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "platform/aws/api_error.h"

namespace sagemaker {

aws::ApiError ValidationError(const std::string& message);
aws::ApiError ResourceNotFound(const std::string& message);
aws::ApiError ResourceInUse(const std::string& message);
aws::ApiError ConflictError(const std::string& message);

std::string Str(const base::Json& in, std::string_view member, std::string fallback = "");
std::optional<int64_t> OptInt(const base::Json& in, std::string_view member);
bool Bool(const base::Json& in, std::string_view member, bool fallback = false);
// The member when it is an object / array, else an empty one.
const base::Json& Obj(const base::Json& in, std::string_view member);
const base::Json& Arr(const base::Json& in, std::string_view member);

int64_t NowMs();
// Milliseconds since the epoch as the epoch seconds handlers give timestamps in.
double EpochSeconds(int64_t ms);
// An input timestamp (epoch seconds) in milliseconds.
std::optional<int64_t> TimestampMs(const base::Json& in, std::string_view member);

// Offset paging: NextToken is an opaque encoding of the offset of the next item.
struct Page {
  size_t offset = 0;
  size_t limit = 0;
};
// Throws ValidationError for a token this service did not issue.
Page ReadPage(const base::Json& in, size_t default_limit);
// Keeps items [page.offset, page.offset + page.limit) of `items` in out[member] and sets
// out["NextToken"] when more remain.
void WritePage(const Page& page, std::vector<base::Json> items, const char* member,
               base::Json& out);

struct S3Location {
  std::string bucket;
  std::string key;  // without a leading '/'; may be empty
  std::string Uri() const;
};
// "s3://bucket/key"; nullopt for anything else.
std::optional<S3Location> ParseS3Uri(std::string_view uri);
// `prefix` and `suffix` joined with exactly one '/' between them (an empty prefix adds none).
std::string JoinKey(std::string_view prefix, std::string_view suffix);

// arn:aws:sagemaker:<region>:<account>:<type>/<lower-cased name>
std::string SageMakerArn(std::string_view region, std::string_view account,
                         std::string_view type, std::string_view name);
std::string NameKey(std::string_view name);

// `text` with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD, so
// output a job wrote can go into JSON answers.
std::string ValidUtf8(std::string_view text);
// At most `max_bytes` of valid UTF-8 text, cut at a character boundary.
std::string TruncateUtf8(std::string_view text, size_t max_bytes);

// The canonical user id UniStudio's S3 gives the objects of an account (the owner of objects
// the service writes on the account's behalf).
std::string CanonicalUserId(std::string_view account_id);

}  // namespace sagemaker
