#include "engines/sql/formats/parquet/codec.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql::parquet {
namespace {

// Largest expansion the formats allow (deflate ~1032:1, LZ4 ~255:1): a larger claim is
// corrupt, whatever the payload.
constexpr size_t kMaxDeflateRatio = 1032;
constexpr size_t kMaxLz4Ratio = 256;
constexpr size_t kMaxPageBytes = size_t{1} << 31;

[[noreturn]] void Corrupt(Codec codec, std::string_view why) {
  throw ParquetError("corrupt " + std::string(CodecName(codec)) + " page: " + std::string(why));
}

void GzipCompress(int level, std::string_view input, std::string* out) {
  z_stream zs{};
  if (deflateInit2(&zs, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw ParquetError("GZIP compression could not start");
  }
  const size_t start = out->size();
  out->resize(start + deflateBound(&zs, input.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  zs.avail_in = static_cast<uInt>(input.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data() + start);
  zs.avail_out = static_cast<uInt>(out->size() - start);
  const int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw ParquetError("GZIP compression failed");
  out->resize(start + zs.total_out);
}

void GzipDecompress(std::string_view input, char* out, size_t size) {
  z_stream zs{};
  // 32 + 15: accept gzip and zlib headers alike.
  if (inflateInit2(&zs, 32 + 15) != Z_OK) throw ParquetError("GZIP decompression could not start");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  zs.avail_in = static_cast<uInt>(input.size());
  zs.next_out = reinterpret_cast<Bytef*>(out);
  zs.avail_out = static_cast<uInt>(size);
  int rc = Z_OK;
  while (true) {
    rc = inflate(&zs, Z_FINISH);
    // Concatenated gzip members continue after a stream end.
    if (rc == Z_STREAM_END && zs.avail_in > 0 && zs.avail_out > 0) {
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    break;
  }
  const bool ok = rc == Z_STREAM_END && zs.avail_out == 0;
  inflateEnd(&zs);
  if (!ok) Corrupt(Codec::kGzip, "bad stream or wrong size");
}

void Lz4RawDecompress(Codec codec, std::string_view input, char* out, size_t size) {
  const int n = LZ4_decompress_safe(input.data(), out, static_cast<int>(input.size()),
                                    static_cast<int>(size));
  if (n < 0 || static_cast<size_t>(n) != size) Corrupt(codec, "bad block or wrong size");
}

uint32_t LoadBE32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

// Hadoop's LZ4 codec frames blocks as [decompressed size][compressed size][block], both
// big-endian 32-bit. Returns false when `input` is not such a sequence.
bool TryHadoopLz4(std::string_view input, char* out, size_t size) {
  size_t written = 0;
  while (!input.empty()) {
    if (input.size() < 8) return false;
    const uint32_t raw = LoadBE32(input.data());
    const uint32_t packed = LoadBE32(input.data() + 4);
    input.remove_prefix(8);
    if (packed > input.size() || raw > size - written) return false;
    const int n = LZ4_decompress_safe(input.data(), out + written, static_cast<int>(packed),
                                      static_cast<int>(raw));
    if (n < 0 || static_cast<uint32_t>(n) != raw) return false;
    written += raw;
    input.remove_prefix(packed);
  }
  return written == size;
}

}  // namespace

void CheckWritableCodec(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
    case Codec::kSnappy:
    case Codec::kGzip:
    case Codec::kZstd:
    case Codec::kLz4Raw:
      return;
    default:
      throw ParquetUnsupportedError("writing codec " + std::string(CodecName(codec)) +
                                    " is not supported");
  }
}

void Compress(Codec codec, int level, std::string_view input, std::string* out) {
  switch (codec) {
    case Codec::kUncompressed:
      out->append(input);
      return;
    case Codec::kSnappy: {
      const size_t start = out->size();
      out->resize(start + snappy::MaxCompressedLength(input.size()));
      size_t n = 0;
      snappy::RawCompress(input.data(), input.size(), out->data() + start, &n);
      out->resize(start + n);
      return;
    }
    case Codec::kGzip:
      GzipCompress(level, input, out);
      return;
    case Codec::kZstd: {
      const size_t start = out->size();
      out->resize(start + ZSTD_compressBound(input.size()));
      const size_t n = ZSTD_compress(out->data() + start, out->size() - start, input.data(),
                                     input.size(), level);
      if (ZSTD_isError(n)) throw ParquetError("ZSTD compression failed");
      out->resize(start + n);
      return;
    }
    case Codec::kLz4Raw: {
      if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
        throw ParquetError("page too large for LZ4_RAW");
      }
      const size_t start = out->size();
      out->resize(start + LZ4_compressBound(static_cast<int>(input.size())));
      const int n =
          LZ4_compress_default(input.data(), out->data() + start, static_cast<int>(input.size()),
                               static_cast<int>(out->size() - start));
      if (n <= 0) throw ParquetError("LZ4_RAW compression failed");
      out->resize(start + n);
      return;
    }
    default:
      CheckWritableCodec(codec);
  }
}

void CheckDecompressedSize(Codec codec, std::string_view input, size_t size) {
  if (size > kMaxPageBytes) Corrupt(codec, "page size too large");
  switch (codec) {
    case Codec::kUncompressed:
      if (input.size() != size) Corrupt(codec, "size mismatch");
      return;
    case Codec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &n) || n != size) {
        Corrupt(codec, "bad header or wrong size");
      }
      return;
    }
    case Codec::kGzip:
      if (size > input.size() * kMaxDeflateRatio + 64) Corrupt(codec, "wrong size");
      return;
    case Codec::kZstd: {
      const unsigned long long claimed = ZSTD_getFrameContentSize(input.data(), input.size());
      if (claimed == ZSTD_CONTENTSIZE_ERROR) Corrupt(codec, "bad frame");
      if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed > size) Corrupt(codec, "wrong size");
      return;
    }
    case Codec::kLz4Raw:
    case Codec::kLz4:
      if (size > input.size() * kMaxLz4Ratio + 16) Corrupt(codec, "wrong size");
      return;
    default:
      throw ParquetUnsupportedError("codec " + std::string(CodecName(codec)) + " is not supported");
  }
}

void Decompress(Codec codec, std::string_view input, char* out, size_t size) {
  CheckDecompressedSize(codec, input, size);
  switch (codec) {
    case Codec::kUncompressed:
      if (size > 0) std::memcpy(out, input.data(), size);
      return;
    case Codec::kSnappy:
      if (!snappy::RawUncompress(input.data(), input.size(), out)) Corrupt(codec, "bad data");
      return;
    case Codec::kGzip:
      if (size == 0 && input.empty()) return;
      GzipDecompress(input, out, size);
      return;
    case Codec::kZstd: {
      const size_t n = ZSTD_decompress(out, size, input.data(), input.size());
      if (ZSTD_isError(n) || n != size) Corrupt(codec, "bad data or wrong size");
      return;
    }
    case Codec::kLz4Raw:
      Lz4RawDecompress(codec, input, out, size);
      return;
    default:  // kLz4: older writers used a bare LZ4 block under this codec id
      if (!TryHadoopLz4(input, out, size)) Lz4RawDecompress(codec, input, out, size);
      return;
  }
}

void Decompress(Codec codec, std::string_view input, size_t uncompressed_size, std::string* out) {
  CheckDecompressedSize(codec, input, uncompressed_size);
  out->resize(uncompressed_size);
  Decompress(codec, input, out->data(), uncompressed_size);
}

}  // namespace sql::parquet
