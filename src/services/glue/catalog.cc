#include "services/glue/catalog.h"

#include <re2/re2.h>

#include "base/strings.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_error.h"
#include "services/glue/partition_expression.h"

namespace glue {

using base::Json;

namespace {

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE glue_databases (
  name TEXT PRIMARY KEY,
  doc TEXT NOT NULL);
CREATE TABLE glue_tables (
  db TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (db, name));
CREATE TABLE glue_table_versions (
  db TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (db, name, version));
CREATE TABLE glue_partitions (
  id INTEGER PRIMARY KEY,
  db TEXT NOT NULL,
  tbl TEXT NOT NULL,
  vals TEXT NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (db, tbl, vals));
)sql"},
};

constexpr size_t kMaxNameLength = 255;

GlueError NotFound(const std::string& what) {
  return GlueError(ErrorKind::kEntityNotFound, what + " not found.");
}

std::string CheckedName(const Json& input, const char* what) {
  auto it = input.find("Name");
  if (it == input.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw GlueError(ErrorKind::kInvalidInput, std::string(what) + " name is required.");
  }
  std::string name = NormalizeName(it->get<std::string>());
  if (name.size() > kMaxNameLength) {
    throw GlueError(ErrorKind::kInvalidInput,
                    std::string(what) + " name is longer than 255 characters.");
  }
  if (!base::IsValidUtf8(name) || name.find_first_of("\n\r\t/") != std::string::npos) {
    throw GlueError(ErrorKind::kInvalidInput,
                    std::string(what) + " name '" + name + "' has characters Glue does not allow.");
  }
  return name;
}

void RequireDatabase(meta::Transaction& tx, const std::string& db) {
  if (!tx.QueryOne("SELECT 1 FROM glue_databases WHERE name = ?", {db})) {
    throw NotFound("Database " + db);
  }
}

std::optional<Json> LoadTable(meta::Transaction& tx, const std::string& db,
                              const std::string& name) {
  auto row = tx.QueryOne("SELECT doc FROM glue_tables WHERE db = ? AND name = ?", {db, name});
  if (!row) return std::nullopt;
  return base::ParseJson(row->Text(0));
}

Json RequireTable(meta::Transaction& tx, const std::string& db, const std::string& name) {
  RequireDatabase(tx, db);
  std::optional<Json> t = LoadTable(tx, db, name);
  if (!t) throw NotFound("Table " + name);
  return *t;
}

std::vector<PartitionKey> KeysOf(const Json& table) {
  std::vector<PartitionKey> keys;
  auto it = table.find("PartitionKeys");
  if (it == table.end() || !it->is_array()) return keys;
  for (const Json& c : *it) {
    keys.push_back({c.value("Name", ""), c.value("Type", "string")});
  }
  return keys;
}

std::vector<std::string> ValuesOf(const Json& partition_input) {
  std::vector<std::string> values;
  auto it = partition_input.find("Values");
  if (it == partition_input.end() || !it->is_array()) return values;
  for (const Json& v : *it) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return values;
}

std::string ValuesKey(const std::vector<std::string>& values) { return Json(values).dump(); }

// The Partition document for `input` of a partition of `table`.
Json PartitionDoc(const Json& input, const Json& table, const std::string& db,
                  const std::string& catalog_id, double created) {
  std::vector<std::string> values = ValuesOf(input);
  size_t keys = KeysOf(table).size();
  if (values.size() != keys) {
    throw GlueError(ErrorKind::kInvalidInput,
                    "The number of partition values (" + std::to_string(values.size()) +
                        ") does not match the number of partition keys (" + std::to_string(keys) +
                        ").");
  }
  Json doc = input;
  doc["Values"] = values;
  doc["DatabaseName"] = db;
  doc["TableName"] = table.value("Name", "");
  doc["CatalogId"] = catalog_id;
  doc["CreationTime"] = created;
  return doc;
}

// Turns a Hive-style table pattern into an RE2 pattern: '*' is any run; a '.' already
// followed by '*' stays a regex.
std::string TablePattern(std::string_view expression) {
  std::string out;
  for (size_t i = 0; i < expression.size(); i++) {
    char c = expression[i];
    if (c == '*' && (i == 0 || expression[i - 1] != '.')) {
      out += ".*";
    } else {
      out += c;
    }
  }
  return "(?i)(?:" + out + ")";
}

// Pages through rows already in order: `next_token` is the last key returned.
template <typename KeyFn>
JsonPage Paginate(std::vector<Json> items, size_t max_results, KeyFn key) {
  JsonPage page;
  if (max_results > 0 && items.size() > max_results) {
    items.resize(max_results);
    page.next_token = key(items.back());
  }
  page.items = std::move(items);
  return page;
}

}  // namespace

std::string NormalizeName(std::string_view name) { return base::ToLower(base::Trim(name)); }

Catalog::Catalog(meta::Store& store, std::string catalog_id)
    : store_(store), catalog_id_(std::move(catalog_id)) {
  store_.Migrate("glue_catalog", kMigrations);
}

// ---------------------------------------------------------------------------------------------
// Databases

void Catalog::CreateDatabase(const Json& input) {
  std::string name = CheckedName(input, "Database");
  Json doc = input;
  doc["Name"] = name;
  doc["CatalogId"] = catalog_id_;
  doc["CreateTime"] = NowSeconds();
  if (!doc.contains("CreateTableDefaultPermissions")) {
    doc["CreateTableDefaultPermissions"] =
        Json::array({{{"Principal", {{"DataLakePrincipalIdentifier", "IAM_ALLOWED_PRINCIPALS"}}},
                      {"Permissions", {"ALL"}}}});
  }
  store_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM glue_databases WHERE name = ?", {name})) {
      throw GlueError(ErrorKind::kAlreadyExists, "Database already exists.");
    }
    tx.Exec("INSERT INTO glue_databases (name, doc) VALUES (?, ?)", {name, doc.dump()});
  });
}

std::optional<Json> Catalog::GetDatabase(std::string_view name) const {
  std::optional<Json> out;
  store_.Read([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM glue_databases WHERE name = ?", {NormalizeName(name)});
    if (row) out = base::ParseJson(row->Text(0));
  });
  return out;
}

JsonPage Catalog::ListDatabases(const std::string& next_token, size_t max_results) const {
  std::vector<Json> items;
  store_.Read([&](meta::Transaction& tx) {
    for (const auto& row :
         tx.Query("SELECT doc FROM glue_databases WHERE name > ? ORDER BY name", {next_token})) {
      items.push_back(base::ParseJson(row.Text(0)));
    }
  });
  return Paginate(std::move(items), max_results, [](const Json& d) { return d.value("Name", ""); });
}

void Catalog::UpdateDatabase(std::string_view name, const Json& input) {
  std::string db = NormalizeName(name);
  if (CheckedName(input, "Database") != db) {
    throw GlueError(ErrorKind::kInvalidInput, "A database cannot be renamed.");
  }
  store_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM glue_databases WHERE name = ?", {db});
    if (!row) throw NotFound("Database " + db);
    Json old = base::ParseJson(row->Text(0));
    Json doc = input;
    doc["Name"] = db;
    doc["CatalogId"] = catalog_id_;
    doc["CreateTime"] = old.value("CreateTime", NowSeconds());
    if (!doc.contains("CreateTableDefaultPermissions") &&
        old.contains("CreateTableDefaultPermissions")) {
      doc["CreateTableDefaultPermissions"] = old["CreateTableDefaultPermissions"];
    }
    tx.Exec("UPDATE glue_databases SET doc = ? WHERE name = ?", {doc.dump(), db});
  });
}

void Catalog::DeleteDatabase(std::string_view name) {
  std::string db = NormalizeName(name);
  store_.Write([&](meta::Transaction& tx) {
    if (tx.Exec("DELETE FROM glue_databases WHERE name = ?", {db}) == 0) {
      throw NotFound("Database " + db);
    }
    tx.Exec("DELETE FROM glue_tables WHERE db = ?", {db});
    tx.Exec("DELETE FROM glue_table_versions WHERE db = ?", {db});
    tx.Exec("DELETE FROM glue_partitions WHERE db = ?", {db});
  });
}

// ---------------------------------------------------------------------------------------------
// Tables

void Catalog::CreateTable(std::string_view database, const Json& input) {
  std::string db = NormalizeName(database);
  std::string name = CheckedName(input, "Table");
  double now = NowSeconds();
  Json doc = input;
  doc["Name"] = name;
  doc["DatabaseName"] = db;
  doc["CatalogId"] = catalog_id_;
  doc["CreateTime"] = now;
  doc["UpdateTime"] = now;
  doc["VersionId"] = "0";
  doc["IsRegisteredWithLakeFormation"] = false;
  store_.Write([&](meta::Transaction& tx) {
    RequireDatabase(tx, db);
    if (LoadTable(tx, db, name))
      throw GlueError(ErrorKind::kAlreadyExists, "Table already exists.");
    std::string text = doc.dump();
    tx.Exec("INSERT INTO glue_tables (db, name, version, doc) VALUES (?, ?, 0, ?)",
            {db, name, text});
    tx.Exec("INSERT INTO glue_table_versions (db, name, version, doc) VALUES (?, ?, 0, ?)",
            {db, name, text});
  });
}

std::optional<Json> Catalog::GetTable(std::string_view database, std::string_view name) const {
  std::optional<Json> out;
  store_.Read([&](meta::Transaction& tx) {
    out = LoadTable(tx, NormalizeName(database), NormalizeName(name));
  });
  return out;
}

JsonPage Catalog::ListTables(std::string_view database, std::string_view expression,
                             const std::string& next_token, size_t max_results) const {
  std::string db = NormalizeName(database);
  std::optional<RE2> pattern;
  if (!base::Trim(expression).empty()) {
    pattern.emplace(TablePattern(base::Trim(expression)), RE2::Quiet);
    if (!pattern->ok()) {
      throw GlueError(ErrorKind::kInvalidInput,
                      "Expression '" + std::string(expression) + "' is not a valid pattern.");
    }
  }
  std::vector<Json> items;
  store_.Read([&](meta::Transaction& tx) {
    RequireDatabase(tx, db);
    for (const auto& row :
         tx.Query("SELECT name, doc FROM glue_tables WHERE db = ? AND name > ? ORDER BY name",
                  {db, next_token})) {
      if (pattern && !RE2::FullMatch(row.Text(0), *pattern)) continue;
      items.push_back(base::ParseJson(row.Text(1)));
    }
  });
  return Paginate(std::move(items), max_results, [](const Json& t) { return t.value("Name", ""); });
}

void Catalog::UpdateTable(std::string_view database, const Json& input, bool skip_archive,
                          const std::optional<std::string>& expected_version) {
  std::string db = NormalizeName(database);
  std::string name = CheckedName(input, "Table");
  store_.Write([&](meta::Transaction& tx) {
    Json old = RequireTable(tx, db, name);
    if (expected_version && old.value("VersionId", "") != *expected_version) {
      throw GlueError(ErrorKind::kConcurrentModification,
                      "The table was modified since version " + *expected_version + ".");
    }
    int64_t version =
        tx.QueryOne("SELECT version FROM glue_tables WHERE db = ? AND name = ?", {db, name})
            ->Int(0) +
        1;
    Json doc = input;
    doc["Name"] = name;
    doc["DatabaseName"] = db;
    doc["CatalogId"] = catalog_id_;
    doc["CreateTime"] = old.value("CreateTime", NowSeconds());
    doc["UpdateTime"] = NowSeconds();
    doc["VersionId"] = std::to_string(version);
    doc["IsRegisteredWithLakeFormation"] = false;
    std::string text = doc.dump();
    tx.Exec("UPDATE glue_tables SET version = ?, doc = ? WHERE db = ? AND name = ?",
            {version, text, db, name});
    if (skip_archive) {
      tx.Exec("DELETE FROM glue_table_versions WHERE db = ? AND name = ? AND version = ?",
              {db, name, version - 1});
    }
    tx.Exec("INSERT INTO glue_table_versions (db, name, version, doc) VALUES (?, ?, ?, ?)",
            {db, name, version, text});
  });
}

void Catalog::DeleteTable(std::string_view database, std::string_view name) {
  std::string db = NormalizeName(database);
  std::string table = NormalizeName(name);
  store_.Write([&](meta::Transaction& tx) {
    RequireDatabase(tx, db);
    if (tx.Exec("DELETE FROM glue_tables WHERE db = ? AND name = ?", {db, table}) == 0) {
      throw NotFound("Table " + table);
    }
    tx.Exec("DELETE FROM glue_table_versions WHERE db = ? AND name = ?", {db, table});
    tx.Exec("DELETE FROM glue_partitions WHERE db = ? AND tbl = ?", {db, table});
  });
}

std::vector<Json> Catalog::GetTableVersions(std::string_view database,
                                            std::string_view name) const {
  std::string db = NormalizeName(database);
  std::string table = NormalizeName(name);
  std::vector<Json> out;
  store_.Read([&](meta::Transaction& tx) {
    RequireTable(tx, db, table);
    for (const auto& row :
         tx.Query("SELECT version, doc FROM glue_table_versions WHERE db = ? AND name = ? "
                  "ORDER BY version DESC",
                  {db, table})) {
      out.push_back(
          {{"Table", base::ParseJson(row.Text(1))}, {"VersionId", std::to_string(row.Int(0))}});
    }
  });
  return out;
}

void Catalog::DeleteTableVersion(std::string_view database, std::string_view name,
                                 std::string_view version_id) {
  std::string db = NormalizeName(database);
  std::string table = NormalizeName(name);
  store_.Write([&](meta::Transaction& tx) {
    Json current = RequireTable(tx, db, table);
    if (current.value("VersionId", "") == version_id) {
      throw GlueError(ErrorKind::kInvalidInput,
                      "The current version of a table cannot be deleted.");
    }
    int64_t changed = tx.Exec(
        "DELETE FROM glue_table_versions WHERE db = ? AND name = ? AND CAST(version AS TEXT) = ?",
        {db, table, std::string(version_id)});
    if (changed == 0) throw NotFound("Version " + std::string(version_id) + " of table " + table);
  });
}

// ---------------------------------------------------------------------------------------------
// Partitions

void Catalog::CreatePartition(std::string_view database, std::string_view table,
                              const Json& input) {
  std::string db = NormalizeName(database);
  std::string tbl = NormalizeName(table);
  store_.Write([&](meta::Transaction& tx) {
    Json t = RequireTable(tx, db, tbl);
    Json doc = PartitionDoc(input, t, db, catalog_id_, NowSeconds());
    std::string key = ValuesKey(ValuesOf(doc));
    if (tx.QueryOne("SELECT 1 FROM glue_partitions WHERE db = ? AND tbl = ? AND vals = ?",
                    {db, tbl, key})) {
      throw GlueError(ErrorKind::kAlreadyExists, "Partition already exists.");
    }
    tx.Exec("INSERT INTO glue_partitions (db, tbl, vals, doc) VALUES (?, ?, ?, ?)",
            {db, tbl, key, doc.dump()});
  });
}

std::optional<Json> Catalog::GetPartition(std::string_view database, std::string_view table,
                                          const std::vector<std::string>& values) const {
  std::string db = NormalizeName(database);
  std::string tbl = NormalizeName(table);
  std::optional<Json> out;
  store_.Read([&](meta::Transaction& tx) {
    RequireTable(tx, db, tbl);
    auto row = tx.QueryOne("SELECT doc FROM glue_partitions WHERE db = ? AND tbl = ? AND vals = ?",
                           {db, tbl, ValuesKey(values)});
    if (row) out = base::ParseJson(row->Text(0));
  });
  return out;
}

JsonPage Catalog::GetPartitions(std::string_view database, std::string_view table,
                                const PartitionQuery& query) const {
  std::string db = NormalizeName(database);
  std::string tbl = NormalizeName(table);
  if (query.total_segments < 1 || query.segment_number < 0 ||
      query.segment_number >= query.total_segments) {
    throw GlueError(ErrorKind::kInvalidInput, "Invalid segment.");
  }
  int64_t after = 0;
  if (!query.next_token.empty()) {
    try {
      after = std::stoll(query.next_token);
    } catch (const std::exception&) {
      throw GlueError(ErrorKind::kInvalidInput, "Invalid NextToken.");
    }
  }
  JsonPage page;
  int64_t last_id = 0;
  store_.Read([&](meta::Transaction& tx) {
    Json t = RequireTable(tx, db, tbl);
    PartitionExpression filter = PartitionExpression::Parse(query.expression, KeysOf(t));
    tx.Each(
        "SELECT id, vals, doc FROM glue_partitions WHERE db = ? AND tbl = ? AND id > ? "
        "ORDER BY id",
        {db, tbl, after}, [&](const meta::Row& row) {
          int64_t id = row.Int(0);
          if (query.total_segments > 1 && id % query.total_segments != query.segment_number) {
            return true;
          }
          std::vector<std::string> values = base::ParseJson(row.Text(1));
          if (!filter.Matches(values)) return true;
          if (query.max_results > 0 && page.items.size() == query.max_results) {
            page.next_token = std::to_string(last_id);
            return false;
          }
          page.items.push_back(base::ParseJson(row.Text(2)));
          last_id = id;
          return true;
        });
  });
  return page;
}

void Catalog::UpdatePartition(std::string_view database, std::string_view table,
                              const std::vector<std::string>& values, const Json& input) {
  std::string db = NormalizeName(database);
  std::string tbl = NormalizeName(table);
  store_.Write([&](meta::Transaction& tx) {
    Json t = RequireTable(tx, db, tbl);
    std::string old_key = ValuesKey(values);
    auto row =
        tx.QueryOne("SELECT id, doc FROM glue_partitions WHERE db = ? AND tbl = ? AND vals = ?",
                    {db, tbl, old_key});
    if (!row) throw NotFound("Partition");
    Json old = base::ParseJson(row->Text(1));
    Json in = input;
    if (ValuesOf(in).empty()) in["Values"] = values;
    Json doc = PartitionDoc(in, t, db, catalog_id_, old.value("CreationTime", NowSeconds()));
    std::string key = ValuesKey(ValuesOf(doc));
    if (key != old_key &&
        tx.QueryOne("SELECT 1 FROM glue_partitions WHERE db = ? AND tbl = ? AND vals = ?",
                    {db, tbl, key})) {
      throw GlueError(ErrorKind::kAlreadyExists, "Partition already exists.");
    }
    tx.Exec("UPDATE glue_partitions SET vals = ?, doc = ? WHERE id = ?",
            {key, doc.dump(), row->Int(0)});
  });
}

void Catalog::DeletePartition(std::string_view database, std::string_view table,
                              const std::vector<std::string>& values) {
  std::string db = NormalizeName(database);
  std::string tbl = NormalizeName(table);
  store_.Write([&](meta::Transaction& tx) {
    RequireTable(tx, db, tbl);
    if (tx.Exec("DELETE FROM glue_partitions WHERE db = ? AND tbl = ? AND vals = ?",
                {db, tbl, ValuesKey(values)}) == 0) {
      throw NotFound("Partition");
    }
  });
}

}  // namespace glue
