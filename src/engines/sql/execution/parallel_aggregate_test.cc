// Parallel pipelines (shared scan morsels, shared hash join builds, merged partial
// aggregates) must give the results of the serial plan.
#include <gtest/gtest.h>

#include <filesystem>

#include "engines/sql/common/error.h"
#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

class ParallelAggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sql_parallel_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    std::string digits = "(VALUES 0";
    for (int i = 1; i < 70; i++) digits += ", " + std::to_string(i);
    digits += ")";
    // 343,000 rows in three row groups, so that several morsels are shared out.
    conn_.Query("CREATE TABLE facts WITH (format = 'PARQUET', external_location = '" + dir_.string() +
                "') AS SELECT a.x * 4900 + b.x * 70 + c.x AS id, a.x % 7 AS k, 'v' || CAST(c.x AS VARCHAR) AS s "
                "FROM " + digits + " a(x), " + digits + " b(x), " + digits + " c(x)");
    QueryOptions files;
    files.file_table_functions = true;
    conn_.Query("CREATE VIEW f AS SELECT * FROM read_parquet('" + dir_.string() + "/*.parquet')",
                files);
    conn_.Query("CREATE TABLE dim(k INTEGER, name VARCHAR)");
    conn_.Query("INSERT INTO dim VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three'), (5, 'five')");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The rows of `sql` as text; keeps how the run shared out its work in `last_merged_` and
  // `last_build_pipelines_`.
  std::vector<std::string> Rows(const std::string& sql, int threads) {
    QueryOptions o;
    o.threads = threads;
    o.file_table_functions = true;  // the view over the facts reads them with read_parquet
    QueryResult r = conn_.Query(sql, o);
    last_merged_ = r.aggregate_partitions_merged;
    last_build_pipelines_ = r.parallel_build_pipelines;
    last_exchanged_ = r.chunks_exchanged;
    last_partitioned_builds_ = r.partitioned_join_builds;
    std::vector<std::string> out;
    for (size_t i = 0; i < r.RowCount(); i++) {
      std::string row;
      for (size_t c = 0; c < r.types.size(); c++) row += (c ? "|" : "") + r.GetValue(c, i).ToString();
      out.push_back(row);
    }
    return out;
  }

  // The rows of `sql` run serially, which every count of `threads` must give too.
  std::vector<std::string> SerialRowsMatchedBy(const std::string& sql,
                                               std::initializer_list<int> threads) {
    std::vector<std::string> serial = Rows(sql, 1);
    for (int t : threads) EXPECT_EQ(Rows(sql, t), serial) << t << " threads";
    return serial;
  }

  uint64_t last_merged_ = 0;
  uint64_t last_build_pipelines_ = 0;
  uint64_t last_exchanged_ = 0;
  uint64_t last_partitioned_builds_ = 0;
  fs::path dir_;
  Database db_;
  Connection conn_{db_};
};

TEST_F(ParallelAggregateTest, GroupedAggregatesMatchTheSerialPlan) {
  std::string sql =
      "SELECT k, count(*), sum(id), min(s), max(s), min(id), max(id), count_if(id % 2 = 0), "
      "arbitrary(k), bool_or(id = 5) FROM f GROUP BY k ORDER BY k";
  std::vector<std::string> serial = SerialRowsMatchedBy(sql, {4});
  ASSERT_EQ(serial.size(), 7u);
  EXPECT_EQ(serial[0], "0|49000|7683175500|v0|v9|0|313599|24500|0|true");
  // One group per row (found in key order: the facts are stored by id).
  EXPECT_EQ(Rows("SELECT count(*), sum(c), max(id) FROM (SELECT id, count(*) AS c FROM f GROUP BY id)", 4),
            (std::vector<std::string>{"343000|343000|342999"}));
}

TEST_F(ParallelAggregateTest, SplitPartialTablesMergePartitionByPartition) {
  // 280,000 groups with string keys and string states: every partial table grows past the
  // split threshold and the partitions merge on all threads.
  std::string sql =
      "SELECT s || '-' || CAST(id % 40000 AS VARCHAR) AS g, count(*), min(s), max(id), sum(id) "
      "FROM f GROUP BY 1 ORDER BY 1";
  std::vector<std::string> serial = SerialRowsMatchedBy(sql, {2, 3});
  ASSERT_EQ(serial.size(), 280000u);
  EXPECT_EQ(serial[0], "v0-0|2|v0|280000|280000");
  EXPECT_EQ(serial.back(), "v9-9999|1|v9|129999|129999");
  EXPECT_EQ(last_merged_, 64u);  // the 3-thread run merged its 64 partitions one by one
}

TEST_F(ParallelAggregateTest, UnfilledTablesOfManyGroupsMergePartitionByPartition) {
  // 14,000 groups: no copy's table fills, but the second copy's groups are too many to fold
  // into the first's on one thread. 700 groups are.
  std::string many = "SELECT k, id % 2000, count(*), sum(id) FROM f GROUP BY 1, 2 ORDER BY 1, 2";
  std::vector<std::string> serial = SerialRowsMatchedBy(many, {2});
  ASSERT_EQ(serial.size(), 14000u);
  EXPECT_EQ(serial[0], "0|0|24|3660000");
  EXPECT_EQ(last_merged_, 64u);
  std::string few = "SELECT k, id % 100, count(*), sum(id) FROM f GROUP BY 1, 2 ORDER BY 1, 2";
  EXPECT_EQ(SerialRowsMatchedBy(few, {2}).size(), 700u);
  EXPECT_EQ(last_merged_, 0u);
}

TEST_F(ParallelAggregateTest, ResultChunksAreSizedToTheirRows) {
  // 280,000 groups merged in 64 partitions of about 4,400: the result chunks take the groups
  // of several partitions each, and none has room for more rows than it holds.
  QueryOptions o;
  o.threads = 3;
  o.file_table_functions = true;
  QueryResult r = conn_.Query(
      "SELECT s || '-' || CAST(id % 40000 AS VARCHAR) AS g, count(*) FROM f GROUP BY 1", o);
  ASSERT_EQ(r.aggregate_partitions_merged, 64u);
  ASSERT_EQ(r.RowCount(), 280000u);

  EXPECT_EQ(r.rows.chunk_count(), (280000 + kVectorSize - 1) / kVectorSize);
  size_t capacity = 0;
  for (size_t c = 0; c < r.rows.chunk_count(); c++)
    capacity += r.rows.chunk(c).column(1).capacity();
  EXPECT_EQ(capacity, 280000u);
}

TEST_F(ParallelAggregateTest, LocalTablesFlushBeforeTheirStorageDoubles) {
  // Filtered chunks add uneven numbers of groups: a local table flushed only once it held
  // 32,768 groups would cross that mid-chunk and double its key storage and slots first
  // (more than 29,000,000 bytes reserved in all); flushed once a chunk could take it past, it keeps
  // them at 32,768 groups and 65,536 slots (28,104,512 bytes, 1,176,000 of them the tags
  // of the 294,000 flushed groups).
  QueryOptions o;
  o.threads = 3;
  o.file_table_functions = true;
  QueryResult r = conn_.Query(
      "SELECT s || '-' || CAST(id % 40000 AS VARCHAR) AS g, count(*) FROM f WHERE id % 7 <> 3 "
      "GROUP BY 1",
      o);
  ASSERT_EQ(r.RowCount(), 240000u);
  ASSERT_EQ(r.aggregate_partitions_merged, 64u);
  EXPECT_LT(r.memory_reserved, 29000000u);
  EXPECT_GT(r.memory_reserved, 20000000u);
}

TEST_F(ParallelAggregateTest, TopNSortKeepsOnlyItsBestRows) {
  // Holding all 343,000 rows (about 8 MB) would exceed the limit; the top-N sort keeps about
  // twice the rows it returns.
  QueryOptions o;
  o.threads = 2;
  o.file_table_functions = true;
  o.memory_limit = 1 << 20;
  QueryResult r =
      conn_.Query("SELECT id, s FROM f ORDER BY id % 1000 DESC, id LIMIT 3 OFFSET 2", o);
  ASSERT_EQ(r.RowCount(), 3u);
  EXPECT_EQ(r.GetValue(0, 0).ToString(), "2999");
  EXPECT_EQ(r.GetValue(0, 2).ToString(), "4999");
  EXPECT_EQ(r.GetValue(1, 1).ToString(), "v9");
  // A full sort must hold every row.
  try {
    conn_.Query("SELECT id, s FROM f ORDER BY id % 1000 DESC, id", o);
    ADD_FAILURE() << "the full sort stayed under the limit";
  } catch (const ExecutionError& e) {
    EXPECT_EQ(e.name(), "EXCEEDED_LOCAL_MEMORY_LIMIT");
  }
}

TEST_F(ParallelAggregateTest, JoinsProbeOneSharedBuild) {
  std::string sql =
      "SELECT d.name, count(*), sum(f.id) FROM f, dim d WHERE f.k = d.k AND f.id % 3 = 0 "
      "GROUP BY d.name ORDER BY d.name";
  EXPECT_EQ(SerialRowsMatchedBy(sql, {4}).size(), 5u);
  // Semi and left joins, and a global aggregate over an empty input.
  std::string semi = "SELECT count(*), sum(id) FROM f WHERE k IN (SELECT k FROM dim WHERE name LIKE 't%')";
  EXPECT_EQ(Rows(semi, 4), Rows(semi, 1));
  std::string left = "SELECT count(d.name), count(*) FROM f LEFT JOIN dim d ON f.k = d.k";
  EXPECT_EQ(Rows(left, 4), (std::vector<std::string>{"245000|343000"}));
  EXPECT_EQ(Rows("SELECT count(*), sum(id) FROM f WHERE id < 0", 4), (std::vector<std::string>{"0|NULL"}));
}

TEST_F(ParallelAggregateTest, BuildSidePipelinesRunInParallel) {
  // The build side of the outer join is itself a scan probing a join: its copies run on
  // the worker threads after the inner build.
  std::string sql =
      "SELECT b.name, count(*), sum(a.id), min(a.s) FROM f a, "
      "(SELECT g.id, d.name FROM f g, dim d WHERE g.k = d.k AND g.id % 5 = 0) b "
      "WHERE a.id = b.id + 1 GROUP BY b.name ORDER BY b.name";
  std::vector<std::string> serial = SerialRowsMatchedBy(sql, {2, 4});
  ASSERT_EQ(serial.size(), 5u);
  EXPECT_EQ(serial[0], "five|9800|1776725300|v1");
  // The 4-thread run: both build sides (dim's scan, and the join that probes it) ran as 4
  // copies each.
  EXPECT_EQ(last_build_pipelines_, 8u);
  Rows(sql, 1);
  EXPECT_EQ(last_build_pipelines_, 0u);
}

TEST_F(ParallelAggregateTest, LargeBuildSidesAreIndexedInPartitions) {
  // A build side of 68,600 rows (every fifth), 4,900 keys of 14 rows each and NULL keys for
  // every seventh, probed by inner, left, right and full joins: indexed in 16 tables on the
  // worker threads, it must give the serial plan's rows.
  std::string build =
      "(SELECT CASE WHEN id % 7 = 3 THEN NULL ELSE id % 4900 END AS j, id AS bid "
      "FROM f WHERE id % 5 = 0)";
  std::string inner =
      "SELECT count(*), sum(a.id), sum(b.bid) FROM f a, " + build + " b WHERE a.id = b.j";
  std::vector<std::string> serial = SerialRowsMatchedBy(inner, {2, 3});
  EXPECT_EQ(serial, (std::vector<std::string>{"58800|143962000|10084102000"}));
  EXPECT_EQ(last_partitioned_builds_, 1u);
  Rows(inner, 1);
  EXPECT_EQ(last_partitioned_builds_, 0u);
  for (const char* type : {"LEFT", "RIGHT", "FULL"}) {
    std::string outer = "SELECT count(*), count(a.id), count(b.bid), sum(b.bid) FROM f a " +
                        std::string(type) + " JOIN " + build + " b ON a.id = b.j";
    SerialRowsMatchedBy(outer, {2});
  }
}

TEST_F(ParallelAggregateTest, CopiesShareTheChunksOfOneRowGroup) {
  // 120,000 rows: one row group, one morsel. The copy that takes it hands chunks to the one
  // left without a morsel whenever that one waits (each run likely, some run surely).
  fs::path one = dir_ / "one";
  QueryOptions files;
  files.file_table_functions = true;
  conn_.Query("CREATE TABLE one WITH (format = 'PARQUET', external_location = '" + one.string() +
                  "') AS SELECT id, k, s FROM f WHERE id < 120000",
              files);
  std::string sql = "SELECT k, s, count(*), sum(id) FROM one GROUP BY k, s ORDER BY k, s";
  std::vector<std::string> serial = Rows(sql, 1);
  ASSERT_EQ(serial.size(), 490u);
  EXPECT_EQ(serial[0], "0|v0|280|15082200");
  EXPECT_EQ(last_exchanged_, 0u);
  uint64_t exchanged = 0;
  for (int run = 0; run < 20 && exchanged == 0; run++) {
    EXPECT_EQ(Rows(sql, 2), serial);
    exchanged = last_exchanged_;
  }
  EXPECT_GT(exchanged, 0u);
  // An aggregation on one integer key reads its morsels whole in each copy (to find its
  // groups in key order): no chunk changes copies.
  std::vector<std::string> by_id =
      Rows("SELECT max(id), count(*) FROM (SELECT id, count(*) FROM one GROUP BY id)", 2);
  EXPECT_EQ(by_id, (std::vector<std::string>{"119999|120000"}));
  EXPECT_EQ(last_exchanged_, 0u);
  // An integer key from a join's build side never comes in order: chunks change copies.
  std::string by_dim =
      "SELECT d.k, count(*), sum(o.id) FROM one o, dim d WHERE o.k = d.k GROUP BY d.k ORDER BY 1";
  std::vector<std::string> dim_serial = Rows(by_dim, 1);
  ASSERT_EQ(dim_serial.size(), 5u);
  EXPECT_EQ(dim_serial[0], "0|19600|1056430200");
  exchanged = 0;
  for (int run = 0; run < 20 && exchanged == 0; run++) {
    EXPECT_EQ(Rows(by_dim, 2), dim_serial);
    exchanged = last_exchanged_;
  }
  EXPECT_GT(exchanged, 0u);
}

}  // namespace
}  // namespace sql
