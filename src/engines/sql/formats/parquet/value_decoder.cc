#include "engines/sql/formats/parquet/value_decoder.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "engines/sql/formats/parquet/bit_packing.h"
#include "engines/sql/formats/parquet/byte_reader.h"
#include "engines/sql/formats/parquet/delta_binary_packed.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/rle_decoder.h"

namespace sql::parquet {
namespace {

template <typename T>
T* ArrayOf(ColumnBatch* b);
template <>
int32_t* ArrayOf<int32_t>(ColumnBatch* b) {
  return b->i32.data();
}
template <>
int64_t* ArrayOf<int64_t>(ColumnBatch* b) {
  return b->i64.data();
}
template <>
float* ArrayOf<float>(ColumnBatch* b) {
  return b->f32.data();
}
template <>
double* ArrayOf<double>(ColumnBatch* b) {
  return b->f64.data();
}

// PLAIN INT32, INT64, FLOAT, DOUBLE: a memcpy, or a gather of the values asked for.
template <typename T>
class PlainFixedDecoder : public ValueDecoder {
 public:
  PlainFixedDecoder(const uint8_t* data, size_t size) : in_(data, size, "PLAIN values") {}
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    if (n == 0) return;
    const uint8_t* src = in_.Take(static_cast<size_t>(n) * sizeof(T));
    std::memcpy(ArrayOf<T>(out) + pos, src, static_cast<size_t>(n) * sizeof(T));
  }
  bool DecodeSelected(int64_t n, const uint32_t* idx, size_t count, ColumnBatch* out,
                      int64_t pos) override {
    const uint8_t* src = in_.Take(static_cast<size_t>(n) * sizeof(T));
    if (count == 0) return true;
    T* dst = ArrayOf<T>(out) + pos;
    for (size_t k = 0; k < count; ++k) {
      std::memcpy(dst + k, src + size_t{idx[k]} * sizeof(T), sizeof(T));
    }
    return true;
  }

 private:
  ByteReader in_;
};

// PLAIN INT96: twelve bytes each, kept in the low 96 bits of an Int128.
class PlainInt96Decoder : public ValueDecoder {
 public:
  PlainInt96Decoder(const uint8_t* data, size_t size) : in_(data, size, "PLAIN INT96 values") {}
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    const uint8_t* src = in_.Take(static_cast<size_t>(n) * 12);
    Int128* dst = out->i128.data() + pos;
    for (int64_t i = 0; i < n; ++i) {
      unsigned __int128 v = 0;
      std::memcpy(&v, src + 12 * i, 12);
      dst[i] = static_cast<Int128>(v);
    }
  }

 private:
  ByteReader in_;
};

// PLAIN BOOLEAN: one bit per value, least significant first.
class PlainBoolDecoder : public ValueDecoder {
 public:
  PlainBoolDecoder(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    if (static_cast<uint64_t>(n) > size_ * 8 - bit_) {
      throw ParquetError("corrupt PLAIN BOOLEAN values: data ends early");
    }
    uint8_t* dst = out->bools.data() + pos;
    size_t left = static_cast<size_t>(n);
    while (left > 0 && bit_ % 8 != 0) {
      *dst++ = (data_[bit_ / 8] >> (bit_ % 8)) & 1;
      ++bit_;
      --left;
    }
    const size_t bulk = left & ~size_t{7};
    UnpackBits<uint8_t>(data_ + bit_ / 8, size_ - bit_ / 8, 1, dst, bulk);
    dst += bulk;
    bit_ += bulk;
    left -= bulk;
    for (; left > 0; --left, ++bit_) *dst++ = (data_[bit_ / 8] >> (bit_ % 8)) & 1;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t bit_ = 0;
};

// RLE BOOLEAN: a 4-byte length, then the hybrid encoding at bit width 1.
class RleBoolDecoder : public ValueDecoder {
 public:
  RleBoolDecoder(const uint8_t* data, size_t size) {
    ByteReader in(data, size, "RLE BOOLEAN values");
    const auto len = in.ReadLE<uint32_t>();
    rle_.Reset(in.Take(len), len, 1);
  }
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    rle_.Get(out->bools.data() + pos, static_cast<size_t>(n));
  }

 private:
  RleDecoder rle_;
};

// Appends `total` bytes of consecutive values to the batch's byte buffer.
void AppendContiguous(const uint8_t* src, size_t total, ColumnBatch* out) {
  out->bytes.append(reinterpret_cast<const char*>(src), total);
}

// PLAIN BYTE_ARRAY: each value is a 4-byte length and its bytes.
class PlainByteArrayDecoder : public ValueDecoder {
 public:
  PlainByteArrayDecoder(const uint8_t* data, size_t size)
      : in_(data, size, "PLAIN BYTE_ARRAY values") {}
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    // First pass: lengths and bounds; second: one copy per value into a buffer sized once.
    const uint8_t* start = in_.position();
    int64_t* offsets = out->offsets.data() + pos;
    const int64_t base = offsets[0];
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) {
      const auto len = in_.ReadLE<uint32_t>();
      in_.Take(len);
      total += len;
      offsets[i + 1] = base + total;
    }
    // Short values are copied as one 32-byte block (a fixed-size copy the compiler inlines),
    // which needs 32 bytes of slack after the last value, in the output and in the input.
    const size_t old = out->bytes.size();
    out->bytes.resize(old + static_cast<size_t>(total) + 32);
    char* dst = out->bytes.data() + old;
    const uint8_t* p = start;
    const uint8_t* end = in_.position() + in_.remaining();
    for (int64_t i = 0; i < n; ++i) {
      const size_t len = static_cast<size_t>(offsets[i + 1] - offsets[i]);
      if (len <= 32 && end - (p + 4) >= 32) {
        std::memcpy(dst, p + 4, 32);
      } else {
        std::memcpy(dst, p + 4, len);
      }
      dst += len;
      p += 4 + len;
    }
    out->bytes.resize(old + static_cast<size_t>(total));
  }

 private:
  ByteReader in_;
};

// PLAIN FIXED_LEN_BYTE_ARRAY: the values back to back.
class PlainFixedLenDecoder : public ValueDecoder {
 public:
  PlainFixedLenDecoder(const uint8_t* data, size_t size, int32_t width)
      : in_(data, size, "PLAIN FIXED_LEN_BYTE_ARRAY values"), width_(width) {}
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    const size_t total = static_cast<size_t>(n) * width_;
    AppendContiguous(in_.Take(total), total, out);
    int64_t* offsets = out->offsets.data() + pos;
    for (int64_t i = 0; i < n; ++i) offsets[i + 1] = offsets[i] + width_;
  }

 private:
  ByteReader in_;
  int32_t width_;
};

template <typename T>
class DeltaBinaryPackedValueDecoder : public ValueDecoder {
 public:
  DeltaBinaryPackedValueDecoder(const uint8_t* data, size_t size, int64_t max_values) {
    decoder_.Reset(data, size, max_values);
  }
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    decoder_.Get(ArrayOf<T>(out) + pos, static_cast<size_t>(n));
  }

 private:
  DeltaBinaryPackedDecoder<T> decoder_;
};

// Where DELTA_BINARY_PACKED data starting at `data` ends, found by skipping every block.
const uint8_t* DeltaEnd(const uint8_t* data, size_t size, int64_t max_values) {
  DeltaBinaryPackedDecoder<int32_t> d;
  d.Reset(data, size, max_values);
  int32_t scratch[512];
  while (d.values_left() > 0) {
    d.Get(scratch, static_cast<size_t>(std::min<int64_t>(512, d.values_left())));
  }
  return d.end();
}

// Lengths (DELTA_BINARY_PACKED) followed by the concatenated bytes.
class LengthsAndBytes {
 public:
  void Reset(const uint8_t* data, size_t size, int64_t max_values) {
    const uint8_t* bytes = DeltaEnd(data, size, max_values);
    lengths_.Reset(data, static_cast<size_t>(bytes - data), max_values);
    bytes_ = ByteReader(bytes, size - static_cast<size_t>(bytes - data), "DELTA_LENGTH data");
  }
  // Reads the next n lengths into `lengths` and returns their sum, checked against the data.
  size_t Next(int64_t n, std::vector<int32_t>* lengths) {
    lengths->resize(static_cast<size_t>(n));
    lengths_.Get(lengths->data(), static_cast<size_t>(n));
    uint64_t total = 0;
    int32_t lowest = 0;
    for (int32_t len : *lengths) {
      total += static_cast<uint32_t>(len);
      lowest = std::min(lowest, len);
    }
    if (lowest < 0) throw ParquetError("corrupt DELTA_LENGTH data: negative length");
    if (total > bytes_.remaining()) bytes_.Truncated();
    return static_cast<size_t>(total);
  }
  const uint8_t* TakeBytes(size_t n) { return bytes_.Take(n); }

 private:
  DeltaBinaryPackedDecoder<int32_t> lengths_;
  ByteReader bytes_{nullptr, 0, "DELTA_LENGTH data"};
};

class DeltaLengthByteArrayDecoder : public ValueDecoder {
 public:
  DeltaLengthByteArrayDecoder(const uint8_t* data, size_t size, int64_t max_values) {
    values_.Reset(data, size, max_values);
  }
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    const size_t total = values_.Next(n, &lengths_);
    AppendContiguous(values_.TakeBytes(total), total, out);
    int64_t* offsets = out->offsets.data() + pos;
    for (int64_t i = 0; i < n; ++i) offsets[i + 1] = offsets[i] + lengths_[i];
  }

 private:
  LengthsAndBytes values_;
  std::vector<int32_t> lengths_;
};

// Prefix lengths (DELTA_BINARY_PACKED), then the suffixes as DELTA_LENGTH_BYTE_ARRAY; each
// value is the previous value's prefix plus its suffix.
class DeltaByteArrayDecoder : public ValueDecoder {
 public:
  DeltaByteArrayDecoder(const uint8_t* data, size_t size, int64_t max_values, int32_t fixed_len)
      : fixed_len_(fixed_len) {
    const uint8_t* suffixes = DeltaEnd(data, size, max_values);
    prefixes_.Reset(data, static_cast<size_t>(suffixes - data), max_values);
    suffixes_.Reset(suffixes, size - static_cast<size_t>(suffixes - data), max_values);
  }
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    prefix_lengths_.resize(static_cast<size_t>(n));
    prefixes_.Get(prefix_lengths_.data(), static_cast<size_t>(n));
    suffixes_.Next(n, &suffix_lengths_);
    int64_t* offsets = out->offsets.data() + pos;
    for (int64_t i = 0; i < n; ++i) {
      const int32_t prefix = prefix_lengths_[i];
      const auto suffix_len = static_cast<size_t>(suffix_lengths_[i]);
      if (prefix < 0 || static_cast<size_t>(prefix) > last_.size()) {
        throw ParquetError("corrupt DELTA_BYTE_ARRAY data: bad prefix length");
      }
      last_.resize(static_cast<size_t>(prefix));
      last_.append(reinterpret_cast<const char*>(suffixes_.TakeBytes(suffix_len)), suffix_len);
      if (fixed_len_ > 0 && last_.size() != static_cast<size_t>(fixed_len_)) {
        throw ParquetError("corrupt DELTA_BYTE_ARRAY data: wrong fixed length");
      }
      out->bytes.append(last_);
      offsets[i + 1] = offsets[i] + static_cast<int64_t>(last_.size());
    }
  }

 private:
  int32_t fixed_len_;
  DeltaBinaryPackedDecoder<int32_t> prefixes_;
  LengthsAndBytes suffixes_;
  std::vector<int32_t> prefix_lengths_;
  std::vector<int32_t> suffix_lengths_;
  std::string last_;
};

// BYTE_STREAM_SPLIT: byte k of every value in stream k; `width` streams of equal length.
class ByteStreamSplitDecoder : public ValueDecoder {
 public:
  ByteStreamSplitDecoder(const uint8_t* data, size_t size, size_t width, ValueType target)
      : data_(data), width_(width), count_(size / width), target_(target) {
    if (size % width != 0) throw ParquetError("corrupt BYTE_STREAM_SPLIT data: ragged streams");
  }
  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    const auto k = static_cast<size_t>(n);
    if (k > count_ - next_) throw ParquetError("corrupt BYTE_STREAM_SPLIT data: ends early");
    char* dst;
    if (target_ == ValueType::kBinary) {
      const size_t old = out->bytes.size();
      out->bytes.resize(old + k * width_);
      dst = out->bytes.data() + old;
      int64_t* offsets = out->offsets.data() + pos;
      for (size_t i = 0; i < k; ++i) offsets[i + 1] = offsets[i] + static_cast<int64_t>(width_);
    } else {
      dst = target_ == ValueType::kInt32   ? reinterpret_cast<char*>(out->i32.data() + pos)
            : target_ == ValueType::kInt64 ? reinterpret_cast<char*>(out->i64.data() + pos)
            : target_ == ValueType::kFloat ? reinterpret_cast<char*>(out->f32.data() + pos)
                                           : reinterpret_cast<char*>(out->f64.data() + pos);
    }
    for (size_t b = 0; b < width_; ++b) {
      const uint8_t* src = data_ + b * count_ + next_;
      for (size_t i = 0; i < k; ++i) dst[i * width_ + b] = static_cast<char>(src[i]);
    }
    next_ += k;
  }

 private:
  const uint8_t* data_;
  size_t width_;
  size_t count_;
  ValueType target_;
  size_t next_ = 0;
};

template <typename T>
void Gather(const T* dict, const uint32_t* idx, size_t n, T* out) {
  for (size_t i = 0; i < n; ++i) out[i] = dict[idx[i]];
}

class DictionaryDecoder : public DictionaryValueDecoder {
 public:
  DictionaryDecoder(const ColumnBatch* dictionary, const uint8_t* data, size_t size)
      : dict_(dictionary) {
    if (size == 0) throw ParquetError("corrupt dictionary page indices: empty");
    const int width = data[0];
    if (width > 32) throw ParquetError("corrupt dictionary page indices: bit width above 32");
    rle_.Reset(data + 1, size - 1, width);
  }

  void DecodeIndices(int64_t n, uint32_t* out) override {
    const auto k = static_cast<size_t>(n);
    rle_.Get(out, k);
    uint32_t highest = 0;
    for (size_t i = 0; i < k; ++i) highest = std::max(highest, out[i]);
    if (k > 0 && static_cast<int64_t>(highest) >= dict_->num_rows) {
      throw ParquetError("corrupt dictionary index " + std::to_string(highest) +
                         " past a dictionary of " + std::to_string(dict_->num_rows));
    }
  }

  void SkipIndices(int64_t n) override { rle_.Skip(static_cast<size_t>(n)); }

  void Decode(int64_t n, ColumnBatch* out, int64_t pos) override {
    const auto k = static_cast<size_t>(n);
    indices_.resize(k);
    DecodeIndices(n, indices_.data());
    GatherDictionary(*dict_, indices_.data(), k, out, pos);
  }

 private:
  const ColumnBatch* dict_;
  RleDecoder rle_;
  std::vector<uint32_t> indices_;
};

[[noreturn]] void BadEncoding(Encoding encoding, PhysicalType type) {
  throw ParquetError("encoding " + std::string(EncodingName(encoding)) +
                     " cannot hold physical type " + std::to_string(static_cast<int>(type)));
}

}  // namespace

std::unique_ptr<ValueDecoder> MakeValueDecoder(Encoding encoding, PhysicalType type,
                                               int32_t type_length, const uint8_t* data,
                                               size_t size, int64_t max_values) {
  switch (encoding) {
    case Encoding::kPlain:
      switch (type) {
        case PhysicalType::kBoolean:
          return std::make_unique<PlainBoolDecoder>(data, size);
        case PhysicalType::kInt32:
          return std::make_unique<PlainFixedDecoder<int32_t>>(data, size);
        case PhysicalType::kInt64:
          return std::make_unique<PlainFixedDecoder<int64_t>>(data, size);
        case PhysicalType::kInt96:
          return std::make_unique<PlainInt96Decoder>(data, size);
        case PhysicalType::kFloat:
          return std::make_unique<PlainFixedDecoder<float>>(data, size);
        case PhysicalType::kDouble:
          return std::make_unique<PlainFixedDecoder<double>>(data, size);
        case PhysicalType::kByteArray:
          return std::make_unique<PlainByteArrayDecoder>(data, size);
        case PhysicalType::kFixedLenByteArray:
          return std::make_unique<PlainFixedLenDecoder>(data, size, type_length);
      }
      break;
    case Encoding::kRle:
      if (type == PhysicalType::kBoolean) return std::make_unique<RleBoolDecoder>(data, size);
      break;
    case Encoding::kDeltaBinaryPacked:
      if (type == PhysicalType::kInt32) {
        return std::make_unique<DeltaBinaryPackedValueDecoder<int32_t>>(data, size, max_values);
      }
      if (type == PhysicalType::kInt64) {
        return std::make_unique<DeltaBinaryPackedValueDecoder<int64_t>>(data, size, max_values);
      }
      break;
    case Encoding::kDeltaLengthByteArray:
      if (type == PhysicalType::kByteArray) {
        return std::make_unique<DeltaLengthByteArrayDecoder>(data, size, max_values);
      }
      break;
    case Encoding::kDeltaByteArray:
      if (type == PhysicalType::kByteArray || type == PhysicalType::kFixedLenByteArray) {
        return std::make_unique<DeltaByteArrayDecoder>(
            data, size, max_values, type == PhysicalType::kFixedLenByteArray ? type_length : 0);
      }
      break;
    case Encoding::kByteStreamSplit:
      switch (type) {
        case PhysicalType::kInt32:
          return std::make_unique<ByteStreamSplitDecoder>(data, size, 4, ValueType::kInt32);
        case PhysicalType::kFloat:
          return std::make_unique<ByteStreamSplitDecoder>(data, size, 4, ValueType::kFloat);
        case PhysicalType::kInt64:
          return std::make_unique<ByteStreamSplitDecoder>(data, size, 8, ValueType::kInt64);
        case PhysicalType::kDouble:
          return std::make_unique<ByteStreamSplitDecoder>(data, size, 8, ValueType::kDouble);
        case PhysicalType::kFixedLenByteArray:
          return std::make_unique<ByteStreamSplitDecoder>(
              data, size, static_cast<size_t>(type_length), ValueType::kBinary);
        default:
          break;
      }
      break;
    default:
      throw ParquetUnsupportedError("unknown value encoding " +
                                    std::to_string(static_cast<int>(encoding)));
  }
  BadEncoding(encoding, type);
}

std::unique_ptr<DictionaryValueDecoder> MakeDictionaryDecoder(const ColumnBatch* dictionary,
                                                              const uint8_t* data, size_t size) {
  return std::make_unique<DictionaryDecoder>(dictionary, data, size);
}

void GatherDictionary(const ColumnBatch& dictionary, const uint32_t* idx, size_t k,
                      ColumnBatch* out, int64_t pos) {
  switch (dictionary.type) {
    case ValueType::kBool:
      Gather(dictionary.bools.data(), idx, k, out->bools.data() + pos);
      break;
    case ValueType::kInt32:
      Gather(dictionary.i32.data(), idx, k, out->i32.data() + pos);
      break;
    case ValueType::kInt64:
      Gather(dictionary.i64.data(), idx, k, out->i64.data() + pos);
      break;
    case ValueType::kFloat:
      Gather(dictionary.f32.data(), idx, k, out->f32.data() + pos);
      break;
    case ValueType::kDouble:
      Gather(dictionary.f64.data(), idx, k, out->f64.data() + pos);
      break;
    case ValueType::kInt128:
      Gather(dictionary.i128.data(), idx, k, out->i128.data() + pos);
      break;
    case ValueType::kBinary: {
      const int64_t* d = dictionary.offsets.data();
      int64_t* offsets = out->offsets.data() + pos;
      for (size_t i = 0; i < k; ++i) offsets[i + 1] = offsets[i] + d[idx[i] + 1] - d[idx[i]];
      const size_t old = out->bytes.size();
      out->bytes.resize(old + static_cast<size_t>(offsets[k] - offsets[0]));
      char* dst = out->bytes.data() + old;
      const char* src = dictionary.bytes.data();
      for (size_t i = 0; i < k; ++i) {
        const auto len = static_cast<size_t>(d[idx[i] + 1] - d[idx[i]]);
        std::memcpy(dst, src + d[idx[i]], len);
        dst += len;
      }
      break;
    }
  }
}

}  // namespace sql::parquet
