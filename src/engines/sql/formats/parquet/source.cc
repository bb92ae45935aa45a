#include "engines/sql/formats/parquet/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql::parquet {
namespace {

void CheckRange(uint64_t offset, size_t length, uint64_t size) {
  if (offset > size || length > size - offset) {
    throw ParquetError("read past the end of the Parquet file");
  }
}

class LocalFileSource : public RandomAccessSource {
 public:
  LocalFileSource(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~LocalFileSource() override { ::close(fd_); }

  uint64_t Size() const override { return size_; }

  void ReadAt(uint64_t offset, size_t length, char* out) const override {
    CheckRange(offset, length, size_);
    while (length > 0) {
      const ssize_t n = ::pread(fd_, out, length, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw base::IoError(std::string("pread failed: ") + std::strerror(errno));
      if (n == 0) throw ParquetError("Parquet file shrank while being read");
      out += n;
      offset += static_cast<uint64_t>(n);
      length -= static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  uint64_t size_;
};

class MemorySource : public RandomAccessSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t Size() const override { return bytes_.size(); }
  void ReadAt(uint64_t offset, size_t length, char* out) const override {
    CheckRange(offset, length, bytes_.size());
    if (length > 0) std::memcpy(out, bytes_.data() + offset, length);
  }

 private:
  std::string bytes_;
};

}  // namespace

std::string RandomAccessSource::Read(uint64_t offset, size_t length) const {
  std::string out(length, '\0');
  ReadAt(offset, length, out.data());
  return out;
}

std::shared_ptr<const RandomAccessSource> OpenLocalFileSource(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw base::IoError(std::string("open for reading failed: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw base::IoError(std::string("fstat failed: ") + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw base::IoError("not a regular file");
  }
  return std::make_shared<LocalFileSource>(fd, static_cast<uint64_t>(st.st_size));
}

std::shared_ptr<const RandomAccessSource> MakeMemorySource(std::string bytes) {
  return std::make_shared<MemorySource>(std::move(bytes));
}

}  // namespace sql::parquet
