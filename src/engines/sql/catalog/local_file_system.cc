#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "engines/sql/catalog/file_system.h"
#include "engines/sql/common/error.h"

namespace sql {

namespace {

namespace fs = std::filesystem;

class LocalFile : public RandomAccessFile {
 public:
  LocalFile(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~LocalFile() override { ::close(fd_); }
  uint64_t Size() const override { return size_; }
  size_t ReadAt(uint64_t offset, size_t length, char* out) const override {
    size_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw ExecutionError("HIVE_CANNOT_OPEN_SPLIT", "Error reading a data file");
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

 private:
  int fd_;
  uint64_t size_;
};

class LocalWritable : public WritableFile {
 public:
  LocalWritable(std::string path, std::string tmp, int fd) : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}
  ~LocalWritable() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }
  void Append(std::string_view data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw ExecutionError("HIVE_WRITER_DATA_ERROR", "Error writing a data file");
      }
      done += static_cast<size_t>(n);
    }
  }
  void Close() override {
    if (fd_ < 0) return;
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      throw ExecutionError("HIVE_WRITER_DATA_ERROR", "Error closing a data file");
    }
    fd_ = -1;
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
      throw ExecutionError("HIVE_WRITER_DATA_ERROR", "Error publishing a data file");
    }
  }

 private:
  std::string path_, tmp_;
  int fd_;
};

bool HasWildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

void Walk(const fs::path& dir, std::vector<FileEntry>* out) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (!name.empty() && (name[0] == '.' || name[0] == '_')) continue;  // hidden / _SUCCESS
    out->push_back({it->path().string(), static_cast<uint64_t>(it->file_size(ec))});
  }
}

class LocalFileSystemImpl : public FileSystem {
 public:
  std::unique_ptr<RandomAccessFile> Open(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ExecutionError("HIVE_CANNOT_OPEN_SPLIT", "Cannot open data file " + fs::path(path).filename().string());
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      throw ExecutionError("HIVE_CANNOT_OPEN_SPLIT", "Cannot stat data file");
    }
    return std::make_unique<LocalFile>(fd, static_cast<uint64_t>(st.st_size));
  }

  std::unique_ptr<WritableFile> Create(const std::string& path) override {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw ExecutionError("HIVE_WRITER_OPEN_ERROR", "Cannot create data file");
    return std::make_unique<LocalWritable>(path, tmp, fd);
  }

  std::vector<FileEntry> Glob(const std::string& pattern) override {
    std::vector<FileEntry> out;
    std::error_code ec;
    if (!HasWildcard(pattern)) {
      if (fs::is_directory(pattern, ec)) {
        Walk(pattern, &out);
      } else if (fs::is_regular_file(pattern, ec)) {
        out.push_back({pattern, static_cast<uint64_t>(fs::file_size(pattern, ec))});
      }
    } else {
      // Walk from the longest wildcard-free directory prefix and match the rest.
      size_t star = pattern.find_first_of("*?[");
      size_t slash = pattern.rfind('/', star);
      std::string root = slash == std::string::npos ? "." : pattern.substr(0, slash == 0 ? 1 : slash);
      std::vector<FileEntry> all;
      if (fs::is_directory(root, ec)) Walk(root, &all);
      for (auto& f : all) {
        std::string p = f.path;
        if (slash == std::string::npos && p.rfind("./", 0) == 0) p = p.substr(2);
        bool deep = pattern.find("**") != std::string::npos;
        if (fnmatch(pattern.c_str(), p.c_str(), deep ? 0 : FNM_PATHNAME) == 0) out.push_back({p, f.size});
      }
    }
    std::sort(out.begin(), out.end(), [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
    return out;
  }

 private:
  std::atomic<uint64_t> counter_{0};
};

}  // namespace

std::shared_ptr<FileSystem> LocalFileSystem() {
  static auto fs = std::make_shared<LocalFileSystemImpl>();
  return fs;
}

}  // namespace sql
