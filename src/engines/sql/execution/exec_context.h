// Per-query execution state shared by every operator of one query: cancellation, the memory
// budget, bytes scanned, the file system, the worker pool, and the parameter frame of a
// correlated subquery execution. Counters are atomic; the rest is set before execution
// starts and then read-only, so operators on several threads may share it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engines/sql/catalog/file_system.h"
#include "engines/sql/common/error.h"
#include "engines/sql/common/value.h"
#include "engines/sql/common/vector.h"

namespace sql {

class ThreadPool;
struct BoundSubquery;

struct QueryState {
  // Shared with the caller (QueryOptions::cancel) so another thread can cancel.
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
  std::atomic<int64_t> memory_used{0};
  int64_t memory_limit = 0;  // bytes; 0 = unlimited
  std::atomic<uint64_t> bytes_scanned{0};
  std::atomic<uint64_t> rows_scanned{0};
  // Rows that filters rejected by their verdict on a Parquet dictionary value.
  std::atomic<uint64_t> rows_filtered_by_dictionary{0};
  // Rows a scan dropped because no hash join build side held their key.
  std::atomic<uint64_t> rows_filtered_by_join_keys{0};
  // Parquet row groups a scan skipped because their key column's statistics range holds
  // no key of the build side, and join key lookups the scan made (one per row, or one per
  // Parquet dictionary value for dictionary-encoded key columns).
  std::atomic<uint64_t> row_groups_skipped_by_join_keys{0};
  std::atomic<uint64_t> join_key_lookups{0};
  // Rows whose group an aggregation found without hashing, its input being clustered on
  // the group key.
  std::atomic<uint64_t> rows_aggregated_in_key_order{0};
  // Of those groups, the ones finished (and their states freed) as soon as the input had
  // moved past their key, the row groups' statistics proving that no later row has it.
  std::atomic<uint64_t> groups_finished_early{0};
  // Radix partitions of split aggregation tables merged one by one (on the worker threads),
  // and copies of hash-join build pipelines run on the worker threads.
  std::atomic<uint64_t> aggregate_partitions_merged{0};
  std::atomic<uint64_t> parallel_build_pipelines{0};
  // Hash join build sides whose rows were indexed in partitions on the worker threads.
  std::atomic<uint64_t> partitioned_join_builds{0};
  // Chunks a copy of a parallel pipeline handed to another whose own scan had run dry.
  std::atomic<uint64_t> chunks_exchanged{0};
  std::shared_ptr<FileSystem> fs;
  ThreadPool* pool = nullptr;
  int threads = 1;
  std::function<void(uint64_t rows, uint64_t bytes)> progress;
};

class ExecContext {
 public:
  explicit ExecContext(QueryState* query) : query_(query) {}
  QueryState* query() const { return query_; }
  // Values of the correlated parameters of the subquery being executed.
  std::vector<Value>& params() { return params_; }
  const std::vector<Value>& params() const { return params_; }

  void CheckCancelled() const {
    if (query_->cancel->load(std::memory_order_relaxed)) {
      throw ExecutionError("USER_CANCELED", "Query was canceled");
    }
  }
  // Accounts `bytes` against the query's memory limit (negative to release).
  void Reserve(int64_t bytes) const {
    int64_t used = query_->memory_used.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    if (bytes > 0 && query_->memory_limit > 0 && used > query_->memory_limit) {
      query_->memory_used.fetch_sub(bytes, std::memory_order_relaxed);
      throw ExecutionError("EXCEEDED_LOCAL_MEMORY_LIMIT",
                           "Query exceeded per-node memory limit of " +
                               std::to_string(query_->memory_limit >> 20) + "MB");
    }
  }

  // Runs a subquery plan with parameter values; set by the physical planner.
  std::function<ChunkCollection(const BoundSubquery&, const std::vector<Value>&, bool first_row_only)>
      run_subquery;

 private:
  QueryState* query_;
  std::vector<Value> params_;
};

}  // namespace sql
