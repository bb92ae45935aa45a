// Files assembled page by page from the format's structures, for what the writer never
// produces: deprecated encodings and codecs, page kinds to skip, legacy statistics, nested
// schemas, INT96 from other writers, and corrupt structures. Expected values are worked out
// by hand from the format specification.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "engines/sql/formats/parquet/byte_reader.h"
#include "engines/sql/formats/parquet/codec.h"
#include "engines/sql/formats/parquet/file_metadata_format.h"
#include "engines/sql/formats/parquet/file_reader.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/rle_decoder.h"
#include "engines/sql/formats/parquet/test_util.h"

namespace sql::parquet {
namespace {

using testing::BatchBuilder;
using testing::ExpectSameBatch;
using testing::ReadWholeColumn;

struct RawPage {
  format::PageHeader header;
  std::string body;
};

format::SchemaElement Leaf(const std::string& name, int32_t type, int32_t repetition) {
  format::SchemaElement e;
  e.name = name;
  e.type = type;
  e.repetition_type = repetition;
  return e;
}

RawPage DataPageV1(int32_t num_values, Encoding encoding, std::string body,
                   Encoding levels = Encoding::kRle, int32_t uncompressed = -1) {
  RawPage p;
  p.header.type = format::kDataPage;
  p.header.uncompressed_page_size =
      uncompressed >= 0 ? uncompressed : static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.header.data_page_header = format::DataPageHeader{num_values, static_cast<int32_t>(encoding),
                                                     static_cast<int32_t>(levels), 3};
  p.body = std::move(body);
  return p;
}

RawPage DictionaryPage(int32_t num_values, Encoding encoding, std::string body) {
  RawPage p;
  p.header.type = format::kDictionaryPage;
  p.header.uncompressed_page_size = static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.header.dictionary_page_header =
      format::DictionaryPageHeader{num_values, static_cast<int32_t>(encoding), std::nullopt};
  p.body = std::move(body);
  return p;
}

// A file whose leaf columns (schema elements after the root's subtree walk) are `chunks`,
// all in one row group of `rows` rows.
struct FileSpec {
  std::vector<format::SchemaElement> elements;  // without the root
  int32_t root_children = -1;                   // default: elements.size()
  int64_t rows = 0;
  std::vector<std::vector<RawPage>> chunks;  // one per leaf
  std::vector<int32_t> codecs;               // per leaf, default UNCOMPRESSED
  std::vector<std::optional<format::Statistics>> stats;
  std::optional<std::vector<format::ColumnOrder>> column_orders;
  std::vector<int32_t> leaf_types;  // per leaf, physical type for ColumnMetaData
};

std::string Build(const FileSpec& spec) {
  std::string out = "PAR1";
  format::FileMetaData m;
  m.version = 1;
  format::SchemaElement root;
  root.name = "schema";
  root.num_children =
      spec.root_children >= 0 ? spec.root_children : static_cast<int32_t>(spec.elements.size());
  m.schema.push_back(root);
  for (const auto& e : spec.elements) m.schema.push_back(e);
  m.num_rows = spec.rows;
  format::RowGroup g;
  g.num_rows = spec.rows;
  for (size_t c = 0; c < spec.chunks.size(); ++c) {
    format::ColumnChunk cc;
    format::ColumnMetaData& md = cc.meta_data.emplace();
    md.type = spec.leaf_types[c];
    md.encodings = {0};
    md.path_in_schema = {"c" + std::to_string(c)};
    md.codec = c < spec.codecs.size() ? spec.codecs[c] : 0;
    md.num_values = spec.rows;
    const auto start = static_cast<int64_t>(out.size());
    for (const RawPage& p : spec.chunks[c]) {
      if (p.header.type == format::kDictionaryPage)
        md.dictionary_page_offset = static_cast<int64_t>(out.size());
      out += format::SerializePageHeader(p.header);
      out += p.body;
    }
    md.data_page_offset = md.dictionary_page_offset ? *md.dictionary_page_offset : start;
    md.total_compressed_size = static_cast<int64_t>(out.size()) - start;
    md.total_uncompressed_size = md.total_compressed_size;
    if (c < spec.stats.size()) md.statistics = spec.stats[c];
    g.columns.push_back(cc);
  }
  m.row_groups.push_back(g);
  m.column_orders = spec.column_orders;
  const std::string footer = format::SerializeFileMetaData(m);
  out += footer;
  AppendLE(static_cast<uint32_t>(footer.size()), &out);
  out += "PAR1";
  return out;
}

std::string Le32(uint32_t v) {
  std::string s;
  AppendLE(v, &s);
  return s;
}

TEST(HandBuilt, DeprecatedBitPackedLevelsAreMostSignificantBitFirst) {
  // Rows 5, null, 7, null, null, 9, 11, null, 13: levels 1 0 1 0 0 1 1 0 | 1.
  std::string body = "\xa6\x80";
  for (int32_t v : {5, 7, 9, 11, 13}) AppendLE(v, &body);
  FileSpec spec;
  spec.elements = {Leaf("x", 1, 1)};
  spec.leaf_types = {1};
  spec.rows = 9;
  spec.chunks = {{DataPageV1(9, Encoding::kPlain, body, Encoding::kBitPacked)}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  ExpectSameBatch(BatchBuilder(ValueType::kInt32)
                      .I32(5)
                      .Null()
                      .I32(7)
                      .Null()
                      .Null()
                      .I32(9)
                      .I32(11)
                      .Null()
                      .I32(13)
                      .Build(),
                  ReadWholeColumn(*file, 0, 4), "bit-packed levels");
}

TEST(HandBuilt, PlainDictionaryPagesAndSkippedPages) {
  // Dictionary ["x", "yy"]; indices 1 0 1 1 as one bit-packed group of width 1.
  std::string dict = Le32(1) + "x" + Le32(2) + "yy";
  std::string indices = "\x01\x03\x0d";
  RawPage index_page;
  index_page.header.type = format::kIndexPage;
  index_page.body = "whatever";
  index_page.header.compressed_page_size = index_page.header.uncompressed_page_size = 8;
  RawPage future_page = index_page;
  future_page.header.type = 42;
  RawPage data = DataPageV1(4, Encoding::kPlainDictionary, indices);
  data.header.crc = 12345;
  FileSpec spec;
  spec.elements = {Leaf("s", 6, 0)};
  spec.leaf_types = {6};
  spec.rows = 4;
  spec.chunks = {
      {DictionaryPage(2, Encoding::kPlainDictionary, dict), index_page, future_page, data}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  ExpectSameBatch(
      BatchBuilder(ValueType::kBinary).Bytes("yy").Bytes("x").Bytes("yy").Bytes("yy").Build(),
      ReadWholeColumn(*file, 0, 3), "PLAIN_DICTIONARY");
}

TEST(HandBuilt, HadoopLz4AndLz4RawPages) {
  std::string values;
  for (int64_t v : {1, -2, 3, -4}) AppendLE(v, &values);
  std::string block;
  Compress(Codec::kLz4Raw, 0, values, &block);
  std::string hadoop;
  for (uint32_t v : {static_cast<uint32_t>(values.size()), static_cast<uint32_t>(block.size())}) {
    for (int s = 24; s >= 0; s -= 8) hadoop.push_back(static_cast<char>((v >> s) & 0xff));
  }
  hadoop += block;
  FileSpec spec;
  spec.elements = {Leaf("a", 2, 0), Leaf("b", 2, 0)};
  spec.leaf_types = {2, 2};
  spec.rows = 4;
  spec.codecs = {static_cast<int32_t>(Codec::kLz4), static_cast<int32_t>(Codec::kLz4Raw)};
  spec.chunks = {{DataPageV1(4, Encoding::kPlain, hadoop, Encoding::kRle, 32)},
                 {DataPageV1(4, Encoding::kPlain, block, Encoding::kRle, 32)}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  const ColumnBatch want = BatchBuilder(ValueType::kInt64).I64(1).I64(-2).I64(3).I64(-4).Build();
  ExpectSameBatch(want, ReadWholeColumn(*file, 0, 10), "LZ4 (Hadoop)");
  ExpectSameBatch(want, ReadWholeColumn(*file, 1, 10), "LZ4_RAW");
}

TEST(HandBuilt, ByteStreamSplitAndRleBooleansFromTheSpec) {
  // 1.0f = 00 00 80 3f and -2.5f = 00 00 20 c0, split into four byte streams.
  const std::string bss("\x00\x00\x00\x00\x80\x20\x3f\xc0", 8);
  // Booleans true, false, true, true, true, true, true, true, true, true as RLE: a literal
  // group of 8 (0xfd: bits 1 0 1 1 1 1 1 1), then a repeat of 2 x 1.
  const std::string rle = "\x03\xfd\x04\x01";
  RawPage v2;
  v2.header.type = format::kDataPageV2;
  v2.body = Le32(4) + rle;
  v2.header.compressed_page_size = v2.header.uncompressed_page_size =
      static_cast<int32_t>(v2.body.size());
  v2.header.data_page_header_v2 =
      format::DataPageHeaderV2{10, 0, 10, static_cast<int32_t>(Encoding::kRle), 0, 0, false};
  FileSpec floats;
  floats.elements = {Leaf("f", 4, 0)};
  floats.leaf_types = {4};
  floats.rows = 2;
  floats.chunks = {{DataPageV1(2, Encoding::kByteStreamSplit, bss)}};
  auto file = FileReader::Open(MakeMemorySource(Build(floats)));
  ExpectSameBatch(BatchBuilder(ValueType::kFloat).F32(1.0f).F32(-2.5f).Build(),
                  ReadWholeColumn(*file, 0, 10), "BYTE_STREAM_SPLIT");
  FileSpec bools;
  bools.elements = {Leaf("b", 0, 0)};
  bools.leaf_types = {0};
  bools.rows = 10;
  bools.codecs = {static_cast<int32_t>(Codec::kSnappy)};  // the v2 page says uncompressed
  bools.chunks = {{v2}};
  auto bfile = FileReader::Open(MakeMemorySource(Build(bools)));
  BatchBuilder want(ValueType::kBool);
  for (bool b : {true, false, true, true, true, true, true, true, true, true}) want.Bool(b);
  ExpectSameBatch(want.Build(), ReadWholeColumn(*bfile, 0, 3), "RLE booleans");
}

TEST(HandBuilt, Int96FromOtherWritersBecomesNanoseconds) {
  // 2000-01-01 01:00:00: Julian day 2451545, 3600 s into the day.
  std::string body;
  AppendLE(int64_t{3600} * 1000000000, &body);
  AppendLE(int32_t{2451545}, &body);
  FileSpec spec;
  spec.elements = {Leaf("t", 3, 0)};
  spec.leaf_types = {3};
  spec.rows = 1;
  spec.chunks = {{DataPageV1(1, Encoding::kPlain, body)}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  const Column& c = file->metadata().schema.columns[0];
  EXPECT_EQ(c.logical.kind, LogicalKind::kTimestamp);
  EXPECT_EQ(c.logical.unit, TimeUnit::kNanos);
  ExpectSameBatch(BatchBuilder(ValueType::kInt64).I64(946688400000000000LL).Build(),
                  ReadWholeColumn(*file, 0, 10), "INT96");
}

TEST(HandBuilt, DecimalBytesWithSignExtensionAndOverflow) {
  format::SchemaElement e = Leaf("d", 6, 0);
  e.converted_type = 5;
  e.precision = 18;
  e.scale = 2;
  // -2 in 17 bytes (sign extension only) and 1 in a single byte; then 2^64 in 9 bytes, which
  // does not fit the int64 that precision 18 promises.
  std::string ok = Le32(17) + std::string(16, '\xff') + "\xfe" + Le32(1) + "\x01";
  std::string too_big = Le32(9) + std::string("\x01", 1) + std::string(8, '\0');
  FileSpec spec;
  spec.elements = {e};
  spec.leaf_types = {6};
  spec.rows = 2;
  spec.chunks = {{DataPageV1(2, Encoding::kPlain, ok)}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  EXPECT_EQ(file->metadata().schema.columns[0].logical, LogicalType::Decimal(18, 2));
  ExpectSameBatch(BatchBuilder(ValueType::kInt64).I64(-2).I64(1).Build(),
                  ReadWholeColumn(*file, 0, 10), "decimal");
  spec.rows = 1;
  spec.chunks = {{DataPageV1(1, Encoding::kPlain, too_big)}};
  auto bad = FileReader::Open(MakeMemorySource(Build(spec)));
  EXPECT_THROW(ReadWholeColumn(*bad, 0, 10), ParquetError);
}

TEST(HandBuilt, NestedAndRepeatedColumnsAreUnsupportedByName) {
  // schema: a (int32), g (group: x int64, y int64), r (repeated int32), b (int32)
  format::SchemaElement group;
  group.name = "g";
  group.repetition_type = 1;
  group.num_children = 2;
  FileSpec spec;
  spec.elements = {Leaf("a", 1, 0), group,           Leaf("x", 2, 1),
                   Leaf("y", 2, 1), Leaf("r", 1, 2), Leaf("b", 1, 0)};
  spec.root_children = 4;
  spec.leaf_types = {1, 2, 2, 1, 1};
  spec.rows = 1;
  std::string one = Le32(1);
  std::string two = Le32(2);
  spec.chunks = {
      {DataPageV1(1, Encoding::kPlain, one)}, {}, {}, {}, {DataPageV1(1, Encoding::kPlain, two)}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  const Schema& schema = file->metadata().schema;
  ASSERT_EQ(schema.columns.size(), 4u);
  EXPECT_EQ(schema.columns[1].name, "g");
  try {
    file->OpenColumn(0, 1);
    ADD_FAILURE() << "nested column opened";
  } catch (const ParquetUnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("'g'"), std::string::npos) << e.what();
  }
  try {
    file->OpenColumn(0, 2);
    ADD_FAILURE() << "repeated column opened";
  } catch (const ParquetUnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("'r'"), std::string::npos) << e.what();
  }
  ExpectSameBatch(BatchBuilder(ValueType::kInt32).I32(1).Build(), ReadWholeColumn(*file, 0, 10),
                  "a");
  ExpectSameBatch(BatchBuilder(ValueType::kInt32).I32(2).Build(), ReadWholeColumn(*file, 3, 10),
                  "b");
}

TEST(HandBuilt, StatisticsTrustRules) {
  auto le32 = [](int32_t v) { return Le32(static_cast<uint32_t>(v)); };
  format::SchemaElement str = Leaf("s", 6, 1);
  str.converted_type = 0;
  format::SchemaElement u32 = Leaf("u", 1, 1);
  u32.converted_type = 13;
  FileSpec spec;
  spec.elements = {Leaf("i", 1, 1), str, u32, Leaf("f", 5, 1), Leaf("t", 3, 1), Leaf("j", 1, 1)};
  spec.leaf_types = {1, 6, 1, 5, 3, 1};
  spec.rows = 0;
  spec.chunks.resize(6);
  format::Statistics legacy_int;
  legacy_int.min = le32(-4);
  legacy_int.max = le32(10);
  legacy_int.null_count = 2;
  format::Statistics legacy_str;
  legacy_str.min = "a";
  legacy_str.max = "\xc3\xa9";
  format::Statistics unsigned_stats;
  unsigned_stats.min_value = le32(3);
  unsigned_stats.max_value = le32(-1);  // 4294967295 as unsigned
  format::Statistics nan_stats;
  std::string nan(8, '\0');
  const double q = std::nan("");
  std::memcpy(nan.data(), &q, 8);
  std::string zero(8, '\0');
  nan_stats.min_value = zero;
  nan_stats.max_value = nan;
  format::Statistics int96_stats;
  int96_stats.min_value = std::string(12, '\0');
  int96_stats.max_value = std::string(12, '\1');
  format::Statistics unordered = legacy_int;
  unordered.min_value = le32(1);
  unordered.max_value = le32(2);
  spec.stats = {legacy_int, legacy_str, unsigned_stats, nan_stats, int96_stats, unordered};
  // Column j's order is unknown to this reader: its min_value/max_value cannot be used.
  spec.column_orders = std::vector<format::ColumnOrder>{{1}, {1}, {1}, {1}, {1}, {0}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  const auto& cols = file->metadata().row_groups.at(0).columns;
  EXPECT_EQ(std::get<int32_t>(*cols[0].statistics->min), -4);  // legacy, signed: usable
  EXPECT_EQ(std::get<int32_t>(*cols[0].statistics->max), 10);
  EXPECT_EQ(cols[0].statistics->null_count, 2);
  EXPECT_FALSE(cols[1].statistics->min.has_value());  // legacy on strings: not trusted
  EXPECT_EQ(std::get<int64_t>(*cols[2].statistics->min), 3);
  EXPECT_EQ(std::get<int64_t>(*cols[2].statistics->max), 4294967295LL);
  EXPECT_FALSE(cols[3].statistics->min.has_value());  // NaN bound
  EXPECT_FALSE(cols[4].statistics->min.has_value());  // INT96
  EXPECT_FALSE(cols[5].statistics->min.has_value());  // unknown column order
  EXPECT_EQ(cols[5].statistics->null_count, 2);
}

TEST(HandBuilt, CorruptStructuresAreErrors) {
  const std::string one_value = Le32(7);
  auto file_with = [&](std::vector<RawPage> pages, int64_t rows = 1) {
    FileSpec spec;
    spec.elements = {Leaf("x", 1, 0)};
    spec.leaf_types = {1};
    spec.rows = rows;
    spec.chunks = {std::move(pages)};
    return Build(spec);
  };
  auto read_all = [](const std::string& bytes) {
    auto file = FileReader::Open(MakeMemorySource(bytes));
    return ReadWholeColumn(*file, 0, 100);
  };
  // Dictionary-encoded page without a dictionary; a second dictionary page; an index past
  // the dictionary; too few values for the row count; an unknown encoding.
  EXPECT_THROW(read_all(file_with(
                   {DataPageV1(1, Encoding::kRleDictionary, std::string("\x01\x02\x00", 3))})),
               ParquetError);
  const RawPage dict = DictionaryPage(1, Encoding::kPlain, one_value);
  EXPECT_THROW(
      read_all(file_with(
          {dict, dict, DataPageV1(1, Encoding::kRleDictionary, std::string("\x00\x02\x00", 3))})),
      ParquetError);
  EXPECT_THROW(read_all(file_with({dict, DataPageV1(1, Encoding::kRleDictionary, "\x01\x02\x01")})),
               ParquetError);
  EXPECT_THROW(read_all(file_with({DataPageV1(1, Encoding::kPlain, one_value)}, 2)), ParquetError);
  EXPECT_THROW(read_all(file_with({DataPageV1(1, static_cast<Encoding>(1), one_value)})),
               ParquetUnsupportedError);
  EXPECT_EQ(read_all(file_with({dict, DataPageV1(1, Encoding::kRleDictionary,
                                                 std::string("\x01\x02\x00", 3))}))
                .i32[0],
            7);
  // Not Parquet, truncated, encrypted footer.
  const std::string good = file_with({DataPageV1(1, Encoding::kPlain, one_value)});
  EXPECT_THROW(FileReader::Open(MakeMemorySource("PAR1")), ParquetError);
  EXPECT_THROW(FileReader::Open(MakeMemorySource(good.substr(0, good.size() - 1))), ParquetError);
  std::string encrypted = good;
  encrypted.replace(encrypted.size() - 4, 4, "PARE");
  EXPECT_THROW(FileReader::Open(MakeMemorySource(encrypted)), ParquetUnsupportedError);
  std::string long_footer = good;
  long_footer.replace(long_footer.size() - 8, 4, Le32(1u << 30));
  EXPECT_THROW(FileReader::Open(MakeMemorySource(long_footer)), ParquetError);
}

// ReadSelected passes over the indices of rows it does not deliver without unpacking them:
// an index past the dictionary in a row not selected goes unnoticed when few rows are
// selected (whole bit-packed groups are skipped by their bytes), while reading every row, or
// so many that the page is unpacked whole, finds it.
TEST(HandBuilt, SelectedReadsSkipUnselectedIndices) {
  std::string dict;
  for (int32_t v : {10, 20, 30, 40}) AppendLE(v, &dict);
  std::vector<uint32_t> indices(64);
  for (uint32_t i = 0; i < 64; ++i) indices[i] = i % 4;
  indices[40] = 7;  // corrupt: the dictionary has four values
  std::string body = "\x03";
  RleEncode(indices.data(), indices.size(), 3, &body);
  FileSpec spec;
  spec.elements = {Leaf("x", 1, 0)};
  spec.leaf_types = {1};
  spec.rows = 64;
  spec.chunks = {
      {DictionaryPage(4, Encoding::kPlain, dict), DataPageV1(64, Encoding::kRleDictionary, body)}};
  auto file = FileReader::Open(MakeMemorySource(Build(spec)));
  ColumnBatch batch;
  EXPECT_THROW(file->OpenColumn(0, 0)->Read(64, &batch), ParquetError);
  const uint32_t few[] = {3, 50};
  for (bool keep_dictionary : {false, true}) {
    auto reader = file->OpenColumn(0, 0);
    ASSERT_EQ(reader->ReadSelected(64, few, 2, &batch, keep_dictionary), 64);
    ASSERT_EQ(batch.num_rows, 2);
    if (keep_dictionary) {
      ASSERT_TRUE(batch.dictionary);
      EXPECT_EQ(batch.indices, (ValueArray<uint32_t>{3, 2}));
    } else {
      EXPECT_EQ(batch.i32, (ValueArray<int32_t>{40, 30}));
    }
    EXPECT_EQ(reader->rows_remaining(), 0);
  }
  std::vector<uint32_t> many;
  for (uint32_t i = 0; i < 64; i += 2) many.push_back(i);
  EXPECT_THROW(file->OpenColumn(0, 0)->ReadSelected(64, many.data(), 32, &batch), ParquetError);
  const uint32_t unordered[] = {5, 4};
  EXPECT_THROW(file->OpenColumn(0, 0)->ReadSelected(64, unordered, 2, &batch),
               std::invalid_argument);
}

}  // namespace
}  // namespace sql::parquet
