// Internal to the Parquet library. ByteReader is a bounds-checked cursor over a byte range
// with the little-endian, ULEB128 and zig-zag reads the format's encodings are built from;
// reading past the end throws ParquetError naming `what` (the structure being decoded). The
// free functions are the matching writers. A ByteReader belongs to one thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql::parquet {

template <typename T>
inline T LoadLE(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size, const char* what)
      : pos_(data), end_(data + size), what_(what) {}

  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  const uint8_t* position() const { return pos_; }

  const uint8_t* Take(size_t n) {
    if (n > remaining()) Truncated();
    const uint8_t* p = pos_;
    pos_ += n;
    return p;
  }
  uint8_t ReadByte() { return *Take(1); }
  template <typename T>
  T ReadLE() {
    return LoadLE<T>(Take(sizeof(T)));
  }
  uint64_t ReadUleb() {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = ReadByte();
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return result;
    }
    throw ParquetError(std::string("corrupt ") + what_ + ": varint too long");
  }
  int64_t ReadZigZag() { return ZigZagDecode(ReadUleb()); }

  [[noreturn]] void Truncated() const {
    throw ParquetError(std::string("corrupt ") + what_ + ": data ends early");
  }
  [[noreturn]] void Corrupt(std::string_view why) const {
    throw ParquetError(std::string("corrupt ") + what_ + ": " + std::string(why));
  }

 private:
  const uint8_t* pos_;
  const uint8_t* end_;
  const char* what_;
};

inline void AppendUleb(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
inline void AppendZigZag(int64_t v, std::string* out) { AppendUleb(ZigZagEncode(v), out); }

template <typename T>
inline void AppendLE(T v, std::string* out) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

}  // namespace sql::parquet
