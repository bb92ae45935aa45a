// How a catalog table's files are laid out, in both directions: reading a Glue table's
// StorageDescriptor (SerDe library and parameters, InputFormat, the `classification` and
// `skip.header.line.count` parameters) into the SQL engine's file format and CSV options, and
// writing the StorageDescriptor, Parameters and column list a table of a given format gets
// when Athena CTAS, a crawler or an ETL job registers it. Hive type names convert to and from
// engine types here as well. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "engines/sql/catalog/table_definition.h"

namespace glue {

// The SerDe libraries and formats tables are registered with.
inline constexpr std::string_view kLazySimpleSerDe =
    "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
inline constexpr std::string_view kOpenCsvSerDe = "org.apache.hadoop.hive.serde2.OpenCSVSerde";
inline constexpr std::string_view kOpenXJsonSerDe = "org.openx.data.jsonserde.JsonSerDe";
inline constexpr std::string_view kHiveJsonSerDe = "org.apache.hive.hcatalog.data.JsonSerDe";
inline constexpr std::string_view kParquetSerDe =
    "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
inline constexpr std::string_view kTextInputFormat = "org.apache.hadoop.mapred.TextInputFormat";
inline constexpr std::string_view kTextOutputFormat =
    "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
inline constexpr std::string_view kParquetInputFormat =
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
inline constexpr std::string_view kParquetOutputFormat =
    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";

// A table's data format as the engine reads and writes it.
struct StorageFormat {
  sql::FileFormat format = sql::FileFormat::kParquet;
  sql::CsvOptions csv;
  // Text tables: OpenCSVSerde (quoted fields) rather than LazySimpleSerDe.
  bool open_csv = false;
  // Parquet: SNAPPY, GZIP, ZSTD, LZ4, NONE. Text and JSON: GZIP or NONE.
  std::string compression;
};

// The engine type of a Hive type name ("string", "int", "decimal(10,2)", "varchar(20)", ...);
// nullopt for types the engine cannot hold (array<...>, map<...>, struct<...>, ...).
std::optional<sql::Type> HiveToSqlType(std::string_view hive_type);
// The Hive name of an engine type (varchar -> "string", integer -> "int", ...).
std::string SqlToHiveType(const sql::Type& type);

// Reads a Table document's storage description. Throws sql::BinderError (NOT_SUPPORTED)
// naming the SerDe or format when the engine cannot read it (ORC, Avro, RegexSerDe, ...).
StorageFormat ReadStorageFormat(const base::Json& table);

// The members a TableInput of `format` with `columns` at `location` needs: StorageDescriptor,
// PartitionKeys, TableType (EXTERNAL_TABLE) and Parameters (classification, compression,
// skip.header.line.count for CSV written with a header). The caller adds Name and may add
// Parameters of its own.
base::Json MakeTableInput(const StorageFormat& format, const std::vector<sql::ColumnDef>& columns,
                          const std::vector<sql::ColumnDef>& partition_keys,
                          const std::string& location, bool csv_header = false);

// The engine columns of a Glue column list (StorageDescriptor.Columns, PartitionKeys).
// Throws sql::BinderError (NOT_SUPPORTED) naming a column of a type the engine cannot read.
std::vector<sql::ColumnDef> ColumnsOf(const base::Json& column_list);

// The `Parameters` member of a Glue document as a string map lookup ("" when absent).
std::string Parameter(const base::Json& doc, std::string_view name);

}  // namespace glue
