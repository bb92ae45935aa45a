// Runs one Athena statement for real: SELECT and EXPLAIN on the SQL engine over the Glue
// catalog's tables in the object store; Hive DDL against the catalog (CREATE EXTERNAL TABLE,
// CREATE/DROP DATABASE, DROP TABLE, ALTER TABLE ADD/DROP PARTITION, MSCK REPAIR TABLE, SHOW,
// DESCRIBE); CTAS, INSERT INTO and UNLOAD by running the query on the engine and writing its
// rows as files (Parquet, CSV/text, JSON; Hive partitions), registering tables and partitions.
// The result files (`<id>.csv` + `.csv.metadata`, or `<id>.txt`) are written to the output
// location before Run returns.
//
//   athena::QueryRunner runner(catalog, file_system);
//   athena::QueryOutcome out = runner.Run(request);   // throws on failure
//
// Failures throw sql::Error (syntax errors name line:column; the Trino error name is kept),
// glue::GlueError for catalog conflicts, or base::Error. Thread-safe: every Run is independent.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "engines/sql/catalog/file_system.h"
#include "services/athena/result_set.h"
#include "services/athena/statement.h"
#include "services/glue/catalog.h"
#include "services/glue/table_source.h"

namespace athena {

struct QueryRequest {
  std::string query_id;
  std::string sql;
  std::string database = "default";   // QueryExecutionContext.Database
  std::string output_location;        // s3://bucket/prefix/ (ends with '/')
  uint64_t bytes_scanned_cutoff = 0;  // 0 = none
  std::shared_ptr<std::atomic<bool>> cancel;
  // Called with each table a query reads (authorization); may throw to fail the query.
  glue::TableObserver observer;
  int threads = 0;  // engine threads; 0 = all cores
};

struct QueryOutcome {
  StatementKind kind = StatementKind::kQuery;
  ResultSet results;
  uint64_t bytes_scanned = 0;
  int64_t update_count = -1;  // rows written by CTAS, INSERT INTO, UNLOAD
  std::string output_file;    // s3:// path of the result file
};

class QueryRunner {
 public:
  QueryRunner(glue::Catalog& catalog, std::shared_ptr<sql::FileSystem> fs)
      : catalog_(catalog), fs_(std::move(fs)) {}

  QueryOutcome Run(const QueryRequest& request);

  sql::FileSystem& file_system() { return *fs_; }

 private:
  glue::Catalog& catalog_;
  std::shared_ptr<sql::FileSystem> fs_;
};

}  // namespace athena
