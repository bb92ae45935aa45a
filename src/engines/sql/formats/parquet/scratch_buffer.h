// Internal to the Parquet library. ScratchBuffer is a growable byte buffer for the bytes a
// column reader fetches and decompresses. Its memory comes from a small pool kept per
// thread: a buffer given back (when its ScratchBuffer is destroyed) is handed to the next
// ScratchBuffer on that thread, so a scan that opens one reader per column chunk after
// another reuses memory that is already faulted in and cached instead of asking for fresh
// pages (which the kernel must zero) for every chunk. Contents are not preserved when it
// grows and are never zeroed. A ScratchBuffer belongs to one thread at a time; it returns
// its memory to the pool of the thread that destroys it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace sql::parquet {

class ScratchBuffer {
 public:
  ScratchBuffer() = default;
  ~ScratchBuffer();
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;

  // Room for at least `size` bytes; earlier contents are lost when it has to grow.
  char* Reserve(size_t size);
  char* data() { return data_.get(); }
  size_t capacity() const { return capacity_; }

  // How many buffers this thread has allocated (rather than taken from its pool) so far.
  static uint64_t ThreadAllocations();

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
};

}  // namespace sql::parquet
