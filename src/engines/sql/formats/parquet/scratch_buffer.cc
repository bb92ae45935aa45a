#include "engines/sql/formats/parquet/scratch_buffer.h"

#include <algorithm>
#include <atomic>

namespace sql::parquet {
namespace {

struct ThreadBuffers {
  std::unique_ptr<char[]> transient;
  size_t transient_capacity = 0;
  uint64_t transient_generation = 0;
  uint64_t allocations = 0;
};

ThreadBuffers& ThisThread() {
  thread_local ThreadBuffers buffers;
  return buffers;
}

// A buffer of `capacity` bytes growing to hold `size`: by half at least, so that requests a
// little larger each time settle.
std::unique_ptr<char[]> Grow(size_t size, size_t* capacity) {
  *capacity = std::max({size, *capacity + *capacity / 2, size_t{64}});
  ++ThisThread().allocations;
  return std::make_unique_for_overwrite<char[]>(*capacity);
}

}  // namespace

char* ScratchBuffer::Reserve(size_t size) {
  if (!data_ || size > capacity_) {
    data_.reset();  // freed first: the allocator may hand the same memory back, grown
    data_ = Grow(size, &capacity_);
  }
  return data_.get();
}

char* ScratchBuffer::Transient(size_t size, uint64_t* generation) {
  // Unique across threads, so that a generation handed out on one thread never matches
  // another thread's buffer.
  static std::atomic<uint64_t> next_generation{1};
  ThreadBuffers& t = ThisThread();
  if (!t.transient || size > t.transient_capacity) {
    t.transient.reset();
    t.transient = Grow(size, &t.transient_capacity);
  }
  t.transient_generation = next_generation.fetch_add(1, std::memory_order_relaxed);
  *generation = t.transient_generation;
  return t.transient.get();
}

const char* ScratchBuffer::TransientData(uint64_t generation) {
  const ThreadBuffers& t = ThisThread();
  return generation != 0 && generation == t.transient_generation ? t.transient.get() : nullptr;
}

uint64_t ScratchBuffer::ThreadAllocations() { return ThisThread().allocations; }

}  // namespace sql::parquet
