// Table functions over local (or any FileSystem) files:
//
//   read_csv('dir/*.csv' [, header BOOLEAN [, delimiter VARCHAR]])
//   read_json('events/*.json')            JSON Lines
//   read_parquet('lake/sales/**/*.parquet')
//
// Column names and types come from the files (CSV header + sampled values, JSON keys, the
// Parquet schema); Hive partition folders (`region=東京/`) become partition key columns.
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engines/sql/catalog/file_system.h"
#include "engines/sql/catalog/table_definition.h"
#include "engines/sql/common/value.h"

namespace sql {

std::shared_ptr<const TableDefinition> ResolveTableFunction(FileSystem& fs, const std::string& name,
                                                            const std::vector<Value>& args);

// Describes files matching `pattern` as a table of `format` (used by the table functions and
// by callers that register external tables).
std::shared_ptr<TableDefinition> DescribeFiles(FileSystem& fs, const std::string& pattern, FileFormat format,
                                               const CsvOptions& csv, bool header);

}  // namespace sql
