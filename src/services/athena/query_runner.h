// Runs one Athena statement for real: SELECT and EXPLAIN on the SQL engine over the Glue
// catalog's tables in the object store; Hive DDL against the catalog (CREATE EXTERNAL TABLE,
// CREATE/DROP DATABASE, DROP TABLE, ALTER TABLE ADD/DROP PARTITION, MSCK REPAIR TABLE, SHOW,
// DESCRIBE); CTAS, INSERT INTO and UNLOAD by running the query on the engine and writing its
// rows as files (Parquet, CSV/text, JSON; Hive partitions), registering tables and partitions.
// The result files (`<id>.csv` + `.csv.metadata`, or `<id>.txt`) are written to the output
// location before Run returns. Every catalog change is first put to the request's
// check_change with the Glue action Athena needs for it.
//
//   athena::QueryRunner runner(catalog, file_system);
//   athena::QueryOutcome out = runner.Run(request);   // throws on failure
//
// Failures throw sql::Error (syntax errors name line:column; the Trino error name is kept),
// glue::GlueError for catalog conflicts, or base::Error. Thread-safe: Runs may be concurrent;
// they share one engine Database (its worker threads) and nothing else.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "engines/sql/catalog/file_system.h"
#include "services/athena/result_set.h"
#include "services/athena/statement.h"
#include "services/glue/catalog.h"
#include "services/glue/table_source.h"

namespace sql {
class Database;
}

namespace athena {

// Called before a statement changes the catalog, with the Glue action the change needs
// ("glue:CreateTable", "glue:BatchCreatePartition", ...), the database and the table (empty
// for database actions); throws to fail the statement before anything changed.
using CatalogChangeCheck = std::function<void(
    const std::string& action, const std::string& database, const std::string& table)>;

struct QueryRequest {
  std::string query_id;
  std::string sql;
  // ExecutionParameters: SQL literal texts for the `?` placeholders, in order.
  std::vector<std::string> parameters;
  std::string database = "default";   // QueryExecutionContext.Database
  std::string output_location;        // s3://bucket/prefix/ (ends with '/')
  uint64_t bytes_scanned_cutoff = 0;  // 0 = none
  std::shared_ptr<std::atomic<bool>> cancel;
  // Called with each table a query reads (authorization); may throw to fail the query.
  glue::TableObserver observer;
  // Checks each catalog change (authorization); none when null.
  CatalogChangeCheck check_change;
  // Every file the query reads or writes goes through it (authorization); the runner's own
  // file system when null.
  std::shared_ptr<sql::FileSystem> file_system;
  int threads = 0;  // engine threads; 0 = all cores
};

struct QueryOutcome {
  StatementKind kind = StatementKind::kQuery;
  ResultSet results;
  uint64_t bytes_scanned = 0;
  uint64_t rows_scanned = 0;   // rows read from the tables' files
  int64_t update_count = -1;   // rows written by CTAS, INSERT INTO, UNLOAD
  std::string output_file;     // s3:// path of the result file
  uint64_t output_bytes = 0;   // its size
  base::TimePoint executed{};  // when the statement had run, before the results were written
};

class QueryRunner {
 public:
  QueryRunner(glue::Catalog& catalog, std::shared_ptr<sql::FileSystem> fs);
  ~QueryRunner();

  QueryOutcome Run(const QueryRequest& request);

  sql::FileSystem& file_system() { return *fs_; }

 private:
  glue::Catalog& catalog_;
  std::shared_ptr<sql::FileSystem> fs_;
  // One engine (and its worker threads) for every query; each query resolves tables
  // through its own resolver.
  std::unique_ptr<sql::Database> db_;
};

}  // namespace athena
