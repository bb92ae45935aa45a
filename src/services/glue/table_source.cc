#include "services/glue/table_source.h"

#include "base/strings.h"
#include "engines/sql/common/error.h"
#include "engines/sql/formats/table_writer.h"
#include "services/glue/table_format.h"

namespace glue {

using base::Json;

namespace {

std::string DirectoryOf(std::string location) {
  if (!location.empty() && !location.ends_with('/')) location += '/';
  return location;
}

// Whether a file under `dir` is hidden from queries: any path component below the directory
// that starts with '_' or '.' (Hive's rule: _SUCCESS, .crc files, _temporary/ folders).
bool Hidden(std::string_view dir, std::string_view path) {
  std::string_view rest = path.substr(std::min(dir.size(), path.size()));
  for (const std::string& part : base::Split(rest, '/')) {
    if (!part.empty() && (part[0] == '_' || part[0] == '.')) return true;
  }
  return false;
}

void AddFiles(sql::FileSystem& fs, const std::string& location,
              const std::vector<std::string>& values, sql::TableDefinition& def) {
  if (location.empty()) return;
  std::string dir = DirectoryOf(location);
  for (const sql::FileEntry& f : fs.Glob(dir)) {
    if (Hidden(dir, f.path)) continue;
    def.files.push_back({f.path, f.size, values});
  }
}

std::string Text(const Json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string LocationOf(const Json& doc) {
  auto sd = doc.find("StorageDescriptor");
  return sd != doc.end() && sd->is_object() ? Text(*sd, "Location") : std::string();
}

}  // namespace

std::string EscapePathValue(std::string_view value) { return sql::EscapePartitionValue(value); }

std::string UnescapePathValue(std::string_view text) {
  std::optional<std::string> decoded = base::UriDecode(text, false);
  return decoded ? *decoded : std::string(text);
}

std::string PartitionLocation(const std::string& table_location,
                              const std::vector<std::string>& keys,
                              const std::vector<std::string>& values) {
  std::string out = DirectoryOf(table_location);
  for (size_t i = 0; i < keys.size() && i < values.size(); i++) {
    out += keys[i] + "=" + EscapePathValue(values[i]) + "/";
  }
  return out;
}

std::shared_ptr<const sql::TableDefinition> MakeTableDefinition(const Json& table,
                                                                const std::vector<Json>& partitions,
                                                                sql::FileSystem& fs) {
  std::string name = Text(table, "DatabaseName") + "." + Text(table, "Name");
  if (Text(table, "TableType") == "VIRTUAL_VIEW") {
    throw sql::BinderError("NOT_SUPPORTED", "'" + name + "' is a view; views are not supported");
  }
  auto def = std::make_shared<sql::TableDefinition>();
  def->name = name;
  StorageFormat format = ReadStorageFormat(table);
  def->format = format.format;
  def->csv = format.csv;
  auto sd = table.find("StorageDescriptor");
  def->columns = ColumnsOf(sd != table.end() ? sd->value("Columns", Json::array()) : Json::array());
  def->partition_keys = ColumnsOf(table.value("PartitionKeys", Json::array()));
  def->location = LocationOf(table);
  if (def->partition_keys.empty()) {
    AddFiles(fs, def->location, {}, *def);
    return def;
  }
  std::vector<std::string> keys;
  for (const auto& k : def->partition_keys) keys.push_back(k.name);
  for (const Json& p : partitions) {
    std::vector<std::string> values;
    for (const Json& v : p.value("Values", Json::array())) {
      std::string s = v.is_string() ? v.get<std::string>() : v.dump();
      values.push_back(s == "__HIVE_DEFAULT_PARTITION__" ? "" : s);
    }
    if (values.size() != keys.size()) continue;
    std::string location = LocationOf(p);
    if (location.empty()) location = PartitionLocation(def->location, keys, values);
    AddFiles(fs, location, values, *def);
  }
  return def;
}

sql::TableResolver MakeTableResolver(const Catalog& catalog, sql::FileSystem& fs,
                                     std::string default_database, TableObserver observer) {
  return [&catalog, &fs, default_database = std::move(default_database),
          observer = std::move(observer)](
             const std::vector<std::string>& name) -> std::shared_ptr<const sql::TableDefinition> {
    if (name.empty() || name.size() > 3) return nullptr;
    if (name.size() == 3 && base::ToLower(name[0]) != "awsdatacatalog") return nullptr;
    std::string db = name.size() >= 2 ? name[name.size() - 2] : default_database;
    if (db.empty()) return nullptr;
    std::optional<Json> table = catalog.GetTable(db, name.back());
    if (!table) return nullptr;
    if (observer) observer(NormalizeName(db), *table);
    std::vector<Json> partitions;
    if (table->contains("PartitionKeys") && !(*table)["PartitionKeys"].empty()) {
      partitions = catalog.GetPartitions(db, name.back(), PartitionQuery{}).items;
    }
    return MakeTableDefinition(*table, partitions, fs);
  };
}

}  // namespace glue
