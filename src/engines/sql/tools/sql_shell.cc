// `unistudio sql`: runs a query (or an interactive prompt) against local files and prints
// the result as an aligned table, CSV or JSON Lines.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "base/json.h"
#include "engines/sql/common/error.h"
#include "engines/sql/main/database.h"
#include "engines/sql/tools/tools.h"

namespace sql {

namespace {

enum class OutputFormat { kTable, kCsv, kJson };

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void Print(const QueryResult& r, OutputFormat format, std::ostream& out) {
  size_t cols = r.names.size();
  std::vector<std::vector<std::string>> rows;
  for (size_t c = 0; c < r.rows.chunk_count(); c++) {
    const DataChunk& chunk = r.rows.chunk(c);
    for (size_t i = 0; i < chunk.size(); i++) {
      std::vector<std::string> row;
      for (size_t k = 0; k < cols; k++) row.push_back(chunk.column(k).GetValue(i).ToString());
      rows.push_back(std::move(row));
    }
  }
  if (format == OutputFormat::kCsv) {
    for (size_t k = 0; k < cols; k++) out << (k ? "," : "") << CsvField(r.names[k]);
    out << "\n";
    for (size_t i = 0; i < rows.size(); i++) {
      for (size_t k = 0; k < cols; k++) {
        Value v = r.GetValue(k, i);
        out << (k ? "," : "") << (v.is_null() ? "" : CsvField(rows[i][k]));
      }
      out << "\n";
    }
    return;
  }
  if (format == OutputFormat::kJson) {
    size_t row_index = 0;
    for (size_t c = 0; c < r.rows.chunk_count(); c++) {
      const DataChunk& chunk = r.rows.chunk(c);
      for (size_t i = 0; i < chunk.size(); i++, row_index++) {
        base::Json obj = base::Json::object();
        for (size_t k = 0; k < cols; k++) {
          Value v = chunk.column(k).GetValue(i);
          if (v.is_null()) {
            obj[r.names[k]] = nullptr;
          } else if (v.type().id() == TypeId::kBoolean) {
            obj[r.names[k]] = v.boolean();
          } else if (v.type().IsInteger()) {
            obj[r.names[k]] = v.int64();
          } else if (v.type().IsFloating()) {
            obj[r.names[k]] = v.dbl();
          } else {
            obj[r.names[k]] = v.ToString();
          }
        }
        out << obj.dump() << "\n";
      }
    }
    return;
  }
  std::vector<size_t> width(cols);
  for (size_t k = 0; k < cols; k++) width[k] = r.names[k].size();
  for (const auto& row : rows) {
    for (size_t k = 0; k < cols; k++) width[k] = std::max(width[k], row[k].size());
  }
  auto line = [&] {
    for (size_t k = 0; k < cols; k++) out << (k ? "-+-" : "") << std::string(width[k], '-');
    out << "\n";
  };
  for (size_t k = 0; k < cols; k++) {
    out << (k ? " | " : "") << r.names[k] << std::string(width[k] - r.names[k].size(), ' ');
  }
  out << "\n";
  line();
  for (size_t i = 0; i < rows.size(); i++) {
    for (size_t k = 0; k < cols; k++) {
      bool numeric = r.types[k].IsNumeric();
      std::string pad(width[k] - rows[i][k].size(), ' ');
      out << (k ? " | " : "") << (numeric ? pad + rows[i][k] : rows[i][k] + pad);
    }
    out << "\n";
  }
  out << "(" << rows.size() << (rows.size() == 1 ? " row" : " rows") << ")\n";
}

int RunOne(Connection& conn, const std::string& query, OutputFormat format) {
  QueryOptions options;
  options.file_table_functions = true;  // local files are what the shell queries
  auto start = std::chrono::steady_clock::now();
  auto last = start;
  bool printed = false;
  bool tty = ::isatty(2);
  options.progress = [&](uint64_t rows, uint64_t bytes) {
    auto now = std::chrono::steady_clock::now();
    if (now - start < std::chrono::seconds(1) || now - last < std::chrono::milliseconds(200)) return;
    last = now;
    printed = true;
    std::cerr << (tty ? "\r" : "") << "scanned " << rows << " rows, " << (bytes >> 20) << " MiB"
              << (tty ? "   " : "\n") << std::flush;
  };
  try {
    QueryResult r = conn.Query(query, options);
    if (printed && tty) std::cerr << "\r" << std::string(60, ' ') << "\r";
    if (!r.names.empty()) Print(r, format, std::cout);
    return 0;
  } catch (const sql::Error& e) {
    if (printed && tty) std::cerr << "\n";
    std::cerr << "Query failed (" << e.name() << "): " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int RunSqlShell(int argc, char** argv) {
  OutputFormat format = OutputFormat::kTable;
  std::string query;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--format" && i + 1 < argc) {
      std::string f = argv[++i];
      if (f == "table") {
        format = OutputFormat::kTable;
      } else if (f == "csv") {
        format = OutputFormat::kCsv;
      } else if (f == "json") {
        format = OutputFormat::kJson;
      } else {
        std::cerr << "unknown format: " << f << "\n";
        return 2;
      }
    } else if (a == "--help" || a == "-h") {
      std::cerr << "usage: sql [--format table|csv|json] [\"QUERY\"]\n";
      return 0;
    } else {
      query = a;
    }
  }
  Database db;
  Connection conn(db);
  if (!query.empty()) return RunOne(conn, query, format);
  bool tty = ::isatty(0);
  std::string buffer, line;
  int status = 0;
  while (true) {
    if (tty) std::cout << (buffer.empty() ? "sql> " : "  -> ") << std::flush;
    if (!std::getline(std::cin, line)) break;
    buffer += line + "\n";
    std::string trimmed = buffer;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
    if (trimmed.empty()) {
      buffer.clear();
      continue;
    }
    if (trimmed == "quit" || trimmed == "exit" || trimmed == "\\q") break;
    if (trimmed.back() != ';') continue;
    status = RunOne(conn, trimmed, format);
    buffer.clear();
  }
  return status;
}

}  // namespace sql
