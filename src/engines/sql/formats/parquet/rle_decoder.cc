#include "engines/sql/formats/parquet/rle_decoder.h"

#include <algorithm>

#include "engines/sql/formats/parquet/bit_packing.h"

namespace sql::parquet {

void RleDecoder::Reset(const uint8_t* data, size_t size, int bit_width) {
  if (bit_width < 0 || bit_width > 32) {
    throw ParquetError("corrupt RLE data: bit width " + std::to_string(bit_width));
  }
  reader_ = ByteReader(data, size, "RLE data");
  bit_width_ = bit_width;
  repeat_left_ = 0;
  literal_left_ = 0;
  buffer_pos_ = buffer_len_ = 0;
}

void RleDecoder::NextRun() {
  const uint64_t header = reader_.ReadUleb();
  if (header & 1) {
    // Groups of eight bit-packed values. A final run may be cut short by the end of the
    // data; only the values actually present can be read.
    const uint64_t groups = header >> 1;
    const uint64_t available_groups =
        bit_width_ == 0 ? groups : reader_.remaining() / static_cast<uint64_t>(bit_width_);
    literal_left_ = std::min(groups, available_groups) * 8;
  } else {
    repeat_left_ = header >> 1;
    const size_t value_bytes = (bit_width_ + 7) / 8;
    const uint8_t* p = reader_.Take(value_bytes);
    uint32_t v = 0;
    for (size_t i = 0; i < value_bytes; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
    repeat_value_ = v;
  }
}

void RleDecoder::FillBuffer() {
  const size_t k = static_cast<size_t>(std::min<uint64_t>(32, literal_left_));
  const size_t bytes = k * bit_width_ / 8;
  UnpackBits<uint32_t>(reader_.position(), reader_.remaining(), bit_width_, buffer_, k);
  reader_.Take(bytes);
  literal_left_ -= k;
  buffer_pos_ = 0;
  buffer_len_ = k;
}

bool RleDecoder::TakeRepeat(size_t n, uint32_t* value) {
  if (buffer_pos_ < buffer_len_ || literal_left_ > 0) return false;
  if (repeat_left_ == 0) {
    if (reader_.remaining() == 0) return false;
    NextRun();
  }
  if (repeat_left_ < n) return false;
  repeat_left_ -= n;
  *value = repeat_value_;
  return true;
}

void RleDecoder::Skip(size_t n) {
  while (n > 0) {
    if (buffer_pos_ < buffer_len_) {
      const size_t k = std::min(n, buffer_len_ - buffer_pos_);
      buffer_pos_ += k;
      n -= k;
    } else if (repeat_left_ > 0) {
      const size_t k = static_cast<size_t>(std::min<uint64_t>(n, repeat_left_));
      repeat_left_ -= k;
      n -= k;
    } else if (literal_left_ > 0) {
      // Whole groups of eight are passed over by their bytes; a part of one is unpacked.
      const size_t whole = static_cast<size_t>(std::min<uint64_t>(n, literal_left_)) & ~size_t{7};
      if (whole > 0) {
        reader_.Take(whole * bit_width_ / 8);
        literal_left_ -= whole;
        n -= whole;
      } else {
        FillBuffer();
      }
    } else {
      NextRun();
    }
  }
}

template <typename T>
void RleDecoder::Get(T* out, size_t n) {
  while (n > 0) {
    if (buffer_pos_ < buffer_len_) {
      const size_t k = std::min(n, buffer_len_ - buffer_pos_);
      for (size_t i = 0; i < k; ++i) out[i] = static_cast<T>(buffer_[buffer_pos_ + i]);
      buffer_pos_ += k;
      out += k;
      n -= k;
    } else if (repeat_left_ > 0) {
      const size_t k = static_cast<size_t>(std::min<uint64_t>(n, repeat_left_));
      std::fill(out, out + k, static_cast<T>(repeat_value_));
      repeat_left_ -= k;
      out += k;
      n -= k;
    } else if (literal_left_ > 0) {
      // Literal runs are consumed in whole groups of eight, so the read position stays
      // byte-aligned.
      const size_t direct = static_cast<size_t>(std::min<uint64_t>(n, literal_left_)) & ~size_t{7};
      if (direct > 0) {
        const size_t bytes = direct * bit_width_ / 8;
        UnpackBits<T>(reader_.position(), reader_.remaining(), bit_width_, out, direct);
        reader_.Take(bytes);
        literal_left_ -= direct;
        out += direct;
        n -= direct;
      } else {
        FillBuffer();
      }
    } else {
      NextRun();
    }
  }
}

template void RleDecoder::Get<uint8_t>(uint8_t*, size_t);
template void RleDecoder::Get<uint32_t>(uint32_t*, size_t);

namespace {

template <typename T>
void AppendRepeat(uint32_t value, size_t count, int bit_width, std::string* out) {
  AppendUleb(static_cast<uint64_t>(count) << 1, out);
  for (int i = 0; i < (bit_width + 7) / 8; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

// Appends values[0, count) as one bit-packed run, zero-padding the last group of eight.
template <typename T>
void AppendLiteral(const T* values, size_t count, int bit_width, std::string* out) {
  const size_t groups = (count + 7) / 8;
  AppendUleb((static_cast<uint64_t>(groups) << 1) | 1, out);
  uint32_t padded[8] = {};
  const size_t whole = count & ~size_t{7};
  uint32_t chunk[256];
  for (size_t i = 0; i < whole; i += 256) {
    const size_t k = std::min<size_t>(256, whole - i);
    for (size_t j = 0; j < k; ++j) chunk[j] = values[i + j];
    PackBits(chunk, k, bit_width, out);
  }
  if (whole < count) {
    for (size_t j = whole; j < count; ++j) padded[j - whole] = values[j];
    PackBits(padded, 8, bit_width, out);
  }
}

}  // namespace

template <typename T>
void RleEncode(const T* values, size_t count, int bit_width, std::string* out) {
  size_t literal_start = 0;
  size_t i = 0;
  while (i < count) {
    size_t run = 1;
    while (i + run < count && values[i + run] == values[i]) ++run;
    if (run >= 8) {
      // Complete the pending literal run to a multiple of eight with values of this run,
      // then emit the rest of it as a repeat if it is still worth one.
      const size_t pending = i - literal_start;
      const size_t pad = (8 - pending % 8) % 8;
      if (run - pad >= 8) {
        if (pending + pad > 0) AppendLiteral(values + literal_start, pending + pad, bit_width, out);
        AppendRepeat<T>(values[i], run - pad, bit_width, out);
        literal_start = i + run;
      }
    }
    i += run;
  }
  if (literal_start < count) {
    AppendLiteral(values + literal_start, count - literal_start, bit_width, out);
  }
}

template void RleEncode<uint8_t>(const uint8_t*, size_t, int, std::string*);
template void RleEncode<uint32_t>(const uint32_t*, size_t, int, std::string*);

}  // namespace sql::parquet
