// RandomAccessSource is the tiny read interface the Parquet reader pulls bytes through: a
// size and positional reads. Implementations must be thread-safe, because the chunks of one
// file are decoded concurrently, each reader issuing its own ReadAt calls. Two come with the
// library: a local file read with pread(2), and an in-memory buffer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace sql::parquet {

class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;

  virtual uint64_t Size() const = 0;
  // Copies exactly `length` bytes starting at `offset` to `out`. Throws ParquetError when the
  // range passes the end of the source and base::IoError when the read itself fails.
  virtual void ReadAt(uint64_t offset, size_t length, char* out) const = 0;

  // ReadAt into a new string.
  std::string Read(uint64_t offset, size_t length) const;
};

// Opens `path` for reading. Throws base::IoError (without the path) when it cannot.
std::shared_ptr<const RandomAccessSource> OpenLocalFileSource(const std::filesystem::path& path);

// A source over bytes held in memory.
std::shared_ptr<const RandomAccessSource> MakeMemorySource(std::string bytes);

}  // namespace sql::parquet
