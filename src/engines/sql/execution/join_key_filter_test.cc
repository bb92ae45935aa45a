// Runtime join filters: the filter holds every key and few others (none when the keys are
// dense enough for its bitmap form), and a scan under
// the probe side of an inner or semi join (also under other joins' probe sides) drops rows
// no build key matches (Parquet dictionary columns and CSV value columns alike) without
// changing any result.
#include "engines/sql/execution/join_key_filter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

TEST(JoinKeyFilter, HoldsEveryKeyAndFewOthers) {
  std::vector<int64_t> keys;
  for (int64_t k = 0; k < 100000; k++) keys.push_back(k * 7919 - 50000);
  JoinKeyFilter filter;
  EXPECT_FALSE(filter.ready());
  filter.Fill(keys.data(), keys.size());
  EXPECT_TRUE(filter.ready());
  for (int64_t k : keys) ASSERT_TRUE(filter.MayContain(k)) << k;
  std::mt19937_64 rng(7);
  int false_positives = 0;
  for (int i = 0; i < 100000; i++) {
    int64_t v = static_cast<int64_t>(rng() >> 1);
    if (v % 7919 == 7919 - 50000 % 7919) continue;  // could be a key
    false_positives += filter.MayContain(v);
  }
  EXPECT_LT(false_positives, 3000);  // under 3%
  JoinKeyFilter empty;
  empty.Fill(nullptr, 0);
  EXPECT_FALSE(empty.MayContain(0));
}

TEST(JoinKeyFilter, DenseKeysAreHeldExactly) {
  // Every third value in [-150000, 150000) and both ends of int64 apart: the bitmap over the
  // range answers exactly, where the Bloom filter would pass ~1% of the other values.
  std::vector<int64_t> keys;
  for (int64_t k = -50000; k < 50000; k++) keys.push_back(k * 3);
  JoinKeyFilter filter;
  filter.Fill(keys.data(), keys.size());
  EXPECT_TRUE(filter.exact());
  for (int64_t v = -150010; v < 150010; v++) {
    ASSERT_EQ(filter.MayContain(v), v % 3 == 0 && v >= -150000 && v < 150000) << v;
  }
  EXPECT_FALSE(filter.MayContain(std::numeric_limits<int64_t>::min()));
  EXPECT_FALSE(filter.MayContain(std::numeric_limits<int64_t>::max()));
  // Keys too sparse for a bitmap (and a span that overflows int64) keep the Bloom filter.
  std::vector<int64_t> wide = {std::numeric_limits<int64_t>::min(), 0,
                               std::numeric_limits<int64_t>::max()};
  JoinKeyFilter sparse;
  sparse.Fill(wide.data(), wide.size());
  EXPECT_FALSE(sparse.exact());
  for (int64_t k : wide) EXPECT_TRUE(sparse.MayContain(k));
}

TEST(JoinKeyFilter, RangesWithoutKeysAreRuledOut) {
  std::vector<int64_t> few = {40, 10, 30, 10};
  JoinKeyFilter filter;
  filter.Fill(few.data(), few.size());
  EXPECT_TRUE(filter.MayContainRange(10, 10));
  EXPECT_TRUE(filter.MayContainRange(-5, 10));
  EXPECT_TRUE(filter.MayContainRange(31, 45));
  EXPECT_FALSE(filter.MayContainRange(11, 29));  // between keys: exact for few keys
  EXPECT_FALSE(filter.MayContainRange(41, 1000));
  EXPECT_FALSE(filter.MayContainRange(-1000, 9));
  // Past kExactKeys keys only their minimum and maximum are kept.
  std::vector<int64_t> many;
  for (int64_t k = 0; k <= static_cast<int64_t>(JoinKeyFilter::kExactKeys); k++) {
    many.push_back(k * 10);
  }
  JoinKeyFilter wide;
  wide.Fill(many.data(), many.size());
  EXPECT_TRUE(wide.MayContainRange(11, 19));
  EXPECT_FALSE(wide.MayContainRange(-9, -1));
  EXPECT_FALSE(wide.MayContainRange(many.back() + 1, many.back() + 5));
  JoinKeyFilter empty;
  empty.Fill(nullptr, 0);
  EXPECT_FALSE(empty.MayContainRange(std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<int64_t>::max()));
}

constexpr int kRows = 5000;

class JoinPushdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("join_pushdown_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "csv");
    std::string values, csv;
    for (int i = 0; i < kRows; i++) {
      values += (i > 0 ? ", (" : "(") + std::to_string(i) + ")";
      csv += std::to_string(i) + "," + std::to_string(i % 10) + "\n";
    }
    std::ofstream(dir_ / "csv" / "t.csv") << csv;
    Connection(db_).Query("CREATE TABLE src WITH (format = 'PARQUET', external_location = '" +
                          (dir_ / "pq").string() +
                          "/') AS SELECT CAST(i AS BIGINT) AS id, "
                          "CAST(i % 10 AS BIGINT) AS d FROM (VALUES " +
                          values + ") AS u(i)");
    Connection(db_).Query("CREATE TABLE keys(k BIGINT)");
    Connection(db_).Query("INSERT INTO keys VALUES (3), (10), (4999), (NULL), (-1)");
    for (const char* format : {"pq", "csv"}) {
      auto def = std::make_shared<TableDefinition>();
      def->name = format;
      def->columns = {{"id", Type::Bigint()}, {"d", Type::Bigint()}};
      for (const auto& e : fs::recursive_directory_iterator(dir_ / format)) {
        if (e.is_regular_file()) def->files.push_back({e.path().string(), e.file_size(), {}});
      }
      def->format = std::string(format) == "pq" ? FileFormat::kParquet : FileFormat::kCsv;
      tables_[format] = def;
    }
    db_.catalog().SetResolver(
        [this](const std::vector<std::string>& name) -> std::shared_ptr<const TableDefinition> {
          auto it = tables_.find(name.back());
          return it == tables_.end() ? nullptr : it->second;
        });
  }
  void TearDown() override { fs::remove_all(dir_); }

  QueryResult Run(const std::string& sql) {
    QueryOptions o;
    o.threads = 2;
    return Connection(db_).Query(sql, o);
  }
  // "(0), (1), ..., (n - 1)": rows for a VALUES list.
  static std::string Sequence(int n) {
    std::string rows;
    for (int i = 0; i < n; i++) rows += (i > 0 ? ", (" : "(") + std::to_string(i) + ")";
    return rows;
  }
  static std::string Row(const QueryResult& r) {
    std::string row;
    for (size_t c = 0; c < r.types.size(); c++) row += (c ? "|" : "") + r.GetValue(c, 0).ToString();
    return row;
  }

  fs::path dir_;
  Database db_;
  std::map<std::string, std::shared_ptr<const TableDefinition>> tables_;
};

TEST_F(JoinPushdownTest, InnerJoinScansDropRowsNoKeyMatches) {
  for (const char* table : {"pq", "csv"}) {
    QueryResult r = Run(std::string("SELECT count(*), sum(t.id) FROM ") + table +
                        " t, keys WHERE t.id = keys.k");
    EXPECT_EQ(Row(r), "3|5012") << table;
    EXPECT_EQ(r.rows_scanned, static_cast<uint64_t>(kRows)) << table;
    // All but the 3 matches and a few false positives never reached the join.
    EXPECT_GT(r.rows_filtered_by_join_keys, static_cast<uint64_t>(kRows - 3 - 100)) << table;
    EXPECT_LE(r.rows_filtered_by_join_keys, static_cast<uint64_t>(kRows - 3)) << table;
  }
}

TEST_F(JoinPushdownTest, KeysFromUnderAnotherJoinsProbeSideAreFilteredInTheScan) {
  // The scan is the probe side of the join with `digits` (inner, then left), itself the
  // probe side of the join on t.id: that join's filter reaches the scan through the other.
  Connection(db_).Query("CREATE TABLE digits(d BIGINT, name VARCHAR)");
  Connection(db_).Query(
      "INSERT INTO digits SELECT x, 'digit ' || CAST(x AS VARCHAR) FROM (VALUES " + Sequence(10) +
      ") AS v(x)");
  const std::string inner =
      "SELECT count(*), sum(t.id), min(g.name) FROM pq t, digits g, "
      "(SELECT id AS k, count(*) AS c FROM csv WHERE id % 1000 = 3 GROUP BY id) a "
      "WHERE t.d = g.d AND t.id = a.k";
  const std::string left =
      "SELECT count(*), sum(t.id), min(g.name) FROM pq t LEFT JOIN digits g ON t.d = g.d "
      "JOIN keys ON t.id = keys.k";
  for (const auto& [sql, expected] :
       {std::pair{inner, "5|10015|digit 3"}, std::pair{left, "3|5012|digit 0"}}) {
    std::string plan = Run("EXPLAIN " + sql).GetValue(0, 0).ToString();
    // The join on t.id above the join with digits, above the scan.
    ASSERT_LT(plan.find("t.id ="), plan.find("t.d = g.d")) << plan;
    ASSERT_LT(plan.find("t.d = g.d"), plan.find("Scan pq")) << plan;
    QueryResult r = Run(sql);
    EXPECT_EQ(Row(r), expected);
    EXPECT_GT(r.rows_filtered_by_join_keys, static_cast<uint64_t>(kRows - 5 - 100)) << sql;
  }
}

TEST_F(JoinPushdownTest, SemiJoinsFilterAndOuterJoinsDoNot) {
  QueryResult semi = Run("SELECT count(*), sum(id) FROM pq WHERE id IN (SELECT k FROM keys)");
  EXPECT_EQ(Row(semi), "3|5012");
  EXPECT_GT(semi.rows_filtered_by_join_keys, static_cast<uint64_t>(kRows - 3 - 100));
  QueryResult left =
      Run("SELECT count(*), count(keys.k) FROM pq t LEFT JOIN keys ON t.id = keys.k");
  EXPECT_EQ(Row(left), "5000|3");
  EXPECT_EQ(left.rows_filtered_by_join_keys, 0u);
}

TEST_F(JoinPushdownTest, ResultsMatchWithManyKeys) {
  // Build keys from the table itself: every third id, grouped by d.
  QueryResult r =
      Run("SELECT t.d, count(*), sum(t.id) FROM pq t, (SELECT id FROM csv WHERE id % 3 = 0) k "
          "WHERE t.id = k.id GROUP BY t.d ORDER BY t.d");
  ASSERT_EQ(r.RowCount(), 10u);
  int64_t count0 = 0, sum0 = 0;
  for (int i = 0; i < kRows; i++) {
    if (i % 3 == 0 && i % 10 == 0) {
      count0++;
      sum0 += i;
    }
  }
  EXPECT_EQ(r.GetValue(1, 0).ToString(), std::to_string(count0));
  EXPECT_EQ(r.GetValue(2, 0).ToString(), std::to_string(sum0));
}

// A filter that keeps nearly every row it checks is dropped after a trial: here the build
// side holds 9 of every 10 keys, so only the misses among the rows checked in the trial (at
// least 65,536, at most a chunk of the scan more per thread) are filtered, not a tenth of all
// 400,000 rows.
TEST_F(JoinPushdownTest, AFilterThatKeepsMostRowsIsDropped) {
  Connection(db_).Query("CREATE TABLE big WITH (format = 'PARQUET', external_location = '" +
                        (dir_ / "big").string() +
                        "/') AS SELECT CAST(a.i * 1000 + b.i AS BIGINT) AS id FROM "
                        "(VALUES " + Sequence(400) + ") AS a(i), (VALUES " + Sequence(1000) +
                        ") AS b(i)");
  auto def = std::make_shared<TableDefinition>();
  def->name = "big";
  def->columns = {{"id", Type::Bigint()}};
  def->format = FileFormat::kParquet;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "big")) {
    if (e.is_regular_file()) def->files.push_back({e.path().string(), e.file_size(), {}});
  }
  tables_["big"] = def;
  Connection(db_).Query("CREATE TABLE most(k BIGINT)");
  Connection(db_).Query("INSERT INTO most SELECT id FROM big WHERE id % 10 <> 0");
  QueryResult r = Run("SELECT count(*), sum(t.id) FROM big t, most WHERE t.id = most.k");
  int64_t sum = 0;
  for (int64_t i = 0; i < 400000; i++) sum += i % 10 ? i : 0;
  EXPECT_EQ(Row(r), "360000|" + std::to_string(sum));
  EXPECT_EQ(r.rows_scanned, 400000u);
  EXPECT_GT(r.rows_filtered_by_join_keys, 6000u);   // the trial ran
  EXPECT_LT(r.rows_filtered_by_join_keys, 20000u);  // and then the filter was dropped
}

}  // namespace
}  // namespace sql
