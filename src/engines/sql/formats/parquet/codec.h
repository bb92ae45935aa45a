// Internal to the Parquet library. Page compression and decompression for the format's
// codecs, on zlib (GZIP), snappy, zstd and liblz4 (LZ4_RAW, and the deprecated Hadoop-framed
// LZ4 for reading). Decompression checks the output is exactly the size the page header
// claims before trusting it, so a corrupt header cannot make it allocate without bound.
// Stateless functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engines/sql/formats/parquet/format.h"

namespace sql::parquet {

// Throws ParquetUnsupportedError for codecs that cannot be written (LZO, BROTLI, LZ4).
void CheckWritableCodec(Codec codec);

// Appends the compressed form of `input` to `out`. `level` 0 means the codec's default.
void Compress(Codec codec, int level, std::string_view input, std::string* out);

// Throws ParquetError when `input` cannot decompress to `size` bytes by what its codec's
// header or ratio limit tells without decompressing (so a caller can check a claimed size
// before allocating for it), ParquetUnsupportedError for codecs that cannot be read.
void CheckDecompressedSize(Codec codec, std::string_view input, size_t size);

// Writes the decompression of `input`, which must be exactly `size` bytes, to out[0, size)
// (nothing else is written there first, so `out` may be a buffer being reused). Throws
// ParquetError on corrupt input, ParquetUnsupportedError on LZO and BROTLI.
void Decompress(Codec codec, std::string_view input, char* out, size_t size);

// The same into `out`, resized to `uncompressed_size`.
void Decompress(Codec codec, std::string_view input, size_t uncompressed_size, std::string* out);

}  // namespace sql::parquet
