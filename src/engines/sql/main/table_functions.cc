#include "engines/sql/main/table_functions.h"

#include <algorithm>

#include "base/json.h"
#include "base/strings.h"
#include "engines/sql/common/date_time.h"
#include "engines/sql/common/error.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/execution/scan_operator.h"
#include "engines/sql/formats/file_reader.h"

namespace sql {

namespace {

// The most specific type every sample value parses as.
Type InferType(const std::vector<std::string>& samples) {
  bool any = false, all_int = true, all_double = true, all_date = true, all_ts = true, all_bool = true;
  for (const auto& s : samples) {
    if (s.empty() || s == "\\N") continue;
    any = true;
    all_int = all_int && ParseInt64(s).has_value();
    all_double = all_double && ParseDouble(s).has_value();
    all_date = all_date && ParseDate(s).has_value();
    all_ts = all_ts && ParseTimestamp(s).has_value() && s.size() > 10;
    std::string l = base::ToLower(s);
    all_bool = all_bool && (l == "true" || l == "false");
  }
  if (!any) return Type::Varchar();
  if (all_int) return Type::Bigint();
  if (all_double) return Type::Double();
  if (all_date) return Type::Date();
  if (all_ts) return Type::Timestamp();
  if (all_bool) return Type::Boolean();
  return Type::Varchar();
}

// Partition keys and values of a path: "root/a=1/b=x/file" -> [(a,1), (b,x)].
std::vector<std::pair<std::string, std::string>> PartitionsOf(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  auto parts = base::Split(path, '/');
  for (size_t i = 0; i + 1 < parts.size(); i++) {
    auto eq = parts[i].find('=');
    if (eq == std::string::npos || eq == 0) continue;
    auto v = base::UriDecode(parts[i].substr(eq + 1));
    out.emplace_back(base::ToLower(parts[i].substr(0, eq)), v ? *v : parts[i].substr(eq + 1));
  }
  return out;
}

}  // namespace

std::shared_ptr<TableDefinition> DescribeFiles(FileSystem& fs, const std::string& pattern, FileFormat format,
                                               const CsvOptions& csv, bool header) {
  auto def = std::make_shared<TableDefinition>();
  def->name = pattern;
  def->format = format;
  def->csv = csv;
  def->location = pattern;
  auto files = fs.Glob(pattern);
  if (files.empty()) throw BinderError("TABLE_NOT_FOUND", "No files match '" + pattern + "'");
  // Partition keys from the first file; every file must have the same keys.
  auto first_parts = PartitionsOf(files[0].path);
  std::vector<std::vector<std::string>> part_values(first_parts.size());
  for (const auto& f : files) {
    auto parts = PartitionsOf(f.path);
    DataFile df;
    df.path = f.path;
    df.size = f.size;
    if (parts.size() == first_parts.size()) {
      for (size_t k = 0; k < parts.size(); k++) {
        df.partition_values.push_back(parts[k].second);
        part_values[k].push_back(parts[k].second);
      }
    }
    def->files.push_back(std::move(df));
  }
  // Data columns.
  if (format == FileFormat::kParquet) {
    auto reader = OpenParquetFile(fs, files[0].path);
    for (const auto& c : reader->metadata().schema.columns) {
      if (!c.unsupported.empty()) continue;
      def->columns.push_back({base::ToLower(c.name), ParquetColumnType(c)});
    }
  } else {
    uint64_t bytes = 0;
    std::string text = ReadFileContents(fs, files[0].path, &bytes);
    if (format == FileFormat::kJson) {
      std::vector<std::string> keys;
      std::vector<std::vector<std::string>> samples;
      size_t pos = 0;
      for (int line_no = 0; line_no < 200 && pos < text.size(); line_no++) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        auto obj = base::Json::parse(line, nullptr, false);
        if (obj.is_discarded() || !obj.is_object()) continue;
        for (auto it = obj.begin(); it != obj.end(); ++it) {
          std::string k = base::ToLower(it.key());
          auto found = std::find(keys.begin(), keys.end(), k);
          size_t idx = static_cast<size_t>(found - keys.begin());
          if (found == keys.end()) {
            keys.push_back(k);
            samples.emplace_back();
          }
          if (it.value().is_null()) continue;
          samples[idx].push_back(it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
        }
      }
      for (size_t k = 0; k < keys.size(); k++) def->columns.push_back({keys[k], InferType(samples[k])});
    } else {
      auto rows = CsvSampleRows(text, csv, 200);
      if (rows.empty()) throw BinderError("TABLE_NOT_FOUND", "File '" + files[0].path + "' has no rows");
      size_t width = rows[0].size();
      std::vector<std::string> names;
      size_t first = header ? 1 : 0;
      for (size_t c = 0; c < width; c++) {
        std::string n = header ? base::ToLower(std::string(base::Trim(rows[0][c]))) : "";
        if (n.empty()) n = "column" + std::to_string(c);
        names.push_back(n);
      }
      for (size_t c = 0; c < width; c++) {
        std::vector<std::string> samples;
        for (size_t r = first; r < rows.size(); r++) {
          if (c < rows[r].size()) samples.push_back(rows[r][c]);
        }
        def->columns.push_back({names[c], InferType(samples)});
      }
      def->csv.skip_header_lines = header ? 1 : 0;
    }
  }
  for (size_t k = 0; k < first_parts.size(); k++) {
    bool dup = false;
    for (const auto& c : def->columns) dup = dup || c.name == first_parts[k].first;
    if (dup) continue;
    def->partition_keys.push_back({first_parts[k].first, InferType(part_values[k])});
  }
  // Files whose partition layout differs from the first cannot be described.
  for (auto& f : def->files) {
    if (f.partition_values.size() != first_parts.size()) {
      throw BinderError("HIVE_INVALID_PARTITION_VALUE", "Files under '" + pattern + "' have different partition folders");
    }
    f.partition_values.resize(def->partition_keys.size());
  }
  return def;
}

std::shared_ptr<const TableDefinition> ResolveTableFunction(FileSystem& fs, const std::string& name,
                                                            const std::vector<Value>& args) {
  FileFormat format;
  if (name == "read_csv" || name == "read_csv_auto") {
    format = FileFormat::kCsv;
  } else if (name == "read_json" || name == "read_ndjson" || name == "read_json_auto") {
    format = FileFormat::kJson;
  } else if (name == "read_parquet" || name == "parquet_scan") {
    format = FileFormat::kParquet;
  } else {
    return nullptr;
  }
  if (args.empty() || args[0].is_null() || !args[0].type().IsString()) {
    throw BinderError("INVALID_FUNCTION_ARGUMENT", name + " requires a file path or glob as its first argument");
  }
  CsvOptions csv;
  csv.delimiter = ',';
  csv.quote = '"';
  csv.escape = 0;
  csv.null_marker = "\\N";
  bool header = true;
  if (args.size() > 1 && !args[1].is_null()) {
    if (args[1].type().id() != TypeId::kBoolean) throw BinderError("INVALID_FUNCTION_ARGUMENT", "header must be a boolean");
    header = args[1].boolean();
  }
  if (args.size() > 2 && !args[2].is_null()) {
    std::string d = args[2].ToString();
    if (d == "\\t") d = "\t";
    if (d.size() != 1) throw BinderError("INVALID_FUNCTION_ARGUMENT", "delimiter must be one character");
    csv.delimiter = d[0];
  }
  return DescribeFiles(fs, args[0].str(), format, csv, header);
}

}  // namespace sql
