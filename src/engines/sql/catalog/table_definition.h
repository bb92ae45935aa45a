// How the engine sees an external table: columns, Hive partition keys, the data files with
// their partition values, and the file format with its options. Built by a TableResolver
// (the Glue catalog later, read_csv()/read_parquet() now). Immutable once built.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engines/sql/common/types.h"

namespace sql {

struct ColumnDef {
  std::string name;
  Type type;
};

enum class FileFormat { kCsv, kJson, kParquet };

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';     // 0 = no quoting (LazySimpleSerDe)
  char escape = 0;      // 0 = none; '\\' for LazySimpleSerDe / OpenCSVSerde
  std::string null_marker = "\\N";  // Hive's NULL; empty fields are NULL for non-strings
  int skip_header_lines = 0;
  // OpenCSVSerde: every field is text; quoted fields may contain the delimiter.
  bool open_csv_serde = false;
  // A value that does not parse as its column's type fails the query with HIVE_BAD_DATA
  // (OpenCSVSerde) instead of reading as NULL (LazySimpleSerDe).
  bool invalid_values_fail = false;
};

struct DataFile {
  std::string path;
  uint64_t size = 0;
  // One value per partition key, in TableDefinition::partition_keys order ("" = NULL).
  std::vector<std::string> partition_values;
};

struct TableDefinition {
  std::string name;
  std::vector<ColumnDef> columns;         // data columns, in file order
  std::vector<ColumnDef> partition_keys;  // appended after the data columns
  std::vector<DataFile> files;
  FileFormat format = FileFormat::kParquet;
  CsvOptions csv;
  std::string location;
};

// Resolves a qualified table name ([catalog.][schema.]table) to a definition, or nullopt
// when the table does not exist. Called by the binder; must be thread-safe.
using TableResolver = std::function<std::shared_ptr<const TableDefinition>(
    const std::vector<std::string>& name)>;

}  // namespace sql
