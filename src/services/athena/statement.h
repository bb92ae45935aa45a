// What an Athena query string asks for. Athena accepts two dialects: Hive DDL (CREATE
// EXTERNAL TABLE, ALTER TABLE ... PARTITION, MSCK REPAIR, SHOW, DESCRIBE, CREATE/DROP
// DATABASE) and Trino SQL (SELECT, EXPLAIN, CTAS, INSERT INTO, UNLOAD). ParseStatement routes
// by the first keywords, parses the Hive statements and the heads of CTAS, INSERT and UNLOAD
// here, and leaves the query part to the SQL engine as `query`.
//
// `query` keeps the positions of the original text (what precedes it is blanked, newlines
// kept), so the engine's syntax errors name the line and column the user wrote.
//
// Errors are sql::ParserError naming line:column. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace athena {

enum class StatementKind {
  kQuery,  // SELECT, WITH, VALUES, TABLE: run by the engine
  kExplain,
  kCreateDatabase,
  kDropDatabase,
  kCreateExternalTable,
  kCreateTableAs,
  kInsertInto,
  kUnload,
  kDropTable,
  kAddPartitions,
  kDropPartitions,
  kMsckRepair,
  kShowDatabases,
  kShowTables,
  kShowColumns,
  kShowPartitions,
  kShowCreateTable,
  kDescribe,
};

struct HiveColumn {
  std::string name;
  std::string type;  // the Hive type name as written, lower-cased ("decimal(10,2)")
  std::string comment;
};

struct PartitionSpec {
  std::vector<std::pair<std::string, std::string>> values;  // key (lower-case), value
  std::string location;
};

struct Statement {
  StatementKind kind = StatementKind::kQuery;
  // The statement's object: [database.]name (lower-cased); database empty when unqualified.
  std::string database;
  std::string name;
  bool if_exists = false;
  bool if_not_exists = false;
  bool cascade = false;
  // CREATE EXTERNAL TABLE.
  std::vector<HiveColumn> columns;
  std::vector<HiveColumn> partition_columns;
  std::string comment;
  std::string serde;                                    // ROW FORMAT SERDE '...'
  std::map<std::string, std::string> serde_properties;  // WITH SERDEPROPERTIES and DELIMITED
  bool row_format_delimited = false;
  std::string stored_as;  // PARQUET, TEXTFILE, JSON, ... (upper-case)
  std::string input_format;
  std::string output_format;
  std::string location;  // also UNLOAD's TO
  std::map<std::string, std::string> table_properties;
  // CTAS and UNLOAD: WITH (key = value | ARRAY[...]); keys lower-cased.
  std::map<std::string, std::vector<std::string>> with_properties;
  bool with_no_data = false;
  // INSERT INTO t (a, b): the target columns.
  std::vector<std::string> insert_columns;
  // ALTER TABLE ADD/DROP PARTITION.
  std::vector<PartitionSpec> partitions;
  // SHOW TABLES [IN db] ['pattern'], SHOW DATABASES [LIKE 'pattern'].
  std::string pattern;
  // The engine's part (SELECT of CTAS/INSERT/UNLOAD/EXPLAIN, or the whole query), positions
  // preserved.
  std::string query;
};

Statement ParseStatement(std::string_view text);

// `text` with its `?` placeholders replaced, in order, by `parameters` (StartQueryExecution's
// ExecutionParameters, each SQL literal text such as "'east'" or "42"). Question marks in
// string literals, quoted identifiers and comments are left alone. Throws sql::BinderError
// (INVALID_PARAMETER_USAGE) when the counts differ.
std::string BindParameters(std::string_view text, const std::vector<std::string>& parameters);

// The Athena StatementType of a kind: DDL, DML or UTILITY.
const char* StatementType(StatementKind kind);

}  // namespace athena
