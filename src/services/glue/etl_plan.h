// Visual ETL flows: a Glue job's `CodeGenConfigurationNodes` graph compiled to SQL for the
// project's engine. Every node becomes a common table expression named after its id; sources
// are tables: file sources (S3CsvSource, S3JsonSource, S3ParquetSource) through
// MakeEtlSourceResolver, with the node's format options, and catalog tables (CatalogSource);
// transforms (Filter, Join, Aggregate, ApplyMapping, SelectFields, DropFields, RenameField,
// DropDuplicates, DropNullFields, Union, SparkSQL, FillMissingValues) are SELECTs over their
// inputs; each target (S3DirectTarget, S3GlueParquetTarget, CatalogTarget) gets the query that
// produces its rows and where and how to write them.
//
//   db.catalog().SetResolver(glue::MakeEtlSourceResolver(nodes, fs, catalog_resolver));
//   glue::EtlPlan plan = glue::CompileEtlGraph(nodes, run_query);  // run_query uses db
//   for (const auto& t : plan.targets) run t.sql, write rows as t says
//
// Throws GlueError (kInvalidInput) naming the node for graphs it cannot compile: unknown node
// types, missing inputs, cycles, bad options. Thread-safe as far as `run_query` is.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "engines/sql/catalog/file_system.h"
#include "engines/sql/catalog/table_definition.h"
#include "engines/sql/main/database.h"

namespace glue {

struct EtlTarget {
  std::string node_id;
  std::string node_type;  // S3DirectTarget, S3GlueParquetTarget, CatalogTarget
  std::string sql;        // the rows to write
  // S3 targets.
  std::string path;
  std::string format = "parquet";  // csv, json, parquet
  std::string compression;         // snappy, gzip, none, ...
  std::vector<std::string> partition_keys;
  // CatalogTarget (and S3 targets that also update the catalog).
  std::string database;
  std::string table;
};

struct EtlPlan {
  std::vector<EtlTarget> targets;
};

// Runs a query while the graph compiles: Join, SelectFields, DropFields, RenameField and
// DropDuplicates need the column names an input yields, DropNullFields which of its columns
// hold only null-like values.
using RunQuery = std::function<sql::QueryResult(const std::string& sql)>;

EtlPlan CompileEtlGraph(const base::Json& nodes, const RunQuery& run_query);

// Resolves the tables a flow's file source nodes in `nodes` read (the files under each of their
// Paths, listed and opened through `fs`, which must outlive the resolver); every other name
// goes to `next` (the Data Catalog), if any.
sql::TableResolver MakeEtlSourceResolver(const base::Json& nodes, sql::FileSystem& fs,
                                         sql::TableResolver next);

// A SQL identifier in double quotes (embedded quotes doubled).
std::string QuoteIdentifier(const std::string& name);

}  // namespace glue
