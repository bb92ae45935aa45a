// CTAS into Parquet: a column whose values compress by too little is written UNCOMPRESSED
// (reading it then costs no decompression), one that compresses well keeps SNAPPY, unique
// integers are DELTA_BINARY_PACKED, and the table reads back the same.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "engines/sql/formats/parquet/file_reader.h"
#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

TEST(TableWriter, ParquetChunksAreCompressedAndDeltaEncodedWhereItPays) {
  const fs::path dir = fs::temp_directory_path() / ("table_writer_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Database db;
  // 10,000 rows: sqrt(n) has a random-looking mantissa; the text repeats but for its number.
  const std::string digits = "(VALUES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)";
  Connection(db).Query(
      "CREATE TABLE src WITH (format = 'PARQUET', external_location = '" + dir.string() +
      "/') AS SELECT n, sqrt(CAST(n AS DOUBLE)) AS root, "
      "'carefully final deposits detect slyly ' || CAST(n AS VARCHAR) AS note "
      "FROM (SELECT a * 1000 + b * 100 + c * 10 + d AS n FROM " +
      digits + " AS x(a), " + digits + " AS y(b), " + digits + " AS z(c), " + digits + " AS w(d))");
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  ASSERT_EQ(files.size(), 1u);
  auto file = parquet::FileReader::Open(parquet::OpenLocalFileSource(files[0]));
  const parquet::FileMetadata& m = file->metadata();
  ASSERT_EQ(m.num_rows, 10000);
  const int root = m.schema.FindColumn("root");
  const int note = m.schema.FindColumn("note");
  const int n = m.schema.FindColumn("n");
  ASSERT_GE(n, 0);
  ASSERT_GE(root, 0);
  ASSERT_GE(note, 0);
  for (const parquet::RowGroupInfo& g : m.row_groups) {
    EXPECT_EQ(g.columns[root].codec, parquet::Codec::kUncompressed);
    EXPECT_EQ(g.columns[root].compressed_size, g.columns[root].uncompressed_size);
    EXPECT_EQ(g.columns[note].codec, parquet::Codec::kSnappy);
    EXPECT_LT(g.columns[note].compressed_size, g.columns[note].uncompressed_size / 2);
    const std::vector<parquet::Encoding>& e = g.columns[n].encodings;
    EXPECT_NE(std::find(e.begin(), e.end(), parquet::Encoding::kDeltaBinaryPacked), e.end());
  }
  QueryOptions read_files;
  read_files.file_table_functions = true;
  QueryResult r = Connection(db).Query(
      "SELECT count(*), sum(n), round(sum(root), 6), count(DISTINCT note) FROM read_parquet('" +
          dir.string() + "/*.parquet')",
      read_files);
  EXPECT_EQ(r.GetValue(0, 0).ToString(), "10000");
  EXPECT_EQ(r.GetValue(1, 0).ToString(), "49995000");
  EXPECT_EQ(r.GetValue(2, 0).ToString(), "666616.459197");
  EXPECT_EQ(r.GetValue(3, 0).ToString(), "10000");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sql
