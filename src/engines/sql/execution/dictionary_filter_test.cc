// Scan filters decided once per Parquet dictionary value: results match a row-by-row
// evaluation (strings, numbers, NULLs, several filters at once, chunks larger than one
// batch), and QueryResult::rows_filtered_by_dictionary shows that the dictionary path ran.
// Join key filters over a Parquet scan skip the row groups whose key statistics hold no
// build key, and look dictionary-encoded keys up once per value.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "engines/sql/formats/parquet/file_writer.h"
#include "engines/sql/formats/parquet/sink.h"
#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 5000;

// Row i of the table: mode cycles through four strings with a NULL every 7th row; qty is
// i % 13 (NULL every 11th row).
std::optional<std::string> Mode(int i) {
  if (i % 7 == 0) return std::nullopt;
  static const char* const kModes[] = {"MAIL", "SHIP", "AIR", "REG AIR"};
  return kModes[i % 4];
}
std::optional<int> Qty(int i) {
  if (i % 11 == 0) return std::nullopt;
  return i % 13;
}

class DictionaryFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dictionary_filter_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    std::string values;
    for (int i = 0; i < kRows; i++) {
      auto m = Mode(i);
      auto q = Qty(i);
      values += (i > 0 ? ", (" : "(") + std::to_string(i) + ", " +
                (m ? "'" + *m + "'" : "CAST(NULL AS VARCHAR)") + ", " +
                (q ? std::to_string(*q) : "CAST(NULL AS INTEGER)") + ")";
    }
    Connection(db_).Query(
        "CREATE TABLE src WITH (format = 'PARQUET', external_location = '" + dir_.string() +
        "/') AS SELECT CAST(i AS INTEGER) AS id, m AS mode, CAST(q AS INTEGER) AS qty FROM "
        "(VALUES " +
        values + ") AS u(i, m, q)");
    auto def = std::make_shared<TableDefinition>();
    def->name = "t";
    def->columns = {{"id", Type::Integer()}, {"mode", Type::Varchar()}, {"qty", Type::Integer()}};
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.is_regular_file()) def->files.push_back({e.path().string(), e.file_size(), {}});
    }
    def->format = FileFormat::kParquet;
    db_.catalog().SetResolver(
        [def](const std::vector<std::string>& name) -> std::shared_ptr<const TableDefinition> {
          return name.back() == "t" ? def : nullptr;
        });
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `SELECT count(*), sum(id) FROM t WHERE <where>` and checks both against the rows
  // `keep` accepts; returns the rows the dictionary path filtered out.
  template <class Keep>
  uint64_t ExpectCountAndSum(const std::string& where, Keep keep) {
    int64_t count = 0, sum = 0;
    for (int i = 0; i < kRows; i++) {
      if (keep(i)) {
        count++;
        sum += i;
      }
    }
    QueryResult r = Connection(db_).Query("SELECT count(*), sum(id) FROM t WHERE " + where);
    EXPECT_EQ(r.GetValue(0, 0).ToString(), std::to_string(count)) << where;
    EXPECT_EQ(r.GetValue(1, 0).ToString(), count ? std::to_string(sum) : "NULL") << where;
    EXPECT_EQ(r.rows_scanned, static_cast<uint64_t>(kRows)) << where;
    return r.rows_filtered_by_dictionary;
  }

  fs::path dir_;
  Database db_;
};

TEST_F(DictionaryFilterTest, StringInListIsDecidedPerDictionaryValue) {
  auto keep = [](int i) { return Mode(i) == "MAIL" || Mode(i) == "SHIP"; };
  int rejected = 0;
  for (int i = 0; i < kRows; i++) rejected += !keep(i);
  EXPECT_EQ(ExpectCountAndSum("mode IN ('MAIL', 'SHIP')", keep), static_cast<uint64_t>(rejected));
}

TEST_F(DictionaryFilterTest, NullRowsGetTheVerdictOfNull) {
  auto is_null = [](int i) { return !Mode(i).has_value(); };
  EXPECT_EQ(ExpectCountAndSum("mode IS NULL", is_null),
            static_cast<uint64_t>(kRows - kRows / 7 - 1));
  auto not_air = [](int i) { return Mode(i) && *Mode(i) != "AIR"; };
  EXPECT_GT(ExpectCountAndSum("mode <> 'AIR'", not_air), 0u);
}

TEST_F(DictionaryFilterTest, SeveralFiltersOnStringsAndNumbers) {
  auto keep = [](int i) { return Mode(i) && Mode(i)->starts_with("REG") && Qty(i) && *Qty(i) < 5; };
  int rejected = 0;
  for (int i = 0; i < kRows; i++) rejected += !keep(i);
  EXPECT_EQ(ExpectCountAndSum("mode LIKE 'REG%' AND qty < 5", keep),
            static_cast<uint64_t>(rejected));
}

TEST_F(DictionaryFilterTest, FiltersThatAreNotDecidablePerValueRunRowByRow) {
  auto keep = [](int i) { return Mode(i) && Mode(i)->size() == 4; };
  EXPECT_EQ(ExpectCountAndSum("length(mode) = 4", keep), 0u);
}

TEST_F(DictionaryFilterTest, KeptRowsCarryTheirValues) {
  QueryResult r =
      Connection(db_).Query("SELECT id, mode, qty FROM t WHERE qty = 3 AND id < 200 ORDER BY id");
  std::string got, want;
  for (size_t row = 0; row < r.RowCount(); row++) {
    got += r.GetValue(0, row).ToString() + "," + r.GetValue(1, row).ToString() + "," +
           r.GetValue(2, row).ToString() + ";";
  }
  for (int i = 0; i < 200; i++) {
    if (Qty(i) != 3) continue;
    want += std::to_string(i) + "," + Mode(i).value_or("NULL") + ",3;";
  }
  EXPECT_EQ(got, want);
  EXPECT_GT(r.rows_filtered_by_dictionary, 0u);
}

constexpr int kKeyRows = 20000;
constexpr int kKeyGroupRows = 1000;
constexpr int kBigRows = 50000;

// t(id, g, q): id = 0, 1, ... in order, g = id % 20 and q = id % 7 + 1, in row groups of
// 1000 rows (so row group r holds the ids [1000 r, 1000 r + 999]); keys(k) holds 3, 5 and
// 15003 (ids in row groups 0 and 15; g values 3 and 5) and a NULL. big(id, g, q) holds 50,000
// such rows in one row group.
class JoinKeyScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("join_key_scan_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    tables_["t"] = WriteTable("t", kKeyRows, kKeyGroupRows);
    tables_["big"] = WriteTable("big", kBigRows, 0);
    db_.catalog().SetResolver(
        [this](const std::vector<std::string>& name) -> std::shared_ptr<const TableDefinition> {
          auto it = tables_.find(name.back());
          return it == tables_.end() ? nullptr : it->second;
        });
    Connection(db_).Query("CREATE TABLE keys(k BIGINT)");
    Connection(db_).Query("INSERT INTO keys VALUES (3), (5), (15003), (NULL)");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `rows` rows of (id, g, q) in row groups of `group_rows` rows (0: one row group).
  std::shared_ptr<TableDefinition> WriteTable(const std::string& name, int rows, int group_rows) {
    using parquet::PhysicalType;
    parquet::Schema schema;
    for (const char* column : {"id", "g", "q"}) {
      parquet::Column c;
      c.name = column;
      c.physical_type = std::string(column) == "q" ? PhysicalType::kInt32 : PhysicalType::kInt64;
      c.nullable = false;
      schema.columns.push_back(c);
    }
    std::vector<parquet::ColumnBatch> batches(3);
    batches[0].Reset(parquet::ValueType::kInt64);
    batches[1].Reset(parquet::ValueType::kInt64);
    batches[2].Reset(parquet::ValueType::kInt32);
    for (int i = 0; i < rows; i++) {
      batches[0].i64.push_back(i);
      batches[1].i64.push_back(i % 20);
      batches[2].i32.push_back(i % 7 + 1);
    }
    for (auto& b : batches) b.num_rows = rows;
    const fs::path file = dir_ / (name + ".parquet");
    auto sink = parquet::OpenLocalFileSink(file);
    parquet::WriterOptions o;
    o.max_row_group_rows = group_rows;
    parquet::FileWriter writer(sink.get(), schema, o);
    writer.Write(batches);
    writer.Close();
    auto def = std::make_shared<TableDefinition>();
    def->name = name;
    def->columns = {{"id", Type::Bigint()}, {"g", Type::Bigint()}, {"q", Type::Integer()}};
    def->files.push_back({file.string(), fs::file_size(file), {}});
    def->format = FileFormat::kParquet;
    return def;
  }

  QueryResult Run(const std::string& sql) {
    QueryOptions o;
    o.threads = 2;
    return Connection(db_).Query(sql, o);
  }
  static std::string Row(const QueryResult& r) {
    return r.GetValue(0, 0).ToString() + "|" + r.GetValue(1, 0).ToString();
  }

  fs::path dir_;
  Database db_;
  std::map<std::string, std::shared_ptr<const TableDefinition>> tables_;
};

TEST_F(JoinKeyScanTest, RowGroupsWithoutAKeyInTheirRangeAreSkipped) {
  for (const char* sql : {"SELECT count(*), sum(q) FROM t WHERE id IN (SELECT k FROM keys)",
                          "SELECT count(*), sum(q) FROM t, keys WHERE t.id = keys.k"}) {
    QueryResult r = Run(sql);
    EXPECT_EQ(Row(r), "3|" + std::to_string(3 % 7 + 1 + 5 % 7 + 1 + 15003 % 7 + 1)) << sql;
    const int groups = kKeyRows / kKeyGroupRows;
    EXPECT_EQ(r.row_groups_skipped_by_join_keys, static_cast<uint64_t>(groups - 2)) << sql;
    EXPECT_EQ(r.rows_scanned, static_cast<uint64_t>(2 * kKeyGroupRows)) << sql;
  }
  // Keys past either end of the ids fall in no row group's range.
  Connection(db_).Query("INSERT INTO keys VALUES (-7), (20000)");
  QueryResult outside = Run("SELECT count(*), sum(q) FROM t WHERE id IN (SELECT k FROM keys)");
  EXPECT_EQ(Row(outside), "3|" + std::to_string(3 % 7 + 1 + 5 % 7 + 1 + 15003 % 7 + 1));
  EXPECT_EQ(outside.row_groups_skipped_by_join_keys,
            static_cast<uint64_t>(kKeyRows / kKeyGroupRows - 2));
}

TEST_F(JoinKeyScanTest, DictionaryKeysAreLookedUpOncePerValue) {
  QueryResult r = Run("SELECT count(*), sum(q) FROM t, keys WHERE t.g = keys.k");
  int64_t count = 0, sum = 0;
  for (int i = 0; i < kKeyRows; i++) {
    if (i % 20 == 3 || i % 20 == 5) {
      count++;
      sum += i % 7 + 1;
    }
  }
  EXPECT_EQ(Row(r), std::to_string(count) + "|" + std::to_string(sum));
  const int groups = kKeyRows / kKeyGroupRows;
  EXPECT_EQ(r.row_groups_skipped_by_join_keys, 0u);
  EXPECT_EQ(r.rows_scanned, static_cast<uint64_t>(kKeyRows));
  // 20 values per row group, not one lookup per row; every row of the other 18 values is
  // dropped in the scan but those of at most two false positives (50 rows per row group).
  EXPECT_EQ(r.join_key_lookups, static_cast<uint64_t>(groups * 20));
  EXPECT_GE(r.rows_filtered_by_join_keys,
            static_cast<uint64_t>(kKeyRows - count - 2 * groups * 50));
}

// Keys that are not in dictionary form are looked up row by row, only for the rows the other
// filters kept (here q > 3, decided per dictionary value): the lookups count exactly those.
TEST_F(JoinKeyScanTest, PlainKeysAreLookedUpForTheRowsOtherFiltersKept) {
  QueryResult r = Run("SELECT count(*), sum(q) FROM big, keys WHERE big.id = keys.k AND q > 3");
  EXPECT_EQ(Row(r), "2|" + std::to_string(3 % 7 + 1 + 5 % 7 + 1));  // 15003 has q = 3
  uint64_t kept = 0;
  for (int i = 0; i < kBigRows; i++) kept += i % 7 + 1 > 3;
  EXPECT_EQ(r.join_key_lookups, kept);
  EXPECT_GE(r.rows_filtered_by_join_keys, kept - 2 - kept / 50);  // ~1% false positives
}

// A row group flows out of the copies of a parallel scan batch by batch (rather than being
// decoded whole first), the rows a selective filter keeps from several batches joining one
// chunk: every row arrives exactly once.
TEST_F(JoinKeyScanTest, RowGroupsFlowOutBatchByBatch) {
  int64_t count = 0, sum = 0, ids = 0;
  for (int i = 0; i < kBigRows; i++) {
    ids += i;
    if (i % 20 == 7 && i % 7 + 1 != 3) {
      count++;
      sum += i;
    }
  }
  QueryResult kept = Run("SELECT count(*), sum(id) FROM big WHERE g = 7 AND q <> 3");
  EXPECT_EQ(Row(kept), std::to_string(count) + "|" + std::to_string(sum));
  QueryResult all = Run("SELECT count(*), sum(id) FROM big");
  EXPECT_EQ(Row(all), std::to_string(kBigRows) + "|" + std::to_string(ids));
  EXPECT_EQ(all.rows_scanned, static_cast<uint64_t>(kBigRows));
}

}  // namespace
}  // namespace sql
