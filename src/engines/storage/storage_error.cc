#include "engines/storage/storage_error.h"

namespace storage {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNoSuchBucket:
      return "NoSuchBucket";
    case ErrorCode::kNoSuchKey:
      return "NoSuchKey";
    case ErrorCode::kNoSuchVersion:
      return "NoSuchVersion";
    case ErrorCode::kNoSuchUpload:
      return "NoSuchUpload";
    case ErrorCode::kBucketAlreadyExists:
      return "BucketAlreadyExists";
    case ErrorCode::kBucketAlreadyOwnedByYou:
      return "BucketAlreadyOwnedByYou";
    case ErrorCode::kBucketNotEmpty:
      return "BucketNotEmpty";
    case ErrorCode::kInvalidBucketName:
      return "InvalidBucketName";
    case ErrorCode::kKeyTooLong:
      return "KeyTooLongError";
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kInvalidRequest:
      return "InvalidRequest";
    case ErrorCode::kBadDigest:
    case ErrorCode::kChecksumMismatch:
      return "BadDigest";
    case ErrorCode::kIncompleteBody:
      return "IncompleteBody";
    case ErrorCode::kEntityTooSmall:
      return "EntityTooSmall";
    case ErrorCode::kEntityTooLarge:
      return "EntityTooLarge";
    case ErrorCode::kInvalidPart:
      return "InvalidPart";
    case ErrorCode::kInvalidPartOrder:
      return "InvalidPartOrder";
    case ErrorCode::kInvalidRange:
      return "InvalidRange";
    case ErrorCode::kPreconditionFailed:
      return "PreconditionFailed";
    case ErrorCode::kMethodNotAllowed:
      return "MethodNotAllowed";
    case ErrorCode::kInvalidTag:
      return "InvalidTag";
    case ErrorCode::kMetadataTooLarge:
      return "MetadataTooLarge";
    case ErrorCode::kInternalError:
      return "InternalError";
  }
  return "InternalError";
}

StorageError::StorageError(ErrorCode code, const std::string& message)
    : base::Error(message), code_(code) {}

StorageError StorageError::DeleteMarker(ErrorCode code, const std::string& version_id) {
  StorageError error(code, code == ErrorCode::kMethodNotAllowed
                               ? "The specified method is not allowed against a delete marker."
                               : "The specified key does not exist.");
  error.delete_marker_version_ = version_id;
  return error;
}

}  // namespace storage
