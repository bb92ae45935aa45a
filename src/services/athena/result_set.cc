#include "services/athena/result_set.h"

#include <cstdint>

namespace athena {

using base::Json;

namespace {

constexpr int kVarcharPrecision = 2147483647;

void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void AppendBytesField(std::string& out, int field, std::string_view bytes) {
  AppendVarint(out, static_cast<uint64_t>(field) << 3 | 2);
  AppendVarint(out, bytes.size());
  out += bytes;
}

void AppendIntField(std::string& out, int field, uint64_t v) {
  AppendVarint(out, static_cast<uint64_t>(field) << 3);
  AppendVarint(out, v);
}

bool ReadVarint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    uint8_t b = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

struct ProtoField {
  int number = 0;
  uint64_t value = 0;
  std::string_view bytes;
};

// The fields of a message (varint and length-delimited only, as the metadata file holds).
std::optional<std::vector<ProtoField>> ReadFields(std::string_view in) {
  std::vector<ProtoField> out;
  while (!in.empty()) {
    uint64_t key;
    if (!ReadVarint(in, key)) return std::nullopt;
    ProtoField f;
    f.number = static_cast<int>(key >> 3);
    if ((key & 7) == 0) {
      if (!ReadVarint(in, f.value)) return std::nullopt;
    } else if ((key & 7) == 2) {
      uint64_t n;
      if (!ReadVarint(in, n) || n > in.size()) return std::nullopt;
      f.bytes = in.substr(0, n);
      in.remove_prefix(n);
    } else {
      return std::nullopt;
    }
    out.push_back(f);
  }
  return out;
}

void AppendQuoted(std::string& out, const std::string& v) {
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

ResultColumn ColumnOf(const std::string& name, const sql::Type& type) {
  ResultColumn c;
  c.name = name;
  switch (type.id()) {
    case sql::TypeId::kBoolean:
      c.type = "boolean";
      break;
    case sql::TypeId::kTinyint:
      c.type = "tinyint", c.precision = 3;
      break;
    case sql::TypeId::kSmallint:
      c.type = "smallint", c.precision = 5;
      break;
    case sql::TypeId::kInteger:
      c.type = "integer", c.precision = 10;
      break;
    case sql::TypeId::kBigint:
      c.type = "bigint", c.precision = 19;
      break;
    case sql::TypeId::kReal:
      c.type = "float", c.precision = 17;
      break;
    case sql::TypeId::kDouble:
      c.type = "double", c.precision = 17;
      break;
    case sql::TypeId::kDecimal:
      c.type = "decimal", c.precision = type.precision(), c.scale = type.scale();
      break;
    case sql::TypeId::kVarbinary:
      c.type = "varbinary", c.precision = kVarcharPrecision;
      break;
    case sql::TypeId::kDate:
      c.type = "date";
      break;
    case sql::TypeId::kTimestamp:
      c.type = "timestamp", c.precision = 3;
      break;
    case sql::TypeId::kIntervalDayTime:
      c.type = "interval day to second";
      break;
    case sql::TypeId::kIntervalYearMonth:
      c.type = "interval year to month";
      break;
    case sql::TypeId::kUnknown:
    case sql::TypeId::kVarchar:
      c.type = "varchar", c.precision = kVarcharPrecision, c.case_sensitive = true;
      break;
  }
  return c;
}

ResultSet FromQueryResult(const sql::QueryResult& result) {
  ResultSet rs;
  for (size_t i = 0; i < result.names.size(); i++) {
    rs.columns.push_back(ColumnOf(result.names[i], result.types[i]));
  }
  rs.rows.reserve(result.RowCount());
  for (size_t c = 0; c < result.rows.chunk_count(); c++) {
    const sql::DataChunk& chunk = result.rows.chunk(c);
    for (size_t r = 0; r < chunk.size(); r++) {
      ResultRow row;
      row.reserve(rs.columns.size());
      for (size_t k = 0; k < rs.columns.size(); k++) {
        sql::Value v = chunk.column(k).GetValue(r);
        if (v.is_null()) {
          row.emplace_back();
        } else {
          row.emplace_back(v.ToString());
        }
      }
      rs.rows.push_back(std::move(row));
    }
  }
  return rs;
}

Json ResultSet::PagedRow(size_t i) const {
  Json data = Json::array();
  if (header && i == 0) {
    for (const ResultColumn& c : columns) data.push_back({{"VarCharValue", c.name}});
    return {{"Data", data}};
  }
  for (const auto& v : rows[i - (header ? 1 : 0)]) {
    data.push_back(v ? Json{{"VarCharValue", *v}} : Json::object());
  }
  return {{"Data", data}};
}

Json ResultSet::ColumnInfo() const {
  Json out = Json::array();
  for (const ResultColumn& c : columns) {
    out.push_back({{"CatalogName", "hive"},
                   {"SchemaName", ""},
                   {"TableName", ""},
                   {"Name", c.name},
                   {"Label", c.name},
                   {"Type", c.type},
                   {"Precision", c.precision},
                   {"Scale", c.scale},
                   {"Nullable", "UNKNOWN"},
                   {"CaseSensitive", c.case_sensitive}});
  }
  return out;
}

std::string ResultSet::ToCsv() const {
  std::string out;
  for (size_t k = 0; k < columns.size(); k++) {
    if (k) out += ',';
    AppendQuoted(out, columns[k].name);
  }
  out += '\n';
  for (const ResultRow& row : rows) {
    for (size_t k = 0; k < row.size(); k++) {
      if (k) out += ',';
      if (row[k]) AppendQuoted(out, *row[k]);
    }
    out += '\n';
  }
  return out;
}

std::string ResultSet::ToText() const {
  std::string out;
  for (const ResultRow& row : rows) {
    for (size_t k = 0; k < row.size(); k++) {
      if (k) out += '\t';
      if (row[k]) out += *row[k];
    }
    out += '\n';
  }
  return out;
}

std::string ResultSet::MetadataProto() const {
  std::string out;
  for (const ResultColumn& c : columns) {
    std::string col;
    AppendBytesField(col, 1, "hive");
    AppendBytesField(col, 4, c.name);
    AppendBytesField(col, 5, c.name);
    AppendBytesField(col, 6, c.type);
    AppendIntField(col, 7, static_cast<uint64_t>(c.precision));
    AppendIntField(col, 8, static_cast<uint64_t>(c.scale));
    AppendIntField(col, 9, 3);  // UNKNOWN
    AppendIntField(col, 10, c.case_sensitive ? 1 : 0);
    AppendBytesField(out, 4, col);
  }
  return out;
}

std::optional<std::vector<ResultRow>> ParseCsvRows(std::string_view csv) {
  std::vector<ResultRow> rows;
  ResultRow row;
  size_t i = 0;
  bool first_line = true;
  while (i < csv.size()) {
    // One field.
    if (csv[i] == '"') {
      std::string v;
      i++;
      while (true) {
        if (i >= csv.size()) return std::nullopt;
        if (csv[i] == '"') {
          if (i + 1 < csv.size() && csv[i + 1] == '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += csv[i++];
      }
      row.emplace_back(std::move(v));
    } else if (csv[i] == ',' || csv[i] == '\n') {
      row.emplace_back();
    } else {
      return std::nullopt;
    }
    if (i >= csv.size()) return std::nullopt;
    if (csv[i] == ',') {
      i++;
      if (i < csv.size() && csv[i] == '\n') {
        row.emplace_back();
      } else {
        continue;
      }
    }
    if (csv[i] != '\n') return std::nullopt;
    i++;
    if (!first_line) rows.push_back(std::move(row));
    row.clear();
    first_line = false;
  }
  return rows;
}

std::optional<std::vector<ResultColumn>> ParseMetadataProto(std::string_view bytes) {
  std::optional<std::vector<ProtoField>> top = ReadFields(bytes);
  if (!top) return std::nullopt;
  std::vector<ResultColumn> out;
  for (const ProtoField& f : *top) {
    if (f.number != 4) continue;
    std::optional<std::vector<ProtoField>> fields = ReadFields(f.bytes);
    if (!fields) return std::nullopt;
    ResultColumn c;
    for (const ProtoField& g : *fields) {
      switch (g.number) {
        case 4:
          c.name = std::string(g.bytes);
          break;
        case 6:
          c.type = std::string(g.bytes);
          break;
        case 7:
          c.precision = static_cast<int>(g.value);
          break;
        case 8:
          c.scale = static_cast<int>(g.value);
          break;
        case 10:
          c.case_sensitive = g.value != 0;
          break;
        default:
          break;
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace athena
