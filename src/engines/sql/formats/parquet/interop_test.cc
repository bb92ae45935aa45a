// Interop with independent Parquet implementations, driven by tests/interop/parquet/run.sh:
// files written by DuckDB and hyparquet-writer (every encoding and codec they produce) must
// read back to the values those writers were given, and files this library writes must read
// back in DuckDB to the values written. Values are compared in the canonical text form
// tests/interop/parquet/render.mjs defines. Without the fixtures (run.sh not used) the tests
// skip.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"
#include "engines/sql/formats/parquet/file_reader.h"
#include "engines/sql/formats/parquet/file_writer.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/test_util.h"

namespace sql::parquet {
namespace {

using testing::BatchBuilder;
using testing::ReadWholeColumn;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::string Hex(std::string_view bytes) {
  std::string s;
  for (unsigned char ch : bytes) {
    s += "0123456789abcdef"[ch >> 4];
    s += "0123456789abcdef"[ch & 15];
  }
  return s;
}

std::string FormatDecimal(Int128 v, int scale) {
  const bool negative = v < 0;
  auto u = negative ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (scale > 0) {
    if (digits.size() < static_cast<size_t>(scale) + 1) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

int64_t PerSecond(TimeUnit u) {
  return u == TimeUnit::kMillis ? 1000 : u == TimeUnit::kMicros ? 1000000 : 1000000000;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// `v` in `from` units re-expressed in `to` units (floor).
int64_t ConvertUnit(int64_t v, int64_t from_per_second, int64_t to_per_second) {
  if (to_per_second >= from_per_second) return v * (to_per_second / from_per_second);
  return FloorDiv(v, from_per_second / to_per_second);
}

// The canonical text of row `row` (render.mjs). `duck_type` is the DuckDB type of the
// column when DuckDB produced the expected values, and picks the timestamp unit.
std::optional<std::string> Canonical(const Column& c, const ColumnBatch& b, int64_t row,
                                     const std::string& duck_type) {
  if (!b.IsValid(row)) return std::nullopt;
  const LogicalType& lt = c.logical;
  switch (b.type) {
    case ValueType::kBool:
      return b.bools[row] ? "true" : "false";
    case ValueType::kInt32:
      if (lt.kind == LogicalKind::kTime) return std::to_string(int64_t{b.i32[row]} * 1000);
      return std::to_string(b.i32[row]);
    case ValueType::kInt64: {
      const int64_t v = b.i64[row];
      if (lt.kind == LogicalKind::kInteger && !lt.is_signed && lt.bit_width == 64) {
        return std::to_string(static_cast<uint64_t>(v));
      }
      if (lt.kind == LogicalKind::kDecimal) return FormatDecimal(v, lt.scale);
      if (lt.kind == LogicalKind::kTime)
        return std::to_string(ConvertUnit(v, PerSecond(lt.unit), 1000000));
      if (lt.kind == LogicalKind::kTimestamp) {
        int64_t to = PerSecond(lt.unit);
        if (duck_type == "TIMESTAMP_MS") {
          to = 1000;
        } else if (duck_type == "TIMESTAMP_NS") {
          to = 1000000000;
        } else if (duck_type == "TIMESTAMP_S") {
          to = 1;
        } else if (duck_type.rfind("TIMESTAMP", 0) == 0) {
          to = 1000000;
        }
        return std::to_string(ConvertUnit(v, PerSecond(lt.unit), to));
      }
      return std::to_string(v);
    }
    case ValueType::kInt128:
      return FormatDecimal(b.i128[row], lt.scale);
    case ValueType::kFloat: {
      if (std::isnan(b.f32[row])) return "nan";
      uint32_t bits;
      std::memcpy(&bits, &b.f32[row], 4);
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%08x", bits);
      return buf;
    }
    case ValueType::kDouble: {
      if (std::isnan(b.f64[row])) return "nan";
      uint64_t bits;
      std::memcpy(&bits, &b.f64[row], 8);
      char buf[24];
      std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(bits));
      return buf;
    }
    case ValueType::kBinary:
      if (lt.kind == LogicalKind::kString || lt.kind == LogicalKind::kEnum ||
          lt.kind == LogicalKind::kJson) {
        return std::string(b.Binary(row));
      }
      return Hex(b.Binary(row));
  }
  return std::nullopt;
}

// Compares every cell of `file` with `expected` ({columns, rows[, types]}).
void ExpectFileMatches(const FileReader& file, const base::Json& expected,
                       const std::string& what) {
  const Schema& schema = file.metadata().schema;
  const auto& names = expected.at("columns");
  ASSERT_EQ(names.size(), schema.columns.size()) << what;
  const auto& rows = expected.at("rows");
  ASSERT_EQ(static_cast<int64_t>(rows.size()), file.metadata().num_rows) << what;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const Column& col = schema.columns[c];
    ASSERT_EQ(names[c].get<std::string>(), col.name) << what;
    const std::string duck_type =
        expected.contains("types") ? expected["types"][c].get<std::string>() : "";
    const ColumnBatch values = ReadWholeColumn(file, static_cast<int>(c), 1000);
    ASSERT_EQ(values.num_rows, static_cast<int64_t>(rows.size())) << what << " " << col.name;
    for (size_t r = 0; r < rows.size(); ++r) {
      const base::Json& cell = rows[r][c];
      const std::optional<std::string> got =
          Canonical(col, values, static_cast<int64_t>(r), duck_type);
      const std::string want = cell.is_null() ? "null" : cell.get<std::string>();
      ASSERT_EQ(want, got.value_or("null")) << what << " column " << col.name << " row " << r;
    }
  }
}

base::Json LoadJson(const std::string& path) {
  const auto text = base::ReadFile(path);
  if (!text) throw std::runtime_error("missing " + path);
  return base::ParseJson(*text);
}

class Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    fixtures_ = Env("PARQUET_INTEROP_FIXTURES");
    scripts_ = Env("PARQUET_INTEROP_SCRIPTS");
    work_ = Env("PARQUET_INTEROP_WORK");
    if (fixtures_.empty() || scripts_.empty() || work_.empty()) {
      GTEST_SKIP() << "run through tests/interop/parquet/run.sh";
    }
  }
  std::string fixtures_, scripts_, work_;
};

TEST_F(Interop, ReadsFilesFromIndependentWriters) {
  const base::Json manifest = LoadJson(fixtures_ + "/manifest.json");
  std::set<std::string> encodings;
  std::set<std::string> codecs;
  for (const auto& entry : manifest) {
    const std::string name = entry.get<std::string>();
    SCOPED_TRACE(name);
    const base::Json expected = LoadJson(fixtures_ + "/" + name + ".json");
    const std::string path = fixtures_ + "/" + name + ".parquet";
    if (expected.contains("unsupported")) {
      try {
        auto file = FileReader::Open(OpenLocalFileSource(path));
        for (size_t c = 0; c < file->metadata().schema.columns.size(); ++c) {
          ReadWholeColumn(*file, static_cast<int>(c), 1000);
        }
        ADD_FAILURE() << name << " read without error";
      } catch (const ParquetUnsupportedError& e) {
        EXPECT_NE(std::string(e.what()).find(expected["unsupported"].get<std::string>()),
                  std::string::npos)
            << e.what();
      }
      continue;
    }
    const base::Json values =
        expected.contains("values")
            ? LoadJson(fixtures_ + "/" + expected["values"].get<std::string>())
            : expected;
    auto file = FileReader::Open(OpenLocalFileSource(path));
    ExpectFileMatches(*file, values, expected.at("writer").get<std::string>());
    if (HasFatalFailure()) return;
    const FileMetadata& meta = file->metadata();
    EXPECT_GT(meta.row_groups.size(), 1u) << name;
    for (const RowGroupInfo& g : meta.row_groups) {
      for (size_t c = 0; c < g.columns.size(); ++c) {
        codecs.insert(std::string(CodecName(g.columns[c].codec)));
        for (Encoding e : g.columns[c].encodings) encodings.insert(std::string(EncodingName(e)));
      }
    }
    if (expected.contains("encodings")) {
      for (const auto& [column, encoding] : expected["encodings"].items()) {
        const int c = meta.schema.FindColumn(column);
        ASSERT_GE(c, 0) << column;
        const auto& used = meta.row_groups[0].columns[c].encodings;
        bool found = false;
        for (Encoding e : used) found = found || EncodingName(e) == encoding.get<std::string>();
        EXPECT_TRUE(found) << column << " was not written with " << encoding;
      }
    }
  }
  std::string seen;
  for (const auto& e : encodings) seen += e + " ";
  for (const auto& c : codecs) seen += c + " ";
  std::printf("encodings and codecs read from independent writers: %s\n", seen.c_str());
  for (const char* e : {"PLAIN", "RLE", "RLE_DICTIONARY", "DELTA_BINARY_PACKED",
                        "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT"}) {
    EXPECT_TRUE(encodings.count(e)) << "no fixture used " << e;
  }
  for (const char* c : {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW"}) {
    EXPECT_TRUE(codecs.count(c)) << "no fixture used " << c;
  }
}

Column Col(std::string name, PhysicalType type, bool nullable, LogicalType logical = {},
           int32_t type_length = 0) {
  Column c;
  c.name = std::move(name);
  c.physical_type = type;
  c.nullable = nullable;
  c.logical = logical;
  c.type_length = type_length;
  return c;
}

// Every type DuckDB reads back as a flat column, with values inside DuckDB's ranges.
Schema DuckCheckSchema() {
  using P = PhysicalType;
  using L = LogicalType;
  return Schema{{
      Col("b", P::kBoolean, true),
      Col("i32", P::kInt32, false),
      Col("i64", P::kInt64, true),
      Col("i8", P::kInt32, true, L::Integer(8, true)),
      Col("i16", P::kInt32, true, L::Integer(16, true)),
      Col("u8", P::kInt32, true, L::Integer(8, false)),
      Col("u16", P::kInt32, true, L::Integer(16, false)),
      Col("u32", P::kInt32, true, L::Integer(32, false)),
      Col("u64", P::kInt64, true, L::Integer(64, false)),
      Col("f32", P::kFloat, true),
      Col("f64", P::kDouble, true),
      Col("s", P::kByteArray, true, L::Of(LogicalKind::kString)),
      Col("blob", P::kByteArray, true),
      Col("flba", P::kFixedLenByteArray, true, {}, 5),
      Col("id", P::kFixedLenByteArray, true, L::Of(LogicalKind::kUuid), 16),
      Col("d", P::kInt32, true, L::Of(LogicalKind::kDate)),
      Col("ts_us_utc", P::kInt64, true, L::Timestamp(TimeUnit::kMicros, true)),
      Col("ts_ms", P::kInt64, true, L::Timestamp(TimeUnit::kMillis, false)),
      Col("ts_ns", P::kInt64, true, L::Timestamp(TimeUnit::kNanos, false)),
      Col("ts_i96", P::kInt96, true, L::Timestamp(TimeUnit::kNanos, false)),
      Col("t_ms", P::kInt32, true, L::Time(TimeUnit::kMillis, true)),
      Col("t_us", P::kInt64, true, L::Time(TimeUnit::kMicros, false)),
      Col("dec4", P::kInt32, true, L::Decimal(4, 2)),
      Col("dec18", P::kInt64, true, L::Decimal(18, 6)),
      Col("dec38", P::kFixedLenByteArray, true, L::Decimal(38, 10), 16),
      Col("dec_ba", P::kByteArray, true, L::Decimal(25, 3)),
      Col("dec_f5", P::kFixedLenByteArray, true, L::Decimal(11, 4), 5),
      Col("json", P::kByteArray, true, L::Of(LogicalKind::kJson)),
      Col("nothing", P::kInt64, true),
  }};
}

std::vector<ColumnBatch> DuckCheckBatches(const Schema& schema, int64_t rows) {
  std::vector<ColumnBatch> out;
  for (const Column& c : schema.columns) {
    BatchBuilder b(c.value_type());
    for (int64_t i = 0; i < rows; ++i) {
      const std::string& n = c.name;
      if (n == "nothing" || (c.nullable && i % 9 == 4)) {
        b.Null();
      } else if (n == "b") {
        b.Bool(i % 3 != 1);
      } else if (n == "i32") {
        b.I32(i == 0   ? INT32_MIN
              : i == 1 ? INT32_MAX
                       : static_cast<int32_t>(i * 7919 % 100000) - 50000);
      } else if (n == "i64") {
        b.I64(i == 0 ? INT64_MIN : i == 1 ? INT64_MAX : (i % 50) * 1000000000007LL - 7);
      } else if (n == "i8") {
        b.I32(static_cast<int32_t>(i % 256) - 128);
      } else if (n == "i16") {
        b.I32(static_cast<int32_t>(i * 37 % 65536) - 32768);
      } else if (n == "u8") {
        b.I32(static_cast<int32_t>(i % 256));
      } else if (n == "u16") {
        b.I32(static_cast<int32_t>(i * 13 % 65536));
      } else if (n == "u32") {
        b.I64(i == 0 ? 4294967295LL : i * 100003 % 4294967296LL);
      } else if (n == "u64") {
        b.I64(i == 0 ? -1 : i * 1000000007LL);
      } else if (n == "f32") {
        static const float kEdges[] = {std::nanf(""), -0.0f,  INFINITY,
                                       -INFINITY,     1e-45f, 3.4028235e38f};
        b.F32(i < 6 ? kEdges[i] : static_cast<float>(i % 300) / 7);
      } else if (n == "f64") {
        static const double kEdges[] = {std::nan(""), -0.0, -INFINITY, 5e-324,
                                        1.7976931348623157e308};
        b.F64(i < 5 ? kEdges[i] : static_cast<double>(i) / 3 - 100);
      } else if (n == "s") {
        b.Bytes(i % 7 == 0 ? ""
                           : "v" + std::to_string(i % 40) + (i % 5 == 0 ? "\xe6\x97\xa5" : ""));
      } else if (n == "blob") {
        b.Bytes(std::string("\x00\xff", 2) + std::to_string(i % 30));
      } else if (n == "flba") {
        b.Bytes(std::string(5, static_cast<char>('a' + i % 26)));
      } else if (n == "id") {
        std::string v(16, '\0');
        for (int k = 0; k < 16; ++k) v[k] = static_cast<char>((i * 31 + k * 17) % 256);
        b.Bytes(v);
      } else if (n == "d") {
        b.I32(static_cast<int32_t>(i * 37 % 80000) - 40000);
      } else if (n == "ts_us_utc") {
        b.I64((i - 1000) * 98765432101LL);
      } else if (n == "ts_ms") {
        b.I64((i - 1000) * 98765432101LL);
      } else if (n == "ts_ns" || n == "ts_i96") {
        b.I64((i - 1000) * 98765432101000LL);  // whole microseconds: no rounding question
      } else if (n == "t_ms") {
        b.I32(static_cast<int32_t>(i * 1000003 % 86400000));
      } else if (n == "t_us") {
        b.I64(i * 1000000007LL % 86400000000LL);
      } else if (n == "dec4") {
        b.I64(i % 19999 - 9999);
      } else if (n == "dec18") {
        b.I64(i == 0 ? 999999999999999999LL : i * 1234567890123LL - 999999999);
      } else if (n == "dec38") {
        Int128 max = 1;
        for (int k = 0; k < 38; ++k) max *= 10;
        b.I128(i == 0   ? max - 1
               : i == 1 ? 1 - max
                        : static_cast<Int128>(i) * 123456789012345678LL * -7);
      } else if (n == "dec_ba") {
        b.I128(static_cast<Int128>(i - 1000) * 1000000000000000007LL);
      } else if (n == "dec_f5") {
        b.I64(i == 0 ? 99999999999LL : i == 1 ? -99999999999LL : i * 12345 - 99999);
      } else if (n == "json") {
        b.Bytes("{\"k\":" + std::to_string(i) + "}");
      }
    }
    out.push_back(b.Build());
  }
  return out;
}

std::string RunCommand(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return output;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  *status = ::pclose(pipe);
  return output;
}

TEST_F(Interop, DuckDbReadsWhatWeWrite) {
  const Schema schema = DuckCheckSchema();
  const std::vector<ColumnBatch> batches = DuckCheckBatches(schema, 2000);
  const Codec codecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd,
                          Codec::kLz4Raw};
  const std::string node =
      Env("PARQUET_INTEROP_NODE").empty() ? "node" : Env("PARQUET_INTEROP_NODE");
  int index = 0;
  for (PageVersion version : {PageVersion::kV1, PageVersion::kV2}) {
    // "ctas": the options CTAS writes with (chunks uncompressed where SNAPPY saves little,
    // integers without a dictionary DELTA_BINARY_PACKED).
    for (const std::string encodings : {"dict", "plain", "delta", "bss", "ctas"}) {
      const Codec codec = encodings == "ctas" ? Codec::kSnappy : codecs[index++ % 5];
      WriterOptions o;
      o.codec = codec;
      o.page_version = version;
      o.max_row_group_rows = 700;
      o.data_page_bytes = 2000;
      o.dictionary = encodings == "dict" || encodings == "ctas";
      o.min_compression_saving = encodings == "ctas" ? 0.3 : 0;
      o.delta_integers = encodings == "ctas";
      for (const Column& c : schema.columns) {
        const PhysicalType p = c.physical_type;
        if (encodings == "delta") {
          if (p == PhysicalType::kInt32 || p == PhysicalType::kInt64) {
            o.column_encodings[c.name] = Encoding::kDeltaBinaryPacked;
          } else if (c.logical.kind == LogicalKind::kDecimal) {
            // DuckDB reads the DELTA byte-array encodings only into strings and blobs
            // (the format allows them for any byte array; the round-trip tests cover that).
          } else if (p == PhysicalType::kByteArray) {
            o.column_encodings[c.name] =
                c.name == "s" ? Encoding::kDeltaByteArray : Encoding::kDeltaLengthByteArray;
          } else if (p == PhysicalType::kFixedLenByteArray) {
            o.column_encodings[c.name] = Encoding::kDeltaByteArray;
          } else if (p == PhysicalType::kBoolean) {
            o.column_encodings[c.name] = Encoding::kRle;
          }
        } else if (encodings == "bss" &&
                   (p == PhysicalType::kFloat || p == PhysicalType::kDouble)) {
          // DuckDB reads BYTE_STREAM_SPLIT for FLOAT and DOUBLE only; the integer and
          // fixed-length forms are checked against hyparquet-writer's files instead.
          o.column_encodings[c.name] = Encoding::kByteStreamSplit;
        }
      }
      const std::string what = std::string(CodecName(codec)) +
                               (version == PageVersion::kV1 ? "_v1_" : "_v2_") + encodings;
      SCOPED_TRACE(what);
      const std::string path = work_ + "/ours_" + what + ".parquet";
      {
        auto sink = OpenLocalFileSink(path);
        FileWriter writer(sink.get(), schema, o);
        writer.Write(batches);
        writer.Close();
      }
      int status = 0;
      const std::string json =
          RunCommand(node + " '" + scripts_ + "/read_duckdb.mjs' '" + path + "'", &status);
      ASSERT_EQ(status, 0) << "DuckDB could not read " << path << ": " << json.substr(0, 2000);
      const base::Json duck = base::ParseJson(json);
      const auto& rows = duck.at("rows");
      ASSERT_EQ(rows.size(), 2000u);
      ASSERT_EQ(duck.at("columns").size(), schema.columns.size());
      for (size_t c = 0; c < schema.columns.size(); ++c) {
        const Column& col = schema.columns[c];
        ASSERT_EQ(duck["columns"][c].get<std::string>(), col.name);
        const std::string duck_type = duck["types"][c].get<std::string>();
        for (size_t r = 0; r < rows.size(); ++r) {
          const base::Json& cell = rows[r][c];
          const std::string got = cell.is_null() ? "null" : cell.get<std::string>();
          const std::string want =
              Canonical(col, batches[c], static_cast<int64_t>(r), duck_type).value_or("null");
          ASSERT_EQ(want, got) << "column " << col.name << " (DuckDB " << duck_type << ") row "
                               << r;
        }
      }
      // And we read our own file back the same way.
      auto file = FileReader::Open(OpenLocalFileSource(path));
      base::Json ours = duck;
      ExpectFileMatches(*file, ours, what + " (our reader)");
    }
  }
}

}  // namespace
}  // namespace sql::parquet
