// The enumerations of the Parquet format that callers choose among or see in metadata:
// compression codecs, value encodings and data page versions. The numeric values are the
// ones the format stores (parquet.thrift), so they can be logged and compared across tools.
// Plain enums: thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace sql::parquet {

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,     // read: unsupported
  kBrotli = 4,  // read: unsupported
  kLz4 = 5,     // deprecated Hadoop-framed LZ4; read only
  kZstd = 6,
  kLz4Raw = 7,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class PageVersion { kV1, kV2 };

// Upper-case names as parquet.thrift spells them ("SNAPPY", "RLE_DICTIONARY").
std::string_view CodecName(Codec codec);
std::string_view EncodingName(Encoding encoding);

}  // namespace sql::parquet
