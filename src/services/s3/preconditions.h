// The conditional headers of GetObject and HeadObject (If-Match, If-Unmodified-Since,
// If-None-Match, If-Modified-Since) evaluated against the object as S3 does: If-Match and
// If-Unmodified-Since failures answer 412 PreconditionFailed, If-None-Match and
// If-Modified-Since failures 304 Not Modified; If-Match overrides If-Unmodified-Since and
// If-None-Match overrides If-Modified-Since. Times compare at one-second precision, the
// precision of Last-Modified. Pure function; thread-safe.
#pragma once

#include "base/json.h"
#include "engines/storage/object_types.h"

namespace s3 {

// `input` holds the decoded IfMatch/IfNoneMatch/IfModifiedSince/IfUnmodifiedSince members.
// Throws aws::ApiError (412 PreconditionFailed, 304 NotModified).
void CheckReadPreconditions(const base::Json& input, const storage::ObjectInfo& object);

// Whether an If-Match / If-None-Match list ("a", "b" or *) names `etag`.
bool EtagListMatches(std::string_view list, std::string_view etag);

}  // namespace s3
