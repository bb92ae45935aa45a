// A filter over the integer keys of a hash join's build side: a bitmap over the keys' range
// when they are dense enough (exact, and one bit test per row), else a Bloom filter. The
// planner hands it to
// the scan right under the join's probe side, which then drops rows whose key the build
// cannot hold before it materializes them and the join probes them (a runtime filter).
// Filled once, by the thread that builds the join and before any probe starts; read-only
// and shared by any number of threads after that.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engines/sql/common/vector_ops.h"

namespace sql {

class JoinKeyFilter {
 public:
  // Replaces the filter's keys with keys[0..count) and marks it ready.
  void Fill(const int64_t* keys, size_t count);
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  // False when `key` is certainly not one of the keys; true for every key (and about 1% of
  // other values).
  bool MayContain(int64_t key) const {
    if (dense_) {
      uint64_t offset = static_cast<uint64_t>(key) - static_cast<uint64_t>(min_);
      return offset < range_ && (words_[offset >> 6] >> (offset & 63) & 1) != 0;
    }
    uint64_t h = HashInt(static_cast<uint64_t>(key));
    uint64_t bits = Bits(h);
    return (words_[(h >> 32) & mask_] & bits) == bits;
  }
  // False when no key lies in [lo, hi] (a scan then skips a row group by its statistics):
  // exact for up to kExactKeys distinct keys, judged by the keys' minimum and maximum past
  // that.
  bool MayContainRange(int64_t lo, int64_t hi) const;
  static constexpr size_t kExactKeys = 4096;
  // The keys are kept as a bitmap over [min, max] when that takes at most kDenseBitsPerKey
  // bits per key (the Bloom filter takes 16) and kDenseMaxBits in all (1 MiB).
  static constexpr uint64_t kDenseBitsPerKey = 256;
  static constexpr uint64_t kDenseMaxBits = uint64_t{1} << 23;
  // Whether MayContain is exact (the bitmap form).
  bool exact() const { return dense_; }

 private:
  // Two bits of one 64-bit word per key.
  static uint64_t Bits(uint64_t h) {
    return (uint64_t{1} << (h & 63)) | (uint64_t{1} << ((h >> 6) & 63));
  }

  std::vector<uint64_t> words_;  // the bitmap, or the Bloom filter's words
  uint64_t mask_ = 0;
  bool dense_ = false;
  uint64_t range_ = 0;  // bits of the bitmap: max - min + 1
  bool empty_ = true;
  int64_t min_ = 0;
  int64_t max_ = 0;
  std::vector<int64_t> exact_;  // the distinct keys in order, when few (else empty)
  std::atomic<bool> ready_{false};
};

}  // namespace sql
