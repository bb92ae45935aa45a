// The engine's facade. A Database owns the catalog (in-memory tables, views, the external
// table resolver) and the worker threads; a Connection runs statements against it:
//
//   sql::Database db;
//   sql::Connection conn(db);
//   sql::QueryResult r = conn.Query("SELECT count(*) FROM read_csv('data/*.csv')");
//   r.names, r.types, r.rows (chunks), r.RowCount(), r.GetValue(col, row)
//
// Errors are thrown as sql::Error subclasses (ParserError, BinderError, ExecutionError).
// Database is thread-safe; use one Connection per thread. A server keeps one Database (and
// its worker threads) for all its queries and passes each query's own table resolver and
// file system in QueryOptions.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engines/sql/catalog/catalog.h"
#include "engines/sql/catalog/file_system.h"
#include "engines/sql/common/vector.h"

namespace sql {

class ThreadPool;

struct QueryOptions {
  int64_t memory_limit = 0;  // bytes per query; 0 = unlimited
  // Set to true from any thread to cancel the running query (USER_CANCELED).
  std::shared_ptr<std::atomic<bool>> cancel;
  // Called periodically while scanning: rows and bytes read so far.
  std::function<void(uint64_t rows, uint64_t bytes)> progress;
  int threads = 0;  // 0 = all cores
  // Per-query name resolution, so one Database can serve callers that see different
  // catalogs: external tables are asked of `resolver` first (then of the Database's
  // catalog), and files are read and written through `file_system` when set.
  TableResolver resolver;
  std::shared_ptr<FileSystem> file_system;
  // Only SELECT and EXPLAIN run; any other statement fails with NOT_SUPPORTED, so a shared
  // Database's tables and views cannot be changed by the query.
  bool read_only = false;
  // Whether the file table functions (read_csv, read_json, read_parquet) exist. They read any
  // path the file system reaches, so they are off unless a caller that may read every file
  // (the local CLI) turns them on; off, they fail as unknown functions do
  // (FUNCTION_NOT_FOUND) and files are reached only through tables.
  bool file_table_functions = false;
};

struct QueryResult {
  std::vector<std::string> names;
  std::vector<Type> types;
  ChunkCollection rows;
  uint64_t bytes_scanned = 0;
  uint64_t rows_scanned = 0;  // rows read from tables' files
  // Of those, rows that filters rejected by deciding once per Parquet dictionary value.
  uint64_t rows_filtered_by_dictionary = 0;
  // Of those, rows dropped in the scan because no hash join build side held their key.
  uint64_t rows_filtered_by_join_keys = 0;
  // Parquet row groups skipped by the statistics range of their join key column, and join
  // key lookups made in scans (per row, or per dictionary value).
  uint64_t row_groups_skipped_by_join_keys = 0;
  uint64_t join_key_lookups = 0;
  // Rows whose group an aggregation found without a hash table, its input arriving
  // clustered on its one integer key (a table stored in key order).
  uint64_t rows_aggregated_in_key_order = 0;
  // Of their groups, those finished (state freed, HAVING applied) while the input was still
  // being read, the row groups' min/max statistics proving no later row had their key.
  uint64_t groups_finished_early = 0;
  // Bytes the query's operators still held against its memory limit when it ended: hash
  // tables, aggregation states and partitions (sorts and windows release theirs).
  uint64_t memory_reserved = 0;
  // How the work was shared out: radix partitions of split aggregation tables merged one by
  // one on the worker threads, and copies of hash-join build pipelines run on them.
  uint64_t aggregate_partitions_merged = 0;
  uint64_t parallel_build_pipelines = 0;
  // Chunks a copy of a parallel pipeline handed to another whose own scan had run dry (a
  // table of fewer or more uneven row groups than threads).
  uint64_t chunks_exchanged = 0;
  // Hash join build sides of many rows indexed in partitions on the worker threads.
  uint64_t partitioned_join_builds = 0;
  // Rows written by INSERT / UPDATE / DELETE / CTAS (-1 for queries).
  int64_t update_count = -1;
  size_t RowCount() const { return rows.row_count(); }
  Value GetValue(size_t column, size_t row) const { return rows.GetValue(column, row); }
};

class Database {
 public:
  explicit Database(std::shared_ptr<FileSystem> fs = nullptr);
  ~Database();
  Catalog& catalog() { return catalog_; }
  const std::shared_ptr<FileSystem>& file_system() const { return fs_; }
  ThreadPool& pool() { return *pool_; }

 private:
  Catalog catalog_;
  std::shared_ptr<FileSystem> fs_;
  std::unique_ptr<ThreadPool> pool_;
};

class Connection {
 public:
  explicit Connection(Database& db) : db_(db) {}
  // Runs one or more ';'-separated statements; returns the last statement's result.
  QueryResult Query(const std::string& sql, const QueryOptions& options = {});

 private:
  Database& db_;
};

}  // namespace sql
