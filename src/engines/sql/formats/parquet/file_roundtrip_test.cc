// Writes files with every type, encoding, codec and page version the writer produces and reads
// them back bit for bit; checks statistics, row-group and page cutting, dictionary fallback and
// the writer's input checks.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "engines/sql/formats/parquet/file_reader.h"
#include "engines/sql/formats/parquet/file_writer.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/scratch_buffer.h"
#include "engines/sql/formats/parquet/test_util.h"

namespace sql::parquet {
namespace {

using testing::BatchBuilder;
using testing::ExpectSameBatch;
using testing::ReadWholeColumn;

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

// One column of every kind the writer supports.
Schema AllTypesSchema() {
  using P = PhysicalType;
  using L = LogicalType;
  return Schema{{
      Col("bool", P::kBoolean, true),
      Col("i32", P::kInt32, false),
      Col("i64", P::kInt64, true),
      Col("f32", P::kFloat, true),
      Col("f64", P::kDouble, false),
      Col("str", P::kByteArray, true, L::Of(LogicalKind::kString)),
      Col("raw", P::kByteArray, true),
      Col("uuid", P::kFixedLenByteArray, true, L::Of(LogicalKind::kUuid), 16),
      Col("date", P::kInt32, true, L::Of(LogicalKind::kDate)),
      Col("ts_us", P::kInt64, true, L::Timestamp(TimeUnit::kMicros, true)),
      Col("ts_ms", P::kInt64, true, L::Timestamp(TimeUnit::kMillis, false)),
      Col("ts_ns", P::kInt64, true, L::Timestamp(TimeUnit::kNanos, true)),
      Col("int96", P::kInt96, true, L::Timestamp(TimeUnit::kNanos, false)),
      Col("dec9", P::kInt32, true, L::Decimal(9, 2)),
      Col("dec18", P::kInt64, true, L::Decimal(18, 4)),
      Col("dec38", P::kFixedLenByteArray, true, L::Decimal(38, 10), 16),
      Col("dec_ba", P::kByteArray, true, L::Decimal(20, 0)),
      Col("dec_fixed5", P::kFixedLenByteArray, true, L::Decimal(10, 3), 5),
      Col("u8", P::kInt32, true, L::Integer(8, false)),
      Col("u16", P::kInt32, true, L::Integer(16, false)),
      Col("u32", P::kInt32, true, L::Integer(32, false)),
      Col("u64", P::kInt64, true, L::Integer(64, false)),
      Col("i8", P::kInt32, true, L::Integer(8, true)),
      Col("i16", P::kInt32, true, L::Integer(16, true)),
      Col("f16", P::kFixedLenByteArray, true, L::Of(LogicalKind::kFloat16), 2),
      Col("time_ms", P::kInt32, true, L::Time(TimeUnit::kMillis, true)),
      Col("time_ns", P::kInt64, true, L::Time(TimeUnit::kNanos, false)),
      Col("json", P::kByteArray, true, L::Of(LogicalKind::kJson)),
      Col("interval", P::kFixedLenByteArray, true, L::Of(LogicalKind::kInterval), 12),
      Col("all_null", P::kInt64, true),
      Col("flba7", P::kFixedLenByteArray, false, {}, 7),
  }};
}

Int128 Pow10(int n) {
  Int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Deterministic values with the interesting cases first: extremes, NaN, -0.0, empty strings,
// repeats (for dictionaries and RLE) and nulls.
std::vector<ColumnBatch> MakeBatches(const Schema& schema, int64_t rows, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ColumnBatch> out;
  const float nan_f = std::numeric_limits<float>::quiet_NaN();
  const double nan_d = std::numeric_limits<double>::quiet_NaN();
  for (const Column& c : schema.columns) {
    BatchBuilder b(c.value_type());
    for (int64_t r = 0; r < rows; ++r) {
      const uint64_t x = rng();
      if (c.name == "all_null" || (c.nullable && r % 7 == 3)) {
        b.Null();
        continue;
      }
      const bool repeat = x % 3 == 0;  // a small value domain half of the time
      const std::string& n = c.name;
      if (n == "bool") {
        b.Bool(r % 5 < 3);
      } else if (n == "i32") {
        static const int32_t kEdges[] = {std::numeric_limits<int32_t>::min(),
                                         std::numeric_limits<int32_t>::max(), 0, -1};
        b.I32(r < 4 ? kEdges[r] : repeat ? static_cast<int32_t>(x % 5) : static_cast<int32_t>(x));
      } else if (n == "i64" || n == "time_ns") {
        static const int64_t kEdges[] = {std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max(), 0, -1};
        b.I64(n == "i64" && r < 4 ? kEdges[r] : static_cast<int64_t>(repeat ? x % 9 : x));
      } else if (n == "f32") {
        static const float kEdges[] = {nan_f,
                                       -0.0f,
                                       0.0f,
                                       std::numeric_limits<float>::infinity(),
                                       -std::numeric_limits<float>::infinity(),
                                       std::numeric_limits<float>::denorm_min(),
                                       std::numeric_limits<float>::max(),
                                       std::numeric_limits<float>::lowest()};
        b.F32(r < 8 ? kEdges[r] : repeat ? 1.5f : static_cast<float>(static_cast<int32_t>(x)) / 7);
      } else if (n == "f64") {
        static const double kEdges[] = {nan_d,
                                        -0.0,
                                        0.0,
                                        std::numeric_limits<double>::infinity(),
                                        std::numeric_limits<double>::denorm_min(),
                                        std::numeric_limits<double>::max(),
                                        std::numeric_limits<double>::lowest()};
        b.F64(r < 7 ? kEdges[r] : repeat ? 2.25 : static_cast<double>(static_cast<int64_t>(x)) / 3);
      } else if (n == "str" || n == "json") {
        static const char* kEdges[] = {"", "a", "\xe6\x97\xa5\xe6\x9c\xac", ""};
        std::string v = r < 4 ? kEdges[r] : repeat ? "same" : "value-" + std::to_string(x % 100000);
        if (n == "json") v = "{\"k\":\"" + v + "\"}";
        if (r == 10) v = std::string(3000, 'z');  // a long one
        b.Bytes(v);
      } else if (n == "raw") {
        std::string v;
        for (uint64_t i = 0; i < x % 12; ++i) v.push_back(static_cast<char>(rng()));
        b.Bytes(v);
      } else if (n == "uuid") {
        std::string v(16, '\0');
        for (auto& ch : v) ch = static_cast<char>(repeat ? 7 : rng());
        b.Bytes(v);
      } else if (n == "flba7") {
        b.Bytes(repeat ? std::string("abcdefg") : std::string(7, static_cast<char>(x)));
      } else if (n == "interval") {
        std::string v(12, '\0');
        for (auto& ch : v) ch = static_cast<char>(rng());
        b.Bytes(v);
      } else if (n == "date") {
        b.I32(static_cast<int32_t>(x % 40000) - 20000);
      } else if (n == "ts_us" || n == "ts_ms" || n == "ts_ns") {
        b.I64(r == 0 ? std::numeric_limits<int64_t>::min()
                     : static_cast<int64_t>(x >> 2) - (1LL << 61));
      } else if (n == "int96") {
        // Nanoseconds, spanning before and after the epoch.
        static const int64_t kEdges[] = {0, -1, std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max()};
        b.I64(r < 4 ? kEdges[r] : static_cast<int64_t>(x >> 1) - (1LL << 62));
      } else if (n == "dec9") {
        b.I64(r == 0   ? 999999999
              : r == 1 ? -999999999
                       : static_cast<int64_t>(x % 1999999999) - 999999999);
      } else if (n == "dec18") {
        const int64_t max = 999999999999999999LL;
        b.I64(r == 0   ? max
              : r == 1 ? -max
                       : static_cast<int64_t>(x % (2 * static_cast<uint64_t>(max))) - max);
      } else if (n == "dec38") {
        const Int128 max = Pow10(38) - 1;
        b.I128(r == 0 ? max : r == 1 ? -max : (static_cast<Int128>(x) << 60) * (repeat ? -1 : 1));
      } else if (n == "dec_ba") {
        const Int128 max = Pow10(20) - 1;
        b.I128(r == 0   ? max
               : r == 1 ? -max
               : r == 2 ? 0
               : r == 3 ? -1
                        : static_cast<Int128>(static_cast<int64_t>(x)));
      } else if (n == "dec_fixed5") {
        b.I64(r == 0   ? 9999999999LL
              : r == 1 ? -9999999999LL
                       : static_cast<int64_t>(x % 1000) - 500);
      } else if (n == "u8") {
        b.I32(static_cast<int32_t>(x % 256));
      } else if (n == "u16") {
        b.I32(r == 0 ? 65535 : static_cast<int32_t>(x % 65536));
      } else if (n == "u32") {
        b.I64(r == 0 ? 4294967295LL : static_cast<int64_t>(x % 4294967296ULL));
      } else if (n == "u64") {
        b.I64(r == 0 ? -1 : static_cast<int64_t>(x));
      } else if (n == "i8") {
        b.I32(static_cast<int32_t>(x % 256) - 128);
      } else if (n == "i16") {
        b.I32(static_cast<int32_t>(x % 65536) - 32768);
      } else if (n == "f16") {
        static const float kEdges[] = {nan_f,         -0.0f,
                                       65504.0f,      -65504.0f,
                                       5.9604645e-8f, std::numeric_limits<float>::infinity()};
        b.F32(r < 6 ? kEdges[r] : static_cast<float>(static_cast<int>(x % 2000) - 1000) / 8);
      } else if (n == "time_ms") {
        b.I32(static_cast<int32_t>(x % 86400000));
      } else {
        ADD_FAILURE() << "no generator for " << n;
      }
    }
    out.push_back(b.Build());
  }
  return out;
}

std::string WriteFile(const Schema& schema, const std::vector<std::vector<ColumnBatch>>& writes,
                      const WriterOptions& options) {
  StringSink sink;
  FileWriter writer(&sink, schema, options);
  for (const auto& w : writes) writer.Write(w);
  writer.Close();
  return sink.Release();
}

// Whether a column chunk lists encoding `e`.
bool Uses(const ColumnChunkInfo& chunk, Encoding e) {
  return std::find(chunk.encodings.begin(), chunk.encodings.end(), e) != chunk.encodings.end();
}

void ExpectFileHolds(const std::string& bytes, const Schema& schema,
                     const std::vector<ColumnBatch>& expected, int64_t batch_rows,
                     const std::string& what) {
  auto file = FileReader::Open(MakeMemorySource(bytes));
  const FileMetadata& m = file->metadata();
  ASSERT_EQ(m.schema.columns.size(), schema.columns.size());
  EXPECT_EQ(m.num_rows, expected.empty() ? 0 : expected[0].num_rows);
  EXPECT_EQ(m.created_by.rfind("UniStudio version ", 0), 0u) << m.created_by;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const Column& want = schema.columns[c];
    const Column& got = m.schema.columns[c];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.physical_type, want.physical_type) << want.name;
    EXPECT_EQ(got.nullable, want.nullable) << want.name;
    EXPECT_EQ(got.logical, want.logical) << want.name;
    EXPECT_EQ(got.value_type(), want.value_type()) << want.name;
    ExpectSameBatch(expected[c], ReadWholeColumn(*file, static_cast<int>(c), batch_rows),
                    what + " column " + want.name);
  }
}

struct Combo {
  Codec codec;
  PageVersion version;
  std::string encodings;  // "dict", "plain", "delta", "bss", "dict-small"
};

WriterOptions OptionsFor(const Combo& combo, const Schema& schema) {
  WriterOptions o;
  o.codec = combo.codec;
  o.page_version = combo.version;
  o.data_page_bytes = 4000;  // many pages
  o.max_row_group_rows = 1000;
  if (combo.encodings == "plain") o.dictionary = false;
  if (combo.encodings == "dict-small") o.dictionary_page_bytes = 300;  // forces fallback
  for (const Column& c : schema.columns) {
    const PhysicalType p = c.physical_type;
    if (combo.encodings == "dict-small" && p != PhysicalType::kBoolean) {
      // Asked for by name, the dictionary is kept for the pages before the fallback.
      o.column_encodings[c.name] = Encoding::kRleDictionary;
    } else if (combo.encodings == "delta") {
      if (p == PhysicalType::kInt32 || p == PhysicalType::kInt64) {
        o.column_encodings[c.name] = Encoding::kDeltaBinaryPacked;
      } else if (p == PhysicalType::kByteArray) {
        o.column_encodings[c.name] =
            c.name == "raw" ? Encoding::kDeltaLengthByteArray : Encoding::kDeltaByteArray;
      } else if (p == PhysicalType::kFixedLenByteArray) {
        o.column_encodings[c.name] = Encoding::kDeltaByteArray;
      } else if (p == PhysicalType::kBoolean) {
        o.column_encodings[c.name] = Encoding::kRle;
      }
    } else if (combo.encodings == "bss") {
      if (p == PhysicalType::kInt32 || p == PhysicalType::kInt64 || p == PhysicalType::kFloat ||
          p == PhysicalType::kDouble || p == PhysicalType::kFixedLenByteArray) {
        o.column_encodings[c.name] = Encoding::kByteStreamSplit;
      }
    }
  }
  return o;
}

class RoundTrip : public ::testing::TestWithParam<Combo> {};

TEST_P(RoundTrip, EveryTypeReadsBackBitExact) {
  const Combo combo = GetParam();
  const Schema schema = AllTypesSchema();
  // Two writes of different sizes, so row groups and pages straddle Write calls.
  const std::vector<ColumnBatch> first = MakeBatches(schema, 1500, 1);
  const std::vector<ColumnBatch> second = MakeBatches(schema, 1100, 2);
  const WriterOptions options = OptionsFor(combo, schema);
  const std::string bytes = WriteFile(schema, {first, second}, options);
  std::vector<ColumnBatch> expected = first;
  for (size_t c = 0; c < expected.size(); ++c) {
    testing::AppendRows(second[c], 0, second[c].num_rows, &expected[c]);
  }
  const std::string what = std::string(CodecName(combo.codec)) +
                           (combo.version == PageVersion::kV1 ? " v1 " : " v2 ") + combo.encodings;
  // Row by row stresses every decoder's resumption; once per encoding family is enough.
  const bool row_by_row = combo.codec == Codec::kSnappy;
  for (int64_t batch_rows : {int64_t{2048}, int64_t{333}, int64_t{1}}) {
    if (batch_rows == 1 && !row_by_row) continue;
    ExpectFileHolds(bytes, schema, expected, batch_rows, what);
    if (HasFatalFailure()) return;
  }
  auto file = FileReader::Open(MakeMemorySource(bytes));
  const FileMetadata& m = file->metadata();
  ASSERT_EQ(m.row_groups.size(), 3u);  // 2600 rows at 1000 per group
  EXPECT_EQ(m.row_groups[0].num_rows, 1000);
  EXPECT_EQ(m.row_groups[2].num_rows, 600);
  const int str = schema.FindColumn("str");
  const std::vector<Encoding>& enc = m.row_groups[0].columns[str].encodings;
  auto has = [&](Encoding e) { return std::find(enc.begin(), enc.end(), e) != enc.end(); };
  if (combo.encodings == "dict") {
    EXPECT_TRUE(has(Encoding::kRleDictionary));
  } else if (combo.encodings == "dict-small") {
    EXPECT_TRUE(has(Encoding::kRleDictionary) && has(Encoding::kPlain));  // fell back
  } else if (combo.encodings == "delta") {
    EXPECT_TRUE(has(Encoding::kDeltaByteArray));
    EXPECT_FALSE(has(Encoding::kRleDictionary));
  } else if (combo.encodings == "plain") {
    EXPECT_FALSE(has(Encoding::kRleDictionary));
  }
  EXPECT_EQ(m.row_groups[0].columns[str].codec, combo.codec);
}

// Reading with keep_dictionary: batches whose pages are all dictionary-encoded come as indices
// into the chunk's dictionary, the others (and a batch that meets a PLAIN page after the
// dictionary fills up) as values; expanded, both give back exactly the values written.
class DictionaryForm : public ::testing::TestWithParam<Combo> {};

TEST_P(DictionaryForm, ExpandsToTheWrittenValues) {
  const Combo combo = GetParam();
  const Schema schema = AllTypesSchema();
  const std::vector<ColumnBatch> expected = MakeBatches(schema, 2600, 3);
  const std::string bytes = WriteFile(schema, {expected}, OptionsFor(combo, schema));
  auto file = FileReader::Open(MakeMemorySource(bytes));
  for (int64_t batch_rows : {int64_t{2048}, int64_t{333}}) {
    int64_t dictionary_batches = 0;
    int64_t value_batches = 0;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      ColumnBatch all;
      all.Reset(schema.columns[c].value_type());
      ColumnBatch batch;
      for (size_t g = 0; g < file->metadata().row_groups.size(); ++g) {
        auto reader = file->OpenColumn(static_cast<int>(g), static_cast<int>(c));
        while (reader->Read(batch_rows, &batch, true) > 0) {
          if (!batch.dictionary) {
            ++value_batches;
            testing::AppendRows(batch, 0, batch.num_rows, &all);
            continue;
          }
          ++dictionary_batches;
          ASSERT_EQ(batch.indices.size(), static_cast<size_t>(batch.num_rows));
          for (int64_t r = 0; r < batch.num_rows; ++r) {
            if (batch.valid[r]) {
              const auto i = static_cast<int64_t>(batch.indices[r]);
              ASSERT_LT(i, batch.dictionary->num_rows);
              testing::AppendRows(*batch.dictionary, i, i + 1, &all);
            } else {
              EXPECT_EQ(batch.indices[r], 0u);
              ColumnBatch null_row = testing::BatchBuilder(all.type).Null().Build();
              testing::AppendRows(null_row, 0, 1, &all);
            }
          }
        }
      }
      testing::ExpectSameBatch(expected[c], all,
                               combo.encodings + " column " + schema.columns[c].name);
    }
    if (combo.encodings == "plain") {
      EXPECT_EQ(dictionary_batches, 0) << batch_rows;
    } else {
      EXPECT_GT(dictionary_batches, 0) << batch_rows;  // delta and bss leave some columns
    }
    // dict-small falls back to PLAIN pages within chunks, so some batches turn to values.
    if (combo.encodings == "dict-small") {
      EXPECT_GT(value_batches, 0) << batch_rows;
    }
  }
}

// ReadSelected delivers exactly the selected rows, in dictionary form or as values, for
// every type, encoding and page version, with few rows (indices skipped to), many (pages
// unpacked whole), none, every row, and selections that straddle pages and batches.
using SelectedRows = DictionaryForm;

TEST_P(SelectedRows, DeliverExactlyTheSelectedRows) {
  const Combo combo = GetParam();
  const Schema schema = AllTypesSchema();
  const std::vector<ColumnBatch> expected = MakeBatches(schema, 2600, 3);
  const std::string bytes = WriteFile(schema, {expected}, OptionsFor(combo, schema));
  auto file = FileReader::Open(MakeMemorySource(bytes));
  const int64_t batch_rows = 700;
  for (int every : {1, 2, 37, 0}) {  // 0: none
    for (bool keep_dictionary : {false, true}) {
      for (size_t c = 0; c < schema.columns.size(); ++c) {
        ColumnBatch want = testing::BatchBuilder(schema.columns[c].value_type()).Build();
        ColumnBatch got = want;
        ColumnBatch batch;
        int64_t row = 0;  // first row of the batch in the file
        for (size_t g = 0; g < file->metadata().row_groups.size(); ++g) {
          auto reader = file->OpenColumn(static_cast<int>(g), static_cast<int>(c));
          while (reader->rows_remaining() > 0) {
            const int64_t n = std::min(batch_rows, reader->rows_remaining());
            std::vector<uint32_t> sel;
            for (int64_t r = 0; r < n; ++r) {
              if (every > 0 && (row + r) % every == 0) {
                sel.push_back(static_cast<uint32_t>(r));
                testing::AppendRows(expected[c], row + r, row + r + 1, &want);
              }
            }
            ASSERT_EQ(reader->ReadSelected(n, sel.data(), static_cast<int64_t>(sel.size()), &batch,
                                           keep_dictionary),
                      n);
            ASSERT_EQ(batch.num_rows, static_cast<int64_t>(sel.size()));
            for (int64_t r = 0; r < batch.num_rows; ++r) {
              if (!batch.dictionary) {
                testing::AppendRows(batch, r, r + 1, &got);
              } else if (batch.valid[r]) {
                const auto i = static_cast<int64_t>(batch.indices[r]);
                ASSERT_LT(i, batch.dictionary->num_rows);
                testing::AppendRows(*batch.dictionary, i, i + 1, &got);
              } else {
                ColumnBatch null_row = testing::BatchBuilder(got.type).Null().Build();
                testing::AppendRows(null_row, 0, 1, &got);
              }
            }
            row += n;
          }
        }
        testing::ExpectSameBatch(want, got,
                                 combo.encodings + " every " + std::to_string(every) +
                                     (keep_dictionary ? " indices " : " values ") +
                                     schema.columns[c].name);
      }
    }
  }
}

std::vector<Combo> AllCombos() {
  std::vector<Combo> combos;
  for (Codec codec :
       {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw}) {
    for (PageVersion v : {PageVersion::kV1, PageVersion::kV2}) {
      for (const char* e : {"dict", "plain", "delta", "bss", "dict-small"}) {
        combos.push_back({codec, v, e});
      }
    }
  }
  return combos;
}

INSTANTIATE_TEST_SUITE_P(AllCombos, RoundTrip, ::testing::ValuesIn(AllCombos()),
                         [](const ::testing::TestParamInfo<Combo>& info) {
                           std::string name =
                               std::string(CodecName(info.param.codec)) +
                               (info.param.version == PageVersion::kV1 ? "_v1_" : "_v2_") +
                               info.param.encodings;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// The codec does not change the pages' form: one is enough.
const auto kFormCombos = ::testing::Values(Combo{Codec::kSnappy, PageVersion::kV1, "dict"},
                                           Combo{Codec::kSnappy, PageVersion::kV2, "dict"},
                                           Combo{Codec::kSnappy, PageVersion::kV1, "plain"},
                                           Combo{Codec::kSnappy, PageVersion::kV1, "delta"},
                                           Combo{Codec::kSnappy, PageVersion::kV1, "bss"},
                                           Combo{Codec::kSnappy, PageVersion::kV1, "dict-small"},
                                           Combo{Codec::kSnappy, PageVersion::kV2, "dict-small"});

std::string FormName(const ::testing::TestParamInfo<Combo>& info) {
  std::string name =
      (info.param.version == PageVersion::kV1 ? "v1_" : "v2_") + info.param.encodings;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Snappy, DictionaryForm, kFormCombos, FormName);
INSTANTIATE_TEST_SUITE_P(Snappy, SelectedRows, kFormCombos, FormName);

TEST(Writer, ZeroRowFileHasSchemaAndNoRowGroups) {
  const Schema schema = AllTypesSchema();
  const std::string bytes = WriteFile(schema, {}, WriterOptions());
  auto file = FileReader::Open(MakeMemorySource(bytes));
  EXPECT_EQ(file->metadata().num_rows, 0);
  EXPECT_TRUE(file->metadata().row_groups.empty());
  EXPECT_EQ(file->metadata().schema.columns.size(), schema.columns.size());
  // An empty Write is also fine.
  const std::string again = WriteFile(schema, {MakeBatches(schema, 0, 1)}, WriterOptions());
  EXPECT_EQ(FileReader::Open(MakeMemorySource(again))->metadata().num_rows, 0);
}

TEST(Writer, StatisticsFollowTheColumnOrder) {
  using P = PhysicalType;
  Schema schema{{Col("i", P::kInt32, true), Col("f", P::kDouble, true),
                 Col("s", P::kByteArray, true, LogicalType::Of(LogicalKind::kString)),
                 Col("u", P::kInt64, false, LogicalType::Integer(64, false)),
                 Col("d", P::kFixedLenByteArray, false, LogicalType::Decimal(30, 2), 13),
                 Col("b", P::kBoolean, false), Col("t", P::kInt96, false),
                 Col("z", P::kFloat, false)}};
  std::vector<ColumnBatch> cols = {
      BatchBuilder(ValueType::kInt32).I32(5).Null().I32(-3).I32(9).Build(),
      BatchBuilder(ValueType::kDouble).F64(std::nan("")).F64(2.5).Null().F64(-7.25).Build(),
      BatchBuilder(ValueType::kBinary)
          .Bytes("pear")
          .Bytes("\xc3\xa9t\xc3\xa9")
          .Bytes("apple")
          .Null()
          .Build(),
      BatchBuilder(ValueType::kInt64).I64(1).I64(-1).I64(7).I64(0).Build(),
      BatchBuilder(ValueType::kInt128).I128(-5).I128(Pow10(29)).I128(3).I128(0).Build(),
      BatchBuilder(ValueType::kBool).Bool(true).Bool(true).Bool(true).Bool(true).Build(),
      BatchBuilder(ValueType::kInt64).I64(1).I64(2).I64(3).I64(4).Build(),
      BatchBuilder(ValueType::kFloat).F32(0.0f).F32(1.0f).F32(-0.0f).F32(0.0f).Build(),
  };
  const std::string bytes = WriteFile(schema, {cols}, WriterOptions());
  auto file = FileReader::Open(MakeMemorySource(bytes));
  const auto& rg = file->metadata().row_groups.at(0);
  auto stats = [&](int c) -> const ColumnStatistics& {
    EXPECT_TRUE(rg.columns[c].statistics.has_value()) << c;
    return *rg.columns[c].statistics;
  };
  EXPECT_EQ(stats(0).null_count, 1);
  EXPECT_EQ(std::get<int32_t>(*stats(0).min), -3);
  EXPECT_EQ(std::get<int32_t>(*stats(0).max), 9);
  EXPECT_EQ(std::get<double>(*stats(1).min), -7.25);  // NaN left out
  EXPECT_EQ(std::get<double>(*stats(1).max), 2.5);
  EXPECT_EQ(std::get<std::string>(*stats(2).min), "apple");
  EXPECT_EQ(std::get<std::string>(*stats(2).max), "\xc3\xa9t\xc3\xa9");  // unsigned bytes
  EXPECT_EQ(std::get<int64_t>(*stats(3).min), 0);   // unsigned: 0 is the smallest
  EXPECT_EQ(std::get<int64_t>(*stats(3).max), -1);  // and 2^64-1 the largest
  EXPECT_TRUE(std::get<Int128>(*stats(4).min) == -5);
  EXPECT_TRUE(std::get<Int128>(*stats(4).max) == Pow10(29));
  EXPECT_EQ(std::get<bool>(*stats(5).min), true);
  EXPECT_EQ(std::get<bool>(*stats(5).max), true);
  EXPECT_FALSE(stats(6).min.has_value());  // INT96 has no defined order
  EXPECT_EQ(stats(6).null_count, 0);
  const float zmin = std::get<float>(*stats(7).min);
  const float zmax = std::get<float>(*stats(7).max);
  EXPECT_TRUE(zmin == 0 && std::signbit(zmin));
  EXPECT_TRUE(zmax == 1.0f);
}

TEST(Writer, AllNanOrAllNullColumnsHaveNoBounds) {
  Schema schema{{Col("f", PhysicalType::kFloat, true)}};
  const std::string bytes = WriteFile(
      schema,
      {{BatchBuilder(ValueType::kFloat).F32(std::nanf("")).Null().F32(std::nanf("")).Build()}},
      WriterOptions());
  auto file = FileReader::Open(MakeMemorySource(bytes));
  const auto& s = *file->metadata().row_groups.at(0).columns[0].statistics;
  EXPECT_EQ(s.null_count, 1);
  EXPECT_FALSE(s.min.has_value());
}

// As parquet-mr and DuckDB do, a chunk keeps its dictionary only when the dictionary page
// and the first page's indices take less than the values as PLAIN, or when its dictionary
// fills up before any page used it; a column that asks for a dictionary keeps it.
TEST(Writer, DropsDictionariesThatDoNotPayOff) {
  using P = PhysicalType;
  Schema schema{{Col("unique", P::kInt64, false), Col("few", P::kInt64, false),
                 Col("name", P::kByteArray, false, LogicalType::Of(LogicalKind::kString)),
                 Col("asked", P::kInt64, false)}};
  BatchBuilder unique(ValueType::kInt64), few(ValueType::kInt64), name(ValueType::kBinary),
      asked(ValueType::kInt64);
  for (int i = 0; i < 5000; ++i) {
    unique.I64(i * 7919LL);
    few.I64(i % 10);
    name.Bytes("Customer#" + std::to_string(100000 + i));
    asked.I64(i * 31LL);
  }
  const std::vector<ColumnBatch> cols{unique.Build(), few.Build(), name.Build(), asked.Build()};
  for (const int64_t dictionary_limit : {int64_t{1} << 20, int64_t{2000}}) {
    WriterOptions o;
    o.data_page_bytes = 16000;
    o.dictionary_page_bytes = dictionary_limit;  // 2000: fills up before the first page
    o.column_encodings["asked"] = Encoding::kRleDictionary;
    const std::string bytes = WriteFile(schema, {cols}, o);
    auto file = FileReader::Open(MakeMemorySource(bytes));
    const auto& chunks = file->metadata().row_groups.at(0).columns;
    auto has = [&](int c, Encoding e) { return Uses(chunks[c], e); };
    const std::string what = "limit " + std::to_string(dictionary_limit);
    EXPECT_FALSE(has(0, Encoding::kRleDictionary)) << what;
    EXPECT_TRUE(has(1, Encoding::kRleDictionary)) << what;
    EXPECT_FALSE(has(2, Encoding::kRleDictionary)) << what;
    EXPECT_TRUE(has(3, Encoding::kRleDictionary)) << what;
    for (int c = 0; c < 4; ++c) ExpectSameBatch(cols[c], ReadWholeColumn(*file, c, 777), what);
  }
}

// A chunk whose pages compress by less than min_compression_saving is written UNCOMPRESSED,
// decided on its first megabyte of pages (random integers, 1.2 MB: eight pages held, the
// ninth written after the choice) or on the whole chunk with its dictionary page (random
// words, a dictionary chunk smaller than that); text that compresses stays SNAPPY. Pages v1
// and v2 read back exactly either way, and with the option at 0 every chunk is SNAPPY.
TEST(Writer, WritesChunksUncompressedWhenCompressionDoesNotPay) {
  using P = PhysicalType;
  Schema schema{{Col("noise", P::kInt64, true),
                 Col("text", P::kByteArray, false, LogicalType::Of(LogicalKind::kString)),
                 Col("words", P::kByteArray, false, LogicalType::Of(LogicalKind::kString))}};
  std::mt19937_64 rng(7);
  std::vector<std::string> words;
  for (int i = 0; i < 1000; ++i) {
    std::string w(12, ' ');
    for (char& ch : w) ch = static_cast<char>(rng());
    words.push_back(w);
  }
  BatchBuilder noise(ValueType::kInt64), text(ValueType::kBinary), word(ValueType::kBinary);
  constexpr int kRows = 160000;
  for (int i = 0; i < kRows; ++i) {
    if (i % 16 == 5) {
      noise.Null();
    } else {
      noise.I64(static_cast<int64_t>(rng()));
    }
    text.Bytes("carefully final deposits detect slyly " + std::to_string(i));
    word.Bytes(words[rng() % words.size()]);
  }
  const std::vector<ColumnBatch> cols{noise.Build(), text.Build(), word.Build()};
  for (PageVersion version : {PageVersion::kV1, PageVersion::kV2}) {
    for (double saving : {0.05, 0.0}) {
      WriterOptions o;
      o.page_version = version;
      o.data_page_bytes = 128 << 10;
      o.min_compression_saving = saving;
      const std::string bytes = WriteFile(schema, {cols}, o);
      auto file = FileReader::Open(MakeMemorySource(bytes));
      ASSERT_EQ(file->metadata().row_groups.size(), 1u);
      const auto& chunks = file->metadata().row_groups[0].columns;
      const std::string what = std::string(version == PageVersion::kV1 ? "v1" : "v2") + " saving " +
                               std::to_string(saving);
      const Codec dropped = saving > 0 ? Codec::kUncompressed : Codec::kSnappy;
      EXPECT_EQ(chunks[0].codec, dropped) << what;
      EXPECT_EQ(chunks[1].codec, Codec::kSnappy) << what;
      EXPECT_EQ(chunks[2].codec, dropped) << what;
      EXPECT_TRUE(Uses(chunks[2], Encoding::kRleDictionary)) << what;
      EXPECT_LT(chunks[1].compressed_size, chunks[1].uncompressed_size / 2) << what;
      if (saving > 0) {
        EXPECT_EQ(chunks[0].compressed_size, chunks[0].uncompressed_size) << what;
        EXPECT_EQ(chunks[2].compressed_size, chunks[2].uncompressed_size) << what;
      }
      for (int c = 0; c < 3; ++c) ExpectSameBatch(cols[c], ReadWholeColumn(*file, c, 4096), what);
    }
  }
}

// With delta_integers, INT32 and INT64 chunks without a dictionary (it did not pay off) are
// DELTA_BINARY_PACKED: sorted keys take a few bits a value. A dictionary that beats PLAIN
// but takes more than twice the delta encoding is dropped too (sorted keys repeated a few
// times); one within that (ten values in turn) stays, as do columns given an encoding.
// Without the option every dictionary that beats PLAIN stays and the rest is PLAIN.
TEST(Writer, IntegersWithoutADictionaryAreDeltaEncoded) {
  using P = PhysicalType;
  Schema schema{{Col("key", P::kInt64, false), Col("key32", P::kInt32, true),
                 Col("few", P::kInt64, false), Col("asked", P::kInt64, false),
                 Col("repeated", P::kInt64, false)}};
  BatchBuilder key(ValueType::kInt64), key32(ValueType::kInt32), few(ValueType::kInt64),
      asked(ValueType::kInt64), repeated(ValueType::kInt64);
  constexpr int kRows = 60000;
  for (int i = 0; i < kRows; ++i) {
    key.I64(1000000007LL + i * 3 + i % 2);
    if (i % 9 == 4) {
      key32.Null();
    } else {
      key32.I32(i * 5);
    }
    few.I64(i % 10);
    asked.I64(i * 7LL);
    repeated.I64(5000000 + i / 4);
  }
  const std::vector<ColumnBatch> cols{key.Build(), key32.Build(), few.Build(), asked.Build(),
                                      repeated.Build()};
  for (bool delta : {true, false}) {
    WriterOptions o;
    o.delta_integers = delta;
    o.column_encodings["asked"] = Encoding::kPlain;
    const std::string bytes = WriteFile(schema, {cols}, o);
    auto file = FileReader::Open(MakeMemorySource(bytes));
    const auto& chunks = file->metadata().row_groups.at(0).columns;
    auto has = [&](int c, Encoding e) { return Uses(chunks[c], e); };
    const std::string what = delta ? "delta" : "plain";
    for (int c : {0, 1}) {
      EXPECT_EQ(has(c, Encoding::kDeltaBinaryPacked), delta) << what << " column " << c;
      EXPECT_EQ(has(c, Encoding::kPlain), !delta) << what << " column " << c;
      EXPECT_FALSE(has(c, Encoding::kRleDictionary)) << what << " column " << c;
    }
    if (delta) {
      EXPECT_LT(chunks[0].uncompressed_size, kRows / 2) << "about 2 bits a value";
    }
    EXPECT_TRUE(has(2, Encoding::kRleDictionary)) << what;
    EXPECT_FALSE(has(2, Encoding::kDeltaBinaryPacked)) << what;
    EXPECT_TRUE(has(3, Encoding::kPlain)) << what;
    EXPECT_FALSE(has(3, Encoding::kDeltaBinaryPacked)) << what;
    EXPECT_EQ(has(4, Encoding::kDeltaBinaryPacked), delta) << what;
    EXPECT_EQ(has(4, Encoding::kRleDictionary), !delta) << what;
    EXPECT_EQ(file->metadata().version, delta ? 2 : 1) << what;
    for (int c = 0; c < 5; ++c) ExpectSameBatch(cols[c], ReadWholeColumn(*file, c, 1000), what);
  }
}

TEST(Writer, CutsRowGroupsBySize) {
  Schema schema{{Col("x", PhysicalType::kInt64, false)}};
  WriterOptions o;
  o.row_group_bytes = 80000;  // 10000 plain int64 values
  o.dictionary = false;
  BatchBuilder b(ValueType::kInt64);
  for (int i = 0; i < 50000; ++i) b.I64(i * 7919LL);
  const std::string bytes = WriteFile(schema, {{b.Build()}}, o);
  auto file = FileReader::Open(MakeMemorySource(bytes));
  const auto& groups = file->metadata().row_groups;
  ASSERT_GE(groups.size(), 4u);
  ASSERT_LE(groups.size(), 6u);
  int64_t total = 0;
  for (const auto& g : groups) total += g.num_rows;
  EXPECT_EQ(total, 50000);
  ExpectSameBatch(b.Build(), ReadWholeColumn(*file, 0, 4096), "size-cut");
}

TEST(Writer, RejectsBadInputWithoutWritingIt) {
  Schema schema{{Col("id", PhysicalType::kInt64, false),
                 Col("code", PhysicalType::kFixedLenByteArray, true, {}, 3),
                 Col("amount", PhysicalType::kInt64, true, LogicalType::Decimal(4, 2)),
                 Col("u", PhysicalType::kInt32, true, LogicalType::Integer(32, false))}};
  StringSink sink;
  FileWriter writer(&sink, schema);
  auto good = [] {
    return std::vector<ColumnBatch>{BatchBuilder(ValueType::kInt64).I64(1).Build(),
                                    BatchBuilder(ValueType::kBinary).Bytes("abc").Build(),
                                    BatchBuilder(ValueType::kInt64).I64(9999).Build(),
                                    BatchBuilder(ValueType::kInt64).I64(4294967295LL).Build()};
  };
  std::vector<ColumnBatch> bad = good();
  bad[0] = BatchBuilder(ValueType::kInt64).Null().Build();
  EXPECT_THROW(writer.Write(bad), ParquetError);  // null in a required column
  bad = good();
  bad[1] = BatchBuilder(ValueType::kBinary).Bytes("abcd").Build();
  EXPECT_THROW(writer.Write(bad), ParquetError);  // wrong fixed length
  bad = good();
  bad[2] = BatchBuilder(ValueType::kInt64).I64(10000).Build();
  EXPECT_THROW(writer.Write(bad), ParquetError);  // beyond DECIMAL(4, 2)
  bad = good();
  bad[3] = BatchBuilder(ValueType::kInt64).I64(-1).Build();
  EXPECT_THROW(writer.Write(bad), ParquetError);  // UINT32 below zero
  bad = good();
  bad[0] = BatchBuilder(ValueType::kInt32).I32(1).Build();
  EXPECT_THROW(writer.Write(bad), ParquetError);  // wrong value type
  bad = good();
  bad.pop_back();
  EXPECT_THROW(writer.Write(bad), ParquetError);  // a column missing
  writer.Write(good());
  writer.Close();
  EXPECT_THROW(writer.Write(good()), ParquetError);
  auto file = FileReader::Open(MakeMemorySource(sink.contents()));
  EXPECT_EQ(file->metadata().num_rows, 1);
  ExpectSameBatch(good()[2], ReadWholeColumn(*file, 2, 10), "amount");
}

TEST(Writer, RejectsInvalidSchemasAndOptions) {
  auto make = [](Schema s, WriterOptions o = {}) {
    StringSink sink;
    FileWriter w(&sink, std::move(s), std::move(o));
  };
  using P = PhysicalType;
  EXPECT_THROW(make(Schema{{Col("", P::kInt32, true)}}), ParquetError);
  EXPECT_THROW(make(Schema{{Col("a", P::kInt32, true), Col("a", P::kInt64, true)}}), ParquetError);
  EXPECT_THROW(make(Schema{{Col("a", P::kFixedLenByteArray, true)}}), ParquetError);
  EXPECT_THROW(make(Schema{{Col("a", P::kInt32, true, LogicalType::Decimal(10, 2))}}),
               ParquetError);
  EXPECT_THROW(
      make(Schema{{Col("a", P::kFixedLenByteArray, true, LogicalType::Decimal(20, 2), 8)}}),
      ParquetError);
  EXPECT_THROW(make(Schema{{Col("a", P::kInt32, true, LogicalType::Of(LogicalKind::kString))}}),
               ParquetError);
  WriterOptions o;
  o.column_encodings["a"] = Encoding::kDeltaLengthByteArray;
  EXPECT_THROW(make(Schema{{Col("a", P::kInt32, true)}}, o), ParquetError);
  o.column_encodings = {{"missing", Encoding::kPlain}};
  EXPECT_THROW(make(Schema{{Col("a", P::kInt32, true)}}, o), ParquetError);
  WriterOptions saving;
  saving.min_compression_saving = 1.5;
  EXPECT_THROW(make(Schema{{Col("a", P::kInt32, true)}}, saving), ParquetError);
  WriterOptions brotli;
  brotli.codec = Codec::kBrotli;
  EXPECT_THROW(make(Schema{{Col("a", P::kInt32, true)}}, brotli), ParquetUnsupportedError);
}

TEST(Writer, LocalFileSinkAndSourceRoundTrip) {
  const std::string path = ::testing::TempDir() + "/parquet_local_roundtrip.parquet";
  Schema schema{{Col("s", PhysicalType::kByteArray, true, LogicalType::Of(LogicalKind::kString))}};
  const ColumnBatch col = BatchBuilder(ValueType::kBinary).Bytes("x").Null().Bytes("").Build();
  {
    auto sink = OpenLocalFileSink(path);
    FileWriter writer(sink.get(), schema);
    writer.Write(std::vector<ColumnBatch>{col});
    writer.Close();
  }
  auto file = FileReader::Open(OpenLocalFileSource(path));
  ExpectSameBatch(col, ReadWholeColumn(*file, 0, 10), "local");
  std::remove(path.c_str());
  EXPECT_THROW(OpenLocalFileSource(path), base::IoError);
}

TEST(Reader, TimestampUnitOptionConvertsEveryTimestamp) {
  Schema schema{
      {Col("ms", PhysicalType::kInt64, true, LogicalType::Timestamp(TimeUnit::kMillis, true)),
       Col("ns", PhysicalType::kInt64, true, LogicalType::Timestamp(TimeUnit::kNanos, true)),
       Col("i96", PhysicalType::kInt96, true, LogicalType::Timestamp(TimeUnit::kNanos, false))}};
  const std::string bytes =
      WriteFile(schema,
                {{BatchBuilder(ValueType::kInt64).I64(1500).I64(-1).Null().Build(),
                  BatchBuilder(ValueType::kInt64).I64(1999).I64(-1).I64(-1000).Build(),
                  BatchBuilder(ValueType::kInt64)
                      .I64(86400000000001LL)
                      .I64(-1)
                      .I64(-86400000000000LL * 365 * 200)
                      .Build()}},
                WriterOptions());
  ReaderOptions options;
  options.timestamp_unit = TimeUnit::kMicros;
  auto file = FileReader::Open(MakeMemorySource(bytes), options);
  for (const Column& c : file->metadata().schema.columns) {
    EXPECT_EQ(c.logical.unit, TimeUnit::kMicros) << c.name;
  }
  ExpectSameBatch(BatchBuilder(ValueType::kInt64).I64(1500000).I64(-1000).Null().Build(),
                  ReadWholeColumn(*file, 0, 100), "ms->us");
  ExpectSameBatch(BatchBuilder(ValueType::kInt64).I64(1).I64(-1).I64(-1).Build(),
                  ReadWholeColumn(*file, 1, 100), "ns->us floors");
  ExpectSameBatch(BatchBuilder(ValueType::kInt64)
                      .I64(86400000000LL)
                      .I64(-1)
                      .I64(-86400000000LL * 365 * 200)
                      .Build(),
                  ReadWholeColumn(*file, 2, 100), "int96->us");
  const auto& s = *file->metadata().row_groups[0].columns[0].statistics;
  EXPECT_EQ(std::get<int64_t>(*s.min), -1000);
  EXPECT_EQ(std::get<int64_t>(*s.max), 1500000);
}

TEST(Reader, RowGroupReaderProjectsAndSkips) {
  const Schema schema = AllTypesSchema();
  const std::vector<ColumnBatch> cols = MakeBatches(schema, 5000, 9);
  WriterOptions o;
  o.data_page_bytes = 2000;
  const std::string bytes = WriteFile(schema, {cols}, o);
  auto file = FileReader::Open(MakeMemorySource(bytes));
  const int s = schema.FindColumn("str");
  const int d = schema.FindColumn("dec38");
  auto rg = file->OpenRowGroup(0, {d, s});
  std::vector<ColumnBatch> out;
  ASSERT_EQ(rg->Read(100, &out), 100);
  ASSERT_EQ(out.size(), 2u);
  ColumnBatch want;
  want.Reset(ValueType::kBinary);
  testing::AppendRows(cols[s], 0, 100, &want);
  ExpectSameBatch(want, out[1], "projected str");
  auto col = file->OpenColumn(0, s);
  EXPECT_EQ(col->Skip(4321), 4321);
  EXPECT_EQ(col->rows_remaining(), 5000 - 4321);
  ColumnBatch rest;
  ASSERT_EQ(col->Read(10000, &rest), 5000 - 4321);
  ColumnBatch tail;
  tail.Reset(ValueType::kBinary);
  testing::AppendRows(cols[s], 4321, 5000, &tail);
  ExpectSameBatch(tail, rest, "after skip");
  EXPECT_EQ(col->Read(10, &rest), 0);
  EXPECT_THROW(file->OpenColumn(1, 0), ParquetError);
  EXPECT_THROW(file->OpenColumn(0, 99), ParquetError);
  EXPECT_THROW(file->OpenRowGroup(5, {}), ParquetError);
  EXPECT_EQ(file->OpenRowGroup(0, {})->rows_remaining(), 5000);
}

TEST(Reader, ChunksDecodeConcurrently) {
  const Schema schema = AllTypesSchema();
  const std::vector<ColumnBatch> cols = MakeBatches(schema, 3000, 5);
  WriterOptions o;
  o.max_row_group_rows = 1000;
  o.data_page_bytes = 3000;
  const std::string path = ::testing::TempDir() + "/parquet_concurrent.parquet";
  {
    auto sink = OpenLocalFileSink(path);
    FileWriter writer(sink.get(), schema, o);
    writer.Write(cols);
    writer.Close();
  }
  auto file = FileReader::Open(OpenLocalFileSource(path));
  const int groups = static_cast<int>(file->metadata().row_groups.size());
  const int columns = static_cast<int>(schema.columns.size());
  // Open every (row group, column) chunk from four threads at once, then drop the file and
  // decode them from four threads at once: the readers keep what they need.
  const int tasks = groups * columns;
  std::vector<std::unique_ptr<ColumnReader>> readers(static_cast<size_t>(tasks));
  auto on_threads = [&](auto work) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int task = t; task < tasks; task += 4) work(task);
      });
    }
    for (auto& th : threads) th.join();
  };
  on_threads([&](int task) {
    readers[static_cast<size_t>(task)] = file->OpenColumn(task / columns, task % columns);
  });
  file.reset();
  std::vector<ColumnBatch> results(static_cast<size_t>(tasks));
  on_threads([&](int task) {
    ColumnBatch batch;
    ColumnBatch& all = results[static_cast<size_t>(task)];
    all.Reset(schema.columns[task % columns].value_type());
    while (readers[static_cast<size_t>(task)]->Read(256, &batch) > 0) {
      testing::AppendRows(batch, 0, batch.num_rows, &all);
    }
  });
  for (int c = 0; c < columns; ++c) {
    ColumnBatch joined;
    joined.Reset(schema.columns[c].value_type());
    for (int g = 0; g < groups; ++g) {
      const ColumnBatch& part = results[static_cast<size_t>(g * columns + c)];
      testing::AppendRows(part, 0, part.num_rows, &joined);
    }
    ExpectSameBatch(cols[c], joined, "concurrent " + schema.columns[c].name);
  }
  std::remove(path.c_str());
}

// Readers of compressed chunks that are open at once on one thread share that thread's one
// fetch buffer: each reads its pages back when another overwrote them, so reading every
// column in turns of a few rows (SNAPPY, GZIP and uncompressed chunks, pages v1 and v2,
// small pages) still gives exact values, and the thread allocates about one buffer per
// column (a compressed chunk's page buffer, an uncompressed chunk's own fetch window, whose
// pages are decoded in place) plus the shared one: 37 for these 31 columns, where a fetch
// window per column as well made 63.
TEST(Reader, OpenReadersShareTheThreadsFetchBuffer) {
  const Schema schema = AllTypesSchema();
  const std::vector<ColumnBatch> cols = MakeBatches(schema, 3000, 13);
  for (Codec codec : {Codec::kSnappy, Codec::kGzip, Codec::kUncompressed}) {
    for (PageVersion version : {PageVersion::kV1, PageVersion::kV2}) {
      const std::string what =
          std::string(CodecName(codec)) + " pages v" + (version == PageVersion::kV1 ? "1 " : "2 ");
      WriterOptions o;
      o.codec = codec;
      o.page_version = version;
      o.data_page_bytes = 2000;
      auto file = FileReader::Open(MakeMemorySource(WriteFile(schema, {cols}, o)));
      ASSERT_EQ(file->metadata().row_groups.size(), 1u);
      const size_t columns = schema.columns.size();
      uint64_t allocations = 0;
      std::thread([&] {
        const uint64_t before = ScratchBuffer::ThreadAllocations();
        std::vector<std::unique_ptr<ColumnReader>> readers;
        std::vector<ColumnBatch> all(columns);
        for (size_t c = 0; c < columns; ++c) {
          readers.push_back(file->OpenColumn(0, static_cast<int>(c)));
          all[c].Reset(schema.columns[c].value_type());
        }
        ColumnBatch batch;
        for (bool more = true; more;) {
          more = false;
          for (size_t c = 0; c < columns; ++c) {
            if (readers[c]->Read(97, &batch) == 0) continue;
            testing::AppendRows(batch, 0, batch.num_rows, &all[c]);
            more = true;
          }
        }
        for (size_t c = 0; c < columns; ++c) {
          ExpectSameBatch(cols[c], all[c], what + schema.columns[c].name);
        }
        allocations = ScratchBuffer::ThreadAllocations() - before;
      }).join();
      EXPECT_GT(allocations, 0u) << what;
      EXPECT_LT(allocations, columns + columns / 2) << what;
    }
  }
}

// A footer identical to one read before (same bytes, file size and options) is not parsed
// again: opening the same file twice parses once, and both readers read the file exactly;
// other options or another file's footer are parsed anew.
TEST(Reader, IdenticalFootersAreParsedOnce) {
  const Schema schema = AllTypesSchema();
  const std::vector<ColumnBatch> cols = MakeBatches(schema, 1500, 23);
  const std::string bytes = WriteFile(schema, {cols}, WriterOptions());
  const uint64_t before = FileReader::FooterParses();
  auto first = FileReader::Open(MakeMemorySource(bytes));
  auto second = FileReader::Open(MakeMemorySource(bytes));
  EXPECT_EQ(FileReader::FooterParses(), before + 1);
  ASSERT_EQ(second->metadata().num_rows, 1500);
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    ExpectSameBatch(cols[c], ReadWholeColumn(*second, static_cast<int>(c), 512),
                    "second open " + schema.columns[c].name);
  }
  ReaderOptions micros;
  micros.timestamp_unit = TimeUnit::kMicros;
  auto converted = FileReader::Open(MakeMemorySource(bytes), micros);
  EXPECT_EQ(FileReader::FooterParses(), before + 2);
  EXPECT_EQ(converted->metadata().schema.columns[schema.FindColumn("ts_ns")].logical.unit,
            TimeUnit::kMicros);
  const std::string other = WriteFile(schema, {MakeBatches(schema, 1501, 23)}, WriterOptions());
  EXPECT_EQ(FileReader::Open(MakeMemorySource(other))->metadata().num_rows, 1501);
  EXPECT_EQ(FileReader::FooterParses(), before + 3);
}

}  // namespace
}  // namespace sql::parquet
