// The Glue Data Catalog: databases, tables (with their archived versions) and partitions, kept
// in the metadata store. It is the catalog every data service reads: the Glue API serves it,
// crawlers and ETL jobs write it, and Athena resolves the tables of its queries through it
// (table_source.h turns a table into what the SQL engine scans).
//
// Records are JSON documents in the Glue API's own shapes, so nothing a client stores is lost:
// inputs are DatabaseInput, TableInput and PartitionInput; outputs are Database, Table and
// Partition with the catalog's members added (CreateTime, UpdateTime, DatabaseName,
// CatalogId, VersionId). Names are case-insensitive and stored lower-cased, as Glue does.
//
//   glue::Catalog catalog(meta, account_id);
//   catalog.CreateDatabase({{"Name", "sales"}});
//   catalog.CreateTable("sales", table_input);
//   std::optional<Json> t = catalog.GetTable("sales", "orders");
//   for (const Json& p : catalog.GetPartitions("sales", "orders", "year = '2024'")) ...
//
// Errors are GlueError (kEntityNotFound, kAlreadyExists, kInvalidInput,
// kConcurrentModification). Thread-safe: every call is one metadata transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "platform/meta/store.h"

namespace glue {

// A page of a listing; `next_token` is empty on the last page.
struct JsonPage {
  std::vector<base::Json> items;
  std::string next_token;
};

struct PartitionQuery {
  std::string expression;  // the Glue partition predicate; empty = all partitions
  std::string next_token;
  size_t max_results = 0;  // 0 = no limit
  // Segment of a parallel listing (TotalSegments > 1): partitions are dealt round-robin.
  int segment_number = 0;
  int total_segments = 1;
};

class Catalog {
 public:
  Catalog(meta::Store& store, std::string catalog_id);

  const std::string& catalog_id() const { return catalog_id_; }

  // --- Databases. ---
  void CreateDatabase(const base::Json& database_input);
  std::optional<base::Json> GetDatabase(std::string_view name) const;
  // Every database, in name order, from `next_token` on.
  JsonPage ListDatabases(const std::string& next_token = "", size_t max_results = 0) const;
  void UpdateDatabase(std::string_view name, const base::Json& database_input);
  // Deletes the database with its tables, their versions and partitions.
  void DeleteDatabase(std::string_view name);

  // --- Tables. ---
  void CreateTable(std::string_view database, const base::Json& table_input);
  std::optional<base::Json> GetTable(std::string_view database, std::string_view name) const;
  // Tables of `database` whose names match `expression` (a Hive-style pattern: '*' is any run,
  // '|' separates alternatives; otherwise a regular expression), in name order.
  JsonPage ListTables(std::string_view database, std::string_view expression,
                      const std::string& next_token = "", size_t max_results = 0) const;
  // Replaces the table's definition. Unless `skip_archive`, the previous definition stays
  // readable as an older version. With `expected_version`, fails with
  // kConcurrentModification when the table's VersionId differs.
  void UpdateTable(std::string_view database, const base::Json& table_input, bool skip_archive,
                   const std::optional<std::string>& expected_version = std::nullopt);
  // Deletes the table, its versions and its partitions.
  void DeleteTable(std::string_view database, std::string_view name);
  // Every kept version, newest first, as TableVersion documents ({Table, VersionId}).
  std::vector<base::Json> GetTableVersions(std::string_view database, std::string_view name) const;
  // Removes an archived version (not the current one: kInvalidInput).
  void DeleteTableVersion(std::string_view database, std::string_view name,
                          std::string_view version_id);

  // --- Partitions. Values are given in PartitionKeys order. ---
  void CreatePartition(std::string_view database, std::string_view table,
                       const base::Json& partition_input);
  std::optional<base::Json> GetPartition(std::string_view database, std::string_view table,
                                         const std::vector<std::string>& values) const;
  // Partitions matching the query's expression (partition_expression.h), in creation order.
  JsonPage GetPartitions(std::string_view database, std::string_view table,
                         const PartitionQuery& query) const;
  // Replaces the partition identified by `values` (the input may carry new values).
  void UpdatePartition(std::string_view database, std::string_view table,
                       const std::vector<std::string>& values, const base::Json& partition_input);
  void DeletePartition(std::string_view database, std::string_view table,
                       const std::vector<std::string>& values);

 private:
  meta::Store& store_;
  std::string catalog_id_;
};

// The table a name refers to, lower-cased as the catalog stores it.
std::string NormalizeName(std::string_view name);

}  // namespace glue
