#include "engines/sql/execution/join_key_filter.h"

#include <algorithm>

namespace sql {

void JoinKeyFilter::Fill(const int64_t* keys, size_t count) {
  empty_ = count == 0;
  exact_.clear();
  if (!empty_) {
    auto [lo, hi] = std::minmax_element(keys, keys + count);
    min_ = *lo;
    max_ = *hi;
  }
  // The span as unsigned: max - min overflows int64 for keys far apart.
  uint64_t span = static_cast<uint64_t>(max_) - static_cast<uint64_t>(min_);
  dense_ = !empty_ && span < kDenseMaxBits && span < kDenseBitsPerKey * count;
  if (dense_) {
    range_ = span + 1;
    words_.assign((range_ + 63) / 64, 0);
    for (size_t i = 0; i < count; i++) {
      uint64_t offset = static_cast<uint64_t>(keys[i]) - static_cast<uint64_t>(min_);
      words_[offset >> 6] |= uint64_t{1} << (offset & 63);
    }
  } else {
    // About 16 bits per key: a power of two of words, at least a quarter of the keys.
    size_t words = 1;
    while (words * 4 < count) words <<= 1;
    words_.assign(words, 0);
    mask_ = words - 1;
    for (size_t i = 0; i < count; i++) {
      uint64_t h = HashInt(static_cast<uint64_t>(keys[i]));
      words_[(h >> 32) & mask_] |= Bits(h);
    }
  }
  if (count <= kExactKeys) {
    exact_.assign(keys, keys + count);
    std::sort(exact_.begin(), exact_.end());
    exact_.erase(std::unique(exact_.begin(), exact_.end()), exact_.end());
  }
  ready_.store(true, std::memory_order_release);
}

bool JoinKeyFilter::MayContainRange(int64_t lo, int64_t hi) const {
  if (empty_ || hi < min_ || lo > max_) return false;
  if (exact_.empty()) return true;
  auto it = std::lower_bound(exact_.begin(), exact_.end(), lo);
  return it != exact_.end() && *it <= hi;
}

}  // namespace sql
