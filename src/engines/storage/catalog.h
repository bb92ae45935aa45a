// The object metadata operations every ObjectStore entry point shares, over one metadata
// transaction: finding buckets and versions, writing a new version under the bucket's
// versioning state, deleting as S3 does, and the segment rows that tie versions and parts to
// blob bytes. Encodings of the JSON columns live here too.
//
// Catalog owns the sequence that numbers version and part rows and a memo of the buckets the
// current commit batch has looked up; everything else is in the transaction it is given.
// Thread-safe (the sequence is atomic, the memo is used only by commit batches, which run one
// at a time; transactions are the caller's).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engines/storage/committer.h"
#include "engines/storage/object_types.h"
#include "platform/meta/store.h"

namespace storage {

struct BucketRow {
  int64_t id = 0;
  BucketInfo info;
};

// `length` bytes at `start` of blob `blob_id`.
struct SegmentRow {
  int64_t blob_id = 0;
  uint64_t start = 0;
  uint64_t length = 0;
};

struct VersionRow {
  int64_t seq = 0;
  int64_t bucket_id = 0;
  ObjectInfo info;
  TagSet tags;
};

class Catalog {
 public:
  // The columns VersionFromRow reads, in order.
  static constexpr std::string_view kVersionColumns =
      "seq, bucket_id, key, version_id, is_latest, delete_marker, size, etag, modified_ms, "
      "owner, storage_class, checksums, checksum_type, parts_count, attributes, tags";

  // Starts the row sequence after the largest number in use.
  void InitSequence(meta::Transaction& tx);
  int64_t NextSeq() { return next_seq_++; }

  static std::optional<BucketRow> FindBucket(meta::Transaction& tx, std::string_view name);
  static BucketRow RequireBucket(meta::Transaction& tx, std::string_view name);
  // The same inside a commit batch, where each bucket is read once per batch: bucket rows
  // change only in write transactions of their own (create, delete, versioning), never
  // inside a batch.
  const BucketRow& RequireBucket(CommitContext& ctx, std::string_view name);

  static VersionRow VersionFromRow(const meta::Row& row, std::string_view bucket);
  static std::optional<VersionRow> Latest(meta::Transaction& tx, const BucketRow& bucket,
                                          std::string_view key);
  static std::optional<VersionRow> FindVersion(meta::Transaction& tx, const BucketRow& bucket,
                                               std::string_view key, std::string_view version_id);
  static std::optional<VersionRow> FindBySeq(meta::Transaction& tx, const BucketRow& bucket,
                                             int64_t seq);
  // Resolves a key (and version) as GET does: kNoSuchKey (with the marker's id when the
  // latest version is a delete marker), kNoSuchVersion, or kMethodNotAllowed for a version
  // that is a delete marker.
  static VersionRow Resolve(meta::Transaction& tx, const BucketRow& bucket, std::string_view key,
                            const std::optional<std::string>& version_id);

  static std::vector<SegmentRow> Segments(meta::Transaction& tx, int64_t owner);
  static void InsertSegments(meta::Transaction& tx, int64_t owner,
                             const std::vector<SegmentRow>& segments);
  // Records a newly published whole-body blob.
  static void AddBlob(meta::Transaction& tx, int64_t blob_id, uint64_t size);
  // Deletes the owner's segments, noting their blobs in `ctx` for garbage collection.
  static void DeleteSegments(CommitContext& ctx, int64_t owner);
  static std::vector<ObjectPart> ObjectParts(meta::Transaction& tx, int64_t seq);

  // Fails with kPreconditionFailed (or kNoSuchKey for If-Match on a missing object) unless
  // `conditions` hold for `latest`.
  static void CheckWriteConditions(const std::optional<VersionRow>& latest,
                                   const WriteConditions& conditions);

  // Stores `version` (its info's key, size, etag, attributes, checksums, parts_count; and
  // its tags) as the new current version of its key under the bucket's versioning state:
  // assigns seq, version id and last-modified (unless already set), replaces the null version
  // when the bucket does not version. Checks `conditions` first.
  void PutVersion(CommitContext& ctx, const BucketRow& bucket, VersionRow& version,
                  const std::vector<SegmentRow>& segments, const std::vector<ObjectPart>& parts,
                  const WriteConditions& conditions);

  // S3 DeleteObject on `key` (optionally one version).
  DeleteResult Delete(CommitContext& ctx, const BucketRow& bucket, std::string_view key,
                      const std::optional<std::string>& version_id, std::string_view owner);

  // Removes a version permanently; if it was the latest, the next newest becomes latest
  // (unless the caller is about to write a new latest version itself). Reads only the
  // version's seq, bucket_id, key, is_latest and parts_count.
  static void RemoveVersion(CommitContext& ctx, const VersionRow& version,
                            bool promote_next = true);

  static std::string EncodeAttributes(const ObjectAttributes& attributes);
  static ObjectAttributes DecodeAttributes(std::string_view json, std::string storage_class);
  static std::string EncodeChecksums(const Checksums& checksums);
  static Checksums DecodeChecksums(std::string_view json);
  static std::string EncodeTags(const TagSet& tags);
  static TagSet DecodeTags(std::string_view json);

 private:
  // The newest version of `key` with only what a write needs (seq, bucket_id, key,
  // version_id, is_latest, delete_marker, etag, parts_count): no attribute, checksum or tag
  // decoding.
  static std::optional<VersionRow> LatestForWrite(meta::Transaction& tx, const BucketRow& bucket,
                                                  std::string_view key);
  void InsertVersion(meta::Transaction& tx, const VersionRow& version);

  std::atomic<int64_t> next_seq_{1};
  uint64_t memo_batch_ = 0;
  std::map<std::string, BucketRow, std::less<>> bucket_memo_;
};

// ETag comparison as conditional headers do it: quotes ignored, "*" matches any.
bool EtagMatches(std::string_view condition, std::string_view etag);

}  // namespace storage
