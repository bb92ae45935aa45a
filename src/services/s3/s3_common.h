// Helpers every S3 operation family uses: resource ARNs, owners, ETag quoting, reading the
// decoded input document, translating storage errors into S3's errors, and converting object
// attributes, checksums and tags between the engine's types and botocore's member names.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/time.h"
#include "engines/storage/object_types.h"
#include "engines/storage/storage_error.h"
#include "platform/aws/api_error.h"
#include "platform/aws/request_context.h"

namespace s3 {

std::string BucketArn(std::string_view bucket);
std::string ObjectArn(std::string_view bucket, std::string_view key);

// The canonical user id S3 shows for the caller's account (64 hex digits).
std::string OwnerId(const aws::RequestContext& ctx);
base::Json OwnerJson(const std::string& owner_id);

std::string QuoteEtag(std::string_view etag);
// Removes surrounding quotes (and a W/ prefix) from an ETag a client sent.
std::string UnquoteEtag(std::string_view etag);

std::string InputString(const base::Json& in, const char* name);
std::optional<std::string> OptionalString(const base::Json& in, const char* name);
// A decoded timestamp member (epoch seconds).
std::optional<base::TimePoint> OptionalTime(const base::Json& in, const char* name);
// A time as handler output wants it (epoch seconds, millisecond precision).
double EpochSeconds(base::TimePoint t);

// The S3 error for a storage error about `bucket`/`key` (either may be empty).
aws::ApiError ToApiError(const storage::StorageError& e, std::string_view bucket,
                         std::string_view key);
aws::ApiError InvalidArgument(const std::string& message, std::string_view name = "",
                              std::string_view value = "");
aws::ApiError InvalidRequest(const std::string& message);

// The botocore member of a checksum algorithm ("ChecksumCRC32"); null for algorithms the
// wire has no member for.
const char* ChecksumMember(storage::ChecksumAlgorithm algorithm);
// Checksums a client sent as ChecksumCRC32... members (base64 values, checked for length).
storage::Checksums InputChecksums(const base::Json& in);
// The algorithm named by ChecksumAlgorithm (x-amz-sdk-checksum-algorithm), if any.
std::optional<storage::ChecksumAlgorithm> InputChecksumAlgorithm(const base::Json& in,
                                                                 const char* member);
void AddChecksums(const storage::Checksums& sums, storage::ChecksumType type, base::Json& out);

// Content-Type, Cache-Control, x-amz-meta-*, ... of a PutObject-like input. Strips the
// aws-chunked content coding, which describes the transfer and not the object.
storage::ObjectAttributes InputAttributes(const base::Json& in);
// The attribute members of an object's metadata, for GetObject/HeadObject output.
void AddAttributes(const storage::ObjectAttributes& attributes, base::Json& out);

// x-amz-tagging: a URL query string of tags.
storage::TagSet ParseTaggingHeader(std::string_view text);
storage::TagSet TagsFromJson(const base::Json& tag_set);
base::Json TagsToJson(const storage::TagSet& tags);

}  // namespace s3
