// The pull-reader through which callers hand object bodies to the ObjectStore (and through
// which object ranges are read back): Read() fills up to n bytes and returns how many, 0 only
// at the end of the stream, and throws on error. An implementation is used by one thread at a
// time.
#pragma once

#include <cstddef>
#include <string>

namespace storage {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual size_t Read(char* buf, size_t n) = 0;
};

// A ByteSource over bytes it owns (small bodies, tests).
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  size_t Read(char* buf, size_t n) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Drains `source` into a string (for small bodies: configuration-sized reads and tests).
std::string ReadAll(ByteSource& source);

}  // namespace storage
