// A query's result as Athena hands it out: columns with Athena's type names and ColumnInfo
// members, rows of text values (NULL absent), and the files Athena writes to the output
// location: `<id>.csv` (RFC 4180, every field quoted, NULL as an empty unquoted field, a
// header line) with its `<id>.csv.metadata` (a protobuf message whose repeated field 4 holds
// one column description each: 1 catalog, 4 name, 5 label, 6 type, 7 precision, 8 scale,
// 9 nullable, 10 case sensitive; what JDBC and pyathena-style readers decode), and `<id>.txt`
// (one line per row, tab-separated, no header) for DDL and utility statements.
//
// Plain values; not synchronized.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "engines/sql/common/types.h"
#include "engines/sql/main/database.h"

namespace athena {

struct ResultColumn {
  std::string name;
  std::string type;  // Athena's name: varchar, integer, bigint, double, date, decimal, ...
  int precision = 0;
  int scale = 0;
  bool case_sensitive = false;
};

using ResultRow = std::vector<std::optional<std::string>>;

struct ResultSet {
  std::vector<ResultColumn> columns;
  std::vector<ResultRow> rows;
  // SELECT results page with the column names as their first row; DDL output does not.
  bool header = true;

  // The rows GetQueryResults pages through (the header first when there is one).
  size_t PagedRowCount() const { return rows.size() + (header ? 1 : 0); }
  // The Row document ({"Data": [{"VarCharValue": ...}, ...]}) at paged index `i`.
  base::Json PagedRow(size_t i) const;
  // ResultSetMetadata.ColumnInfo.
  base::Json ColumnInfo() const;

  std::string ToCsv() const;
  std::string ToText() const;
  std::string MetadataProto() const;
};

// The Athena column of an engine type.
ResultColumn ColumnOf(const std::string& name, const sql::Type& type);

// An engine result as text rows with Athena's renderings (Java-style doubles, timestamps with
// milliseconds).
ResultSet FromQueryResult(const sql::QueryResult& result);

// The rows of a file ToCsv wrote (header line dropped); nullopt when the bytes are not such a
// file.
std::optional<std::vector<ResultRow>> ParseCsvRows(std::string_view csv);
// The columns MetadataProto encoded; nullopt when the bytes are not such a message.
std::optional<std::vector<ResultColumn>> ParseMetadataProto(std::string_view bytes);

}  // namespace athena
