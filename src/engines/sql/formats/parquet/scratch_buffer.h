// Internal to the Parquet library. ScratchBuffer is a growable byte buffer for the bytes a
// column reader decompresses; contents are not preserved when it grows and are never
// zeroed. Bytes needed only for a moment (compressed pages, decompressed at once) go to
// Transient(): one buffer per thread that every reader on it shares, instead of one per
// reader. Buffers are not pooled: freed memory goes back to the allocator, where the next
// reader (or a hash table) reuses it, rather than sitting idle in a per-thread pool. A
// ScratchBuffer belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace sql::parquet {

class ScratchBuffer {
 public:
  ScratchBuffer() = default;
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;

  // Room for at least `size` bytes; earlier contents are lost when it has to grow.
  char* Reserve(size_t size);
  char* data() { return data_.get(); }
  size_t capacity() const { return capacity_; }

  // This thread's transient buffer, with room for at least `size` bytes (earlier contents
  // are lost when it grows). It stays the caller's until the thread's next Transient call:
  // `*generation` is set to a number no other call returns, for TransientData.
  static char* Transient(size_t size, uint64_t* generation);
  // The transient buffer when no Transient call on this thread came after the one that
  // returned `generation`; null otherwise (its contents are then someone else's).
  static const char* TransientData(uint64_t generation);

  // How many buffers (scratch or transient) this thread has allocated so far.
  static uint64_t ThreadAllocations();

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
};

}  // namespace sql::parquet
