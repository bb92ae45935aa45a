#include "services/athena/query_runner.h"

#include <algorithm>
#include <set>

#include "base/strings.h"
#include "engines/sql/common/error.h"
#include "engines/sql/formats/table_writer.h"
#include "engines/sql/function/cast.h"
#include "engines/sql/main/database.h"
#include "services/glue/glue_error.h"
#include "services/glue/object_store_file_system.h"
#include "services/glue/table_format.h"

namespace athena {
namespace {

using base::Json;

constexpr const char* kDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

sql::ExecutionError Failure(const std::string& name, const std::string& message) {
  return sql::ExecutionError(name, message);
}

ResultSet Lines(const std::string& column, const std::vector<std::string>& lines) {
  ResultSet rs;
  rs.header = false;
  rs.columns.push_back(ColumnOf(column, sql::Type::Varchar()));
  for (const std::string& l : lines) rs.rows.push_back({l});
  return rs;
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string WithSlash(std::string location) {
  if (!location.empty() && location.back() != '/') location += '/';
  return location;
}

// Hive table-name patterns of SHOW TABLES / SHOW DATABASES: '*' any run, '|' alternatives.
bool PatternMatches(const std::string& pattern, const std::string& name) {
  if (pattern.empty()) return true;
  for (const std::string& alt : base::Split(pattern, '|')) {
    std::string p = base::ToLower(base::Trim(alt));
    if (glue::GlobMatches(p, name)) return true;
  }
  return false;
}

class Run {
 public:
  Run(glue::Catalog& catalog, std::shared_ptr<sql::FileSystem> fs, sql::Database& db,
      const QueryRequest& req)
      : catalog_(catalog),
        fs_(req.file_system ? req.file_system : std::move(fs)),
        db_(db),
        req_(req) {}

  QueryOutcome Execute() {
    Statement s = ParseStatement(
        req_.parameters.empty() ? req_.sql : BindParameters(req_.sql, req_.parameters));
    out_.kind = s.kind;
    switch (s.kind) {
      case StatementKind::kQuery:
      case StatementKind::kExplain: {
        sql::QueryResult r = Engine(s.query);
        out_.results = FromQueryResult(r);
        out_.bytes_scanned = r.bytes_scanned;
        break;
      }
      case StatementKind::kCreateDatabase:
        CreateDatabase(s);
        break;
      case StatementKind::kDropDatabase:
        DropDatabase(s);
        break;
      case StatementKind::kCreateExternalTable:
        CreateExternalTable(s);
        break;
      case StatementKind::kCreateTableAs:
        CreateTableAs(s);
        break;
      case StatementKind::kInsertInto:
        InsertInto(s);
        break;
      case StatementKind::kUnload:
        Unload(s);
        break;
      case StatementKind::kDropTable:
        DropTable(s);
        break;
      case StatementKind::kAddPartitions:
        AddPartitions(s);
        break;
      case StatementKind::kDropPartitions:
        DropPartitions(s);
        break;
      case StatementKind::kMsckRepair:
        MsckRepair(s);
        break;
      case StatementKind::kShowDatabases:
        ShowDatabases(s);
        break;
      case StatementKind::kShowTables:
        ShowTables(s);
        break;
      case StatementKind::kShowColumns:
        ShowColumns(s);
        break;
      case StatementKind::kShowPartitions:
        ShowPartitions(s);
        break;
      case StatementKind::kShowCreateTable:
        ShowCreateTable(s);
        break;
      case StatementKind::kDescribe:
        Describe(s);
        break;
    }
    out_.executed = base::Now();
    WriteResults();
    return std::move(out_);
  }

 private:
  std::string Db(const Statement& s) const {
    return s.database.empty() ? req_.database : s.database;
  }

  // Fails unless the caller may do `action` on the database (and table) a statement changes.
  void Check(const char* action, const std::string& db, const std::string& table = "") {
    if (req_.check_change) req_.check_change(action, db, table);
  }

  sql::QueryResult Engine(const std::string& text) {
    sql::QueryOptions o;
    o.resolver = glue::MakeTableResolver(catalog_, *fs_, req_.database, req_.observer);
    o.file_system = fs_;
    o.read_only = true;
    o.file_table_functions = false;  // Athena reads files only through catalog tables
    o.cancel = req_.cancel;
    o.threads = req_.threads;
    auto cutoff_hit = std::make_shared<std::atomic<bool>>(false);
    if (req_.bytes_scanned_cutoff > 0) {
      uint64_t cutoff = req_.bytes_scanned_cutoff;
      auto cancel = req_.cancel;
      o.progress = [cutoff, cancel, cutoff_hit](uint64_t, uint64_t bytes) {
        if (bytes > cutoff && cancel) {
          cutoff_hit->store(true);
          cancel->store(true);
        }
      };
    }
    try {
      sql::Connection conn(db_);
      sql::QueryResult r = conn.Query(text, o);
      if (req_.bytes_scanned_cutoff > 0 && r.bytes_scanned > req_.bytes_scanned_cutoff) {
        cutoff_hit->store(true);
      }
      if (cutoff_hit->load()) throw Failure("USER_CANCELED", "");
      out_.rows_scanned += r.rows_scanned;
      return r;
    } catch (const sql::Error& e) {
      if (cutoff_hit->load()) {
        throw Failure("EXCEEDED_BYTES_SCANNED_LIMIT",
                      "Query cancelled! : Bytes scanned limit was exceeded (" +
                          std::to_string(req_.bytes_scanned_cutoff) + " bytes)");
      }
      throw;
    }
  }

  Json Table(const std::string& db, const std::string& name) {
    if (!catalog_.GetDatabase(db)) {
      throw Failure("SCHEMA_NOT_FOUND", "Schema '" + db + "' does not exist");
    }
    std::optional<Json> t = catalog_.GetTable(db, name);
    if (!t) {
      throw Failure("TABLE_NOT_FOUND",
                    "Table 'awsdatacatalog." + db + "." + name + "' does not exist");
    }
    return *t;
  }

  void CreateDatabase(const Statement& s) {
    Check("glue:CreateDatabase", s.name);
    Json input = {{"Name", s.name}};
    if (!s.comment.empty()) input["Description"] = s.comment;
    if (!s.location.empty()) input["LocationUri"] = s.location;
    if (!s.table_properties.empty()) input["Parameters"] = s.table_properties;
    if (catalog_.GetDatabase(s.name)) {
      if (s.if_not_exists) return;
      throw Failure("SCHEMA_ALREADY_EXISTS", "Database " + s.name + " already exists");
    }
    catalog_.CreateDatabase(input);
  }

  void DropDatabase(const Statement& s) {
    Check("glue:DeleteDatabase", s.name);
    if (!catalog_.GetDatabase(s.name)) {
      if (s.if_exists) return;
      throw Failure("SCHEMA_NOT_FOUND", "Database does not exist: " + s.name);
    }
    std::vector<Json> tables = catalog_.ListTables(s.name, "").items;
    if (!s.cascade && !tables.empty()) {
      throw Failure("SCHEMA_NOT_EMPTY",
                    "Database " + s.name + " is not empty. One or more tables exist.");
    }
    for (const Json& t : tables) Check("glue:DeleteTable", s.name, t.value("Name", ""));
    catalog_.DeleteDatabase(s.name);
  }

  static Json ColumnList(const std::vector<HiveColumn>& cols) {
    Json list = Json::array();
    for (const HiveColumn& c : cols) {
      Json col = {{"Name", c.name}, {"Type", c.type}};
      if (!c.comment.empty()) col["Comment"] = c.comment;
      list.push_back(col);
    }
    return list;
  }

  void CreateExternalTable(const Statement& s) {
    std::string db = Db(s);
    Check("glue:CreateTable", db, s.name);
    if (!catalog_.GetDatabase(db)) {
      throw Failure("SCHEMA_NOT_FOUND", "Schema '" + db + "' does not exist");
    }
    if (catalog_.GetTable(db, s.name)) {
      if (s.if_not_exists) return;
      throw Failure("TABLE_ALREADY_EXISTS", "Table already exists: " + db + "." + s.name);
    }
    if (s.location.empty()) {
      throw Failure("INVALID_TABLE_PROPERTY",
                    "External tables need a LOCATION: LOCATION 's3://bucket/prefix/'");
    }
    if (!glue::S3Uri::Parse(s.location)) {
      throw Failure("INVALID_TABLE_PROPERTY",
                    "LOCATION must be an s3:// location, not '" + s.location + "'");
    }
    std::string serde = s.serde;
    std::string input = s.input_format;
    std::string output = s.output_format;
    std::string stored = s.stored_as;
    if (stored == "PARQUET") {
      if (serde.empty()) serde = glue::kParquetSerDe;
      input = glue::kParquetInputFormat;
      output = glue::kParquetOutputFormat;
    } else if (stored == "ORC") {
      if (serde.empty()) serde = "org.apache.hadoop.hive.ql.io.orc.OrcSerde";
      input = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat";
      output = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat";
    } else if (stored == "AVRO") {
      if (serde.empty()) serde = "org.apache.hadoop.hive.serde2.avro.AvroSerDe";
      input = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat";
      output = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat";
    } else if (stored == "JSONFILE" || stored == "JSON") {
      if (serde.empty()) serde = glue::kHiveJsonSerDe;
      input = glue::kTextInputFormat;
      output = glue::kTextOutputFormat;
    } else if (stored == "TEXTFILE" || (stored.empty() && input.empty())) {
      if (serde.empty()) serde = glue::kLazySimpleSerDe;
      input = glue::kTextInputFormat;
      output = glue::kTextOutputFormat;
    } else if (!stored.empty()) {
      throw Failure("NOT_SUPPORTED", "Unsupported file format: STORED AS " + stored);
    } else if (serde.empty()) {
      serde = glue::kLazySimpleSerDe;
    }
    Json serde_params = s.serde_properties;
    if (serde == glue::kLazySimpleSerDe && !serde_params.contains("field.delim") &&
        !serde_params.contains("serialization.format")) {
      serde_params["serialization.format"] = "1";
    }
    Json params = s.table_properties;
    params["EXTERNAL"] = "TRUE";
    if (!s.comment.empty()) params["comment"] = s.comment;
    Json sd = {{"Columns", ColumnList(s.columns)},
               {"Location", s.location},
               {"InputFormat", input},
               {"OutputFormat", output},
               {"Compressed", false},
               {"NumberOfBuckets", -1},
               {"StoredAsSubDirectories", false},
               {"SerdeInfo", {{"SerializationLibrary", serde}, {"Parameters", serde_params}}},
               {"Parameters", Json::object()}};
    Json table = {{"Name", s.name},
                  {"TableType", "EXTERNAL_TABLE"},
                  {"Parameters", params},
                  {"PartitionKeys", ColumnList(s.partition_columns)},
                  {"StorageDescriptor", sd}};
    if (!s.comment.empty()) table["Description"] = s.comment;
    // The engine must be able to read what is declared; unreadable formats fail at query time
    // with the format named, as declared types do here.
    for (const HiveColumn& c : s.columns) {
      if (c.type.empty()) throw Failure("INVALID_COLUMN_TYPE", "Column " + c.name + " has no type");
    }
    catalog_.CreateTable(db, table);
  }

  void DropTable(const Statement& s) {
    std::string db = Db(s);
    Check("glue:DeleteTable", db, s.name);
    if (!catalog_.GetTable(db, s.name)) {
      if (s.if_exists) return;
      throw Failure("TABLE_NOT_FOUND", "Table not found " + db + "." + s.name);
    }
    catalog_.DeleteTable(db, s.name);
  }

  static std::vector<std::string> KeyNames(const Json& table) {
    std::vector<std::string> keys;
    for (const Json& k : table.value("PartitionKeys", Json::array())) {
      keys.push_back(base::ToLower(k.value("Name", "")));
    }
    return keys;
  }

  // The values of `spec` in the table's key order.
  std::vector<std::string> SpecValues(const Json& table, const PartitionSpec& spec) {
    std::vector<std::string> keys = KeyNames(table);
    if (keys.empty()) {
      throw Failure("NOT_SUPPORTED", "Table " + table.value("Name", "") + " is not partitioned");
    }
    std::vector<std::string> values;
    for (const std::string& k : keys) {
      auto it = std::find_if(spec.values.begin(), spec.values.end(),
                             [&](const auto& kv) { return kv.first == k; });
      if (it == spec.values.end()) {
        throw Failure("INVALID_PARTITION_VALUE", "Partition key " + k + " has no value");
      }
      values.push_back(it->second);
    }
    if (spec.values.size() != keys.size()) {
      throw Failure("INVALID_PARTITION_VALUE",
                    "Partition spec names columns that are not "
                    "partition keys of the table");
    }
    return values;
  }

  void AddPartition(const std::string& db, const Json& table,
                    const std::vector<std::string>& values, std::string location) {
    std::string table_location = table["StorageDescriptor"].value("Location", "");
    if (location.empty())
      location = glue::PartitionLocation(table_location, KeyNames(table), values);
    Json sd = table["StorageDescriptor"];
    sd["Location"] = location;
    catalog_.CreatePartition(db, table.value("Name", ""),
                             {{"Values", values}, {"StorageDescriptor", sd}});
  }

  void AddPartitions(const Statement& s) {
    std::string db = Db(s);
    Check("glue:BatchCreatePartition", db, s.name);
    Json table = Table(db, s.name);
    for (const PartitionSpec& p : s.partitions) {
      std::vector<std::string> values = SpecValues(table, p);
      if (!p.location.empty() && !glue::S3Uri::Parse(p.location)) {
        throw Failure("INVALID_TABLE_PROPERTY",
                      "LOCATION must be an s3:// location, not '" + p.location + "'");
      }
      if (catalog_.GetPartition(db, s.name, values)) {
        if (s.if_not_exists) continue;
        throw Failure("ALREADY_EXISTS", "Partition already exists: " + base::Join(values, "/"));
      }
      AddPartition(db, table, values, p.location);
    }
  }

  void DropPartitions(const Statement& s) {
    std::string db = Db(s);
    Check("glue:BatchDeletePartition", db, s.name);
    Json table = Table(db, s.name);
    for (const PartitionSpec& p : s.partitions) {
      std::vector<std::string> values = SpecValues(table, p);
      if (!catalog_.GetPartition(db, s.name, values)) {
        if (s.if_exists) continue;
        throw Failure("PARTITION_NOT_FOUND", "Partition not found: " + base::Join(values, "/"));
      }
      catalog_.DeletePartition(db, s.name, values);
    }
  }

  // The partition values a path below the table location encodes (key=value folders, in
  // key order), or nothing.
  static std::optional<std::vector<std::string>> PathValues(std::string_view relative,
                                                            const std::vector<std::string>& keys) {
    std::vector<std::string> parts = base::Split(relative, '/');
    if (parts.size() <= keys.size()) return std::nullopt;
    std::vector<std::string> values;
    for (size_t i = 0; i < keys.size(); i++) {
      size_t eq = parts[i].find('=');
      if (eq == std::string::npos || base::ToLower(parts[i].substr(0, eq)) != keys[i]) {
        return std::nullopt;
      }
      values.push_back(glue::UnescapePathValue(parts[i].substr(eq + 1)));
    }
    return values;
  }

  static std::string PartitionName(const std::vector<std::string>& keys,
                                   const std::vector<std::string>& values) {
    std::string out;
    for (size_t i = 0; i < keys.size(); i++) {
      if (i) out += '/';
      out += keys[i] + "=" + glue::EscapePathValue(values[i]);
    }
    return out;
  }

  void MsckRepair(const Statement& s) {
    std::string db = Db(s);
    Check("glue:BatchCreatePartition", db, s.name);
    Json table = Table(db, s.name);
    std::vector<std::string> keys = KeyNames(table);
    std::vector<std::string> lines;
    if (keys.empty()) {
      out_.results = Lines("result", lines);
      return;
    }
    std::string location = WithSlash(table["StorageDescriptor"].value("Location", ""));
    std::set<std::vector<std::string>> found;
    for (const sql::FileEntry& f : fs_->Glob(location)) {
      if (!f.path.starts_with(location)) continue;
      if (auto values = PathValues(std::string_view(f.path).substr(location.size()), keys)) {
        found.insert(*values);
      }
    }
    std::vector<std::vector<std::string>> missing;
    for (const auto& values : found) {
      if (!catalog_.GetPartition(db, s.name, values)) missing.push_back(values);
    }
    if (!missing.empty()) {
      std::string line = "Partitions not in metastore:";
      for (const auto& v : missing) line += "\t" + s.name + ":" + PartitionName(keys, v);
      lines.push_back(line);
    }
    for (const auto& v : missing) {
      AddPartition(db, table, v, location + PartitionName(keys, v) + "/");
      lines.push_back("Repair: Added partition to metastore " + s.name + ":" +
                      PartitionName(keys, v));
    }
    out_.results = Lines("result", lines);
  }

  void ShowDatabases(const Statement& s) {
    std::vector<std::string> names;
    for (const Json& d : catalog_.ListDatabases().items) {
      std::string name = d.value("Name", "");
      if (PatternMatches(s.pattern, name)) names.push_back(name);
    }
    out_.results = Lines("database_name", names);
  }

  void ShowTables(const Statement& s) {
    std::string db = Db(s);
    if (!catalog_.GetDatabase(db)) {
      throw Failure("SCHEMA_NOT_FOUND", "Schema '" + db + "' does not exist");
    }
    std::vector<std::string> names;
    for (const Json& t : catalog_.ListTables(db, "").items) {
      std::string name = t.value("Name", "");
      if (PatternMatches(s.pattern, name)) names.push_back(name);
    }
    out_.results = Lines("tab_name", names);
  }

  static std::vector<Json> AllColumns(const Json& table) {
    std::vector<Json> cols;
    for (const Json& c : table["StorageDescriptor"].value("Columns", Json::array()))
      cols.push_back(c);
    for (const Json& c : table.value("PartitionKeys", Json::array())) cols.push_back(c);
    return cols;
  }

  void ShowColumns(const Statement& s) {
    Json table = Table(Db(s), s.name);
    std::vector<std::string> names;
    for (const Json& c : AllColumns(table)) names.push_back(c.value("Name", ""));
    out_.results = Lines("field", names);
  }

  void ShowPartitions(const Statement& s) {
    std::string db = Db(s);
    Json table = Table(db, s.name);
    std::vector<std::string> keys = KeyNames(table);
    if (keys.empty()) {
      throw Failure("NOT_SUPPORTED", "Table " + s.name + " is not partitioned");
    }
    std::vector<std::string> lines;
    for (const Json& p : catalog_.GetPartitions(db, s.name, glue::PartitionQuery{}).items) {
      std::vector<std::string> values = p.value("Values", std::vector<std::string>());
      if (values.size() == keys.size()) lines.push_back(PartitionName(keys, values));
    }
    std::sort(lines.begin(), lines.end());
    out_.results = Lines("partition", lines);
  }

  void Describe(const Statement& s) {
    Json table = Table(Db(s), s.name);
    std::vector<std::string> lines;
    auto line = [](const Json& c) {
      return Pad(c.value("Name", ""), 20) + "\t" + Pad(c.value("Type", ""), 20) + "\t" +
             Pad(c.value("Comment", ""), 20);
    };
    for (const Json& c : AllColumns(table)) lines.push_back(line(c));
    const Json& keys = table.value("PartitionKeys", Json::array());
    if (!keys.empty()) {
      lines.push_back("\t \t ");
      lines.push_back("# Partition Information\t \t ");
      lines.push_back(Pad("# col_name", 20) + "\t" + Pad("data_type", 20) + "\t" +
                      Pad("comment", 20));
      lines.push_back("\t \t ");
      for (const Json& c : keys) lines.push_back(line(c));
    }
    out_.results = Lines("col_name", lines);
  }

  void ShowCreateTable(const Statement& s) {
    std::string db = Db(s);
    Json table = Table(db, s.name);
    const Json& sd = table["StorageDescriptor"];
    auto columns = [](const Json& list) {
      std::vector<std::string> cols;
      for (const Json& c : list) {
        cols.push_back("  `" + c.value("Name", "") + "` " + c.value("Type", ""));
      }
      return base::Join(cols, ",\n");
    };
    std::string ddl = "CREATE EXTERNAL TABLE `" + db + "`.`" + s.name + "`(\n" +
                      columns(sd.value("Columns", Json::array())) + ")\n";
    if (!table.value("PartitionKeys", Json::array()).empty()) {
      ddl += "PARTITIONED BY ( \n" + columns(table["PartitionKeys"]) + ")\n";
    }
    const Json& serde = sd.value("SerdeInfo", Json::object());
    ddl += "ROW FORMAT SERDE \n  '" + serde.value("SerializationLibrary", "") + "' \n";
    if (!serde.value("Parameters", Json::object()).empty()) {
      std::vector<std::string> props;
      for (auto& [k, v] : serde["Parameters"].items()) {
        props.push_back("  '" + k + "'='" + (v.is_string() ? v.get<std::string>() : v.dump()) +
                        "'");
      }
      ddl += "WITH SERDEPROPERTIES ( \n" + base::Join(props, ", \n") + ") \n";
    }
    ddl += "STORED AS INPUTFORMAT \n  '" + sd.value("InputFormat", "") + "' \nOUTPUTFORMAT \n  '" +
           sd.value("OutputFormat", "") + "'\nLOCATION\n  '" + sd.value("Location", "") + "'";
    std::vector<std::string> props;
    Json params = table.value("Parameters", Json::object());
    for (auto& [k, v] : params.items()) {
      props.push_back("  '" + k + "'='" + (v.is_string() ? v.get<std::string>() : v.dump()) + "'");
    }
    if (!props.empty()) ddl += "\nTBLPROPERTIES (\n" + base::Join(props, ", \n") + ")";
    out_.results = Lines("createtab_stmt", base::Split(ddl, '\n'));
  }

  // WITH (...) of CTAS and UNLOAD as the writer's options.
  sql::WriteOptions WriteOptionsOf(const Statement& s, glue::StorageFormat& format, bool unload) {
    sql::WriteOptions o;
    o.file_prefix = req_.query_id;
    format.format = sql::FileFormat::kParquet;
    format.compression = "SNAPPY";
    std::string declared = "PARQUET";
    for (const auto& [key, values] : s.with_properties) {
      std::string v = values.empty() ? "" : values[0];
      if (key == "format") {
        declared = base::ToUpper(v);
      } else if (key == "external_location" && !unload) {
        o.location = v;
      } else if (key == "partitioned_by") {
        for (const std::string& x : values) o.partition_by.push_back(base::ToLower(x));
      } else if (key == "write_compression" || key == "parquet_compression" ||
                 key == "compression") {
        format.compression = base::ToUpper(v);
      } else if (key == "field_delimiter") {
        if (v.size() != 1) {
          throw Failure("INVALID_TABLE_PROPERTY", "field_delimiter must be one character");
        }
        format.csv.delimiter = v[0];
      } else if (key == "table_type" && base::ToUpper(v) != "HIVE") {
        throw Failure("NOT_SUPPORTED", "Only Hive tables can be created (table_type " + v + ")");
      } else if (key != "bucketed_by" && key != "bucket_count" && key != "table_type") {
        throw Failure("INVALID_TABLE_PROPERTY", "Unknown table property: " + key);
      }
    }
    if (declared == "PARQUET") {
      format.format = sql::FileFormat::kParquet;
    } else if (declared == "JSON") {
      format.format = sql::FileFormat::kJson;
      format.compression = "";
    } else if (declared == "TEXTFILE" || declared == "CSV") {
      format.format = sql::FileFormat::kCsv;
      char delim = s.with_properties.contains("field_delimiter") ? format.csv.delimiter
                   : declared == "CSV"                           ? ','
                                                                 : '\001';
      format.csv = sql::CsvOptions{};
      format.csv.delimiter = delim;
      format.csv.quote = declared == "CSV" ? '"' : 0;
      format.open_csv = declared == "CSV";
      format.csv.null_marker = declared == "CSV" ? "" : "\\N";
      format.compression = "";
    } else {
      throw Failure("NOT_SUPPORTED",
                    "Unsupported format '" + declared + "' (PARQUET, JSON, TEXTFILE, CSV)");
    }
    o.format = format.format;
    o.csv = format.csv;
    if (format.format == sql::FileFormat::kParquet) o.parquet_compression = format.compression;
    return o;
  }

  // Fails unless nothing is stored under `location` yet.
  void CheckEmpty(const std::string& location, const std::string& what) {
    if (!glue::S3Uri::Parse(location)) {
      throw Failure("INVALID_TABLE_PROPERTY", "Location must be s3://, not '" + location + "'");
    }
    if (!fs_->Glob(location).empty()) {
      throw Failure("HIVE_PATH_ALREADY_EXISTS",
                    "Target directory for " + what + " already exists: " + location);
    }
  }

  static void CheckPartitionColumns(const std::vector<std::string>& names,
                                    const std::vector<std::string>& partition_by) {
    for (const std::string& p : partition_by) {
      if (std::find(names.begin(), names.end(), p) == names.end()) {
        throw Failure("COLUMN_NOT_FOUND", "Partition column " + p + " is not in the query");
      }
    }
    if (!partition_by.empty() && partition_by.size() == names.size()) {
      throw Failure("INVALID_TABLE_PROPERTY", "Every column is a partition column");
    }
  }

  // Registers partitions for the distinct partition values of `def`'s files, located where
  // the writer put them.
  void RegisterPartitions(const std::string& db, const Json& table,
                          const sql::TableDefinition& def) {
    std::set<std::vector<std::string>> seen;
    for (const sql::DataFile& f : def.files) {
      std::vector<std::string> values = f.partition_values;
      for (std::string& v : values) {
        if (v.empty()) v = kDefaultPartition;
      }
      if (values.empty() || !seen.insert(values).second) continue;
      if (catalog_.GetPartition(db, table.value("Name", ""), values)) continue;
      AddPartition(db, table, values, f.path.substr(0, f.path.rfind('/') + 1));
    }
  }

  void CreateTableAs(const Statement& s) {
    std::string db = Db(s);
    Check("glue:CreateTable", db, s.name);
    if (s.with_properties.contains("partitioned_by")) {
      Check("glue:BatchCreatePartition", db, s.name);
    }
    if (!catalog_.GetDatabase(db)) {
      throw Failure("SCHEMA_NOT_FOUND", "Schema '" + db + "' does not exist");
    }
    if (catalog_.GetTable(db, s.name)) {
      if (s.if_not_exists) return;
      throw Failure("TABLE_ALREADY_EXISTS",
                    "Table 'awsdatacatalog." + db + "." + s.name + "' already exists");
    }
    glue::StorageFormat format;
    sql::WriteOptions o = WriteOptionsOf(s, format, false);
    if (o.location.empty()) {
      o.location = req_.output_location + "tables/" + req_.query_id + "/";
    }
    o.location = WithSlash(o.location);
    CheckEmpty(o.location, "table '" + db + "." + s.name + "'");
    sql::QueryResult r = Engine(s.query);
    std::vector<std::string> names;
    for (const std::string& n : r.names) names.push_back(base::ToLower(n));
    CheckPartitionColumns(names, o.partition_by);
    std::vector<sql::Type> types = r.types;
    for (sql::Type& t : types) {
      if (t.id() == sql::TypeId::kUnknown) t = sql::Type::Varchar();
    }
    sql::ChunkCollection empty(types);
    sql::TableDefinition def =
        sql::WriteTable(*fs_, s.name, names, types, s.with_no_data ? empty : r.rows, o);
    Json input = glue::MakeTableInput(format, def.columns, def.partition_keys, o.location);
    input["Name"] = s.name;
    catalog_.CreateTable(db, input);
    std::optional<Json> table = catalog_.GetTable(db, s.name);
    if (table) RegisterPartitions(db, *table, def);
    out_.bytes_scanned = r.bytes_scanned;
    out_.update_count = s.with_no_data ? 0 : static_cast<int64_t>(r.RowCount());
  }

  static sql::ChunkCollection CastRows(const sql::ChunkCollection& rows,
                                       const std::vector<sql::Type>& types) {
    sql::ChunkCollection out(types);
    for (size_t c = 0; c < rows.chunk_count(); c++) {
      const sql::DataChunk& in = rows.chunk(c);
      sql::DataChunk chunk;
      chunk.columns().resize(types.size());
      for (size_t k = 0; k < types.size(); k++) {
        if (in.column(k).type() == types[k]) {
          chunk.column(k).Reference(in.column(k));
        } else {
          sql::CastVector(in.column(k), in.size(), types[k], chunk.column(k), false);
        }
        chunk.column(k).Flatten(in.size());
      }
      chunk.set_size(in.size());
      out.Append(chunk);
    }
    return out;
  }

  void InsertInto(const Statement& s) {
    std::string db = Db(s);
    Json table = Table(db, s.name);
    if (!table.value("PartitionKeys", Json::array()).empty()) {
      Check("glue:BatchCreatePartition", db, s.name);
    }
    glue::StorageFormat format = glue::ReadStorageFormat(table);
    std::vector<sql::ColumnDef> columns =
        glue::ColumnsOf(table["StorageDescriptor"].value("Columns", Json::array()));
    std::vector<sql::ColumnDef> keys = glue::ColumnsOf(table.value("PartitionKeys", Json::array()));
    std::vector<sql::ColumnDef> all = columns;
    all.insert(all.end(), keys.begin(), keys.end());
    if (!s.insert_columns.empty()) {
      bool same = s.insert_columns.size() == all.size();
      for (size_t i = 0; same && i < all.size(); i++) same = s.insert_columns[i] == all[i].name;
      if (!same) {
        throw Failure("NOT_SUPPORTED",
                      "INSERT INTO with a column list must name every column in table order");
      }
    }
    sql::QueryResult r = Engine(s.query);
    if (r.names.size() != all.size()) {
      throw Failure("TYPE_MISMATCH", "Insert query has " + std::to_string(r.names.size()) +
                                         " columns but table " + s.name + " has " +
                                         std::to_string(all.size()));
    }
    std::vector<std::string> names;
    std::vector<sql::Type> types;
    for (const sql::ColumnDef& c : all) {
      names.push_back(c.name);
      types.push_back(c.type);
    }
    sql::WriteOptions o;
    o.format = format.format;
    o.csv = format.csv;
    o.header = format.format == sql::FileFormat::kCsv && format.csv.skip_header_lines > 0;
    o.location = WithSlash(table["StorageDescriptor"].value("Location", ""));
    for (const sql::ColumnDef& k : keys) o.partition_by.push_back(k.name);
    o.file_prefix = req_.query_id;
    if (format.format == sql::FileFormat::kParquet && !format.compression.empty()) {
      o.parquet_compression = format.compression;
    }
    sql::TableDefinition def =
        sql::WriteTable(*fs_, s.name, names, types, CastRows(r.rows, types), o);
    RegisterPartitions(db, table, def);
    out_.bytes_scanned = r.bytes_scanned;
    out_.update_count = static_cast<int64_t>(r.RowCount());
  }

  void Unload(const Statement& s) {
    glue::StorageFormat format;
    sql::WriteOptions o = WriteOptionsOf(s, format, true);
    o.location = WithSlash(s.location);
    CheckEmpty(o.location, "UNLOAD");
    sql::QueryResult r = Engine(s.query);
    std::vector<std::string> names;
    for (const std::string& n : r.names) names.push_back(base::ToLower(n));
    CheckPartitionColumns(names, o.partition_by);
    std::vector<sql::Type> types = r.types;
    for (sql::Type& t : types) {
      if (t.id() == sql::TypeId::kUnknown) t = sql::Type::Varchar();
    }
    sql::WriteTable(*fs_, "unload", names, types, r.rows, o);
    out_.bytes_scanned = r.bytes_scanned;
    out_.update_count = static_cast<int64_t>(r.RowCount());
  }

  void WriteResults() {
    if (req_.output_location.empty()) return;
    const char* type = StatementType(out_.kind);
    if (std::string_view(type) == "DML" || out_.kind == StatementKind::kExplain) {
      out_.output_file = req_.output_location + req_.query_id + ".csv";
      std::string csv = out_.results.columns.empty() ? "" : out_.results.ToCsv();
      out_.output_bytes = csv.size();
      // Both files appear together (one storage commit where the store can).
      fs_->WriteFiles({{out_.output_file, std::move(csv)},
                       {out_.output_file + ".metadata", out_.results.MetadataProto()}});
    } else {
      out_.output_file = req_.output_location + req_.query_id + ".txt";
      std::string text = out_.results.ToText();
      out_.output_bytes = text.size();
      fs_->WriteFiles({{out_.output_file, std::move(text)}});
    }
  }

  glue::Catalog& catalog_;
  std::shared_ptr<sql::FileSystem> fs_;
  sql::Database& db_;
  const QueryRequest& req_;
  QueryOutcome out_;
};

}  // namespace

QueryRunner::QueryRunner(glue::Catalog& catalog, std::shared_ptr<sql::FileSystem> fs)
    : catalog_(catalog), fs_(std::move(fs)), db_(std::make_unique<sql::Database>(fs_)) {}

QueryRunner::~QueryRunner() = default;

QueryOutcome QueryRunner::Run(const QueryRequest& request) {
  return athena::Run(catalog_, fs_, *db_, request).Execute();
}

}  // namespace athena
