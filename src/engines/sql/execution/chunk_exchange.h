// Shares the chunks of a parallel pipeline's source between its copies. Each copy reads its
// own source (a scan that takes morsels from a common list) and runs the operators above it;
// a copy whose source has run dry, every morsel being taken, then takes chunks from the
// copies still reading instead of finishing: a reading copy hands a chunk over whenever
// fewer than kChunksPerTaker per such copy wait to be taken, and else runs it through its
// own operators. So when the morsels are few or uneven (a table of one or two row groups),
// the operators above the source run on every thread while the last morsels are decoded.
// Chunks change copies, so the rows of one morsel may be split among them: only for
// consumers that do not rely on a copy seeing its morsels whole and in order.
// A copy waits only while a copy that has started reading is still at it, never for one
// that has not started, so copies run one after the other (a busy pool) never deadlock; a
// reader that fails or is torn down stops reading and releases them. Chunks handed over
// but not taken when reading ends go to whichever copy asks next, the reader included.
// ChunkExchange is thread-safe; each operator made by MakeExchangeSource is used by one
// thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

#include "engines/sql/execution/physical_operator.h"

namespace sql {

class ChunkExchange {
 public:
  // Chunks held for each copy that takes them.
  static constexpr size_t kChunksPerTaker = 2;

  // A copy starts reading its source.
  void StartReading();
  // A copy's source is exhausted (or failed, or the copy is torn down before the end).
  void StopReading();
  // A copy starts or stops taking chunks from the others (it has stopped reading).
  void StartTaking();
  void StopTaking();
  // Hands `chunk` over: true (chunk moved) while fewer than kChunksPerTaker per taking copy
  // are held; false (chunk untouched) otherwise.
  bool Offer(DataChunk& chunk);
  // Waits for a chunk handed over; false once none is held and no copy is reading.
  bool Take(DataChunk& out);
  // Copies waiting in Take that no held chunk is left for.
  size_t idle() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<DataChunk> held_;
  size_t reading_ = 0;
  size_t taking_ = 0;
  size_t waiting_ = 0;
};

// One copy's source: the rows of `child` (this copy's scan), then chunks the other copies
// sharing `exchange` hand over. Each chunk handed over is counted in the query's
// chunks_exchanged.
PhysicalPtr MakeExchangeSource(ExecContext* ctx, PhysicalPtr child,
                               std::shared_ptr<ChunkExchange> exchange);

}  // namespace sql
