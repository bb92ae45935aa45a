// Internal to the Parquet library. RleDecoder reads the RLE/bit-packed hybrid encoding used
// for definition levels, dictionary indices and RLE booleans: a sequence of runs, each either
// one repeated value or groups of eight bit-packed values. Values are produced in bulk; a
// literal run is unpacked straight into the caller's array when it can be. One thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engines/sql/formats/parquet/byte_reader.h"

namespace sql::parquet {

class RleDecoder {
 public:
  RleDecoder() : reader_(nullptr, 0, "RLE data") {}

  // Starts decoding `size` bytes (no length prefix) of values `bit_width` bits wide (0-32).
  void Reset(const uint8_t* data, size_t size, int bit_width);

  // Writes the next `n` values to `out`; throws ParquetError if the data ends first. T is
  // uint8_t (bit widths up to 8) or uint32_t.
  template <typename T>
  void Get(T* out, size_t n);

  // When the next `n` values are all one repeated value, consumes them, sets `value` and
  // returns true; otherwise returns false, the values staying to be read.
  bool TakeRepeat(size_t n, uint32_t* value);

  // Passes over the next `n` values without producing them (bit-packed groups are not
  // unpacked); throws ParquetError if the data ends first.
  void Skip(size_t n);

 private:
  void NextRun();
  // Unpacks the next (up to 32) values of the literal run into buffer_.
  void FillBuffer();

  ByteReader reader_;
  int bit_width_ = 0;
  uint64_t repeat_left_ = 0;
  uint32_t repeat_value_ = 0;
  uint64_t literal_left_ = 0;
  uint32_t buffer_[32];
  size_t buffer_pos_ = 0;
  size_t buffer_len_ = 0;
};

// Appends the hybrid encoding of `values` (each below 2^bit_width) to `out`, without a
// length prefix. Repeats of eight or more become RLE runs, the rest bit-packed groups.
template <typename T>
void RleEncode(const T* values, size_t count, int bit_width, std::string* out);

}  // namespace sql::parquet
