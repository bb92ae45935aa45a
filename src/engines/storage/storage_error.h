// The typed error every ObjectStore operation raises for a request it cannot honour.
//
// Codes follow the names of the S3 errors they map to, so the S3 layer can translate them
// one to one; messages are safe to show a client (no paths, no internals). Failures of the
// disk raise kInternalError; failures of the metadata database propagate as meta::StoreError.
// Immutable after construction, so safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace storage {

enum class ErrorCode {
  kNoSuchBucket,
  kNoSuchKey,
  kNoSuchVersion,
  kNoSuchUpload,
  kBucketAlreadyExists,
  kBucketAlreadyOwnedByYou,
  kBucketNotEmpty,
  kInvalidBucketName,
  kKeyTooLong,
  kInvalidArgument,
  kInvalidRequest,
  kBadDigest,
  kChecksumMismatch,
  kIncompleteBody,
  kEntityTooSmall,
  kEntityTooLarge,
  kInvalidPart,
  kInvalidPartOrder,
  kInvalidRange,
  kPreconditionFailed,
  kMethodNotAllowed,
  kInvalidTag,
  kMetadataTooLarge,
  kInternalError,
};

// The S3 error code for `code` ("NoSuchBucket", "BadDigest", ...). kChecksumMismatch maps to
// "BadDigest" as S3 answers for x-amz-checksum-* mismatches.
std::string_view ErrorCodeName(ErrorCode code);

class StorageError : public base::Error {
 public:
  StorageError(ErrorCode code, const std::string& message);

  // For kNoSuchKey and kMethodNotAllowed raised because the addressed version is a delete
  // marker: that marker's version id (S3 answers with x-amz-delete-marker and its id).
  static StorageError DeleteMarker(ErrorCode code, const std::string& version_id);

  ErrorCode code() const { return code_; }
  bool is_delete_marker() const { return delete_marker_version_.has_value(); }
  const std::optional<std::string>& delete_marker_version() const { return delete_marker_version_; }

 private:
  ErrorCode code_;
  std::optional<std::string> delete_marker_version_;
};

}  // namespace storage
