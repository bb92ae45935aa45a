#include "engines/storage/object_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "engines/storage/blob_files.h"
#include "engines/storage/catalog.h"
#include "engines/storage/storage_error.h"

namespace storage {
namespace {

constexpr size_t kMaxOpenFiles = 8;

class File {
 public:
  explicit File(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) {
      throw StorageError(ErrorCode::kInternalError,
                         std::string("blob storage: open failed: ") + std::strerror(errno));
    }
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

struct ObjectReader::State {
  BlobFiles& files;
  ObjectInfo info;
  std::vector<ObjectPart> parts;
  std::vector<SegmentRow> segments;
  std::vector<uint64_t> starts;  // object offset of each segment
  std::vector<int64_t> pinned;
  std::mutex mu;
  std::vector<std::pair<int64_t, std::shared_ptr<File>>> open;  // small cache, newest last

  State(BlobFiles& f) : files(f) {}
  ~State() {
    open.clear();
    files.Unpin(pinned);
  }

  std::shared_ptr<File> FileFor(int64_t blob_id) {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [id, file] : open) {
      if (id == blob_id) return file;
    }
    auto file = std::make_shared<File>(files.PathOf(blob_id));
    if (open.size() >= kMaxOpenFiles) open.erase(open.begin());
    open.emplace_back(blob_id, file);
    return file;
  }
};

ObjectReader::ObjectReader(BlobFiles& files, ObjectInfo info, std::vector<ObjectPart> parts,
                           const std::vector<SegmentRow>& segments, std::vector<int64_t> pinned)
    : state_(std::make_shared<State>(files)) {
  state_->info = std::move(info);
  state_->parts = std::move(parts);
  state_->pinned = std::move(pinned);
  uint64_t at = 0;
  for (const SegmentRow& s : segments) {
    if (s.length == 0) continue;
    state_->segments.push_back(s);
    state_->starts.push_back(at);
    at += s.length;
  }
}

const ObjectInfo& ObjectReader::info() const { return state_->info; }

const std::vector<ObjectPart>& ObjectReader::parts() const { return state_->parts; }

std::vector<PhysicalSegment> ObjectReader::Segments() const {
  std::vector<PhysicalSegment> out;
  for (const SegmentRow& s : state_->segments) {
    out.push_back(PhysicalSegment{state_->files.PathOf(s.blob_id), s.start, s.length});
  }
  return out;
}

size_t ObjectReader::ReadAt(uint64_t offset, char* buf, size_t n) const {
  State& st = *state_;
  if (offset >= st.info.size) return 0;
  n = static_cast<size_t>(std::min<uint64_t>(n, st.info.size - offset));
  size_t done = 0;
  auto it = std::upper_bound(st.starts.begin(), st.starts.end(), offset);
  size_t i = static_cast<size_t>(it - st.starts.begin()) - 1;
  while (done < n) {
    const SegmentRow& seg = st.segments[i];
    uint64_t within = offset + done - st.starts[i];
    size_t want = static_cast<size_t>(std::min<uint64_t>(n - done, seg.length - within));
    auto file = st.FileFor(seg.blob_id);
    size_t got = 0;
    while (got < want) {
      ssize_t r = ::pread(file->fd(), buf + done + got, want - got,
                          static_cast<off_t>(seg.start + within + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        throw StorageError(ErrorCode::kInternalError,
                           r == 0
                               ? "blob storage: a blob is shorter than its metadata says"
                               : std::string("blob storage: read failed: ") + std::strerror(errno));
      }
      got += static_cast<size_t>(r);
    }
    done += want;
    ++i;
  }
  return done;
}

namespace {

class RangeSource : public ByteSource {
 public:
  RangeSource(ObjectReader reader, uint64_t offset, uint64_t length)
      : reader_(std::move(reader)), pos_(offset), end_(offset + length) {}
  size_t Read(char* buf, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    size_t got = reader_.ReadAt(pos_, buf, n);
    pos_ += got;
    return got;
  }

 private:
  ObjectReader reader_;
  uint64_t pos_;
  uint64_t end_;
};

}  // namespace

std::unique_ptr<ByteSource> ObjectReader::OpenRange(uint64_t offset, uint64_t length) const {
  if (offset > info().size || length > info().size - offset) {
    throw StorageError(ErrorCode::kInvalidRange, "The requested range is not satisfiable");
  }
  return std::make_unique<RangeSource>(*this, offset, length);
}

}  // namespace storage
