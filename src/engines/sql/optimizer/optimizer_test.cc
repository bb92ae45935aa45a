#include "engines/sql/optimizer/optimizer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

class OptimizerTest : public ::testing::Test {
 protected:
  // Runs with the file table functions on, as the CLI runs queries.
  QueryResult Query(const std::string& sql) {
    QueryOptions o;
    o.file_table_functions = true;
    return conn_.Query(sql, o);
  }
  std::string Explain(const std::string& sql) {
    return Query("EXPLAIN " + sql).GetValue(0, 0).ToString();
  }
  std::vector<std::string> Rows(const std::string& sql) {
    QueryResult r = Query(sql);
    std::vector<std::string> out;
    for (size_t i = 0; i < r.RowCount(); i++) {
      std::string row;
      for (size_t c = 0; c < r.types.size(); c++) row += (c ? "|" : "") + r.GetValue(c, i).ToString();
      out.push_back(row);
    }
    return out;
  }
  // "(VALUES 0, 1, ..., n - 1)": cross joins of it generate test tables.
  static std::string Digits(int n) {
    std::string out = "(VALUES 0";
    for (int i = 1; i < n; i++) out += ", " + std::to_string(i);
    return out + ")";
  }
  // Writes `select` as a Parquet table under dir/name and reads it back through view name_v.
  void ParquetTable(const fs::path& dir, const std::string& name, const std::string& select) {
    Query("CREATE TABLE " + name + " WITH (format = 'PARQUET', external_location = '" +
          (dir / name).string() + "') AS " + select);
    Query("CREATE VIEW " + name + "_v AS SELECT * FROM read_parquet('" + (dir / name).string() +
          "/*.parquet')");
  }
  Database db_;
  Connection conn_{db_};
};

TEST_F(OptimizerTest, FiltersUnderViewsReachTheScan) {
  fs::path dir = fs::temp_directory_path() / ("sql_opt_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Query("CREATE TABLE t WITH (format = 'PARQUET', external_location = '" + dir.string() +
        "') AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) v(id, name)");
  Query("CREATE VIEW tv AS SELECT * FROM read_parquet('" + dir.string() + "/*.parquet')");
  std::string plan = Explain("SELECT name FROM tv WHERE id >= 2");
  // The view's projection is gone and the predicate is evaluated by the scan.
  EXPECT_EQ(plan.find("Filter"), std::string::npos) << plan;
  EXPECT_NE(plan.find("filters: id >= 2"), std::string::npos) << plan;
  EXPECT_EQ(Rows("SELECT name FROM tv WHERE id >= 2 ORDER BY name"), (std::vector<std::string>{"b", "c"}));
  fs::remove_all(dir);
}

TEST_F(OptimizerTest, ConstantsUnderOuterJoinsStayNull) {
  Query("CREATE TABLE a(x INTEGER)");
  Query("INSERT INTO a VALUES (1), (2)");
  // The derived table's constant column must be NULL where the outer join finds no match.
  EXPECT_EQ(Rows("SELECT a.x, s.one, s.x FROM a LEFT JOIN (SELECT 1 AS one, x FROM a WHERE x = 2) s "
                 "ON a.x = s.x ORDER BY a.x"),
            (std::vector<std::string>{"1|NULL|NULL", "2|1|2"}));
  // Pass-through projections under set operations keep their column lists, also below the
  // output projection.
  EXPECT_EQ(Rows("WITH s AS (SELECT x FROM (SELECT x, x + 1 AS y FROM a) WHERE y > 0), "
                 "u AS (SELECT * FROM s UNION SELECT * FROM s) SELECT * FROM u ORDER BY 1"),
            (std::vector<std::string>{"1", "2"}));
  // Pass-through projections under set operations keep their column lists.
  EXPECT_EQ(Rows("SELECT * FROM (SELECT x FROM (SELECT x, x AS y FROM a) s UNION ALL SELECT 7) ORDER BY 1"),
            (std::vector<std::string>{"1", "2", "7"}));
}

TEST_F(OptimizerTest, UncorrelatedInSubqueryBecomesASemiJoin) {
  Query("CREATE TABLE o(k INTEGER, v VARCHAR)");
  Query("INSERT INTO o VALUES (1, 'a'), (2, 'b'), (3, 'c'), (NULL, 'n')");
  Query("CREATE TABLE l(k INTEGER, q INTEGER)");
  Query("INSERT INTO l VALUES (1, 5), (1, 6), (2, 1), (3, 20), (NULL, 50)");
  std::string sql = "SELECT v FROM o WHERE k IN (SELECT k FROM l GROUP BY k HAVING sum(q) > 10) ORDER BY v";
  std::string plan = Explain(sql);
  EXPECT_NE(plan.find("Join SEMI"), std::string::npos) << plan;
  EXPECT_EQ(Rows(sql), (std::vector<std::string>{"a", "c"}));
  // Joined with other tables through WHERE, and NOT IN keeps its NULL semantics.
  EXPECT_EQ(Rows("SELECT o.v, l.q FROM o, l WHERE o.k = l.k AND o.k IN (SELECT k FROM l WHERE q > 10) "
                 "ORDER BY l.q"),
            (std::vector<std::string>{"c|20"}));
  EXPECT_TRUE(Rows("SELECT v FROM o WHERE k NOT IN (SELECT k FROM l)").empty());
}

TEST_F(OptimizerTest, RowGroupsOutsideTheFilterAreSkipped) {
  fs::path dir = fs::temp_directory_path() / ("sql_opt_rg_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string digits = Digits(70);
  // 70^3 = 343,000 ascending ids: three row groups of up to 131,072 rows.
  Query("CREATE TABLE big WITH (format = 'PARQUET', external_location = '" + dir.string() +
        "') AS SELECT a.x * 4900 + b.x * 70 + c.x AS id FROM " + digits + " a(x), " + digits +
        " b(x), " + digits + " c(x) ORDER BY 1");
  std::string src = "read_parquet('" + dir.string() + "/*.parquet')";
  QueryResult all = Query("SELECT count(*), sum(id) FROM " + src);
  EXPECT_EQ(all.GetValue(0, 0).int64(), 343000);
  QueryResult low = Query("SELECT count(*), min(id), max(id) FROM " + src + " WHERE id < 1000");
  EXPECT_EQ(low.GetValue(0, 0).int64(), 1000);
  EXPECT_EQ(low.GetValue(2, 0).int64(), 999);
  QueryResult high = Query("SELECT count(*) FROM " + src + " WHERE id >= 300000");
  EXPECT_EQ(high.GetValue(0, 0).int64(), 43000);
  // One row group of three is read for either filter.
  EXPECT_LT(low.bytes_scanned * 2, all.bytes_scanned);
  EXPECT_LT(high.bytes_scanned * 2, all.bytes_scanned);
  EXPECT_EQ(Query("SELECT count(*) FROM " + src + " WHERE id > 400000").GetValue(0, 0).int64(), 0);
  fs::remove_all(dir);
}

TEST_F(OptimizerTest, ARangeOnOneColumnMakesTheFilteredTableTheBuildSide) {
  fs::path dir = fs::temp_directory_path() / ("sql_opt_build_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string digits = Digits(50);
  // facts: 125,000 rows over 1,000 days (125 a day), keyed 0..4999; dims: keys 0..2499.
  ParquetTable(dir, "facts",
               "SELECT (a.x * 2500 + b.x * 50 + c.x) % 5000 AS fk, date_add('day', (a.x * 2500 + "
               "b.x * 50 + c.x) / 125, DATE '2020-01-01') AS d, 1 AS v FROM " +
                   digits + " a(x), " + digits + " b(x), " + digits + " c(x)");
  ParquetTable(
      dir, "dims",
      "SELECT a.x * 50 + b.x AS pk, a.x AS grp FROM " + digits + " a(x), " + digits + " b(x)");
  // Ten days of a thousand keep 1,250 fact rows: fewer than the 2,500 dimension rows, so
  // the facts are the build (second) input of the join. Taken as two independent halves,
  // the two bounds would keep a quarter of the facts (31,250 rows) and build on dims.
  std::string sql =
      "SELECT count(*), sum(v), count(DISTINCT grp) FROM facts_v, dims_v WHERE fk = pk AND "
      "d >= DATE '2021-05-10' AND d < DATE '2021-05-20'";
  std::string plan = Explain(sql);
  size_t join = plan.find("Join INNER");
  size_t facts = plan.find("facts/*.parquet");
  size_t dims = plan.find("dims/*.parquet");
  ASSERT_NE(join, std::string::npos) << plan;
  EXPECT_LT(dims, facts) << plan;
  // Days 495..504 are facts 61,875..63,124, keys 1875..3124, of which 1875..2499 join.
  EXPECT_EQ(Rows(sql), (std::vector<std::string>{"625|625|13"}));
  fs::remove_all(dir);
}

TEST_F(OptimizerTest, ASemiJoinOnAHavingSubqueryIsTheBuildSide) {
  fs::path dir = fs::temp_directory_path() / ("sql_opt_semi_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string n = "(a.x * 2500 + b.x * 50 + c.x)";
  std::string digits = Digits(50);
  std::string cube = " FROM " + digits + " a(x), " + digits + " b(x), " + digits + " c(x) WHERE ";
  // 1,500 customers, 6,000 orders, four items an order; quantities 1..40 except the 100s of
  // orders 7 and 4242, the only ones whose items sum past 390.
  ParquetTable(dir, "cust", "SELECT " + n + " AS c" + cube + n + " < 1500");
  ParquetTable(dir, "ord", "SELECT " + n + " AS o, " + n + " % 1500 AS ck" + cube + n + " < 6000");
  ParquetTable(dir, "item",
               "SELECT " + n + " / 4 AS io, CASE WHEN " + n + " / 4 IN (7, 4242) THEN 100 ELSE " +
                   n + " % 40 + 1 END AS q" + cube + n + " < 24000");
  std::string sql =
      "SELECT c, o, sum(q) FROM cust_v, ord_v, item_v WHERE o IN (SELECT io FROM item_v GROUP BY "
      "io HAVING sum(q) > 390) AND c = ck AND o = io GROUP BY c, o ORDER BY o";
  // Sums of four quantities of 1..100 lie in 4..400, so the HAVING keeps about 2.5% of the
  // 6,000 groups and the semi join as many orders: fewer than the customers, so the orders
  // are the build (second) input of their join with them. Half the orders, or a third of
  // the groups, would be more than the customers.
  std::string plan = Explain(sql);
  size_t cust = plan.find("cust/*.parquet");
  size_t semi = plan.find("Join SEMI");
  ASSERT_NE(semi, std::string::npos) << plan;
  EXPECT_LT(cust, semi) << plan;
  EXPECT_EQ(Rows(sql), (std::vector<std::string>{"7|7|400", "1242|4242|400"}));
  fs::remove_all(dir);
}

TEST_F(OptimizerTest, FactsAreAggregatedByTheirKeyBeforeTheDimensionJoin) {
  Query("CREATE TABLE dim(k INTEGER, name VARCHAR, region INTEGER)");
  Query("INSERT INTO dim VALUES (1, 'a', 10), (1, 'a2', 10), (2, 'b', 20), (3, 'c', 10)");  // key 1
                                                                                            // twice
  Query("CREATE TABLE region(r INTEGER, rname VARCHAR)");
  Query("INSERT INTO region VALUES (10, 'east'), (20, 'west')");
  Query("CREATE TABLE ord(o INTEGER, ck INTEGER)");
  Query("INSERT INTO ord VALUES (100, 1), (101, 1), (102, 2), (103, NULL), (104, 9)");
  Query("CREATE TABLE item(io INTEGER, amount INTEGER, q INTEGER)");
  Query(
      "INSERT INTO item VALUES (100, 5, 1), (100, 7, NULL), (101, 1, 3), (102, 10, 2), (103, 50, "
      "1), "
      "(104, 60, 1), (102, 4, NULL)");
  std::string sql =
      "SELECT k, name, rname, sum(amount), count(*), count(q), min(q), max(q) FROM dim, region, "
      "ord, item "
      "WHERE region = r AND k = ck AND io = o GROUP BY k, name, rname ORDER BY 2";
  std::string plan = Explain(sql);
  // The facts (ord and item) are aggregated by ck under the join with the dimension.
  EXPECT_NE(
      plan.find(
          "Aggregate groups: [ck] aggregates: [sum(amount), count(*), count(q), min(q), max(q)]"),
      std::string::npos)
      << plan;
  // Both rows of key 1 get all of its facts; key 3 has none; NULL q counts only in count(*).
  EXPECT_EQ(Rows(sql), (std::vector<std::string>{"1|a|east|13|3|2|1|3", "1|a2|east|13|3|2|1|3",
                                                 "2|b|west|14|2|1|2|2"}));
  // Not when an aggregate reads the dimension, or cannot be folded from partial results.
  for (const char* other : {"sum(region + amount)", "count(DISTINCT q)"}) {
    std::string q = std::string("SELECT k, ") + other +
                    " FROM dim, region, ord, item WHERE region = r AND k = ck "
                    "AND io = o GROUP BY k";
    EXPECT_EQ(Explain(q).find("Aggregate groups: [ck]"), std::string::npos) << other;
  }
  EXPECT_EQ(Rows("SELECT k, count(DISTINCT q) FROM dim, region, ord, item WHERE region = r AND k = "
                 "ck AND io = o "
                 "GROUP BY k ORDER BY k"),
            (std::vector<std::string>{"1|2", "2|1"}));
}

}  // namespace
}  // namespace sql
