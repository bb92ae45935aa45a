// The plain data the ObjectStore API takes and returns: buckets, object attributes and
// versions, write options and preconditions, listings, multipart uploads and parts.
//
// Values only; no behaviour and no references into the store, so they may be copied and
// shared between threads freely. Byte strings (keys, metadata) are UTF-8 as S3 carries them;
// ETags are unquoted; checksum values are base64, as on the wire.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "engines/storage/byte_source.h"
#include "engines/storage/checksum.h"

namespace storage {

// The version id of the "null" version that unversioned and suspended buckets write.
inline constexpr std::string_view kNullVersionId = "null";

enum class VersioningState { kUnset, kEnabled, kSuspended };

struct BucketInfo {
  std::string name;
  std::string region;
  std::string owner;
  base::TimePoint created;
  VersioningState versioning = VersioningState::kUnset;
};

struct BucketListOptions {
  std::string prefix;
  std::string start_after;  // bucket names strictly after this one
  size_t max_buckets = 0;   // 0: no limit
};

struct BucketListResult {
  std::vector<BucketInfo> buckets;
  bool is_truncated = false;
};

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};
using TagSet = std::vector<Tag>;

// Algorithm -> base64 value.
using Checksums = std::map<ChecksumAlgorithm, std::string>;

// What a writer sets on an object; stored and returned unchanged.
struct ObjectAttributes {
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::optional<std::string> content_disposition;
  std::optional<std::string> content_language;
  std::optional<std::string> cache_control;
  std::optional<std::string> expires;
  // User metadata (x-amz-meta-*), names as the caller normalised them.
  std::map<std::string, std::string> metadata;
  // Other per-object headers the caller keeps verbatim (website redirect, encryption, ...).
  std::map<std::string, std::string> system;
  std::string storage_class = "STANDARD";
  bool operator==(const ObjectAttributes&) const = default;
};

// One version of a key: an object or a delete marker.
struct ObjectInfo {
  std::string bucket;
  std::string key;
  std::string version_id;  // kNullVersionId for the null version
  bool is_latest = false;
  bool delete_marker = false;
  uint64_t size = 0;
  std::string etag;  // hex MD5; for multipart objects hex MD5 of the part MD5s + "-N"
  base::TimePoint last_modified;
  std::string owner;
  ObjectAttributes attributes;
  Checksums checksums;
  ChecksumType checksum_type = ChecksumType::kFullObject;
  int parts_count = 0;  // > 0 for objects completed from a multipart upload
  size_t tag_count = 0;
};

// A version as listings show it (no attributes).
struct ObjectSummary {
  std::string key;
  std::string version_id;
  bool is_latest = false;
  bool delete_marker = false;
  uint64_t size = 0;
  std::string etag;
  base::TimePoint last_modified;
  std::string storage_class;
  std::string owner;
  std::vector<ChecksumAlgorithm> checksum_algorithms;
  ChecksumType checksum_type = ChecksumType::kFullObject;
};

// Conditions on the current object at a key, checked atomically with the write that carries
// them. If-None-Match: * fails when an object exists; If-Match fails unless it exists with
// this ETag ("*" accepts any existing object).
struct WriteConditions {
  bool if_none_match_any = false;
  std::optional<std::string> if_match;
};

// Conditions on a copy source (x-amz-copy-source-if-*), with HTTP precedence: If-Match
// overrides If-Unmodified-Since and If-None-Match overrides If-Modified-Since.
struct SourceConditions {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  std::optional<base::TimePoint> if_modified_since;
  std::optional<base::TimePoint> if_unmodified_since;
};

struct PutOptions {
  ObjectAttributes attributes;
  TagSet tags;
  std::string owner;
  // Content-Length: a body of another length fails with kIncompleteBody.
  std::optional<uint64_t> expected_size;
  // Content-MD5, raw 16 bytes: a mismatch fails with kBadDigest.
  std::optional<std::string> content_md5;
  // Checksums to compute and store.
  std::vector<ChecksumAlgorithm> checksum_algorithms;
  // Checksums the client sent: verified (kChecksumMismatch), then stored.
  Checksums expected_checksums;
  WriteConditions conditions;
};

// One object of a multi-object write (ObjectStore::PutObjects): its key, the body to read to
// its end, and the options of a single PUT.
struct ObjectWrite {
  std::string key;
  ByteSource& body;
  PutOptions options;
};

// The outcome of an asynchronous write (ObjectStore::PutObjectAsync): the new version's info,
// or the error that failed it.
struct PutOutcome {
  ObjectInfo info;
  std::exception_ptr error;
};

struct CopySource {
  std::string bucket;
  std::string key;
  std::optional<std::string> version_id;
  SourceConditions conditions;
};

// Inclusive byte range, as HTTP ranges and x-amz-copy-source-range are written.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

struct CopyOptions {
  // Replaces the source's attributes (x-amz-metadata-directive: REPLACE) when set.
  std::optional<ObjectAttributes> attributes;
  // Replaces the source's tags (x-amz-tagging-directive: REPLACE) when set.
  std::optional<TagSet> tags;
  std::string owner;
  // Checksums the copy must carry; computed from the bytes when the source lacks them.
  std::vector<ChecksumAlgorithm> checksum_algorithms;
  WriteConditions conditions;
};

struct DeleteResult {
  std::string version_id;  // the version removed or the marker created; empty if none
  bool delete_marker = false;
};

struct ObjectIdentifier {
  std::string key;
  std::optional<std::string> version_id;
};

// Per key of DeleteObjects: the result, or the error that key met.
struct DeleteOutcome {
  ObjectIdentifier object;
  std::optional<DeleteResult> result;
  std::optional<std::string> error_code;
  std::string error_message;
};

struct ListObjectsOptions {
  std::string prefix;
  std::string delimiter;
  std::string start_after;  // also ListObjects' marker and the decoded continuation token
  size_t max_keys = 1000;
};

struct ListObjectsResult {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  // The last key or common prefix returned: the marker that continues the listing.
  std::string next_marker;
};

struct ListVersionsOptions {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string version_id_marker;
  size_t max_keys = 1000;
};

struct ListVersionsResult {
  // Versions and delete markers, by key, newest first within a key.
  std::vector<ObjectSummary> versions;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_key_marker;
  std::string next_version_id_marker;
};

struct MultipartOptions {
  ObjectAttributes attributes;
  TagSet tags;
  std::string owner;
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  std::optional<ChecksumType> checksum_type;  // default per algorithm, as S3
};

struct MultipartUpload {
  std::string bucket;
  std::string key;
  std::string upload_id;
  base::TimePoint initiated;
  std::string owner;
  std::string storage_class;
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  ChecksumType checksum_type = ChecksumType::kComposite;
};

struct PartOptions {
  std::optional<uint64_t> expected_size;
  std::optional<std::string> content_md5;  // raw
  Checksums expected_checksums;
};

struct PartInfo {
  int part_number = 0;
  uint64_t size = 0;
  std::string etag;
  base::TimePoint last_modified;
  Checksums checksums;
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
  Checksums checksums;  // verified against the stored part's when given
};

struct CompleteOptions {
  // The object's checksum the client expects (full-object value, or composite "...-N").
  Checksums expected_checksums;
  std::optional<uint64_t> expected_size;  // x-amz-mp-object-size
  WriteConditions conditions;
};

struct ListPartsResult {
  MultipartUpload upload;
  std::vector<PartInfo> parts;
  bool is_truncated = false;
  int next_part_number_marker = 0;
};

struct ListUploadsOptions {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  size_t max_uploads = 1000;
};

struct ListUploadsResult {
  std::vector<MultipartUpload> uploads;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

// One part of an object completed from a multipart upload, where it sits in the object.
struct ObjectPart {
  int part_number = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  Checksums checksums;
};

// A stretch of an object's bytes in a file: `length` bytes at `offset` of `path`.
struct PhysicalSegment {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct TaggingResult {
  std::string version_id;
  TagSet tags;
};

struct StoreStats {
  uint64_t commit_batches = 0;   // metadata transactions run by the group committer
  uint64_t commit_requests = 0;  // changes they carried
  uint64_t list_rows_read = 0;   // index entries read by listings
};

// Result of CheckIntegrity; exact when no writes run concurrently.
struct IntegrityReport {
  size_t blob_files = 0;          // files under blobs/<xx>/
  size_t unreferenced_blobs = 0;  // files no segment refers to
  size_t missing_blobs = 0;       // blobs segments refer to that have no file
  size_t temp_files = 0;          // files under blobs/tmp/
};

}  // namespace storage
