// Tests of the low layers: bit packing, the RLE/bit-packed hybrid, DELTA_BINARY_PACKED, the
// Thrift compact protocol, the page codecs and picking values out of PLAIN pages.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engines/sql/formats/parquet/bit_packing.h"
#include "engines/sql/formats/parquet/codec.h"
#include "engines/sql/formats/parquet/delta_binary_packed.h"
#include "engines/sql/formats/parquet/file_metadata_format.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/rle_decoder.h"
#include "engines/sql/formats/parquet/thrift_compact.h"
#include "engines/sql/formats/parquet/value_decoder.h"

namespace sql::parquet {
namespace {

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST(BitPacking, MatchesSpecExample) {
  // Encodings.md: values 0..7 at width 3 pack to 10001000 11000110 11111010.
  const uint32_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string packed;
  PackBits(values, 8, 3, &packed);
  ASSERT_EQ(packed, std::string("\x88\xc6\xfa", 3));
  uint32_t out[8];
  UnpackBits<uint32_t>(U8(packed), packed.size(), 3, out, 8);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[i], values[i]);
}

TEST(BitPacking, RoundTripsEveryWidth) {
  std::mt19937_64 rng(7);
  for (int width = 0; width <= 64; ++width) {
    const uint64_t mask = width == 64 ? ~0ULL : ((1ULL << width) - 1);
    for (size_t count : {1u, 7u, 31u, 32u, 33u, 100u, 1000u}) {
      std::vector<uint64_t> values(count);
      for (auto& v : values) v = rng() & mask;
      std::string packed;
      PackBits(values.data(), count, width, &packed);
      ASSERT_EQ(packed.size(), (count * width + 7) / 8);
      std::vector<uint64_t> out(count);
      UnpackBits<uint64_t>(U8(packed), packed.size(), width, out.data(), count);
      ASSERT_EQ(out, values) << "width " << width << " count " << count;
      if (width <= 32) {
        std::vector<uint32_t> out32(count);
        UnpackBits<uint32_t>(U8(packed), packed.size(), width, out32.data(), count);
        for (size_t i = 0; i < count; ++i) ASSERT_EQ(out32[i], values[i]);
      }
      if (width <= 8) {
        std::vector<uint8_t> out8(count);
        UnpackBits<uint8_t>(U8(packed), packed.size(), width, out8.data(), count);
        for (size_t i = 0; i < count; ++i) ASSERT_EQ(out8[i], values[i]);
      }
    }
  }
}

TEST(Rle, DecodesSpecRunsAndLiterals) {
  // A repeat of 5 x value 3 (width 2), then one literal group of 8 values.
  std::string data;
  data.push_back(5 << 1);
  data.push_back(3);
  data.push_back((1 << 1) | 1);
  const uint32_t lit[8] = {0, 1, 2, 3, 3, 2, 1, 0};
  PackBits(lit, 8, 2, &data);
  RleDecoder d;
  d.Reset(U8(data), data.size(), 2);
  uint32_t out[13];
  d.Get(out, 4);
  d.Get(out + 4, 9);
  const uint32_t want[13] = {3, 3, 3, 3, 3, 0, 1, 2, 3, 3, 2, 1, 0};
  for (int i = 0; i < 13; ++i) EXPECT_EQ(out[i], want[i]) << i;
  EXPECT_THROW(d.Get(out, 4), ParquetError);  // the literal group held exactly 8
}

TEST(Rle, RoundTripsMixedData) {
  std::mt19937 rng(11);
  for (int width : {1, 2, 5, 8, 13, 20, 32}) {
    std::vector<uint32_t> values;
    const uint32_t mask = width == 32 ? ~0u : ((1u << width) - 1);
    while (values.size() < 5000) {
      const uint32_t v = rng() & mask;
      const int repeat = (rng() % 4 == 0) ? static_cast<int>(rng() % 40) : 1;
      for (int i = 0; i < repeat; ++i) values.push_back(v);
    }
    std::string enc;
    RleEncode(values.data(), values.size(), width, &enc);
    RleDecoder d;
    d.Reset(U8(enc), enc.size(), width);
    std::vector<uint32_t> out(values.size());
    size_t pos = 0;
    for (size_t step : {1u, 3u, 8u, 17u, 64u, 1000u}) {
      const size_t k = std::min(step, values.size() - pos);
      d.Get(out.data() + pos, k);
      pos += k;
    }
    d.Get(out.data() + pos, values.size() - pos);
    ASSERT_EQ(out, values) << "width " << width;
  }
}

TEST(Rle, LongRepeatsCompress) {
  std::vector<uint8_t> levels(100000, 1);
  std::string enc;
  RleEncode(levels.data(), levels.size(), 1, &enc);
  EXPECT_LE(enc.size(), 4u);
  RleDecoder d;
  d.Reset(U8(enc), enc.size(), 1);
  std::vector<uint8_t> out(levels.size());
  d.Get(out.data(), out.size());
  EXPECT_EQ(out, levels);
}

// Skip passes over values (also within and across bit-packed groups) and TakeRepeat takes
// values only from one repeat run that holds them all; reads after either continue exactly.
TEST(Rle, SkipAndTakeRepeatKeepThePosition) {
  std::vector<uint32_t> values(30, 5);                         // a repeat run
  for (uint32_t i = 0; i < 100; ++i) values.push_back(i % 7);  // bit-packed groups
  values.insert(values.end(), 20, 3);
  std::string enc;
  RleEncode(values.data(), values.size(), 3, &enc);
  RleDecoder d;
  d.Reset(U8(enc), enc.size(), 3);
  uint32_t v = 0;
  ASSERT_TRUE(d.TakeRepeat(10, &v));
  EXPECT_EQ(v, 5u);
  EXPECT_FALSE(d.TakeRepeat(21, &v));  // 20 left in the run
  d.Skip(19);
  uint32_t one = 0;
  d.Get(&one, 1);
  EXPECT_EQ(one, 5u);
  EXPECT_FALSE(d.TakeRepeat(1, &v));  // bit-packed now
  size_t pos = 30;
  for (size_t skip : {3u, 8u, 13u, 1u}) {
    d.Skip(skip);
    pos += skip;
    d.Get(&one, 1);
    EXPECT_EQ(one, values[pos]) << pos;
    ++pos;
  }
  d.Skip(values.size() - pos - 1);
  d.Get(&one, 1);
  EXPECT_EQ(one, 3u);
  EXPECT_THROW(d.Skip(1), ParquetError);
}

template <typename T>
std::vector<T> DeltaRoundTrip(const std::vector<T>& values, size_t step) {
  std::string enc;
  DeltaBinaryPackedEncode(values.data(), values.size(), &enc);
  DeltaBinaryPackedDecoder<T> d;
  d.Reset(U8(enc), enc.size(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(d.total_values(), static_cast<int64_t>(values.size()));
  std::vector<T> out(values.size());
  for (size_t pos = 0; pos < values.size(); pos += step) {
    d.Get(out.data() + pos, std::min(step, values.size() - pos));
  }
  EXPECT_EQ(d.end(), U8(enc) + enc.size());
  return out;
}

TEST(DeltaBinaryPacked, RoundTripsExtremesAndWraparound) {
  std::vector<int64_t> v64 = {
      0, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), -1,
      1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) v64.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
  for (size_t step : {1u, 5u, 32u, 1000u}) EXPECT_EQ(DeltaRoundTrip(v64, step), v64);
  std::vector<int32_t> v32 = {std::numeric_limits<int32_t>::min(),
                              std::numeric_limits<int32_t>::max(), 0, -5};
  for (int i = 0; i < 777; ++i) v32.push_back(static_cast<int32_t>(i * 3 - 100));
  EXPECT_EQ(DeltaRoundTrip(v32, 7), v32);
  EXPECT_EQ(DeltaRoundTrip(std::vector<int32_t>{42}, 1), std::vector<int32_t>{42});
  EXPECT_EQ(DeltaRoundTrip(std::vector<int32_t>{}, 1), std::vector<int32_t>{});
}

TEST(DeltaBinaryPacked, DecodesSpecExample) {
  // Encodings.md example 1: 1 2 3 4 5 -> header (block 128, 4 miniblocks, 5 values, first 1),
  // block with min delta 1 and all-zero bit widths.
  std::string enc;
  AppendUleb(128, &enc);
  AppendUleb(4, &enc);
  AppendUleb(5, &enc);
  AppendZigZag(1, &enc);
  AppendZigZag(1, &enc);
  enc.append(4, '\0');
  DeltaBinaryPackedDecoder<int32_t> d;
  d.Reset(U8(enc), enc.size(), 5);
  int32_t out[5];
  d.Get(out, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i], i + 1);
}

TEST(DeltaBinaryPacked, RejectsCorruptHeaders) {
  std::string enc;
  AppendUleb(0, &enc);  // block size 0
  AppendUleb(4, &enc);
  AppendUleb(5, &enc);
  AppendZigZag(1, &enc);
  DeltaBinaryPackedDecoder<int64_t> d;
  EXPECT_THROW(d.Reset(U8(enc), enc.size(), 5), ParquetError);
  std::string many;
  AppendUleb(128, &many);
  AppendUleb(4, &many);
  AppendUleb(1000, &many);
  AppendZigZag(1, &many);
  EXPECT_THROW(d.Reset(U8(many), many.size(), 10), ParquetError);  // more than the page holds
  d.Reset(U8(many), many.size(), 1000);
  int64_t out[2];
  EXPECT_THROW(d.Get(out, 2), ParquetError);  // blocks missing
}

// PLAIN fixed-width values are picked out of the page where they lie: DecodeSelected writes
// only the chosen values, after those written already, consumes the values it passed over
// (the next Decode goes on after them), and skips with no values asked for; a page that
// ends early is an error. Other encodings decline, consuming nothing.
TEST(PlainValues, DecodeSelectedPicksValuesOutOfThePage) {
  std::vector<double> values(100);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 0.5 + static_cast<double>(i);
  std::string page(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
  auto decoder =
      MakeValueDecoder(Encoding::kPlain, PhysicalType::kDouble, 0, U8(page), page.size(), 100);
  ColumnBatch out;
  out.Reset(ValueType::kDouble);
  out.f64.assign(6, -1.0);
  const uint32_t picked[] = {0, 7, 39};
  ASSERT_TRUE(decoder->DecodeSelected(40, picked, 3, &out, 1));
  EXPECT_EQ(std::vector<double>(out.f64.begin(), out.f64.end()),
            (std::vector<double>{-1.0, 0.5, 7.5, 39.5, -1.0, -1.0}));
  ASSERT_TRUE(decoder->DecodeSelected(10, nullptr, 0, nullptr, 0));  // rows 40..49 skipped
  decoder->Decode(2, &out, 4);
  EXPECT_EQ(out.f64[4], 50.5);
  EXPECT_EQ(out.f64[5], 51.5);
  const uint32_t last[] = {47};
  EXPECT_THROW(decoder->DecodeSelected(49, last, 1, &out, 0), ParquetError);  // 48 left

  const std::string rle_bools("\x02\x00\x00\x00\x10\x01", 6);  // RLE: eight trues
  auto bools = MakeValueDecoder(Encoding::kRle, PhysicalType::kBoolean, 0, U8(rle_bools),
                                rle_bools.size(), 8);
  ColumnBatch b;
  b.Reset(ValueType::kBool);
  b.bools.assign(8, 0);
  EXPECT_FALSE(bools->DecodeSelected(4, picked, 1, &b, 0));
  bools->Decode(8, &b, 0);  // nothing was consumed
  EXPECT_EQ(std::vector<uint8_t>(b.bools.begin(), b.bools.end()), std::vector<uint8_t>(8, 1));
}

TEST(Thrift, RoundTripsPageHeaderAndSkipsUnknownFields) {
  format::PageHeader h;
  h.type = format::kDataPageV2;
  h.uncompressed_page_size = 1234;
  h.compressed_page_size = 99;
  h.crc = -7;
  h.data_page_header_v2 = format::DataPageHeaderV2{10, 3, 10, 8, 5, 0, false};
  std::string bytes = format::SerializePageHeader(h);
  // Insert an unknown field (id 20: a list of structs holding a map) before the stop byte.
  std::string unknown;
  unknown.push_back(static_cast<char>(0x09));  // long form, type list
  unknown.push_back(static_cast<char>(40));    // zig-zag id 20
  unknown.push_back(static_cast<char>(0x1c));  // one struct element
  unknown.push_back(static_cast<char>(0x1b));  // field 1: map
  unknown.push_back(1);                        // one entry
  unknown.push_back(static_cast<char>(0x85));  // binary -> i32
  unknown.push_back(1);
  unknown.push_back('k');
  unknown.push_back(4);
  unknown.push_back(0);  // end of struct element
  bytes.insert(bytes.size() - 1, unknown);
  bytes += "trailing";
  format::PageHeader back;
  const size_t n = format::ParsePageHeader(U8(bytes), bytes.size(), &back);
  EXPECT_EQ(n, bytes.size() - 8);
  EXPECT_EQ(back.type, format::kDataPageV2);
  EXPECT_EQ(back.uncompressed_page_size, 1234);
  EXPECT_EQ(back.compressed_page_size, 99);
  EXPECT_EQ(back.crc, -7);
  ASSERT_TRUE(back.data_page_header_v2.has_value());
  EXPECT_EQ(back.data_page_header_v2->num_nulls, 3);
  EXPECT_EQ(back.data_page_header_v2->encoding, 8);
  EXPECT_EQ(back.data_page_header_v2->definition_levels_byte_length, 5);
  EXPECT_FALSE(back.data_page_header_v2->is_compressed);
}

TEST(Thrift, TruncatedAndDeepInputIsAnError) {
  format::PageHeader h;
  h.type = format::kDataPage;
  h.data_page_header = format::DataPageHeader{5, 0, 3, 3};
  const std::string bytes = format::SerializePageHeader(h);
  format::PageHeader back;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THROW(format::ParsePageHeader(U8(bytes), cut, &back), ThriftEndOfInput) << cut;
  }
  // 200 nested structs in an unknown field: bounded, not a stack overflow.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep.push_back(static_cast<char>(0x1c));
  deep.append(200, '\0');
  EXPECT_THROW(format::ParsePageHeader(U8(deep), deep.size(), &back), ParquetError);
  // A list claiming more elements than bytes left.
  std::string big = "\x19\xf5\xff\xff\xff\x0f";
  EXPECT_THROW(format::ParsePageHeader(U8(big), big.size(), &back), ParquetError);
}

TEST(Thrift, RoundTripsFileMetadata) {
  format::FileMetaData m;
  m.version = 2;
  m.num_rows = 3;
  m.created_by = "x";
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  format::SchemaElement leaf;
  leaf.name = "a";
  leaf.type = 1;
  leaf.repetition_type = 1;
  leaf.logical_type = format::LogicalType{};
  leaf.logical_type->kind = format::LogicalType::kInteger;
  leaf.logical_type->bit_width = 16;
  leaf.logical_type->is_signed = false;
  m.schema = {root, leaf};
  format::RowGroup g;
  g.num_rows = 3;
  format::ColumnChunk c;
  c.meta_data.emplace();
  c.meta_data->type = 1;
  c.meta_data->encodings = {0, 3, 8};
  c.meta_data->path_in_schema = {"a"};
  c.meta_data->num_values = 3;
  c.meta_data->data_page_offset = 4;
  c.meta_data->statistics = format::Statistics{};
  c.meta_data->statistics->min_value = std::string("\x01\0\0\0", 4);
  g.columns.push_back(c);
  m.row_groups = {g};
  m.column_orders = std::vector<format::ColumnOrder>{{1}};
  m.key_value_metadata = {{"k", "v"}, {"novalue", std::nullopt}};
  const std::string bytes = format::SerializeFileMetaData(m);
  const format::FileMetaData back = format::ParseFileMetaData(U8(bytes), bytes.size());
  EXPECT_EQ(back.version, 2);
  ASSERT_EQ(back.schema.size(), 2u);
  ASSERT_TRUE(back.schema[1].logical_type.has_value());
  EXPECT_EQ(back.schema[1].logical_type->kind, format::LogicalType::kInteger);
  EXPECT_EQ(back.schema[1].logical_type->bit_width, 16);
  EXPECT_FALSE(back.schema[1].logical_type->is_signed);
  ASSERT_EQ(back.row_groups.size(), 1u);
  ASSERT_TRUE(back.row_groups[0].columns[0].meta_data.has_value());
  EXPECT_EQ(back.row_groups[0].columns[0].meta_data->encodings, (std::vector<int32_t>{0, 3, 8}));
  EXPECT_EQ(*back.row_groups[0].columns[0].meta_data->statistics->min_value,
            std::string("\x01\0\0\0", 4));
  ASSERT_TRUE(back.column_orders.has_value());
  EXPECT_EQ((*back.column_orders)[0].kind, 1);
  ASSERT_EQ(back.key_value_metadata.size(), 2u);
  EXPECT_FALSE(back.key_value_metadata[1].value.has_value());
  EXPECT_EQ(back.created_by, "x");
}

TEST(Codec, RoundTripsEveryWritableCodec) {
  std::string input;
  for (int i = 0; i < 100000; ++i) input += std::to_string(i % 977);
  for (Codec c :
       {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw}) {
    std::string packed;
    Compress(c, 0, input, &packed);
    if (c != Codec::kUncompressed) {
      EXPECT_LT(packed.size(), input.size() / 2) << CodecName(c);
    }
    std::string out;
    Decompress(c, packed, input.size(), &out);
    EXPECT_EQ(out, input) << CodecName(c);
    EXPECT_THROW(Decompress(c, packed, input.size() + 1, &out), ParquetError) << CodecName(c);
    std::string broken = packed;
    broken.resize(broken.size() / 2);
    EXPECT_THROW(Decompress(c, broken, input.size(), &out), ParquetError) << CodecName(c);
  }
  EXPECT_THROW(CheckWritableCodec(Codec::kBrotli), ParquetUnsupportedError);
  std::string out;
  EXPECT_THROW(Decompress(Codec::kLzo, "x", 1, &out), ParquetUnsupportedError);
}

TEST(Codec, ReadsHadoopFramedLz4) {
  const std::string input(5000, 'q');
  std::string block;
  Compress(Codec::kLz4Raw, 0, input, &block);
  std::string framed;
  for (uint32_t v : {static_cast<uint32_t>(input.size()), static_cast<uint32_t>(block.size())}) {
    for (int s = 24; s >= 0; s -= 8) framed.push_back(static_cast<char>((v >> s) & 0xff));
  }
  framed += block;
  std::string out;
  Decompress(Codec::kLz4, framed, input.size(), &out);
  EXPECT_EQ(out, input);
  Decompress(Codec::kLz4, block, input.size(), &out);  // a bare block also reads
  EXPECT_EQ(out, input);
}

}  // namespace
}  // namespace sql::parquet
