// The S3 rules for names and small values the ObjectStore accepts: bucket names, object keys,
// tag sets and user metadata. Each function throws StorageError with the code S3 uses for
// the violation. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "engines/storage/object_types.h"

namespace storage {

inline constexpr size_t kMaxKeyBytes = 1024;
inline constexpr size_t kMaxTags = 10;
inline constexpr size_t kMaxUserMetadataBytes = 2048;

// 3-63 characters of a-z 0-9 . -, starting and ending with a letter or digit, no "..", not
// an IP address, none of S3's reserved prefixes (xn--, sthree-, amzn-s3-demo-) or suffixes
// (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3). kInvalidBucketName otherwise.
bool IsValidBucketName(std::string_view name);
void ValidateBucketName(std::string_view name);

// Non-empty valid UTF-8 of at most 1024 bytes (kKeyTooLong beyond, kInvalidArgument else).
void ValidateKey(std::string_view key);

// At most 10 tags with distinct keys; keys 1-128 and values 0-256 characters of letters,
// digits, spaces and + - = . _ : / @; keys must not start with "aws:". kInvalidTag otherwise.
void ValidateTags(const TagSet& tags);

// Headers and metadata in UTF-8 (kInvalidArgument); user metadata of at most 2 KB, names
// and values counted (kMetadataTooLarge).
void ValidateAttributes(const ObjectAttributes& attributes);

}  // namespace storage
