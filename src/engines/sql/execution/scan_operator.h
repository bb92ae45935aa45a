// The scan of an external table (CSV, JSON Lines, Parquet files). Work is split into
// morsels (a file, or a Parquet row group) that the worker threads decode in parallel,
// reading only the projected columns, applying the pushed-down filters, and pruning Hive
// partitions (`key=value/` folders) whose values fail the filters before any byte is read.
// Bytes read are added to the query's DataScannedInBytes. One instance per execution.
#pragma once

#include <optional>

#include "engines/sql/catalog/file_system.h"
#include "engines/sql/execution/join_key_filter.h"
#include "engines/sql/execution/physical_operator.h"
#include "engines/sql/formats/parquet/file_reader.h"
#include "engines/sql/formats/parquet/schema.h"
#include "engines/sql/planner/logical_operator.h"

namespace sql {

PhysicalPtr MakeExternalScan(ExecContext* ctx, const LogicalOperator& get);

// A runtime filter from a hash join over the scan: rows whose value in output column
// `column` the filter rules out cannot match and are dropped.
struct JoinKeyPushdown {
  std::shared_ptr<const JoinKeyFilter> filter;
  int column = -1;
};

// One copy of a scan in a parallel pipeline: the copies made with the same `shared` (null
// on the first call, which creates it) split the morsels between them, each decoding on
// the thread that runs it. One copy should `report_progress`.
struct ScanMorsels;
PhysicalPtr MakeParallelExternalScan(ExecContext* ctx, const LogicalOperator& get,
                                     std::shared_ptr<ScanMorsels>& shared, bool report_progress,
                                     std::vector<JoinKeyPushdown> join_filters = {});

// The engine type a Parquet column reads as.
Type ParquetColumnType(const parquet::Column& column);

// A statistics bound stored as a 32- or 64-bit integer, as an int64; nullopt otherwise.
std::optional<int64_t> IntegerStatistic(const std::optional<parquet::StatValue>& v);

// Opens a Parquet file through the FileSystem (reads only the footer). Throws
// ExecutionError(HIVE_BAD_DATA) for files that are not valid Parquet.
std::unique_ptr<parquet::FileReader> OpenParquetFile(FileSystem& fs, const std::string& path);

}  // namespace sql
