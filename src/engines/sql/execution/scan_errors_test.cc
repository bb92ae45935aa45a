// Malformed data files fail a query with the file's name, where in the file, and what is
// wrong, for every format the scan reads.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include "engines/sql/common/error.h"
#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

class ScanErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("scan_errors_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_.catalog().SetResolver(
        [this](const std::vector<std::string>& name) -> std::shared_ptr<const TableDefinition> {
          auto it = tables_.find(name.back());
          return it == tables_.end() ? nullptr : it->second;
        });
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // Registers table `name` (id INTEGER, qty INTEGER) over `path`.
  void Table(const std::string& name, const std::string& path, FileFormat format,
             CsvOptions csv = {}) {
    auto def = std::make_shared<TableDefinition>();
    def->name = name;
    def->columns = {{"id", Type::Integer()}, {"qty", Type::Integer()}};
    def->files = {{path, fs::file_size(path), {}}};
    def->format = format;
    def->csv = csv;
    tables_[name] = def;
  }

  // OpenCSVSerde options under which a value that does not parse fails the query.
  static CsvOptions StrictCsv(int skip_header_lines = 0) {
    CsvOptions o;
    o.open_csv_serde = true;
    o.invalid_values_fail = true;
    o.skip_header_lines = skip_header_lines;
    return o;
  }

  // The error a query fails with ("NAME: message").
  std::string Failure(const std::string& sql) {
    try {
      Connection(db_).Query(sql);
    } catch (const Error& e) {
      return e.name() + ": " + e.what();
    }
    return "no error";
  }

  fs::path dir_;
  Database db_;
  std::map<std::string, std::shared_ptr<const TableDefinition>> tables_;
};

TEST_F(ScanErrorsTest, OpenCsvSerdeBadNumberNamesFileLineAndValue) {
  std::string path = Write("bad.csv", "1,10\n2,20\n\"3\",abc\n4,40\n");
  Table("t", path, FileFormat::kCsv, StrictCsv());
  EXPECT_EQ(Failure("SELECT sum(qty) FROM t"),
            "HIVE_BAD_DATA: " + path +
                ": line 3: Error parsing field value 'abc' for field 1: For input string: \"abc\" "
                "is not a valid integer");
}

TEST_F(ScanErrorsTest, LazySimpleSerDeReadsBadNumbersAsNull) {
  std::string path = Write("lazy.csv", "1,10\n2,abc\n3,30\n");
  Table("t", path, FileFormat::kCsv);
  QueryResult r = Connection(db_).Query("SELECT count(*), count(qty), sum(qty) FROM t");
  EXPECT_EQ(r.GetValue(0, 0).ToString(), "3");
  EXPECT_EQ(r.GetValue(1, 0).ToString(), "2");
  EXPECT_EQ(r.GetValue(2, 0).ToString(), "40");
}

TEST_F(ScanErrorsTest, CsvLineCountsQuotedNewlinesAndHeader) {
  std::string path = Write("multi.csv", "id,qty\n\"1\n\",5\n2,x\n");
  Table("t", path, FileFormat::kCsv, StrictCsv(/*skip_header_lines=*/1));
  EXPECT_EQ(Failure("SELECT qty FROM t"),
            "HIVE_BAD_DATA: " + path +
                ": line 4: Error parsing field value 'x' for field 1: For input string: \"x\" is "
                "not a valid integer");
}

TEST_F(ScanErrorsTest, JsonLinesBadRecordNamesLine) {
  std::string path = Write("bad.json", "{\"id\": 1, \"qty\": 2}\n\n{\"id\": 2, \"qty\": \n");
  Table("t", path, FileFormat::kJson);
  EXPECT_EQ(Failure("SELECT * FROM t"), "HIVE_BAD_DATA: " + path +
                                            ": line 3: Row is not a valid JSON Object: "
                                            "{\"id\": 2, \"qty\":");
}

std::string Gzip(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST_F(ScanErrorsTest, TruncatedAndCorruptCompressedCsv) {
  std::string text;
  for (int i = 0; i < 2000; i++) text += std::to_string(i) + "," + std::to_string(i * 7) + "\n";
  std::string gz = Gzip(text);
  std::string ok = Write("ok.csv.gz", gz);
  Table("ok", ok, FileFormat::kCsv);
  QueryResult r = Connection(db_).Query("SELECT count(*), sum(qty) FROM ok");
  EXPECT_EQ(r.GetValue(0, 0).ToString(), "2000");
  EXPECT_EQ(r.GetValue(1, 0).ToString(), std::to_string(7 * 1999 * 2000 / 2));

  std::string cut = Write("cut.csv.gz", gz.substr(0, gz.size() / 2));
  Table("cut", cut, FileFormat::kCsv);
  EXPECT_EQ(Failure("SELECT count(*) FROM cut"),
            "HIVE_BAD_DATA: " + cut + ": byte offset " + std::to_string(gz.size() / 2) +
                ": truncated gzip data (the stream does not end)");

  std::string bad = gz;
  for (size_t i = 20; i < 60; i++) bad[i] = static_cast<char>(0xff);
  std::string broken = Write("broken.csv.gz", bad);
  Table("broken", broken, FileFormat::kCsv);
  std::string failure = Failure("SELECT count(*) FROM broken");
  EXPECT_TRUE(failure.starts_with("HIVE_BAD_DATA: " + broken + ": byte offset ")) << failure;
  EXPECT_NE(failure.find(": corrupt gzip data"), std::string::npos) << failure;

  std::string zst(ZSTD_compressBound(text.size()), '\0');
  zst.resize(ZSTD_compress(zst.data(), zst.size(), text.data(), text.size(), 3));
  std::string zcut = Write("cut.csv.zst", zst.substr(0, zst.size() - 10));
  Table("zcut", zcut, FileFormat::kCsv);
  EXPECT_EQ(Failure("SELECT count(*) FROM zcut"),
            "HIVE_BAD_DATA: " + zcut + ": byte offset " + std::to_string(zst.size() - 10) +
                ": truncated zstd data (the frame does not end)");
}

class ParquetErrorsTest : public ScanErrorsTest {
 protected:
  // A Parquet file of `rows` rows (id, qty) written by the engine; returns its bytes.
  std::string WriteParquet(int rows) {
    std::string out_dir = (dir_ / "pq").string() + "/";
    std::string values;
    for (int i = 1; i <= rows; i++) values += (i > 1 ? ", (" : "(") + std::to_string(i) + ")";
    Connection(db_).Query(
        "CREATE TABLE src WITH (format = 'PARQUET', parquet_compression = 'NONE', "
        "external_location = '" +
        out_dir + "') AS SELECT CAST(x AS INTEGER) AS id, CAST(x * 2 AS INTEGER) AS qty FROM " +
        "(VALUES " + values + ") AS u(x)");
    for (const auto& e : fs::recursive_directory_iterator(out_dir)) {
      if (e.is_regular_file()) {
        std::ifstream in(e.path(), std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
      }
    }
    return "";
  }
};

TEST_F(ParquetErrorsTest, TruncatedFileNamesTheEndOffset) {
  std::string bytes = WriteParquet(100);
  ASSERT_GT(bytes.size(), 100u);
  std::string good = Write("good.parquet", bytes);
  Table("good", good, FileFormat::kParquet);
  QueryResult r = Connection(db_).Query("SELECT sum(qty) FROM good");
  EXPECT_EQ(r.GetValue(0, 0).ToString(), "10100");

  std::string cut = bytes.substr(0, bytes.size() - 30);
  std::string path = Write("cut.parquet", cut);
  Table("cut", path, FileFormat::kParquet);
  EXPECT_EQ(Failure("SELECT sum(qty) FROM cut"),
            "HIVE_BAD_DATA: " + path + ": byte offset " + std::to_string(cut.size() - 4) +
                ": Malformed Parquet file: magic bytes 'PAR1' missing at the end (the file is "
                "truncated or not Parquet)");

  std::string tiny = Write("tiny.parquet", "PAR1");
  Table("tiny", tiny, FileFormat::kParquet);
  EXPECT_EQ(Failure("SELECT * FROM tiny"),
            "HIVE_BAD_DATA: " + tiny +
                ": byte offset 0: Malformed Parquet file: not a Parquet file: 4 bytes is too "
                "small");
}

TEST_F(ParquetErrorsTest, MissingLeadingMagicNamesOffsetZero) {
  std::string bytes = WriteParquet(100);
  bytes.replace(0, 4, "XXXX");
  std::string path = Write("head.parquet", bytes);
  Table("t", path, FileFormat::kParquet);
  EXPECT_EQ(Failure("SELECT sum(id) FROM t"),
            "HIVE_BAD_DATA: " + path +
                ": byte offset 0: Malformed Parquet file: not a Parquet file: magic bytes 'PAR1' "
                "missing at the start");
}

TEST_F(ParquetErrorsTest, CorruptPageNamesThePageOffset) {
  std::string bytes = WriteParquet(100);
  // The first column chunk's first page header starts right after the magic bytes.
  for (size_t i = 4; i < 12; i++) bytes[i] = static_cast<char>(0xff);
  std::string path = Write("page.parquet", bytes);
  Table("t", path, FileFormat::kParquet);
  std::string failure = Failure("SELECT sum(id) FROM t");
  EXPECT_TRUE(failure.starts_with("HIVE_BAD_DATA: " + path +
                                  ": byte offset 4: Malformed Parquet file: corrupt column "
                                  "chunk 'id': "))
      << failure;
}

}  // namespace
}  // namespace sql
