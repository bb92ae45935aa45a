#include "engines/sql/execution/join_key_filter.h"

namespace sql {

void JoinKeyFilter::Fill(const int64_t* keys, size_t count) {
  // About 16 bits per key: a power of two of words, at least a quarter of the keys.
  size_t words = 1;
  while (words * 4 < count) words <<= 1;
  words_.assign(words, 0);
  mask_ = words - 1;
  for (size_t i = 0; i < count; i++) {
    uint64_t h = HashInt(static_cast<uint64_t>(keys[i]));
    words_[(h >> 32) & mask_] |= Bits(h);
  }
  ready_.store(true, std::memory_order_release);
}

}  // namespace sql
