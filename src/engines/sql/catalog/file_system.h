// The small file-system interface the engine reads and writes data files through, so that
// an object store can serve them later. LocalFileSystem is the default (POSIX files).
// Implementations must be thread-safe; file handles may be read concurrently (ReadAt).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sql {

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  virtual uint64_t Size() const = 0;
  // Reads up to `length` bytes at `offset` into `out`; returns the bytes read.
  virtual size_t ReadAt(uint64_t offset, size_t length, char* out) const = 0;
};

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual void Append(std::string_view data) = 0;
  // Flushes and publishes the file; until then readers may not see it.
  virtual void Close() = 0;
};

struct FileEntry {
  std::string path;
  uint64_t size = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual std::unique_ptr<RandomAccessFile> Open(const std::string& path) = 0;
  virtual std::unique_ptr<WritableFile> Create(const std::string& path) = 0;
  // Files whose path matches `pattern` ('*' and '?' within one path component, '**' across
  // components), or the files under a directory (recursively), sorted by path.
  virtual std::vector<FileEntry> Glob(const std::string& pattern) = 0;
  // Writes whole files (path, contents), published together where the file system can (an
  // object store in one commit); by default one after the other.
  virtual void WriteFiles(const std::vector<std::pair<std::string, std::string>>& files) {
    for (const auto& [path, contents] : files) {
      std::unique_ptr<WritableFile> f = Create(path);
      f->Append(contents);
      f->Close();
    }
  }
};

// The local POSIX file system.
std::shared_ptr<FileSystem> LocalFileSystem();

}  // namespace sql
