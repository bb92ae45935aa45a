// The object storage engine: buckets and versioned objects stored durably on local disk, with
// the semantics of Amazon S3 (versioning, listings, conditional writes, multipart uploads,
// copies, tags, lifecycle expiry) and none of its wire protocol. The S3 API and every service
// that keeps data (Athena results, training channels and artifacts, MLflow artifacts) sit on
// it.
//
// Metadata lives in the metadata store (module "storage"); object bytes live in immutable
// blob files under <data-dir>/blobs/, never at a path derived from a key or bucket name.
// Bodies over 256 KiB are streamed to a temp file, fdatasynced, renamed into place and the
// directory fsynced; smaller bodies are appended to a pack file (one per commit lane) that one
// fdatasync per group of concurrent writes makes durable. Only then is the version committed,
// in one metadata transaction (group-committed too, while the next group syncs). Overwrites
// and deletes switch versions atomically; a blob is deleted after the commit that leaves no
// segment referring to it (a reference query, so copies and completed multipart uploads share
// blobs without copying bytes). Startup removes temp files and blobs that were published but
// never committed.
//
// Durability: an acknowledged write survives kill -9 of the process at any point: blob bytes
// are fdatasynced before the commit, and the metadata commit has reached the OS (SQLite WAL)
// before the call returns. A power cut is different: blobs that were acknowledged are on
// disk, but the metadata store runs with synchronous=NORMAL, so its last commits may roll
// back. Writes then vanish cleanly (their blobs become orphans that startup removes), but a
// rolled-back overwrite or delete may bring back a version whose blob was already deleted;
// reading it fails with kInternalError. Closing that window needs the metadata store to
// expose a WAL sync the garbage collector can wait for.
//
// Thread-safe: any number of threads may read and write at once. Errors are StorageError
// (meta::StoreError for database failures). Readers and sweepers must be destroyed before the
// store, and one process at a time may open a data directory.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engines/storage/byte_source.h"
#include "engines/storage/lifecycle.h"
#include "engines/storage/object_reader.h"
#include "engines/storage/object_types.h"
#include "platform/meta/store.h"

namespace storage {

class BlobFiles;
class Catalog;
class Committer;

// Single PUTs and parts are limited to 5 GiB, parts number 1..10000, and every part but the
// last must hold at least 5 MiB, as in S3.
inline constexpr uint64_t kMaxPutSize = uint64_t{5} << 30;
inline constexpr int kMaxPartNumber = 10000;
inline constexpr uint64_t kMinPartSize = uint64_t{5} << 20;

class ObjectStore {
 public:
  // Opens the store in `data_dir` (created if needed), migrates its tables in `meta`, and
  // recovers: temp files and never-committed blobs are removed.
  ObjectStore(const std::filesystem::path& data_dir, meta::Store& meta);
  ~ObjectStore();
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  // --- Buckets. Names are global. ---
  // kInvalidBucketName, kBucketAlreadyOwnedByYou (same owner), kBucketAlreadyExists.
  BucketInfo CreateBucket(std::string_view name, std::string_view region, std::string_view owner);
  // kBucketNotEmpty while any version, delete marker or multipart upload remains.
  void DeleteBucket(std::string_view name);
  BucketInfo GetBucket(std::string_view name);
  BucketListResult ListBuckets(const BucketListOptions& options = {});
  // kEnabled or kSuspended (a bucket never returns to unset: kInvalidArgument).
  void SetVersioning(std::string_view bucket, VersioningState state);
  // Configuration documents (policy, CORS, lifecycle, tags, ...), stored opaquely by name.
  std::optional<std::string> GetBucketConfig(std::string_view bucket, std::string_view name);
  void PutBucketConfig(std::string_view bucket, std::string_view name, std::string_view document);
  void DeleteBucketConfig(std::string_view bucket, std::string_view name);

  // --- Objects. ---
  // Streams `body` into a new version of `key`. kKeyTooLong, kIncompleteBody, kBadDigest,
  // kChecksumMismatch, kEntityTooLarge, kPreconditionFailed, kInvalidTag, ...
  ObjectInfo PutObject(std::string_view bucket, std::string_view key, ByteSource& body,
                       const PutOptions& options);
  // Writes several objects of one bucket in one commit, all or nothing: every body is read
  // and verified first, small ones share one pack fdatasync, and one metadata transaction
  // publishes them all. If any body, key or condition fails, none is visible and the error of
  // the first failing object is thrown. Returns the objects' infos in the order given.
  std::vector<ObjectInfo> PutObjects(std::string_view bucket,
                                     const std::vector<ObjectWrite>& objects);
  // PutObject without waiting for the commit: reads, verifies and stages the body on the
  // calling thread (throwing what PutObject throws for the body, key or options; `done` is
  // then not called), queues the commit and returns. `done` runs exactly once, on the store's
  // commit thread, with the new version's info or the commit's error (kPreconditionFailed,
  // kNoSuchBucket, ...); it must be quick and must not wait for another store operation.
  // Until then nothing of the object is visible; if the commit fails nothing remains.
  using PutCallback = std::function<void(PutOutcome)>;
  void PutObjectAsync(std::string_view bucket, std::string_view key, ByteSource& body,
                      const PutOptions& options, PutCallback done);
  // Metadata of the latest version, or of `version_id`.
  ObjectInfo HeadObject(std::string_view bucket, std::string_view key,
                        const std::optional<std::string>& version_id = std::nullopt);
  // Opens a version for reading; the reader keeps seeing it whatever happens to the key.
  ObjectReader GetObject(std::string_view bucket, std::string_view key,
                         const std::optional<std::string>& version_id = std::nullopt);
  // S3 DeleteObject: removes the null version (unversioned), adds a delete marker (versioning
  // on or suspended), or removes `version_id` permanently. Deleting what does not exist
  // succeeds.
  DeleteResult DeleteObject(std::string_view bucket, std::string_view key,
                            const std::optional<std::string>& version_id = std::nullopt,
                            std::string_view owner = "");
  // Deletes many keys in one group commit; each key succeeds or fails alone.
  std::vector<DeleteOutcome> DeleteObjects(std::string_view bucket,
                                           const std::vector<ObjectIdentifier>& objects,
                                           std::string_view owner = "");
  // Server-side copy: the new version shares the source's blobs (no bytes copied) unless it
  // needs checksums the source lacks, which are computed from the source's bytes.
  ObjectInfo CopyObject(const CopySource& source, std::string_view bucket, std::string_view key,
                        const CopyOptions& options);

  // Current objects in UTF-8 binary key order; keys holding `delimiter` after `prefix` roll
  // up into common prefixes, each skipped with one index seek.
  ListObjectsResult ListObjects(std::string_view bucket, const ListObjectsOptions& options);
  // Every version and delete marker, by key and newest first.
  ListVersionsResult ListObjectVersions(std::string_view bucket,
                                        const ListVersionsOptions& options);

  // --- Tags of one version (the latest when no version id); return the version id. ---
  std::string PutObjectTagging(std::string_view bucket, std::string_view key,
                               const std::optional<std::string>& version_id, const TagSet& tags);
  TaggingResult GetObjectTagging(std::string_view bucket, std::string_view key,
                                 const std::optional<std::string>& version_id = std::nullopt);
  std::string DeleteObjectTagging(std::string_view bucket, std::string_view key,
                                  const std::optional<std::string>& version_id = std::nullopt);

  // --- Multipart uploads. ---
  MultipartUpload CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                        const MultipartOptions& options);
  // Stores part `part_number` (replacing an earlier upload of it). kNoSuchUpload,
  // kInvalidArgument for a number outside 1..10000, and the body errors of PutObject.
  PartInfo UploadPart(std::string_view bucket, std::string_view key, std::string_view upload_id,
                      int part_number, ByteSource& body, const PartOptions& options);
  // A part made of the source's bytes (all, or `range`), sharing its blobs.
  PartInfo UploadPartCopy(std::string_view bucket, std::string_view key, std::string_view upload_id,
                          int part_number, const CopySource& source,
                          const std::optional<ByteRange>& range);
  ListPartsResult ListParts(std::string_view bucket, std::string_view key,
                            std::string_view upload_id, int part_number_marker = 0,
                            size_t max_parts = 1000);
  ListUploadsResult ListMultipartUploads(std::string_view bucket,
                                         const ListUploadsOptions& options);
  void AbortMultipartUpload(std::string_view bucket, std::string_view key,
                            std::string_view upload_id);
  // Assembles the listed parts into the object without copying bytes. kInvalidPartOrder,
  // kInvalidPart, kEntityTooSmall, kChecksumMismatch, kPreconditionFailed, kNoSuchUpload.
  ObjectInfo CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                     std::string_view upload_id,
                                     const std::vector<CompletedPart>& parts,
                                     const CompleteOptions& options);

  // --- Lifecycle and maintenance. ---
  // Applies `rules` to the bucket as of `now`: expires, removes and aborts what is due.
  LifecycleReport ApplyLifecycle(std::string_view bucket, const std::vector<LifecycleRule>& rules,
                                 base::TimePoint now);
  // Rewrites the live bytes of packs whose live fraction is below `max_live_fraction` into the
  // packs being appended to, so the old packs can be deleted. Returns the number of packs
  // compacted.
  size_t CompactPacks(double max_live_fraction = 0.5);
  IntegrityReport CheckIntegrity();
  StoreStats stats() const;

 private:
  struct PendingWrite;
  // Validates and stages `objects` and prepares the commit that publishes them.
  std::unique_ptr<PendingWrite> StageWrites(std::string_view bucket,
                                            const std::vector<ObjectWrite>& objects);
  struct Opened {
    ObjectReader reader;
    int64_t seq;
  };
  Opened OpenVersion(std::string_view bucket, std::string_view key,
                     const std::optional<std::string>& version_id);
  void Recover();
  void RequireBucketExists(std::string_view bucket);
  Checksums ComputeChecksums(const ObjectReader& reader, uint64_t offset, uint64_t length,
                             const std::vector<ChecksumAlgorithm>& algorithms,
                             std::string* md5_out);
  LifecycleReport ApplyRule(std::string_view bucket, const LifecycleRule& rule,
                            base::TimePoint now);
  void CompactPack(int64_t pack_id);

  meta::Store& meta_;
  std::unique_ptr<BlobFiles> files_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Committer> committer_;
  std::atomic<uint64_t> list_rows_read_{0};
};

}  // namespace storage
