// An append-only arena for the bytes of string values. Vectors hold std::string_view
// values that point into a heap they keep alive; a heap may also keep other heaps (or any
// buffer) alive so that strings can be shared between vectors without copying.
// Not thread-safe: one writer at a time; readers may share it once writing is done.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace sql {

class StringHeap {
 public:
  StringHeap() = default;
  StringHeap(const StringHeap&) = delete;
  StringHeap& operator=(const StringHeap&) = delete;

  // Copies `s` into the heap and returns a view of the copy.
  std::string_view Add(std::string_view s) {
    if (s.empty()) return {};
    char* p = Allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  // Reserves `n` bytes for the caller to fill.
  char* Allocate(size_t n) {
    if (n > remaining_) NewBlock(n);
    char* p = cursor_;
    cursor_ += n;
    remaining_ -= n;
    bytes_ += n;
    return p;
  }
  // Keeps `owner` alive as long as this heap lives (for views into foreign buffers).
  void KeepAlive(std::shared_ptr<const void> owner) {
    for (const auto& o : keep_alive_) {
      if (o == owner) return;
    }
    keep_alive_.push_back(std::move(owner));
  }
  size_t bytes() const { return bytes_; }
  // Bytes of the blocks allocated (stored bytes plus the unused tail of the blocks).
  size_t reserved() const { return reserved_; }

 private:
  // Blocks double from kFirstBlock up to kMaxBlock, so that the many small heaps (one per
  // vector) hold about what they store; they are not zeroed (every byte is written first).
  static constexpr size_t kFirstBlock = 256;
  static constexpr size_t kMaxBlock = 64 << 10;
  void NewBlock(size_t min) {
    next_block_ = std::min(next_block_ * 2, kMaxBlock);
    size_t size = std::max(min, next_block_);
    reserved_ += size;
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    cursor_ = blocks_.back().get();
    remaining_ = size;
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::shared_ptr<const void>> keep_alive_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t bytes_ = 0;
  size_t reserved_ = 0;
  size_t next_block_ = kFirstBlock / 2;
};

}  // namespace sql
