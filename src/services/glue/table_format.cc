#include "services/glue/table_format.h"

#include "base/strings.h"
#include "engines/sql/common/error.h"

namespace glue {

using base::Json;

namespace {

sql::BinderError NotSupported(const std::string& message) {
  return sql::BinderError("NOT_SUPPORTED", message);
}

const Json& Member(const Json& doc, const char* name) {
  static const Json kNull;
  auto it = doc.find(name);
  return it == doc.end() ? kNull : *it;
}

std::string Text(const Json& doc, const char* name) {
  const Json& v = Member(doc, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// A delimiter as catalogs write it: the character itself, or an escape ("\t", "\001",
// "\u0001"), or a decimal code ("1" for Ctrl-A, as LazySimpleSerDe's serialization.format).
std::optional<char> DelimiterChar(const std::string& text, bool digits_are_codes) {
  if (text.empty()) return std::nullopt;
  if (text == "\\t") return '\t';
  if (text == "\\n") return '\n';
  if (text.size() > 1 && text[0] == '\\') {
    std::string digits = text.substr(text[1] == 'u' ? 2 : 1);
    try {
      int base = text[1] == 'u' ? 16 : 8;
      int code = std::stoi(digits, nullptr, base);
      if (code > 0 && code < 128) return static_cast<char>(code);
    } catch (const std::exception&) {
    }
    return text[1];
  }
  if (digits_are_codes && text.find_first_not_of("0123456789") == std::string::npos) {
    int code = std::stoi(text.substr(0, 3));
    if (code > 0 && code < 128) return static_cast<char>(code);
    return std::nullopt;
  }
  return text[0];
}

std::string Escaped(char c) {
  if (c == '\t') return "\\t";
  if (c == '\001') return "\\001";
  return std::string(1, c);
}

std::string ParquetCompressionName(std::string c) {
  c = base::ToUpper(c);
  if (c.empty()) return "SNAPPY";
  if (c == "UNCOMPRESSED") return "NONE";
  return c;
}

// A string parameter of a Glue document, or nothing when it is absent (unlike "" set).
std::optional<std::string> FindParameter(const Json& doc, std::string_view name) {
  const Json& params = Member(doc, "Parameters");
  if (!params.is_object()) return std::nullopt;
  for (auto it = params.begin(); it != params.end(); ++it) {
    if (base::EqualsIgnoreCase(it.key(), name) && it->is_string()) return it->get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

std::string Parameter(const Json& doc, std::string_view name) {
  return FindParameter(doc, name).value_or("");
}

std::optional<sql::Type> HiveToSqlType(std::string_view hive_type) {
  std::string t = base::ToLower(base::Trim(hive_type));
  if (t == "string" || t.starts_with("varchar") || t.starts_with("char"))
    return sql::Type::Varchar();
  if (t == "int" || t == "integer") return sql::Type::Integer();
  if (t == "bigint" || t == "long") return sql::Type::Bigint();
  if (t == "smallint" || t == "short") return sql::Type::Smallint();
  if (t == "tinyint" || t == "byte") return sql::Type::Tinyint();
  if (t == "double" || t == "double precision") return sql::Type::Double();
  if (t == "float" || t == "real") return sql::Type::Real();
  if (t == "boolean") return sql::Type::Boolean();
  if (t == "date") return sql::Type::Date();
  if (t == "timestamp") return sql::Type::Timestamp();
  if (t == "binary" || t == "varbinary") return sql::Type::Varbinary();
  if (t == "decimal") return sql::Type::Decimal(10, 0);
  if (t.starts_with("decimal(")) {
    std::optional<sql::Type> d = sql::ParseTypeName(t);
    if (d && d->id() == sql::TypeId::kDecimal) return d;
  }
  return std::nullopt;
}

std::string SqlToHiveType(const sql::Type& type) {
  switch (type.id()) {
    case sql::TypeId::kBoolean:
      return "boolean";
    case sql::TypeId::kTinyint:
      return "tinyint";
    case sql::TypeId::kSmallint:
      return "smallint";
    case sql::TypeId::kInteger:
      return "int";
    case sql::TypeId::kBigint:
      return "bigint";
    case sql::TypeId::kReal:
      return "float";
    case sql::TypeId::kDouble:
      return "double";
    case sql::TypeId::kDecimal:
      return "decimal(" + std::to_string(type.precision()) + "," + std::to_string(type.scale()) +
             ")";
    case sql::TypeId::kVarbinary:
      return "binary";
    case sql::TypeId::kDate:
      return "date";
    case sql::TypeId::kTimestamp:
      return "timestamp";
    case sql::TypeId::kUnknown:
    case sql::TypeId::kVarchar:
    case sql::TypeId::kIntervalDayTime:
    case sql::TypeId::kIntervalYearMonth:
      break;
  }
  return "string";
}

std::vector<sql::ColumnDef> ColumnsOf(const Json& column_list) {
  std::vector<sql::ColumnDef> out;
  if (!column_list.is_array()) return out;
  for (const Json& c : column_list) {
    std::string name = base::ToLower(Text(c, "Name"));
    std::string type = Text(c, "Type");
    std::optional<sql::Type> t = HiveToSqlType(type.empty() ? "string" : type);
    if (!t) {
      throw NotSupported("Column '" + name + "' has type '" + type +
                         "', which this engine cannot read");
    }
    out.push_back({name, *t});
  }
  return out;
}

StorageFormat ReadStorageFormat(const Json& table) {
  const Json& sd = Member(table, "StorageDescriptor");
  const Json& serde_info = Member(sd, "SerdeInfo");
  std::string serde = Text(serde_info, "SerializationLibrary");
  std::string input = Text(sd, "InputFormat");
  std::string classification = base::ToLower(Parameter(table, "classification"));
  if (classification.empty()) classification = base::ToLower(Parameter(sd, "classification"));
  auto serde_param = [&](std::string_view name) { return Parameter(serde_info, name); };

  StorageFormat f;
  std::string header = Parameter(table, "skip.header.line.count");
  if (header.empty()) header = Parameter(sd, "skip.header.line.count");
  if (header.empty()) header = serde_param("skip.header.line.count");
  if (!header.empty()) {
    try {
      f.csv.skip_header_lines = std::max(0, std::stoi(header));
    } catch (const std::exception&) {
      throw sql::BinderError("HIVE_INVALID_METADATA",
                             "skip.header.line.count must be a number, not '" + header + "'");
    }
  }
  std::string lower_serde = base::ToLower(serde);
  std::string lower_input = base::ToLower(input);
  if (lower_serde.find("parquet") != std::string::npos ||
      lower_input.find("parquet") != std::string::npos ||
      (serde.empty() && classification == "parquet")) {
    f.format = sql::FileFormat::kParquet;
    f.compression = ParquetCompressionName(Parameter(table, "parquet.compression"));
    return f;
  }
  if (lower_serde.find("jsonserde") != std::string::npos ||
      (serde.empty() && classification == "json")) {
    f.format = sql::FileFormat::kJson;
    return f;
  }
  bool text_input = input.empty() || input == kTextInputFormat;
  if (serde == kOpenCsvSerDe) {
    f.format = sql::FileFormat::kCsv;
    f.open_csv = true;
    f.csv.open_csv_serde = true;
    f.csv.invalid_values_fail =
        base::ToLower(Parameter(table, "use.null.for.invalid.data")) != "true";
    f.csv.delimiter = DelimiterChar(serde_param("separatorChar"), false).value_or(',');
    f.csv.quote = DelimiterChar(serde_param("quoteChar"), false).value_or('"');
    f.csv.escape = DelimiterChar(serde_param("escapeChar"), false).value_or('\\');
    f.csv.null_marker = "";
    return f;
  }
  if ((serde == kLazySimpleSerDe || serde.empty()) && text_input) {
    f.format = sql::FileFormat::kCsv;
    f.csv.quote = 0;
    char fallback = classification == "csv" ? ',' : classification == "tsv" ? '\t' : '\001';
    std::optional<char> delim = DelimiterChar(serde_param("field.delim"), false);
    if (!delim) delim = DelimiterChar(serde_param("serialization.format"), true);
    f.csv.delimiter = delim.value_or(fallback);
    f.csv.escape = DelimiterChar(serde_param("escape.delim"), false).value_or(0);
    // An explicit empty text makes empty fields NULL; unset, Hive's \N is NULL.
    std::optional<std::string> null_format = FindParameter(serde_info, "serialization.null.format");
    if (!null_format) null_format = FindParameter(table, "serialization.null.format");
    f.csv.null_marker = null_format.value_or("\\N");
    return f;
  }
  std::string what = !serde.empty() ? "SerDe " + serde : "input format " + input;
  throw NotSupported("HIVE_UNSUPPORTED_FORMAT: tables stored with " + what +
                     " cannot be read; use Parquet, JSON or text (CSV/TSV)");
}

Json MakeTableInput(const StorageFormat& format, const std::vector<sql::ColumnDef>& columns,
                    const std::vector<sql::ColumnDef>& partition_keys, const std::string& location,
                    bool csv_header) {
  auto column_list = [](const std::vector<sql::ColumnDef>& cols) {
    Json list = Json::array();
    for (const auto& c : cols) list.push_back({{"Name", c.name}, {"Type", SqlToHiveType(c.type)}});
    return list;
  };
  Json sd = {{"Columns", column_list(columns)},
             {"Location", location},
             {"NumberOfBuckets", 0},
             {"StoredAsSubDirectories", false},
             {"Parameters", Json::object()}};
  Json params = {{"EXTERNAL", "TRUE"}};
  std::string compression = base::ToUpper(format.compression);
  bool compressed = !compression.empty() && compression != "NONE" && compression != "UNCOMPRESSED";
  switch (format.format) {
    case sql::FileFormat::kParquet:
      sd["InputFormat"] = kParquetInputFormat;
      sd["OutputFormat"] = kParquetOutputFormat;
      sd["SerdeInfo"] = {{"SerializationLibrary", kParquetSerDe},
                         {"Parameters", {{"serialization.format", "1"}}}};
      params["classification"] = "parquet";
      params["parquet.compression"] = ParquetCompressionName(format.compression);
      compressed = params["parquet.compression"] != "NONE";
      break;
    case sql::FileFormat::kJson:
      sd["InputFormat"] = kTextInputFormat;
      sd["OutputFormat"] = kTextOutputFormat;
      sd["SerdeInfo"] = {{"SerializationLibrary", kOpenXJsonSerDe},
                         {"Parameters", {{"paths", [&] {
                                            std::vector<std::string> names;
                                            for (const auto& c : columns) names.push_back(c.name);
                                            return base::Join(names, ",");
                                          }()}}}};
      params["classification"] = "json";
      break;
    case sql::FileFormat::kCsv:
      sd["InputFormat"] = kTextInputFormat;
      sd["OutputFormat"] = kTextOutputFormat;
      if (format.open_csv) {
        sd["SerdeInfo"] = {
            {"SerializationLibrary", kOpenCsvSerDe},
            {"Parameters",
             {{"separatorChar", Escaped(format.csv.delimiter)},
              {"quoteChar", std::string(1, format.csv.quote ? format.csv.quote : '"')},
              {"escapeChar", std::string(1, format.csv.escape ? format.csv.escape : '\\')}}}};
      } else {
        sd["SerdeInfo"] = {{"SerializationLibrary", kLazySimpleSerDe},
                           {"Parameters",
                            {{"field.delim", Escaped(format.csv.delimiter)},
                             {"serialization.format", Escaped(format.csv.delimiter)}}}};
      }
      params["classification"] = format.csv.delimiter == '\t' ? "tsv" : "csv";
      if (csv_header) params["skip.header.line.count"] = "1";
      break;
  }
  if (format.format != sql::FileFormat::kParquet) {
    params["compressionType"] = compressed ? base::ToLower(compression) : "none";
  }
  sd["Compressed"] = compressed;
  return {{"StorageDescriptor", sd},
          {"PartitionKeys", column_list(partition_keys)},
          {"TableType", "EXTERNAL_TABLE"},
          {"Parameters", params}};
}

}  // namespace glue
