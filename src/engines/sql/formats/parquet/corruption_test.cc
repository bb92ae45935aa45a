// Corrupted files must give errors, never crashes or other exception types: valid files of
// several layouts are mutated at random (bit flips, overwritten and inserted bytes,
// truncation) and read completely. Run under AddressSanitizer to catch memory errors too.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "engines/sql/formats/parquet/file_writer.h"
#include "engines/sql/formats/parquet/fuzz_read.h"
#include "engines/sql/formats/parquet/test_util.h"

namespace sql::parquet {
namespace {

using testing::BatchBuilder;

std::string SampleFile(Codec codec, PageVersion version, bool dictionary,
                       const std::map<std::string, Encoding>& encodings) {
  Schema schema;
  auto add = [&](std::string name, PhysicalType type, LogicalType logical = {}, int32_t len = 0) {
    Column c;
    c.name = std::move(name);
    c.physical_type = type;
    c.logical = logical;
    c.type_length = len;
    schema.columns.push_back(c);
  };
  add("b", PhysicalType::kBoolean);
  add("i", PhysicalType::kInt32);
  add("l", PhysicalType::kInt64, LogicalType::Timestamp(TimeUnit::kMillis, true));
  add("d", PhysicalType::kDouble);
  add("s", PhysicalType::kByteArray, LogicalType::Of(LogicalKind::kString));
  add("x", PhysicalType::kFixedLenByteArray, LogicalType::Decimal(20, 2), 9);
  add("t", PhysicalType::kInt96);
  std::vector<ColumnBatch> cols;
  BatchBuilder b(ValueType::kBool), i(ValueType::kInt32), l(ValueType::kInt64),
      d(ValueType::kDouble), s(ValueType::kBinary), x(ValueType::kInt128), t(ValueType::kInt64);
  for (int r = 0; r < 300; ++r) {
    if (r % 6 == 1) {
      for (BatchBuilder* bb : {&b, &i, &l, &d, &s, &x, &t}) bb->Null();
      continue;
    }
    b.Bool(r % 3 == 0);
    i.I32(r * 7 - 100);
    l.I64(r * 1000LL);
    d.F64(r / 3.0);
    s.Bytes("k" + std::to_string(r % 13));
    x.I128(r * 100 - 5);
    t.I64(r * 1000000000LL);
  }
  for (BatchBuilder* bb : {&b, &i, &l, &d, &s, &x, &t}) cols.push_back(bb->Build());
  WriterOptions o;
  o.codec = codec;
  o.page_version = version;
  o.dictionary = dictionary;
  o.column_encodings = encodings;
  o.data_page_bytes = 300;
  o.max_row_group_rows = 120;
  StringSink sink;
  FileWriter writer(&sink, schema, o);
  writer.Write(cols);
  writer.Close();
  return sink.Release();
}

TEST(Corruption, MutatedFilesGiveErrorsOnly) {
  const std::vector<std::string> files = {
      SampleFile(Codec::kUncompressed, PageVersion::kV1, true, {}),
      SampleFile(Codec::kSnappy, PageVersion::kV2, true, {}),
      SampleFile(Codec::kUncompressed, PageVersion::kV2, false,
                 {{"i", Encoding::kDeltaBinaryPacked},
                  {"l", Encoding::kByteStreamSplit},
                  {"s", Encoding::kDeltaByteArray},
                  {"b", Encoding::kRle}}),
      SampleFile(Codec::kZstd, PageVersion::kV1, false,
                 {{"s", Encoding::kDeltaLengthByteArray}, {"d", Encoding::kByteStreamSplit}}),
      SampleFile(Codec::kGzip, PageVersion::kV1, true, {}),
      SampleFile(Codec::kLz4Raw, PageVersion::kV2, true, {}),
  };
  for (const std::string& f : files) testing::ReadEverything(f, 1 << 20);  // valid as written
  std::mt19937_64 rng(20240601);
  int errors = 0;
  int iterations = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = files[round % files.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      // Half of the edits land in the footer, where the structure is densest.
      const size_t footer = bytes.size() > 400 ? bytes.size() - 400 : 0;
      const size_t base = rng() % 2 ? footer : 0;
      const size_t pos = base + rng() % (bytes.size() - base);
      switch (rng() % 4) {
        case 0:
          bytes[pos] ^= static_cast<char>(1 << (rng() % 8));
          break;
        case 1:
          bytes[pos] = static_cast<char>(rng());
          break;
        case 2:
          bytes.insert(pos, 1 + rng() % 8, static_cast<char>(rng()));
          break;
        default:
          bytes.erase(pos, 1 + rng() % 16);
          break;
      }
      if (bytes.size() < 16) break;
    }
    ++iterations;
    try {
      testing::ReadEverything(bytes, 1 << 20);
    } catch (const base::Error&) {
      ++errors;
    } catch (const std::exception& e) {
      FAIL() << "round " << round << ": unexpected exception type: " << e.what();
    }
  }
  // Most mutations must be caught; the rest only changed values.
  EXPECT_GT(errors, iterations / 3);
}

}  // namespace
}  // namespace sql::parquet
