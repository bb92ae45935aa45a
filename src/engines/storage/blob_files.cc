#include "engines/storage/blob_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>

#include "base/crypto.h"
#include "base/files.h"
#include "base/log.h"
#include "engines/storage/storage_error.h"

namespace storage {
namespace {

constexpr int kShards = 256;
// Written bytes are handed to writeback in steps of this size while a body streams in, so the
// final fsync finds most of them on disk already (the same step as StagedBody's syncs).
constexpr uint64_t kWritebackStep = 2 << 20;

[[noreturn]] void ThrowIo(const char* what) {
  throw StorageError(ErrorCode::kInternalError,
                     std::string("blob storage: ") + what + " failed: " + std::strerror(errno));
}

void WriteAll(int fd, const char* data, size_t n, uint64_t offset) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      ThrowIo("write");
    }
    data += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
}

std::string HexName(int64_t id) {
  char name[17];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(id));
  return name;
}

}  // namespace

// Group commit of directory fsyncs: a caller whose rename finished before a sync of that
// directory started is covered by it, so concurrent publishers share one fsync.
class DirSyncer {
 public:
  void Sync(const std::filesystem::path& dir, int shard) {
    Shard& s = shards_[static_cast<size_t>(shard)];
    std::unique_lock<std::mutex> lock(s.mu);
    uint64_t ticket = ++s.requested;
    while (s.synced < ticket) {
      if (s.syncing) {
        s.cv.wait(lock);
        continue;
      }
      s.syncing = true;
      uint64_t target = s.requested;
      lock.unlock();
      bool ok = true;
      try {
        base::FsyncDir(dir);
      } catch (const base::IoError&) {
        ok = false;
      }
      lock.lock();
      s.syncing = false;
      if (ok) s.synced = std::max(s.synced, target);
      s.cv.notify_all();
      if (!ok) {
        throw StorageError(ErrorCode::kInternalError, "blob storage: directory sync failed");
      }
    }
  }

 private:
  struct Shard {
    std::mutex mu;
    std::condition_variable cv;
    uint64_t requested = 0;
    uint64_t synced = 0;
    bool syncing = false;
  };
  std::array<Shard, kShards> shards_;
};

BlobFiles::BlobFiles(const std::filesystem::path& data_dir)
    : root_(data_dir / "blobs"), tmp_(root_ / "tmp"), syncer_(std::make_unique<DirSyncer>()) {
  try {
    base::MakeDirs(tmp_);
    for (int i = 0; i < kShards; ++i) {
      char name[3];
      std::snprintf(name, sizeof name, "%02x", i);
      base::MakeDirs(root_ / name);
    }
  } catch (const base::IoError& e) {
    throw StorageError(ErrorCode::kInternalError, std::string("blob storage: ") + e.what());
  }
  lock_fd_ = ::open((root_ / "LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) ThrowIo("opening the lock file");
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    throw StorageError(ErrorCode::kInternalError,
                       "blob storage: the data directory is in use by another process");
  }
}

BlobFiles::~BlobFiles() { ::close(lock_fd_); }

std::filesystem::path BlobFiles::ShardDir(int64_t blob_id) const {
  char name[3];
  std::snprintf(name, sizeof name, "%02x", static_cast<unsigned>(blob_id & 0xff));
  return root_ / name;
}

std::string BlobFiles::PathOf(int64_t blob_id) const {
  return (ShardDir(blob_id) / HexName(blob_id)).string();
}

int64_t BlobFiles::NewBlobId() {
  while (true) {
    std::string r = base::RandomBytes(8);
    uint64_t v = 0;
    for (char c : r) v = (v << 8) | static_cast<unsigned char>(c);
    auto id = static_cast<int64_t>(v & 0x7fffffffffffffffull);
    if (id != 0) return id;
  }
}

BlobFiles::TempFile::TempFile(TempFile&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), size_(other.size_), flushed_(other.flushed_) {
  other.fd_ = -1;
  other.path_.clear();
}

BlobFiles::TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

void BlobFiles::TempFile::Append(const char* data, size_t n) {
  WriteAll(fd_, data, n, size_);
  size_ += n;
  if (size_ - flushed_ >= kWritebackStep) {
    // Start writeback now; Publish's fdatasync then waits for little.
    ::sync_file_range(fd_, static_cast<off_t>(flushed_), static_cast<off_t>(size_ - flushed_),
                      SYNC_FILE_RANGE_WRITE);
    flushed_ = size_;
  }
}

void BlobFiles::TempFile::Sync() {
  if (::fdatasync(fd_) != 0) ThrowIo("fdatasync");
}

BlobFiles::TempFile BlobFiles::CreateTemp() {
  std::string path = (tmp_ / (base::RandomHex(24) + ".tmp")).string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) ThrowIo("creating a temporary file");
  return TempFile(fd, std::move(path));
}

int64_t BlobFiles::Publish(TempFile& file) {
  if (::fdatasync(file.fd_) != 0) ThrowIo("fdatasync");
  ::close(file.fd_);
  file.fd_ = -1;
  while (true) {
    int64_t id = NewBlobId();
    std::string dest = PathOf(id);
    if (::renameat2(AT_FDCWD, file.path_.c_str(), AT_FDCWD, dest.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) continue;
      ThrowIo("rename");
    }
    file.path_.clear();
    try {
      syncer_->Sync(ShardDir(id), static_cast<int>(id & 0xff));
    } catch (...) {
      ::unlink(dest.c_str());
      throw;
    }
    return id;
  }
}

std::pair<int64_t, int> BlobFiles::CreatePack() {
  while (true) {
    int64_t id = NewBlobId();
    std::string path = PathOf(id);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      ThrowIo("creating a pack");
    }
    try {
      syncer_->Sync(ShardDir(id), static_cast<int>(id & 0xff));
    } catch (...) {
      ::close(fd);
      ::unlink(path.c_str());
      throw;
    }
    std::lock_guard<std::mutex> lock(pin_mu_);
    ++pins_[id];
    return {id, fd};
  }
}

void BlobFiles::Remove(int64_t blob_id) {
  {
    std::lock_guard<std::mutex> lock(pin_mu_);
    if (pins_.count(blob_id) != 0) {
      deferred_.insert(blob_id);
      return;
    }
    removing_.insert(blob_id);
    ++unlink_epoch_;
  }
  UnlinkNow(blob_id);
}

void BlobFiles::UnlinkNow(int64_t blob_id) {
  if (::unlink(PathOf(blob_id).c_str()) != 0 && errno != ENOENT) {
    LOG_WARN("blob unlink failed", {{"error", std::strerror(errno)}});
  }
  std::lock_guard<std::mutex> lock(pin_mu_);
  removing_.erase(blob_id);
}

bool BlobFiles::Pin(const std::vector<int64_t>& ids, uint64_t epoch) {
  bool check;
  {
    std::lock_guard<std::mutex> lock(pin_mu_);
    check = unlink_epoch_.load() != epoch;
    if (check) {
      for (int64_t id : ids) {
        if (removing_.count(id) != 0) return false;
      }
    }
    for (int64_t id : ids) ++pins_[id];
  }
  if (check) {
    for (int64_t id : ids) {
      struct stat st;
      if (::stat(PathOf(id).c_str(), &st) != 0) {
        Unpin(ids);
        return false;
      }
    }
  }
  return true;
}

void BlobFiles::Unpin(const std::vector<int64_t>& ids) {
  std::vector<int64_t> unlink;
  {
    std::lock_guard<std::mutex> lock(pin_mu_);
    for (int64_t id : ids) {
      auto it = pins_.find(id);
      if (it == pins_.end()) continue;
      if (--it->second > 0) continue;
      pins_.erase(it);
      if (deferred_.erase(id) != 0) {
        removing_.insert(id);
        ++unlink_epoch_;
        unlink.push_back(id);
      }
    }
  }
  for (int64_t id : unlink) UnlinkNow(id);
}

void BlobFiles::RemoveTempFiles() {
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(tmp_, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::error_code ignored;
    std::filesystem::remove(it->path(), ignored);
  }
}

size_t BlobFiles::CountTempFiles() const {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(tmp_, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

void BlobFiles::ForEachBlob(const std::function<void(int64_t)>& fn) const {
  for (int shard = 0; shard < kShards; ++shard) {
    std::filesystem::path dir = ShardDir(shard);
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) continue;
    std::vector<int64_t> ids;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name.size() != 16) continue;
      char* end = nullptr;
      unsigned long long v = std::strtoull(e->d_name, &end, 16);
      if (end != e->d_name + 16) continue;
      ids.push_back(static_cast<int64_t>(v));
    }
    ::closedir(d);
    for (int64_t id : ids) fn(id);
  }
}

}  // namespace storage
