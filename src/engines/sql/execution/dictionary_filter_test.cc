// Scan filters decided once per Parquet dictionary value: results match a row-by-row
// evaluation (strings, numbers, NULLs, several filters at once, chunks larger than one
// batch), and QueryResult::rows_filtered_by_dictionary shows that the dictionary path ran.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

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

}  // namespace
}  // namespace sql
