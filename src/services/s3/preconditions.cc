#include "services/s3/preconditions.h"

#include <chrono>

#include "base/strings.h"
#include "platform/aws/api_error.h"
#include "services/s3/s3_common.h"

namespace s3 {
namespace {

int64_t Seconds(base::TimePoint t) { return base::ToUnixMillis(t) / 1000; }

aws::ApiError Failed(const char* condition) {
  aws::ApiError e(412, "PreconditionFailed",
                  "At least one of the pre-conditions you specified did not hold");
  e.With("Condition", condition);
  return e;
}

aws::ApiError NotModified(const storage::ObjectInfo& object) {
  aws::ApiError e(304, "NotModified", "Not Modified");
  e.headers().emplace_back("ETag", QuoteEtag(object.etag));
  e.headers().emplace_back("Last-Modified", base::FormatHttpDate(object.last_modified));
  return e;
}

}  // namespace

bool EtagListMatches(std::string_view list, std::string_view etag) {
  for (const std::string& item : base::Split(list, ',')) {
    std::string_view t = base::Trim(item);
    if (t == "*" || UnquoteEtag(t) == etag) return true;
  }
  return false;
}

void CheckReadPreconditions(const base::Json& in, const storage::ObjectInfo& object) {
  int64_t modified = Seconds(object.last_modified);
  std::optional<std::string> if_match = OptionalString(in, "IfMatch");
  if (if_match) {
    if (!EtagListMatches(*if_match, object.etag)) throw Failed("If-Match");
  } else if (auto t = OptionalTime(in, "IfUnmodifiedSince"); t && modified > Seconds(*t)) {
    throw Failed("If-Unmodified-Since");
  }
  std::optional<std::string> if_none_match = OptionalString(in, "IfNoneMatch");
  if (if_none_match) {
    if (EtagListMatches(*if_none_match, object.etag)) throw NotModified(object);
  } else if (auto t = OptionalTime(in, "IfModifiedSince"); t && modified <= Seconds(*t)) {
    throw NotModified(object);
  }
}

}  // namespace s3
