// Internal to the Parquet library. DeltaBinaryPackedDecoder reads DELTA_BINARY_PACKED data
// (a header, then blocks of a minimum delta and bit-packed miniblocks of deltas above it) for
// INT32 or INT64 values, with the wrap-around arithmetic of the value's width. It decodes one
// miniblock at a time. DeltaBinaryPackedEncode writes the encoding with blocks of 128 values
// in four miniblocks, as the reference writers do. One thread per decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "engines/sql/formats/parquet/byte_reader.h"

namespace sql::parquet {

template <typename T>
class DeltaBinaryPackedDecoder {
 public:
  DeltaBinaryPackedDecoder() : reader_(nullptr, 0, "DELTA_BINARY_PACKED data") {}

  // Reads the header of the encoded values in data[0, size). The header's value count must
  // not exceed `max_values`.
  void Reset(const uint8_t* data, size_t size, int64_t max_values);

  int64_t total_values() const { return total_; }
  int64_t values_left() const { return left_; }
  // Writes the next `n` values; throws ParquetError past the end.
  void Get(T* out, size_t n);
  // Where the encoded values end; meaningful once every value has been read.
  const uint8_t* end() const { return reader_.position(); }

 private:
  using U = std::make_unsigned_t<T>;
  void LoadMiniblock();

  ByteReader reader_;
  uint64_t values_per_miniblock_ = 0;
  uint64_t miniblocks_per_block_ = 0;
  int64_t total_ = 0;
  int64_t left_ = 0;       // values not yet returned
  int64_t undecoded_ = 0;  // values not yet unpacked from the data
  bool first_pending_ = false;
  U last_ = 0;
  U min_delta_ = 0;
  const uint8_t* widths_ = nullptr;
  uint64_t miniblock_index_ = 0;
  std::vector<uint64_t> deltas_;
  size_t delta_pos_ = 0;
  size_t delta_len_ = 0;
};

// Appends the encoding of values[0, count) to `out`. T is int32_t or int64_t.
template <typename T>
void DeltaBinaryPackedEncode(const T* values, size_t count, std::string* out);

}  // namespace sql::parquet
