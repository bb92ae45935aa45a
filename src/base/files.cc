#include "base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/crypto.h"
#include "base/error.h"

namespace base {

std::optional<std::string> ReadFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw IoError(std::string("open for reading failed: ") + std::strerror(errno));
  }
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw IoError(std::string("read failed: ") + std::strerror(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

void FsyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw IoError(std::string("open directory failed: ") + std::strerror(errno));
  ::fsync(fd);
  ::close(fd);
}

void WriteFileAtomic(const fs::path& path, std::string_view content, unsigned mode) {
  fs::path tmp = path;
  tmp += ".tmp-" + RandomHex(12);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw IoError(std::string("create failed: ") + std::strerror(errno));
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw IoError(std::string("write failed: ") + std::strerror(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw IoError("fsync failed");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw IoError(std::string("rename failed: ") + std::strerror(err));
  }
  FsyncDir(path.has_parent_path() ? path.parent_path() : fs::path("."));
}

void MakeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("create directory failed: " + ec.message());
}

std::optional<fs::path> ResolveUnder(const fs::path& root, std::string_view relative) {
  if (relative.find('\0') != std::string_view::npos) return std::nullopt;
  fs::path rel(relative);
  if (rel.is_absolute()) return std::nullopt;
  fs::path joined = (root / rel).lexically_normal();
  fs::path base = root.lexically_normal();
  auto [r, j] = std::mismatch(base.begin(), base.end(), joined.begin(), joined.end());
  // The root's last element may be empty when it ends with '/'.
  while (r != base.end() && r->empty()) ++r;
  if (r != base.end()) return std::nullopt;
  for (auto it = j; it != joined.end(); ++it) {
    if (*it == "..") return std::nullopt;
  }
  return joined;
}

}  // namespace base
