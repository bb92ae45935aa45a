#include "engines/sql/formats/parquet/scratch_buffer.h"

#include <algorithm>
#include <atomic>
#include <utility>
#include <vector>

namespace sql::parquet {
namespace {

// A thread keeps at most this many idle buffers and this many idle bytes; a buffer that
// would pass either limit is freed instead.
constexpr size_t kPoolBuffers = 8;
constexpr size_t kPoolBytes = size_t{16} << 20;

struct Pool {
  struct Entry {
    std::unique_ptr<char[]> data;
    size_t capacity = 0;
  };
  std::vector<Entry> idle;
  size_t idle_bytes = 0;
  uint64_t allocations = 0;
  Entry transient;
  uint64_t transient_generation = 0;

  // Moves the smallest idle buffer of at least `size` bytes to `data`; false when none fits.
  bool Take(size_t size, std::unique_ptr<char[]>* data, size_t* capacity) {
    size_t best = idle.size();
    for (size_t i = 0; i < idle.size(); ++i) {
      if (idle[i].capacity >= size &&
          (best == idle.size() || idle[i].capacity < idle[best].capacity)) {
        best = i;
      }
    }
    if (best == idle.size()) return false;
    *data = std::move(idle[best].data);
    *capacity = idle[best].capacity;
    idle_bytes -= *capacity;
    idle[best] = std::move(idle.back());
    idle.pop_back();
    return true;
  }

  // Keeps `data` for reuse; when the pool is full, in place of a smaller idle buffer.
  void Give(std::unique_ptr<char[]> data, size_t capacity) {
    if (capacity > kPoolBytes) return;
    while (!idle.empty() && (idle.size() >= kPoolBuffers || idle_bytes + capacity > kPoolBytes)) {
      auto smallest =
          std::min_element(idle.begin(), idle.end(),
                           [](const Entry& a, const Entry& b) { return a.capacity < b.capacity; });
      if (smallest->capacity >= capacity) return;
      idle_bytes -= smallest->capacity;
      *smallest = std::move(idle.back());
      idle.pop_back();
    }
    idle_bytes += capacity;
    idle.push_back({std::move(data), capacity});
  }
};

Pool& ThisThreadPool() {
  thread_local Pool pool;
  return pool;
}

}  // namespace

ScratchBuffer::~ScratchBuffer() {
  if (data_) ThisThreadPool().Give(std::move(data_), capacity_);
}

char* ScratchBuffer::Reserve(size_t size) {
  if (data_ && size <= capacity_) return data_.get();
  // A buffer that grows grows by half at least, so that requests a little larger each time
  // settle; the one too small goes back to the pool.
  const size_t wanted = std::max({size, capacity_ + capacity_ / 2, size_t{64}});
  Pool& pool = ThisThreadPool();
  if (data_) pool.Give(std::move(data_), capacity_);
  capacity_ = 0;
  if (pool.Take(size, &data_, &capacity_)) return data_.get();
  data_ = std::make_unique_for_overwrite<char[]>(wanted);
  capacity_ = wanted;
  ++pool.allocations;
  return data_.get();
}

char* ScratchBuffer::Transient(size_t size, uint64_t* generation) {
  // Unique across threads, so that a generation handed out on one thread never matches
  // another thread's buffer.
  static std::atomic<uint64_t> next_generation{1};
  Pool& pool = ThisThreadPool();
  Pool::Entry& t = pool.transient;
  if (!t.data || size > t.capacity) {
    const size_t wanted = std::max({size, t.capacity + t.capacity / 2, size_t{64}});
    t.data = std::make_unique_for_overwrite<char[]>(wanted);
    t.capacity = wanted;
    ++pool.allocations;
  }
  pool.transient_generation = next_generation.fetch_add(1, std::memory_order_relaxed);
  *generation = pool.transient_generation;
  return t.data.get();
}

const char* ScratchBuffer::TransientData(uint64_t generation) {
  const Pool& pool = ThisThreadPool();
  return generation != 0 && generation == pool.transient_generation ? pool.transient.data.get()
                                                                     : nullptr;
}

uint64_t ScratchBuffer::ThreadAllocations() { return ThisThreadPool().allocations; }

}  // namespace sql::parquet
