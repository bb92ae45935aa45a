#include "engines/sql/formats/parquet/value_encoder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "engines/sql/formats/parquet/byte_reader.h"
#include "engines/sql/formats/parquet/delta_binary_packed.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/rle_decoder.h"

namespace sql::parquet {
namespace {

void AppendRaw(const void* data, size_t n, std::string* out) {
  out->append(static_cast<const char*>(data), n);
}

// Appends the raw little-endian bytes of the fixed-width values, and returns their width.
size_t FixedBytes(PhysicalType type, const ColumnBatch& v, int64_t count, std::string* out) {
  const auto n = static_cast<size_t>(count);
  switch (type) {
    case PhysicalType::kInt32:
      AppendRaw(v.i32.data(), n * 4, out);
      return 4;
    case PhysicalType::kInt64:
      AppendRaw(v.i64.data(), n * 8, out);
      return 8;
    case PhysicalType::kFloat:
      AppendRaw(v.f32.data(), n * 4, out);
      return 4;
    case PhysicalType::kDouble:
      AppendRaw(v.f64.data(), n * 8, out);
      return 8;
    case PhysicalType::kInt96:
      for (size_t i = 0; i < n; ++i) AppendRaw(&v.i128[i], 12, out);
      return 12;
    case PhysicalType::kFixedLenByteArray:
      AppendRaw(v.bytes.data() + v.offsets[0], static_cast<size_t>(v.offsets[n] - v.offsets[0]),
                out);
      return n == 0 ? 0 : static_cast<size_t>(v.offsets[1] - v.offsets[0]);
    default:
      return 0;
  }
}

std::vector<int32_t> Lengths(const ColumnBatch& v, int64_t count) {
  std::vector<int32_t> lengths(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t len = v.offsets[i + 1] - v.offsets[i];
    if (len > std::numeric_limits<int32_t>::max()) {
      throw ParquetError("byte array value longer than 2 GiB");
    }
    lengths[i] = static_cast<int32_t>(len);
  }
  return lengths;
}

}  // namespace

bool EncodingFits(Encoding encoding, PhysicalType type) {
  switch (encoding) {
    case Encoding::kPlain:
      return true;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      return type != PhysicalType::kBoolean;
    case Encoding::kRle:
      return type == PhysicalType::kBoolean;
    case Encoding::kDeltaBinaryPacked:
      return type == PhysicalType::kInt32 || type == PhysicalType::kInt64;
    case Encoding::kDeltaLengthByteArray:
      return type == PhysicalType::kByteArray;
    case Encoding::kDeltaByteArray:
      return type == PhysicalType::kByteArray || type == PhysicalType::kFixedLenByteArray;
    case Encoding::kByteStreamSplit:
      return type == PhysicalType::kInt32 || type == PhysicalType::kInt64 ||
             type == PhysicalType::kFloat || type == PhysicalType::kDouble ||
             type == PhysicalType::kFixedLenByteArray;
    default:
      return false;
  }
}

void EncodeValues(Encoding encoding, PhysicalType type, const ColumnBatch& v, int64_t count,
                  std::string* out) {
  const auto n = static_cast<size_t>(count);
  switch (encoding) {
    case Encoding::kPlain:
      if (type == PhysicalType::kBoolean) {
        const size_t start = out->size();
        out->resize(start + (n + 7) / 8, '\0');
        for (size_t i = 0; i < n; ++i) {
          (*out)[start + i / 8] |= static_cast<char>((v.bools[i] & 1) << (i % 8));
        }
      } else if (type == PhysicalType::kByteArray) {
        const std::vector<int32_t> lengths = Lengths(v, count);
        out->reserve(out->size() + 4 * n + static_cast<size_t>(v.offsets[n] - v.offsets[0]));
        for (size_t i = 0; i < n; ++i) {
          AppendLE(lengths[i], out);
          AppendRaw(v.bytes.data() + v.offsets[i], static_cast<size_t>(lengths[i]), out);
        }
      } else {
        FixedBytes(type, v, count, out);
      }
      return;
    case Encoding::kRle: {
      std::string rle;
      RleEncode(v.bools.data(), n, 1, &rle);
      AppendLE(static_cast<uint32_t>(rle.size()), out);
      out->append(rle);
      return;
    }
    case Encoding::kDeltaBinaryPacked:
      if (type == PhysicalType::kInt32) {
        DeltaBinaryPackedEncode(v.i32.data(), n, out);
      } else {
        DeltaBinaryPackedEncode(v.i64.data(), n, out);
      }
      return;
    case Encoding::kDeltaLengthByteArray: {
      const std::vector<int32_t> lengths = Lengths(v, count);
      DeltaBinaryPackedEncode(lengths.data(), n, out);
      AppendRaw(v.bytes.data() + v.offsets[0], static_cast<size_t>(v.offsets[n] - v.offsets[0]),
                out);
      return;
    }
    case Encoding::kDeltaByteArray: {
      std::vector<int32_t> prefixes(n);
      std::vector<int32_t> suffixes(n);
      std::string suffix_bytes;
      std::string_view previous;
      for (size_t i = 0; i < n; ++i) {
        const std::string_view value = v.Binary(static_cast<int64_t>(i));
        if (value.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
          throw ParquetError("byte array value longer than 2 GiB");
        }
        const size_t limit = std::min(previous.size(), value.size());
        size_t common = 0;
        while (common < limit && previous[common] == value[common]) ++common;
        prefixes[i] = static_cast<int32_t>(common);
        suffixes[i] = static_cast<int32_t>(value.size() - common);
        suffix_bytes.append(value.substr(common));
        previous = value;
      }
      DeltaBinaryPackedEncode(prefixes.data(), n, out);
      DeltaBinaryPackedEncode(suffixes.data(), n, out);
      out->append(suffix_bytes);
      return;
    }
    case Encoding::kByteStreamSplit: {
      std::string raw;
      const size_t width = FixedBytes(type, v, count, &raw);
      const size_t start = out->size();
      out->resize(start + raw.size());
      char* dst = out->data() + start;
      for (size_t b = 0; b < width; ++b) {
        for (size_t i = 0; i < n; ++i) dst[b * n + i] = raw[i * width + b];
      }
      return;
    }
    default:
      throw ParquetError("encoding " + std::string(EncodingName(encoding)) +
                         " cannot be written as values");
  }
}

}  // namespace sql::parquet
