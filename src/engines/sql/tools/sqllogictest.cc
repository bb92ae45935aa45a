// The sqllogictest runner: executes the records of sqllogictest files (statement ok/error,
// query with type letters, sort modes and MD5 result hashing, hash-threshold, halt,
// skipif/onlyif for the engine named "unistudio") and reports pass rates per file.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "engines/sql/common/error.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/main/database.h"
#include "engines/sql/tools/tools.h"

namespace sql {

namespace {

namespace fs = std::filesystem;

struct Counts {
  size_t passed = 0, failed = 0, skipped = 0;
  double Rate() const {
    size_t run = passed + failed;
    return run == 0 ? 1.0 : static_cast<double>(passed) / static_cast<double>(run);
  }
};

struct Options {
  std::string engine = "unistudio";
  bool verbose = false;
  std::string floors_file;
  std::string root;
  size_t max_failures_shown = 5;
};

// Leading integer of a text, as SQLite converts text to an integer.
int64_t TextToInt(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) i++;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int64_t v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    v = v * 10 + (s[i++] - '0');
  }
  return neg ? -v : v;
}

int64_t DoubleToInt(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return INT64_MAX;
  if (d <= -9.2233720368547758e18) return INT64_MIN;
  return static_cast<int64_t>(d);
}

std::string SqliteReal(double d) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", d);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// Formats one result value as sqllogictest expects for the type letter.
std::string Format(const Value& v, char letter) {
  if (v.is_null()) return "NULL";
  const Type& t = v.type();
  double as_double = 0;
  bool is_text = t.IsString();
  if (!is_text) {
    if (t.id() == TypeId::kBoolean) {
      as_double = v.boolean() ? 1 : 0;
    } else if (t.IsFloating() || t.id() == TypeId::kDecimal) {
      as_double = v.AsDouble();
    } else {
      as_double = static_cast<double>(v.int64());
    }
  }
  switch (letter) {
    case 'I': {
      int64_t i;
      if (is_text) {
        i = TextToInt(v.str());
      } else if (t.id() == TypeId::kDecimal) {
        i = static_cast<int64_t>(v.int128() / Pow10(t.scale()));
      } else if (t.IsFloating()) {
        i = DoubleToInt(v.dbl());
      } else if (t.id() == TypeId::kBoolean) {
        i = v.boolean() ? 1 : 0;
      } else {
        i = v.int64();
      }
      return std::to_string(i);
    }
    case 'R': {
      double d = is_text ? std::atof(v.str().c_str()) : as_double;
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.3f", d);
      return buf;
    }
    default: {
      std::string s;
      if (is_text) {
        s = v.str();
      } else if (t.IsFloating() || t.id() == TypeId::kDecimal) {
        s = SqliteReal(as_double);
      } else if (t.id() == TypeId::kBoolean) {
        s = v.boolean() ? "1" : "0";
      } else if (t.IsInteger()) {
        s = std::to_string(v.int64());
      } else {
        s = v.ToString();
      }
      if (s.empty()) return "(empty)";
      for (auto& c : s) {
        if (c < ' ' || c > '~') c = '@';
      }
      return s;
    }
  }
}

struct Record {
  enum Kind { kStatement, kQuery, kHashThreshold, kHalt } kind;
  int line = 0;
  bool expect_error = false;
  std::string types;
  std::string sort = "nosort";
  std::string sql;
  std::vector<std::string> expected;
  std::vector<std::string> conditions;  // "skipif x" / "onlyif x"
  int threshold = 0;
};

std::vector<Record> ParseFile(const std::string& text) {
  std::vector<Record> out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  std::vector<std::string> conditions;
  auto next = [&](std::string* l) {
    if (!std::getline(in, *l)) return false;
    lineno++;
    if (!l->empty() && l->back() == '\r') l->pop_back();
    return true;
  };
  while (next(&line)) {
    if (line.empty() || line[0] == '#') {
      if (line.empty()) conditions.clear();
      continue;
    }
    std::istringstream words(line);
    std::string w;
    words >> w;
    if (w == "skipif" || w == "onlyif") {
      std::string engine;
      words >> engine;
      conditions.push_back(w + " " + engine);
      continue;
    }
    Record r;
    r.line = lineno;
    r.conditions = conditions;
    conditions.clear();
    if (w == "hash-threshold") {
      r.kind = Record::kHashThreshold;
      words >> r.threshold;
      out.push_back(r);
      continue;
    }
    if (w == "halt") {
      r.kind = Record::kHalt;
      out.push_back(r);
      continue;
    }
    if (w == "statement") {
      r.kind = Record::kStatement;
      std::string mode;
      words >> mode;
      r.expect_error = mode == "error";
      while (next(&line) && !line.empty()) r.sql += line + "\n";
      out.push_back(r);
      continue;
    }
    if (w == "query") {
      r.kind = Record::kQuery;
      words >> r.types;
      std::string sort;
      if (words >> sort) r.sort = sort;
      bool in_results = false;
      while (next(&line)) {
        if (!in_results) {
          if (line == "----") {
            in_results = true;
            continue;
          }
          if (line.empty()) break;
          r.sql += line + "\n";
        } else {
          if (line.empty()) break;
          r.expected.push_back(line);
        }
      }
      out.push_back(r);
      continue;
    }
    // Unknown directive: skip its block.
    while (next(&line) && !line.empty()) {
    }
  }
  return out;
}

bool ShouldSkip(const Record& r, const std::string& engine) {
  for (const auto& c : r.conditions) {
    std::string kind = c.substr(0, 6), name = c.substr(7);
    if (kind == "skipif" && name == engine) return true;
    if (kind == "onlyif" && name != engine) return true;
  }
  return false;
}

std::string Md5Hex(const std::vector<std::string>& values) {
  base::Digest d(base::DigestAlgorithm::kMd5);
  for (const auto& v : values) {
    d.Update(v);
    d.Update("\n");
  }
  return base::HexEncode(d.Final());
}

Counts RunFile(const std::string& path, const Options& opts) {
  Counts counts;
  std::ifstream f(path, std::ios::binary);
  std::stringstream buf;
  buf << f.rdbuf();
  std::vector<Record> records = ParseFile(buf.str());
  Database db;
  Connection conn(db);
  QueryOptions options;
  options.file_table_functions = true;  // as `unistudio sql` runs queries
  int threshold = 0;
  size_t shown = 0;
  auto report = [&](const Record& r, const std::string& why) {
    if (!opts.verbose || shown >= opts.max_failures_shown) return;
    shown++;
    std::cerr << path << ":" << r.line << ": " << why << "\n" << r.sql;
  };
  for (const Record& r : records) {
    if (ShouldSkip(r, opts.engine)) {
      if (r.kind == Record::kStatement || r.kind == Record::kQuery) counts.skipped++;
      continue;
    }
    if (r.kind == Record::kHalt) break;
    if (r.kind == Record::kHashThreshold) {
      threshold = r.threshold;
      continue;
    }
    if (r.kind == Record::kStatement) {
      bool ok;
      std::string err;
      try {
        conn.Query(r.sql, options);
        ok = !r.expect_error;
        if (!ok) err = "statement succeeded but an error was expected";
      } catch (const sql::Error& e) {
        ok = r.expect_error;
        err = e.what();
      }
      if (ok) {
        counts.passed++;
      } else {
        counts.failed++;
        report(r, err);
      }
      continue;
    }
    // Query.
    std::vector<std::string> values;
    size_t columns = r.types.size();
    try {
      QueryResult res = conn.Query(r.sql, options);
      if (res.types.size() != columns) {
        counts.failed++;
        report(r, "expected " + std::to_string(columns) + " columns, got " + std::to_string(res.types.size()));
        continue;
      }
      std::vector<std::vector<std::string>> rows;
      for (size_t c = 0; c < res.rows.chunk_count(); c++) {
        const DataChunk& chunk = res.rows.chunk(c);
        for (size_t i = 0; i < chunk.size(); i++) {
          std::vector<std::string> row;
          for (size_t k = 0; k < columns; k++) row.push_back(Format(chunk.column(k).GetValue(i), r.types[k]));
          rows.push_back(std::move(row));
        }
      }
      if (r.sort == "rowsort") std::sort(rows.begin(), rows.end());
      for (auto& row : rows) {
        for (auto& v : row) values.push_back(std::move(v));
      }
      if (r.sort == "valuesort") std::sort(values.begin(), values.end());
    } catch (const sql::Error& e) {
      counts.failed++;
      report(r, std::string("error: ") + e.what());
      continue;
    }
    bool match;
    bool expected_hash = r.expected.size() == 1 && r.expected[0].find(" values hashing to ") != std::string::npos;
    if (expected_hash) {
      std::string mine = std::to_string(values.size()) + " values hashing to " + Md5Hex(values);
      match = mine == r.expected[0];
    } else if (threshold > 0 && static_cast<int>(values.size()) > threshold && r.expected.size() != values.size()) {
      match = false;
    } else {
      // Expected values may be listed one per line or a row per line (space separated).
      std::vector<std::string> expected;
      for (const auto& e : r.expected) {
        if (columns > 1 && r.expected.size() * columns == values.size()) {
          std::istringstream words(e);
          std::string w;
          while (words >> w) expected.push_back(w);
        } else {
          expected.push_back(e);
        }
      }
      match = expected == values;
      if (!match && r.expected.size() == values.size()) match = r.expected == values;
    }
    if (match) {
      counts.passed++;
    } else {
      counts.failed++;
      std::string got;
      for (size_t i = 0; i < values.size() && i < 12; i++) got += values[i] + " ";
      report(r, "wrong result: " + got);
    }
  }
  return counts;
}

std::map<std::string, double> ReadFloors(const std::string& path) {
  std::map<std::string, double> floors;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string name;
    double rate;
    if (words >> name >> rate) floors[name] = rate;
  }
  return floors;
}

void Usage() {
  std::cerr << "usage: sqllogictest [--verbose] [--engine NAME] [--floors FILE --root DIR] FILE|DIR...\n";
}

}  // namespace

int RunSqlLogicTest(int argc, char** argv) {
  Options opts;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--verbose" || a == "-v") {
      opts.verbose = true;
    } else if (a == "--engine" && i + 1 < argc) {
      opts.engine = argv[++i];
    } else if (a == "--floors" && i + 1 < argc) {
      opts.floors_file = argv[++i];
    } else if (a == "--root" && i + 1 < argc) {
      opts.root = argv[++i];
    } else if (a == "--help" || a == "-h") {
      Usage();
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      Usage();
      return 2;
    } else {
      inputs.push_back(a);
    }
  }
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      for (auto it = fs::recursive_directory_iterator(in, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_regular_file() && it->path().extension() == ".test") files.push_back(it->path().string());
      }
    } else {
      files.push_back(in);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    Usage();
    return 2;
  }
  std::map<std::string, double> floors;
  if (!opts.floors_file.empty()) floors = ReadFloors(opts.floors_file);
  Counts total;
  bool below_floor = false;
  for (const auto& file : files) {
    Counts c = RunFile(file, opts);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
    std::string rel = file;
    if (!opts.root.empty()) rel = fs::relative(file, opts.root).string();
    char rate[32];
    std::snprintf(rate, sizeof(rate), "%.2f%%", c.Rate() * 100);
    std::cout << rel << ": " << c.passed << " passed, " << c.failed << " failed, " << c.skipped << " skipped ("
              << rate << " pass)";
    auto it = floors.find(rel);
    // Floors are written with two decimals, as the rate is printed: compare at that precision.
    if (it != floors.end() && c.Rate() * 100 + 0.005 < it->second) {
      std::cout << " BELOW FLOOR " << it->second << "%";
      below_floor = true;
    }
    std::cout << std::endl;
  }
  char rate[32];
  std::snprintf(rate, sizeof(rate), "%.2f%%", total.Rate() * 100);
  std::cout << "total pass rate: " << rate << std::endl;
  std::cout << total.passed << " passed, " << total.failed << " failed, " << total.skipped << " skipped" << std::endl;
  return below_floor ? 1 : 0;
}

}  // namespace sql
