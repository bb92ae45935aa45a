// The object-bytes half of the store: immutable blob files under <data-dir>/blobs/.
//
// Layout: blobs/tmp/ holds files being written; blobs/<xx>/<16 hex digits> holds published
// blobs, named by a random 63-bit id (xx = its low byte) and never by anything a caller
// passes. A blob is either a whole body (large objects and parts), written to a temp file,
// fsynced, renamed into place without overwriting, its directory fsynced; or a pack of small
// bodies appended by the Committer. blobs/LOCK is flock()ed so only one process owns a data
// directory.
//
// Readers pin the blobs they use; Remove() of a pinned blob waits for its last pin. Unlink
// epochs let a reader that pinned blobs named by a metadata snapshot know whether any might
// have been removed since (then it checks). Directory fsyncs are group-committed per shard.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace storage {

class DirSyncer;

class BlobFiles {
 public:
  // Creates the layout under `data_dir` and takes its lock (StorageError when another
  // process holds it).
  explicit BlobFiles(const std::filesystem::path& data_dir);
  ~BlobFiles();
  BlobFiles(const BlobFiles&) = delete;
  BlobFiles& operator=(const BlobFiles&) = delete;

  std::string PathOf(int64_t blob_id) const;

  // A file under blobs/tmp/, removed on destruction unless published.
  class TempFile {
   public:
    TempFile(TempFile&& other) noexcept;
    TempFile& operator=(TempFile&&) = delete;
    ~TempFile();
    void Append(const char* data, size_t n);
    // Makes the bytes appended so far durable (fdatasync). May run on another thread while
    // Append goes on (then it covers at least what was appended before it began): a file made
    // durable step by step leaves Publish's fdatasync only the last step to wait for.
    void Sync();
    uint64_t size() const { return size_; }

   private:
    friend class BlobFiles;
    TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_;
    std::string path_;
    uint64_t size_ = 0;
    uint64_t flushed_ = 0;  // bytes handed to writeback early
  };

  TempFile CreateTemp();
  // Makes the temp file's bytes durable and renames it to a fresh blob id, which it returns.
  // The blob is unreferenced until metadata names it: the caller must commit or Remove() it.
  int64_t Publish(TempFile& file);

  // Creates an empty pack file (directory fsynced), pinned until UnpinOne(). Returns its id
  // and an open read-write descriptor the caller closes.
  std::pair<int64_t, int> CreatePack();

  // Deletes the blob's file now, or when its last pin is released.
  void Remove(int64_t blob_id);

  uint64_t unlink_epoch() const { return unlink_epoch_.load(); }
  // Pins `ids` (duplicates allowed). When blobs were removed since `epoch` was read, checks
  // each still exists; if one does not, pins nothing and returns false.
  bool Pin(const std::vector<int64_t>& ids, uint64_t epoch);
  void Unpin(const std::vector<int64_t>& ids);
  void UnpinOne(int64_t id) { Unpin({id}); }

  // Startup recovery, before any other use: empties blobs/tmp/, and calls `fn` with the id of
  // every blob file present.
  void RemoveTempFiles();
  size_t CountTempFiles() const;
  void ForEachBlob(const std::function<void(int64_t)>& fn) const;

 private:
  std::filesystem::path ShardDir(int64_t blob_id) const;
  static int64_t NewBlobId();
  void UnlinkNow(int64_t blob_id);

  std::filesystem::path root_;
  std::filesystem::path tmp_;
  int lock_fd_ = -1;
  std::unique_ptr<DirSyncer> syncer_;

  std::mutex pin_mu_;
  std::unordered_map<int64_t, int> pins_;
  std::unordered_set<int64_t> deferred_;  // removed while pinned
  std::unordered_set<int64_t> removing_;  // being unlinked
  std::atomic<uint64_t> unlink_epoch_{0};
};

}  // namespace storage
