// Aggregation over input clustered on its key: groups found without hashing are the same as
// the hash table's, including groups split between chunks, runs and threads, and input that
// stops being clustered half-way.
#include "engines/sql/execution/ordered_groups.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

Vector Keys(std::initializer_list<int64_t> keys) {
  Vector v(Type::Bigint());
  size_t i = 0;
  for (int64_t k : keys) v.data<int64_t>()[i++] = k;
  return v;
}

TEST(OrderedGroups, EqualNeighboursShareAGroupAcrossChunks) {
  OrderedGroups g;
  uint32_t ids[4];
  ASSERT_TRUE(g.FindOrCreate(Keys({1, 1, 2, 5}), 4, ids));
  EXPECT_EQ(std::vector<uint32_t>(ids, ids + 4), (std::vector<uint32_t>{0, 0, 1, 2}));
  // The next chunk starts with the last key: same group, same run.
  ASSERT_TRUE(g.FindOrCreate(Keys({5, 7}), 2, ids));
  EXPECT_EQ(std::vector<uint32_t>(ids, ids + 2), (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(g.runs(), 1u);
  // A chunk starting below the last key starts a second run.
  ASSERT_TRUE(g.FindOrCreate(Keys({2, 9}), 2, ids));
  EXPECT_EQ(std::vector<uint32_t>(ids, ids + 2), (std::vector<uint32_t>{4, 5}));
  EXPECT_EQ(g.runs(), 2u);
  EXPECT_EQ(g.size(), 6u);
}

TEST(OrderedGroups, RefusesChunksThatAreNotClustered) {
  OrderedGroups g;
  uint32_t ids[3];
  EXPECT_FALSE(g.FindOrCreate(Keys({3, 2}), 2, ids));
  Vector with_null = Keys({1, 2, 3});
  with_null.SetNull(1);
  EXPECT_FALSE(g.FindOrCreate(with_null, 3, ids));
  EXPECT_EQ(g.size(), 0u);
  // At most kMaxRuns runs: the chunk that would start one more is refused.
  for (size_t r = 0; r < OrderedGroups::kMaxRuns; r++) {
    ASSERT_TRUE(g.FindOrCreate(Keys({10, 20}), 2, ids)) << r;
  }
  EXPECT_FALSE(g.FindOrCreate(Keys({10}), 1, ids));
  EXPECT_TRUE(g.FindOrCreate(Keys({20, 30}), 2, ids));  // continues the last run
  EXPECT_EQ(g.runs(), OrderedGroups::kMaxRuns);
}

TEST(OrderedGroups, MergeFoldsKeysHeldBySeveralRuns) {
  OrderedGroups a, b;
  uint32_t ids[4];
  ASSERT_TRUE(a.FindOrCreate(Keys({1, 4, 6}), 3, ids));
  ASSERT_TRUE(a.FindOrCreate(Keys({2, 4}), 2, ids));
  ASSERT_TRUE(b.FindOrCreate(Keys({0, 6, 9}), 3, ids));
  a.Append(b);
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(a.runs(), 3u);
  // States are counts: each group starts at one row.
  std::vector<int64_t> counts(a.size(), 1);
  std::vector<uint8_t*> states;
  for (auto& c : counts) states.push_back(reinterpret_cast<uint8_t*>(&c));
  std::vector<uint8_t*> folded;
  a.Merge(states, [&](uint8_t* from, uint8_t* to) {
    *reinterpret_cast<int64_t*>(to) += *reinterpret_cast<int64_t*>(from);
    folded.push_back(from);
  });
  EXPECT_EQ(a.runs(), 1u);
  std::vector<std::string> out;
  for (size_t i = 0; i < a.size(); i++) {
    out.push_back(std::to_string(a.key(i)) + ":" +
                  std::to_string(*reinterpret_cast<int64_t*>(states[i])));
  }
  std::sort(out.begin(), out.end());
  EXPECT_EQ(out, (std::vector<std::string>{"0:1", "1:1", "2:1", "4:2", "6:2", "9:1"}));
  EXPECT_EQ(folded.size(), 2u);
  EXPECT_FALSE(a.FindOrCreate(Keys({10}), 1, ids));  // the input has ended
}

TEST(OrderedGroups, ErasedGroupsLeaveTheOthersInTheirRuns) {
  OrderedGroups g;
  uint32_t ids[4];
  ASSERT_TRUE(g.FindOrCreate(Keys({1, 2, 3}), 3, ids));
  ASSERT_TRUE(g.FindOrCreate(Keys({0, 4}), 2, ids));  // a second run: groups 3 and 4
  g.Erase({1, 0, 1, 1, 0});
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g.key(0), 2);
  EXPECT_EQ(g.key(1), 4);
  EXPECT_EQ(g.runs(), 2u);
  // The last key is still 4: a chunk from 4 on continues the run.
  ASSERT_TRUE(g.FindOrCreate(Keys({4, 6}), 2, ids));
  EXPECT_EQ(std::vector<uint32_t>(ids, ids + 2), (std::vector<uint32_t>{1, 2}));
  g.Erase({1, 0, 0});  // the first run empties and goes
  EXPECT_EQ(g.runs(), 1u);
  EXPECT_EQ(g.size(), 2u);
}

class OrderedAggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sql_ordered_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    std::string digits = "(VALUES 0";
    for (int i = 1; i < 70; i++) digits += ", " + std::to_string(i);
    digits += ")";
    std::string rows = "SELECT id FROM (SELECT a.x * 4900 + b.x * 70 + c.x AS id FROM " + digits +
                       " a(x), " + digits + " b(x), " + digits + " c(x))";
    // 343,000 rows in three row groups of up to 131,072: stored in id order, shuffled, and
    // in order for the first 200,000 rows only.
    Write("sorted", rows + " ORDER BY id");
    Write("shuffled", rows + " ORDER BY (CAST(id AS BIGINT) * 7919) % 343000");
    Write("half", rows +
                      " ORDER BY CASE WHEN id < 200000 THEN id ELSE 200000 + (CAST(id AS BIGINT) * "
                      "7919) % 143000 END");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& select) {
    Query("CREATE TABLE " + name + "_t WITH (format = 'PARQUET', external_location = '" +
              (dir_ / name).string() + "') AS " + select,
          1);
    Query("CREATE VIEW " + name + " AS SELECT * FROM read_parquet('" + (dir_ / name).string() +
              "/*.parquet')",
          1);
  }

  QueryResult Query(const std::string& sql, int threads) {
    QueryOptions o;
    o.threads = threads;
    o.file_table_functions = true;
    return conn_.Query(sql, o);
  }

  // Groups of seven consecutive ids (some split between row groups, so between threads):
  // their count, and how the sizes and sums come out.
  std::string Summary(const std::string& table, const std::string& key, int threads) {
    QueryResult r = Query(
        "SELECT count(*), min(c), max(c), sum(s), min(m), sum(CAST(k AS BIGINT)) FROM (SELECT " +
            key + " AS k, count(*) AS c, sum(id) AS s, max(id) - min(id) AS m FROM " + table +
            " GROUP BY 1)",
        threads);
    last_in_order_ = r.rows_aggregated_in_key_order;
    std::string out;
    for (size_t c = 0; c < r.types.size(); c++) out += (c ? "|" : "") + r.GetValue(c, 0).ToString();
    return out;
  }

  // count, sum of keys and sum of sums of the groups of `k` in `table` whose sum of ids is
  // a multiple of 5 (HAVING), run on `threads`; keeps how many groups finished early.
  std::string Having(const std::string& table, const std::string& key, int threads) {
    QueryResult r =
        Query("SELECT count(*), sum(CAST(k AS BIGINT)), sum(s) FROM (SELECT " + key +
                  " AS k, sum(id) AS s FROM " + table + " GROUP BY 1 HAVING sum(id) % 5 = 0)",
              threads);
    last_finished_early_ = r.groups_finished_early;
    std::string out;
    for (size_t c = 0; c < r.types.size(); c++) out += (c ? "|" : "") + r.GetValue(c, 0).ToString();
    return out;
  }

  uint64_t last_in_order_ = 0;
  uint64_t last_finished_early_ = 0;
  fs::path dir_;
  Database db_;
  Connection conn_{db_};
};

TEST_F(OrderedAggregateTest, ClusteredInputIsGroupedWithoutHashing) {
  // 49,000 groups of 7; 131,072 is not a multiple of 7, so groups straddle row groups.
  const std::string expected = "49000|7|7|58824328500|6|1200475500";
  for (int threads : {1, 2, 3}) {
    EXPECT_EQ(Summary("sorted", "id / 7", threads), expected) << threads;
    EXPECT_EQ(last_in_order_, 343000u) << threads;
  }
  // The hash table gives the same groups: string keys never take the ordered path.
  EXPECT_EQ(Summary("sorted", "CAST(id / 7 AS VARCHAR)", 2), "49000|7|7|58824328500|6|1200475500");
  EXPECT_EQ(last_in_order_, 0u);
}

TEST_F(OrderedAggregateTest, InputThatIsNotClusteredGoesToTheHashTable) {
  const std::string expected = "49000|7|7|58824328500|6|1200475500";
  for (int threads : {1, 3}) {
    EXPECT_EQ(Summary("shuffled", "id / 7", threads), expected) << threads;
    EXPECT_EQ(last_in_order_, 0u) << threads;  // the first chunk already descends
  }
  // Clustered for 200,000 rows, then not: the groups found so far move into the hash table.
  for (int threads : {1, 3}) {
    std::string s = Summary("half", "id / 7", threads);
    EXPECT_EQ(s, Summary("half", "CAST(id / 7 AS VARCHAR)", threads)) << threads;
    EXPECT_EQ(s.substr(0, s.find('|')), "49000") << s;
  }
}

TEST_F(OrderedAggregateTest, GroupsPastTheirRowGroupFinishEarly) {
  // k = id / 7 stored as a column: 49,000 groups of 7 rows, in three row groups whose key
  // ranges touch (a group of 7 straddles each row-group boundary).
  std::string keyed = "SELECT id, id / 7 AS k FROM sorted";
  Write("keyed", keyed + " ORDER BY id");
  // Groups whose sum (49k + 21) is a multiple of 5: k = 1, 6, 11, ...
  const std::string expected = "9800|240085300|11764385500";
  EXPECT_EQ(Having("keyed", "CAST(k AS VARCHAR)", 2), expected);  // the hash table's answer
  EXPECT_EQ(last_finished_early_, 0u);
  // One thread reads the row groups in order: the groups of the first two finish while the
  // next is read, all but the two straddling groups (whose key is a row-group boundary).
  EXPECT_EQ(Having("keyed", "k", 1), expected);
  EXPECT_EQ(last_finished_early_, 18723u + 18724u);  // keys 1..18723 and 18725..37448
  // Two threads: one of them reads two row groups, and finishes the first's groups early.
  EXPECT_EQ(Having("keyed", "k", 2), expected);
  EXPECT_GE(last_finished_early_, 18723u);
  EXPECT_EQ(Having("keyed", "k", 3), expected);
  EXPECT_EQ(Summary("keyed", "k", 3), "49000|7|7|58824328500|6|1200475500");
  // Row groups shuffled inside but with disjoint ranges: the statistics prove each key in
  // one row group, but the input is not ascending, so no group finishes before the end.
  Write("blocks", keyed + " ORDER BY id / 131072, (CAST(id AS BIGINT) * 7919) % 131072");
  for (int threads : {1, 3}) {
    EXPECT_EQ(Having("blocks", "k", threads), expected) << threads;
    EXPECT_EQ(last_finished_early_, 0u) << threads;
  }
  // Overlapping row groups prove nothing.
  Write("mixed", keyed + " ORDER BY (CAST(id AS BIGINT) * 7919) % 343000");
  EXPECT_EQ(Having("mixed", "k", 1), expected);
  EXPECT_EQ(last_finished_early_, 0u);
}

}  // namespace
}  // namespace sql
