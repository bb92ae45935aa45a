// Internal to the Parquet library. Bulk bit packing and unpacking of unsigned integers, least
// significant bit first, as the RLE/bit-packed hybrid and DELTA_BINARY_PACKED encodings lay
// them out. Unpacking works 32 values at a time with the bit width fixed at compile time, so
// the inner loops carry no per-value branches. Stateless functions: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sql::parquet {

// Number of bits needed to hold `v` (0 for 0).
inline int BitWidth(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

// Unpacks `count` values of `width` bits from `in`, which holds `in_size` readable bytes (at
// least ceil(count * width / 8)). T is uint8_t (width <= 8), uint32_t (<= 32) or uint64_t
// (<= 64); the caller checks the width and the size.
template <typename T>
void UnpackBits(const uint8_t* in, size_t in_size, int width, T* out, size_t count);

// Appends `count` values of `width` bits, packed, to `out` (ceil(count * width / 8) bytes).
void PackBits(const uint64_t* values, size_t count, int width, std::string* out);
void PackBits(const uint32_t* values, size_t count, int width, std::string* out);

}  // namespace sql::parquet
