#include "services/glue/etl_plan.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "base/strings.h"
#include "engines/sql/main/table_functions.h"
#include "services/glue/glue_error.h"

namespace glue {

using base::Json;

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {

constexpr std::string_view kTargets[] = {"S3DirectTarget", "S3GlueParquetTarget", "CatalogTarget"};

// A file source node's path `i` is the table "$source"."<node id>"."<i>" (no catalog table can
// be named so: Glue names have no '$', and three-part catalog names start with
// awsdatacatalog).
constexpr const char* kSourceSchema = "$source";

std::string Literal(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

GlueError Invalid(const std::string& node, const std::string& message) {
  return GlueError(ErrorKind::kInvalidInput, "Node " + node + ": " + message);
}

// A column path ([name] or ["a", "b"] for nested fields) as the column it names.
std::string PathColumn(const Json& path) {
  if (path.is_string()) return path.get<std::string>();
  std::vector<std::string> parts;
  for (const Json& p : path) {
    if (p.is_string()) parts.push_back(p.get<std::string>());
  }
  return base::Join(parts, ".");
}

std::string SqlType(const std::string& node, const std::string& glue_type) {
  static const std::map<std::string, std::string> kTypes = {
      {"string", "VARCHAR"},     {"varchar", "VARCHAR"}, {"char", "VARCHAR"},
      {"int", "INTEGER"},        {"integer", "INTEGER"}, {"long", "BIGINT"},
      {"bigint", "BIGINT"},      {"short", "SMALLINT"},  {"smallint", "SMALLINT"},
      {"byte", "TINYINT"},       {"tinyint", "TINYINT"}, {"double", "DOUBLE"},
      {"float", "REAL"},         {"boolean", "BOOLEAN"}, {"date", "DATE"},
      {"timestamp", "TIMESTAMP"}};
  std::string t = base::ToLower(glue_type);
  if (auto it = kTypes.find(t); it != kTypes.end()) return it->second;
  if (t.starts_with("decimal")) return base::ToUpper(t);
  throw Invalid(node, "type " + glue_type + " is not supported");
}

// How a file source node's files are read: the format and, for CSV, the node's separator,
// quote and escape characters and whether the first line is a header.
struct SourceFormat {
  sql::FileFormat format = sql::FileFormat::kCsv;
  sql::CsvOptions csv;
  bool header = true;
};

std::optional<SourceFormat> FileSourceFormat(const std::string& id, const std::string& type,
                                             const Json& body) {
  SourceFormat f;
  if (type == "S3JsonSource") {
    f.format = sql::FileFormat::kJson;
    return f;
  }
  if (type == "S3ParquetSource") {
    f.format = sql::FileFormat::kParquet;
    return f;
  }
  if (type != "S3CsvSource") return std::nullopt;
  static const std::map<std::string, char> kSeparators = {
      {"comma", ','}, {"tab", '\t'}, {"pipe", '|'}, {"semicolon", ';'}, {"ctrla", '\x01'}};
  static const std::map<std::string, char> kQuotes = {
      {"quote", '"'}, {"single_quote", '\''}, {"disabled", 0}};
  std::string sep = base::ToLower(body.value("Separator", "comma"));
  auto it = kSeparators.find(sep);
  if (it == kSeparators.end()) throw Invalid(id, "unknown separator " + sep);
  std::string quote = base::ToLower(body.value("QuoteChar", "quote"));
  auto q = kQuotes.find(quote);
  if (q == kQuotes.end()) throw Invalid(id, "unknown quote character " + quote);
  std::string escaper = body.value("Escaper", "");
  if (escaper.size() > 1) throw Invalid(id, "Escaper must be one character");
  f.csv.delimiter = it->second;
  f.csv.quote = q->second;
  f.csv.escape = escaper.empty() ? 0 : escaper[0];
  f.csv.null_marker = "\\N";
  f.header = body.value("WithHeader", true);
  return f;
}

// The node's Paths.
std::vector<std::string> SourcePaths(const std::string& id, const Json& body) {
  std::vector<std::string> paths;
  for (const Json& p : body.value("Paths", Json::array())) {
    if (p.is_string()) paths.push_back(p.get<std::string>());
  }
  if (paths.empty()) throw Invalid(id, "Paths is required");
  return paths;
}

class Compiler {
 public:
  Compiler(const Json& nodes, const RunQuery& run_query) : nodes_(nodes), run_query_(run_query) {}

  EtlPlan Compile() {
    if (!nodes_.is_object() || nodes_.empty()) {
      throw GlueError(ErrorKind::kInvalidInput, "CodeGenConfigurationNodes is empty");
    }
    EtlPlan plan;
    for (auto& [id, node] : nodes_.items()) {
      auto [type, body] = TypeOf(id);
      if (std::find(std::begin(kTargets), std::end(kTargets), type) == std::end(kTargets)) continue;
      std::vector<std::string> inputs = Inputs(id, body, 1);
      EtlTarget t;
      t.node_id = id;
      t.node_type = type;
      t.sql = QueryOf(inputs[0]);
      for (const Json& k : body.value("PartitionKeys", Json::array())) {
        t.partition_keys.push_back(base::ToLower(PathColumn(k)));
      }
      if (type == "CatalogTarget") {
        t.database = body.value("Database", "");
        t.table = body.value("Table", "");
        if (t.database.empty() || t.table.empty())
          throw Invalid(id, "Database and Table are required");
      } else {
        t.path = body.value("Path", "");
        if (t.path.empty()) throw Invalid(id, "Path is required");
        t.format = type == "S3GlueParquetTarget" ? "parquet"
                                                 : base::ToLower(body.value("Format", "parquet"));
        t.compression = base::ToLower(body.value("Compression", ""));
        const Json& policy = body.value("SchemaChangePolicy", Json::object());
        if (policy.value("EnableUpdateCatalog", false)) {
          t.database = policy.value("Database", "");
          t.table = policy.value("Table", "");
        }
      }
      plan.targets.push_back(std::move(t));
    }
    if (plan.targets.empty()) {
      throw GlueError(ErrorKind::kInvalidInput, "The flow has no target node");
    }
    return plan;
  }

 private:
  std::pair<std::string, Json> TypeOf(const std::string& id) {
    const Json& node = nodes_.at(id);
    if (!node.is_object() || node.size() != 1) throw Invalid(id, "must hold exactly one node type");
    return {node.begin().key(), node.begin().value()};
  }

  std::vector<std::string> Inputs(const std::string& id, const Json& body, size_t expected) {
    std::vector<std::string> inputs;
    for (const Json& v : body.value("Inputs", Json::array())) {
      if (v.is_string()) inputs.push_back(v.get<std::string>());
    }
    if (inputs.size() != expected) {
      throw Invalid(id, "needs " + std::to_string(expected) + " input(s)");
    }
    for (const std::string& in : inputs) {
      if (!nodes_.contains(in)) throw Invalid(id, "input " + in + " is not a node of the flow");
    }
    return inputs;
  }

  // The full query producing `id`'s rows: every upstream node as a CTE, in dependency order.
  std::string QueryOf(const std::string& id) {
    std::vector<std::string> order;
    std::set<std::string> done;
    Collect(id, order, done, {});
    std::string sql = "WITH ";
    for (size_t i = 0; i < order.size(); i++) {
      if (i) sql += ",\n";
      sql += QuoteIdentifier(order[i]) + " AS (" + Body(order[i]) + ")";
    }
    return sql + "\nSELECT * FROM " + QuoteIdentifier(id);
  }

  void Collect(const std::string& id, std::vector<std::string>& order, std::set<std::string>& done,
               std::set<std::string> path) {
    if (done.contains(id)) return;
    if (!path.insert(id).second) throw Invalid(id, "the flow has a cycle through this node");
    auto [type, body] = TypeOf(id);
    for (const Json& v : body.value("Inputs", Json::array())) {
      if (!v.is_string() || !nodes_.contains(v.get<std::string>())) {
        throw Invalid(id, "input " + v.dump() + " is not a node of the flow");
      }
      Collect(v.get<std::string>(), order, done, path);
    }
    done.insert(id);
    order.push_back(id);
  }

  std::vector<std::string> ColumnsOfNode(const std::string& id) {
    return run_query_(QueryOf(id) + " LIMIT 0").names;
  }

  std::string From(const std::string& id) { return " FROM " + QuoteIdentifier(id); }

  // One source table per path (MakeEtlSourceResolver resolves them), in a UNION ALL.
  std::string FileSource(const std::string& id, const Json& body) {
    std::vector<std::string> parts;
    std::vector<std::string> paths = SourcePaths(id, body);
    for (size_t i = 0; i < paths.size(); i++) {
      parts.push_back("SELECT * FROM " + QuoteIdentifier(kSourceSchema) + "." +
                      QuoteIdentifier(id) + "." + QuoteIdentifier(std::to_string(i)));
    }
    return base::Join(parts, " UNION ALL ");
  }

  std::string FilterCondition(const std::string& id, const Json& f) {
    std::vector<std::string> values;
    for (const Json& v : f.value("Values", Json::array())) {
      std::string text = v.contains("Value") && !v["Value"].empty() ? PathColumn(v["Value"]) : "";
      if (v.value("Type", "CONSTANT") == "COLUMNEXTRACTED") {
        values.push_back(QuoteIdentifier(text));
      } else {
        // Numbers stay numbers so they compare with numeric columns.
        bool numeric = !text.empty() &&
                       text.find_first_not_of("+-0123456789.eE") == std::string::npos &&
                       std::isdigit(static_cast<unsigned char>(text.back()));
        values.push_back(numeric ? text : Literal(text));
      }
    }
    std::string op = f.value("Operation", "");
    std::string cond;
    if (op == "ISNULL") {
      if (values.empty()) throw Invalid(id, "ISNULL needs a column");
      cond = values[0] + " IS NULL";
    } else {
      if (values.size() != 2) throw Invalid(id, op + " needs two values");
      static const std::map<std::string, std::string> kOps = {
          {"EQ", "="}, {"LT", "<"}, {"GT", ">"}, {"LTE", "<="}, {"GTE", ">="}};
      if (op == "REGEX") {
        cond = "regexp_like(CAST(" + values[0] + " AS VARCHAR), " + values[1] + ")";
      } else if (auto it = kOps.find(op); it != kOps.end()) {
        cond = values[0] + " " + it->second + " " + values[1];
      } else {
        throw Invalid(id, "unknown filter operation " + op);
      }
    }
    return f.value("Negated", false) ? "NOT (" + cond + ")" : cond;
  }

  std::string Body(const std::string& id) {
    auto [type, body] = TypeOf(id);
    if (FileSourceFormat(id, type, body)) return FileSource(id, body);
    if (type == "CatalogSource" || type == "S3CatalogSource") {
      std::string db = body.value("Database", "");
      std::string table = body.value("Table", "");
      if (db.empty() || table.empty()) throw Invalid(id, "Database and Table are required");
      return "SELECT * FROM " + QuoteIdentifier(base::ToLower(db)) + "." +
             QuoteIdentifier(base::ToLower(table));
    }
    if (type == "Filter") {
      std::string in = Inputs(id, body, 1)[0];
      std::vector<std::string> conds;
      for (const Json& f : body.value("Filters", Json::array()))
        conds.push_back(FilterCondition(id, f));
      if (conds.empty()) throw Invalid(id, "Filters is required");
      std::string join = body.value("LogicalOperator", "AND") == "OR" ? " OR " : " AND ";
      return "SELECT *" + From(in) + " WHERE " + base::Join(conds, join);
    }
    if (type == "Aggregate") {
      std::string in = Inputs(id, body, 1)[0];
      std::vector<std::string> groups, select;
      for (const Json& g : body.value("Groups", Json::array())) {
        groups.push_back(QuoteIdentifier(PathColumn(g)));
      }
      select = groups;
      static const std::map<std::string, std::string> kFuncs = {
          {"avg", "avg(%)"},
          {"count", "count(%)"},
          {"countDistinct", "count(DISTINCT %)"},
          {"max", "max(%)"},
          {"min", "min(%)"},
          {"sum", "sum(%)"},
          {"sumDistinct", "sum(DISTINCT %)"},
          {"stddev_samp", "stddev_samp(%)"},
          {"stddev_pop", "stddev_pop(%)"},
          {"var_samp", "var_samp(%)"},
          {"var_pop", "var_pop(%)"},
          {"first", "arbitrary(%)"},
          {"last", "arbitrary(%)"}};
      for (const Json& a : body.value("Aggs", Json::array())) {
        std::string fn = a.value("AggFunc", "");
        std::string col = PathColumn(a.value("Column", Json::array()));
        auto it = kFuncs.find(fn);
        if (it == kFuncs.end()) throw Invalid(id, "aggregate function " + fn + " is not supported");
        std::string expr = it->second;
        expr.replace(expr.find('%'), 1, QuoteIdentifier(col));
        select.push_back(expr + " AS " + QuoteIdentifier(fn + "(" + col + ")"));
      }
      if (select.size() == groups.size()) throw Invalid(id, "Aggs is required");
      std::string sql = "SELECT " + base::Join(select, ", ") + From(in);
      if (!groups.empty()) sql += " GROUP BY " + base::Join(groups, ", ");
      return sql;
    }
    if (type == "Join") {
      std::vector<std::string> inputs = Inputs(id, body, 2);
      const Json& cols = body.value("Columns", Json::array());
      if (cols.size() != 2) throw Invalid(id, "Columns needs the keys of both inputs");
      std::string left = cols[0].value("From", inputs[0]);
      std::string right = cols[1].value("From", inputs[1]);
      const Json& lk = cols[0].value("Keys", Json::array());
      const Json& rk = cols[1].value("Keys", Json::array());
      if (lk.empty() || lk.size() != rk.size()) throw Invalid(id, "join keys do not pair up");
      std::vector<std::string> on;
      for (size_t i = 0; i < lk.size(); i++) {
        on.push_back("l." + QuoteIdentifier(PathColumn(lk[i])) + " = r." +
                     QuoteIdentifier(PathColumn(rk[i])));
      }
      std::string kind = body.value("JoinType", "equijoin");
      std::string cond = base::Join(on, " AND ");
      std::string l = QuoteIdentifier(left) + " AS l", r = QuoteIdentifier(right) + " AS r";
      if (kind == "leftsemi")
        return "SELECT l.* FROM " + l + " WHERE EXISTS (SELECT 1 FROM " + r + " WHERE " + cond +
               ")";
      if (kind == "leftanti")
        return "SELECT l.* FROM " + l + " WHERE NOT EXISTS (SELECT 1 FROM " + r + " WHERE " + cond +
               ")";
      static const std::map<std::string, std::string> kJoins = {{"equijoin", "JOIN"},
                                                                {"left", "LEFT JOIN"},
                                                                {"right", "RIGHT JOIN"},
                                                                {"outer", "FULL OUTER JOIN"}};
      auto it = kJoins.find(kind);
      if (it == kJoins.end()) throw Invalid(id, "join type " + kind + " is not supported");
      // Right-side columns that the left side also has are dropped (the join keys, usually).
      std::vector<std::string> select = {"l.*"};
      std::vector<std::string> left_cols = ColumnsOfNode(left);
      for (const std::string& c : ColumnsOfNode(right)) {
        if (std::find(left_cols.begin(), left_cols.end(), c) == left_cols.end()) {
          select.push_back("r." + QuoteIdentifier(c));
        }
      }
      return "SELECT " + base::Join(select, ", ") + " FROM " + l + " " + it->second + " " + r +
             " ON " + cond;
    }
    if (type == "ApplyMapping") {
      std::string in = Inputs(id, body, 1)[0];
      std::vector<std::string> select;
      for (const Json& m : body.value("Mapping", Json::array())) {
        if (m.value("Dropped", false)) continue;
        std::string from = PathColumn(m.value("FromPath", Json::array()));
        std::string to = m.value("ToKey", from);
        std::string expr = QuoteIdentifier(from);
        if (m.contains("ToType") && m.value("ToType", "") != m.value("FromType", "")) {
          expr = "CAST(" + expr + " AS " + SqlType(id, m.value("ToType", "")) + ")";
        }
        select.push_back(expr + " AS " + QuoteIdentifier(to));
      }
      if (select.empty()) throw Invalid(id, "Mapping keeps no column");
      return "SELECT " + base::Join(select, ", ") + From(in);
    }
    if (type == "SelectFields" || type == "DropFields") {
      std::string in = Inputs(id, body, 1)[0];
      std::set<std::string> named;
      for (const Json& p : body.value("Paths", Json::array())) named.insert(PathColumn(p));
      std::vector<std::string> select;
      for (const std::string& c : ColumnsOfNode(in)) {
        if (named.contains(c) == (type == "SelectFields")) select.push_back(QuoteIdentifier(c));
      }
      if (select.empty()) throw Invalid(id, "no column is left");
      return "SELECT " + base::Join(select, ", ") + From(in);
    }
    if (type == "RenameField") {
      std::string in = Inputs(id, body, 1)[0];
      std::string from = PathColumn(body.value("SourcePath", Json::array()));
      std::string to = PathColumn(body.value("TargetPath", Json::array()));
      std::vector<std::string> select;
      bool found = false;
      for (const std::string& c : ColumnsOfNode(in)) {
        if (c == from) {
          select.push_back(QuoteIdentifier(c) + " AS " + QuoteIdentifier(to));
          found = true;
        } else {
          select.push_back(QuoteIdentifier(c));
        }
      }
      if (!found) throw Invalid(id, "column " + from + " does not exist");
      return "SELECT " + base::Join(select, ", ") + From(in);
    }
    if (type == "DropDuplicates") {
      std::string in = Inputs(id, body, 1)[0];
      std::vector<std::string> keys;
      for (const Json& c : body.value("Columns", Json::array()))
        keys.push_back(QuoteIdentifier(PathColumn(c)));
      if (keys.empty()) return "SELECT DISTINCT *" + From(in);
      std::vector<std::string> cols;
      for (const std::string& c : ColumnsOfNode(in)) cols.push_back(QuoteIdentifier(c));
      return "SELECT " + base::Join(cols, ", ") +
             " FROM (SELECT *, row_number() OVER (PARTITION BY " + base::Join(keys, ", ") +
             ") AS \"__glue_row\"" + From(in) + ") WHERE \"__glue_row\" = 1";
    }
    if (type == "DropNullFields") {
      // Drops the columns whose every value is NULL or one of the node's null placeholders
      // (NullCheckBoxList: "", "null", -1; NullTextList: listed values).
      std::string in = Inputs(id, body, 1)[0];
      const Json checks = body.value("NullCheckBoxList", Json::object());
      std::vector<std::string> placeholders;
      if (checks.value("IsEmpty", false)) placeholders.push_back("''");
      if (checks.value("IsNullString", false)) placeholders.push_back("'null'");
      if (checks.value("IsNegOne", false)) placeholders.push_back("'-1'");
      for (const Json& t : body.value("NullTextList", Json::array())) {
        placeholders.push_back(Literal(t.value("Value", std::string())));
      }
      std::vector<std::string> columns = ColumnsOfNode(in);
      std::vector<std::string> counts;
      for (const std::string& c : columns) {
        std::string q = QuoteIdentifier(c);
        std::string null_like = q + " IS NULL";
        if (!placeholders.empty()) {
          null_like = "coalesce(CAST(" + q + " AS VARCHAR) IN (" + base::Join(placeholders, ", ") +
                      "), TRUE)";
        }
        counts.push_back("count(CASE WHEN " + null_like + " THEN NULL ELSE 1 END)");
      }
      sql::QueryResult r =
          run_query_("SELECT " + base::Join(counts, ", ") + " FROM (" + QueryOf(in) + ")");
      std::vector<std::string> select;
      for (size_t i = 0; i < columns.size(); ++i) {
        if (r.RowCount() == 1 && r.GetValue(i, 0).ToString() != "0") {
          select.push_back(QuoteIdentifier(columns[i]));
        }
      }
      if (select.empty()) throw Invalid(id, "every column holds only nulls");
      return "SELECT " + base::Join(select, ", ") + From(in);
    }
    if (type == "Union") {
      std::vector<std::string> inputs = Inputs(id, body, 2);
      std::string kind = body.value("UnionType", "ALL") == "DISTINCT" ? " UNION " : " UNION ALL ";
      return "SELECT *" + From(inputs[0]) + kind + "SELECT *" + From(inputs[1]);
    }
    if (type == "SparkSQL") {
      std::vector<std::string> aliases;
      for (const Json& a : body.value("SqlAliases", Json::array())) {
        std::string from = a.value("From", "");
        if (!nodes_.contains(from)) throw Invalid(id, "alias source " + from + " is not a node");
        aliases.push_back(QuoteIdentifier(a.value("Alias", "")) + " AS (SELECT *" + From(from) +
                          ")");
      }
      std::string raw = body.value("SqlQuery", "");
      std::string sql(base::Trim(raw));
      while (!sql.empty() && sql.back() == ';') sql.pop_back();
      if (sql.empty()) throw Invalid(id, "SqlQuery is required");
      return "SELECT * FROM (WITH " + base::Join(aliases, ", ") + " " + sql + ")";
    }
    if (type == "FillMissingValues") {
      std::string in = Inputs(id, body, 1)[0];
      std::string imputed = PathColumn(body.value("ImputedPath", Json::array()));
      std::string filled = body.contains("FilledPath") ? PathColumn(body["FilledPath"]) : imputed;
      std::vector<std::string> select = {"*"};
      std::string fill = "COALESCE(" + QuoteIdentifier(imputed) + ", (SELECT avg(" +
                         QuoteIdentifier(imputed) + ")" + From(in) + "))";
      if (filled == imputed) {
        select.clear();
        for (const std::string& c : ColumnsOfNode(in)) {
          select.push_back(c == imputed ? fill + " AS " + QuoteIdentifier(c) : QuoteIdentifier(c));
        }
      } else {
        select.push_back(fill + " AS " + QuoteIdentifier(filled));
      }
      return "SELECT " + base::Join(select, ", ") + From(in);
    }
    throw Invalid(id, "node type " + type + " is not supported");
  }

  const Json& nodes_;
  const RunQuery& run_query_;
};

}  // namespace

EtlPlan CompileEtlGraph(const Json& nodes, const RunQuery& run_query) {
  return Compiler(nodes, run_query).Compile();
}

sql::TableResolver MakeEtlSourceResolver(const Json& nodes, sql::FileSystem& fs,
                                         sql::TableResolver next) {
  return [nodes, &fs, next = std::move(next)](
             const std::vector<std::string>& name) -> std::shared_ptr<const sql::TableDefinition> {
    if (name.size() != 3 || name[0] != kSourceSchema) return next ? next(name) : nullptr;
    auto node = nodes.find(name[1]);
    if (node == nodes.end() || !node->is_object() || node->size() != 1) return nullptr;
    const std::string& type = node->begin().key();
    const Json& body = node->begin().value();
    std::optional<SourceFormat> format = FileSourceFormat(name[1], type, body);
    std::vector<std::string> paths = SourcePaths(name[1], body);
    size_t index = paths.size();
    if (name[2].size() < 4 && name[2].find_first_not_of("0123456789") == std::string::npos) {
      index = std::stoul(name[2]);
    }
    if (!format || index >= paths.size()) return nullptr;
    return sql::DescribeFiles(fs, paths[index], format->format, format->csv, format->header);
  };
}

}  // namespace glue
