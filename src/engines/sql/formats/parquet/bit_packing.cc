#include "engines/sql/formats/parquet/bit_packing.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace sql::parquet {
namespace {

using U128 = unsigned __int128;

template <int W>
constexpr uint64_t kMask = W >= 64 ? ~uint64_t{0} : ((uint64_t{1} << W) - 1);

// Value I of a 32-value group of width W, which starts at `in`. Reads at most 16 bytes past
// the value's first byte, so callers keep 4 * W + 16 readable bytes.
template <typename T, int W, size_t I>
inline T Extract(const uint8_t* in) {
  constexpr size_t kBit = I * W;
  constexpr size_t kByte = kBit / 8;
  constexpr int kShift = kBit % 8;
  if constexpr (W == 0) {
    return 0;
  } else if constexpr (W + kShift <= 64) {
    uint64_t word;
    std::memcpy(&word, in + kByte, 8);
    return static_cast<T>((word >> kShift) & kMask<W>);
  } else {
    U128 word;
    std::memcpy(&word, in + kByte, 16);
    return static_cast<T>(static_cast<uint64_t>(word >> kShift) & kMask<W>);
  }
}

template <typename T, int W, size_t... I>
inline void Unpack32Impl(const uint8_t* in, T* out, std::index_sequence<I...>) {
  ((out[I] = Extract<T, W, I>(in)), ...);
}

template <typename T, int W>
void Unpack32(const uint8_t* in, T* out) {
  Unpack32Impl<T, W>(in, out, std::make_index_sequence<32>());
}

using std::size_t;

template <typename T>
constexpr int kMaxWidth = sizeof(T) * 8;

template <typename T>
using Unpack32Fn = void (*)(const uint8_t*, T*);

template <typename T, size_t... W>
constexpr std::array<Unpack32Fn<T>, sizeof...(W)> MakeTable(std::index_sequence<W...>) {
  return {&Unpack32<T, static_cast<int>(W)>...};
}

template <typename T>
constexpr auto kUnpackTable = MakeTable<T>(std::make_index_sequence<kMaxWidth<T> + 1>());

constexpr size_t kSlack = 16;

template <typename Value>
void PackBitsImpl(const Value* values, size_t count, int width, std::string* out) {
  const uint64_t mask = width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
  U128 acc = 0;
  int bits = 0;
  for (size_t i = 0; i < count; ++i) {
    acc |= static_cast<U128>(static_cast<uint64_t>(values[i]) & mask) << bits;
    bits += width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(static_cast<uint8_t>(acc)));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out->push_back(static_cast<char>(static_cast<uint8_t>(acc)));
}

}  // namespace

template <typename T>
void UnpackBits(const uint8_t* in, size_t in_size, int width, T* out, size_t count) {
  const Unpack32Fn<T> unpack = kUnpackTable<T>[width];
  const size_t group_bytes = static_cast<size_t>(width) * 4;
  size_t i = 0;
  while (count - i >= 32 && in_size >= group_bytes + kSlack) {
    unpack(in, out + i);
    in += group_bytes;
    in_size -= group_bytes;
    i += 32;
  }
  while (i < count) {
    uint8_t padded[64 * 4 + kSlack] = {};
    const size_t n = std::min(in_size, group_bytes);
    if (n > 0) std::memcpy(padded, in, n);
    T tmp[32];
    unpack(padded, tmp);
    const size_t take = std::min<size_t>(32, count - i);
    std::copy(tmp, tmp + take, out + i);
    in += n;
    in_size -= n;
    i += take;
  }
}

template void UnpackBits<uint8_t>(const uint8_t*, size_t, int, uint8_t*, size_t);
template void UnpackBits<uint32_t>(const uint8_t*, size_t, int, uint32_t*, size_t);
template void UnpackBits<uint64_t>(const uint8_t*, size_t, int, uint64_t*, size_t);

void PackBits(const uint64_t* values, size_t count, int width, std::string* out) {
  PackBitsImpl(values, count, width, out);
}
void PackBits(const uint32_t* values, size_t count, int width, std::string* out) {
  PackBitsImpl(values, count, width, out);
}

}  // namespace sql::parquet
