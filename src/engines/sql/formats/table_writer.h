// Writes query results as data files (CSV / text, JSON Lines or Parquet), optionally split
// into Hive partitions (`key=value/` folders, partition columns left out of the files), through
// the FileSystem interface. This is what CREATE TABLE AS ... WITH (format, external_location,
// partitioned_by) runs, and what the Athena layer drives for CTAS and UNLOAD. Stateless;
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engines/sql/catalog/file_system.h"
#include "engines/sql/catalog/table_definition.h"
#include "engines/sql/common/vector.h"

namespace sql {

struct WriteOptions {
  FileFormat format = FileFormat::kParquet;
  CsvOptions csv;            // delimiter, quote (0 = none), null marker for text output
  bool header = false;       // CSV header line
  std::string location;      // directory to write under
  std::vector<std::string> partition_by;
  std::string file_prefix = "part";
  std::string parquet_compression = "SNAPPY";  // SNAPPY, GZIP, ZSTD, LZ4, NONE
};

// A partition value as Hive writes it in a `key=value` folder name: UTF-8 kept as is, control
// characters and "#%'*/:=?\{[]^ escaped as %XX. base::UriDecode reverses it.
std::string EscapePartitionValue(std::string_view value);

// Writes `rows` (columns `names` of `types`) and returns the table definition describing the
// written files (partition keys last, as Hive/Athena lay them out).
TableDefinition WriteTable(FileSystem& fs, const std::string& table_name, const std::vector<std::string>& names,
                           const std::vector<Type>& types, const ChunkCollection& rows,
                           const WriteOptions& options);

}  // namespace sql
