#include "engines/sql/formats/parquet/sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace sql::parquet {
namespace {

class LocalFileSink : public Sink {
 public:
  explicit LocalFileSink(int fd) : fd_(fd) {}
  ~LocalFileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void Append(std::string_view bytes) override {
    if (fd_ < 0) throw base::IoError("append to a closed file sink");
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw base::IoError(std::string("write failed: ") + std::strerror(errno));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  void Close() override {
    if (fd_ < 0) return;
    const int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0) {
      const int err = errno;
      ::close(fd);
      throw base::IoError(std::string("fsync failed: ") + std::strerror(err));
    }
    if (::close(fd) != 0) throw base::IoError(std::string("close failed: ") + std::strerror(errno));
  }

 private:
  int fd_;
};

}  // namespace

std::unique_ptr<Sink> OpenLocalFileSink(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw base::IoError(std::string("open for writing failed: ") + std::strerror(errno));
  return std::make_unique<LocalFileSink>(fd);
}

}  // namespace sql::parquet
