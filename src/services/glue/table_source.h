// Where the SQL engine's external tables come from: a catalog table becomes a
// sql::TableDefinition whose columns are the table's columns and partition keys, whose format
// is what the table's SerDe says (table_format.h), and whose files are the objects under the
// table's location (or under each partition's location), hidden files (`_x`, `.x`) left out as
// Hive does. A location with no objects is a table with no rows.
//
//   sql::Database db(file_system);
//   db.catalog().SetResolver(glue::MakeTableResolver(catalog, *file_system, "sales"));
//   conn.Query("SELECT region, sum(amount) FROM orders GROUP BY 1");
//
// Names resolve as [awsdatacatalog.][database.]table; an unqualified name is looked up in the
// default database. Thread-safe: the resolver may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "engines/sql/catalog/file_system.h"
#include "engines/sql/catalog/table_definition.h"
#include "services/glue/catalog.h"

namespace glue {

// Called with each table a query names, before its files are listed; it may throw (an
// authorization check) to fail the query.
using TableObserver = std::function<void(const std::string& database, const base::Json& table)>;

// The engine's view of `table` (a Table document) with the files of `partitions` (Partition
// documents; ignored for unpartitioned tables). Throws sql::BinderError (NOT_SUPPORTED) for
// views and formats or column types the engine cannot read.
std::shared_ptr<const sql::TableDefinition> MakeTableDefinition(
    const base::Json& table, const std::vector<base::Json>& partitions, sql::FileSystem& fs);

// A resolver over `catalog` listing files through `fs`; both must outlive it.
sql::TableResolver MakeTableResolver(const Catalog& catalog, sql::FileSystem& fs,
                                     std::string default_database,
                                     TableObserver observer = nullptr);

// The data location a partition with `values` has by default under `table_location`:
// <location>/key1=value1/key2=value2/ with values escaped as Hive escapes them.
std::string PartitionLocation(const std::string& table_location,
                              const std::vector<std::string>& keys,
                              const std::vector<std::string>& values);

// Hive's escaping of a partition value inside a path ("a/b" -> "a%2Fb"); EscapePathValue and
// UnescapePathValue are inverses.
std::string EscapePathValue(std::string_view value);
std::string UnescapePathValue(std::string_view text);

}  // namespace glue
