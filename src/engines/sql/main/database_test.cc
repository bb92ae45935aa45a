#include "engines/sql/main/database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "engines/sql/common/error.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

class DatabaseTest : public ::testing::Test {
 protected:
  // With the file table functions on, as the CLI runs queries.
  static QueryOptions WithFiles() {
    QueryOptions o;
    o.file_table_functions = true;
    return o;
  }
  QueryResult Q(const std::string& sql, const QueryOptions& o = WithFiles()) {
    return conn_.Query(sql, o);
  }
  // All values of a result, row-major, rendered as text.
  std::vector<std::string> Rows(const std::string& sql) {
    QueryResult r = Q(sql);
    std::vector<std::string> out;
    for (size_t i = 0; i < r.RowCount(); i++) {
      std::string row;
      for (size_t c = 0; c < r.types.size(); c++) row += (c ? "|" : "") + r.GetValue(c, i).ToString();
      out.push_back(row);
    }
    return out;
  }
  Database db_;
  Connection conn_{db_};
};

TEST_F(DatabaseTest, TrinoArithmeticAndTypes) {
  EXPECT_EQ(Rows("SELECT 7 / 2, -7 / 2, 7 % -3, 1.50 * 2, 10 / 4.0, CAST(2.5 AS INTEGER), 1e0 / 3"),
            std::vector<std::string>{"3|-3|1|3.00|2.5|3|0.3333333333333333"});
  EXPECT_EQ(Rows("SELECT typeof(1), typeof(3000000000), typeof(1.5), typeof(1 + 1.5)"),
            std::vector<std::string>{"integer|bigint|decimal(2,1)|decimal(12,1)"});
  try {
    Q("SELECT 1 / 0");
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_EQ(e.name(), "DIVISION_BY_ZERO");
  }
  try {
    Q("SELECT 2147483647 + 1");
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_EQ(e.name(), "NUMERIC_VALUE_OUT_OF_RANGE");
  }
  EXPECT_EQ(Rows("SELECT TRY(1 / 0), TRY_CAST('x' AS INTEGER), NULLIF(1, 1), COALESCE(NULL, 2)"),
            std::vector<std::string>{"NULL|NULL|NULL|2"});
}

TEST_F(DatabaseTest, ThreeValuedLogicAndShortCircuit) {
  Q("CREATE TABLE t(x INTEGER)");
  Q("INSERT INTO t VALUES (0), (5), (NULL)");
  EXPECT_EQ(Rows("SELECT count(*) FROM t WHERE x <> 0 AND 10 / x = 2"), std::vector<std::string>{"1"});
  EXPECT_EQ(Rows("SELECT x IS DISTINCT FROM NULL, x IN (5, NULL) FROM t ORDER BY x NULLS FIRST"),
            (std::vector<std::string>{"false|NULL", "true|NULL", "true|true"}));
}

TEST_F(DatabaseTest, JoinsSubqueriesAndSetOperations) {
  Q("CREATE TABLE a(k INTEGER, v VARCHAR)");
  Q("CREATE TABLE b(k INTEGER, w DOUBLE)");
  Q("INSERT INTO a VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  Q("INSERT INTO b VALUES (2, 2.5), (3, 3.5), (4, 4.5)");
  EXPECT_EQ(Rows("SELECT a.k, b.k FROM a FULL JOIN b ON a.k = b.k ORDER BY coalesce(a.k, b.k)"),
            (std::vector<std::string>{"1|NULL", "2|2", "3|3", "NULL|4"}));
  EXPECT_EQ(Rows("SELECT v FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k + 1) ORDER BY v"),
            (std::vector<std::string>{"one", "three", "two"}));
  EXPECT_EQ(Rows("SELECT v FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k - 1) ORDER BY v"),
            (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(Rows("SELECT k, (SELECT max(w) FROM b WHERE b.k <= a.k) FROM a ORDER BY k"),
            (std::vector<std::string>{"1|NULL", "2|2.5", "3|3.5"}));
  EXPECT_EQ(Rows("SELECT k FROM a WHERE k NOT IN (SELECT k FROM b) "), std::vector<std::string>{"1"});
  EXPECT_EQ(Rows("SELECT k FROM a INTERSECT SELECT k FROM b ORDER BY 1"), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(Rows("SELECT k FROM a EXCEPT SELECT k FROM b"), std::vector<std::string>{"1"});
  EXPECT_EQ(Rows("SELECT count(*) FROM (SELECT k FROM a UNION ALL SELECT k FROM b)"), std::vector<std::string>{"6"});
  EXPECT_EQ(Rows("SELECT v FROM a JOIN b USING (k) ORDER BY k LIMIT 1 OFFSET 1"), std::vector<std::string>{"three"});
}

TEST_F(DatabaseTest, GroupingSetsAndWindows) {
  Q("CREATE TABLE s(r VARCHAR, p VARCHAR, n INTEGER)");
  Q("INSERT INTO s VALUES ('e', 'x', 1), ('e', 'y', 2), ('w', 'x', 3)");
  EXPECT_EQ(Rows("SELECT r, p, sum(n), grouping(r, p) FROM s GROUP BY ROLLUP(r, p) ORDER BY r NULLS LAST, p NULLS LAST"),
            (std::vector<std::string>{"e|x|1|0", "e|y|2|0", "e|NULL|3|1", "w|x|3|0", "w|NULL|3|1", "NULL|NULL|6|3"}));
  EXPECT_EQ(Rows("SELECT n, rank() OVER (PARTITION BY p ORDER BY n DESC), sum(n) OVER (ORDER BY n ROWS BETWEEN 1 "
                 "PRECEDING AND CURRENT ROW), lag(n) OVER (ORDER BY n) FROM s ORDER BY n"),
            (std::vector<std::string>{"1|2|1|NULL", "2|1|3|1", "3|1|5|2"}));
}

TEST_F(DatabaseTest, ErrorsNameTheProblem) {
  Q("CREATE TABLE t(x INTEGER)");
  try {
    Q("SELECT y FROM t");
    FAIL();
  } catch (const BinderError& e) {
    EXPECT_EQ(e.name(), "COLUMN_NOT_FOUND");
    EXPECT_NE(std::string(e.what()).find("Column 'y' cannot be resolved"), std::string::npos);
  }
  try {
    Q("SELECT nosuch(x) FROM t");
    FAIL();
  } catch (const BinderError& e) {
    EXPECT_EQ(e.name(), "FUNCTION_NOT_FOUND");
  }
  try {
    Q("SELECT x + 'a' FROM t");
    FAIL();
  } catch (const BinderError& e) {
    EXPECT_EQ(e.name(), "TYPE_MISMATCH");
    EXPECT_NE(std::string(e.what()).find("integer + varchar"), std::string::npos);
  }
  try {
    Q("SELECT * FROM missing");
    FAIL();
  } catch (const BinderError& e) {
    EXPECT_EQ(e.name(), "TABLE_NOT_FOUND");
  }
}

TEST_F(DatabaseTest, MemoryLimitAndCancellation) {
  Q("CREATE TABLE big AS SELECT a.x * 1000 + b.x AS k FROM (VALUES 1,2,3,4,5,6,7,8,9,10) a(x), "
    "(VALUES 1,2,3,4,5,6,7,8,9,10) b(x)");
  Q("CREATE TABLE bigger AS SELECT x.k * 100000 + y.k AS k FROM big x, big y, big z");
  QueryOptions o;
  o.memory_limit = 64 * 1024;
  try {
    Q("SELECT k, count(*) FROM bigger GROUP BY k", o);
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_EQ(e.name(), "EXCEEDED_LOCAL_MEMORY_LIMIT");
  }
  QueryOptions c;
  c.cancel = std::make_shared<std::atomic<bool>>(true);
  try {
    Q("SELECT count(*) FROM bigger", c);
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_EQ(e.name(), "USER_CANCELED");
  }
}

TEST_F(DatabaseTest, PartitionedParquetRoundTripAndPruning) {
  fs::path dir = fs::temp_directory_path() / ("sql_db_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Q("CREATE TABLE sales WITH (format = 'PARQUET', external_location = '" + dir.string() +
    "', partitioned_by = ARRAY['region']) AS SELECT * FROM (VALUES (1, 2.5, DATE '2024-01-01', 'east'), "
    "(2, NULL, DATE '2024-01-02', 'west'), (3, 4.0, DATE '2024-01-03', '東京'), "
    "(4, 1.0, DATE '2024-01-04', 'a/b c:d%')) t(id, amount, day, region)");
  EXPECT_TRUE(fs::exists(dir / "region=east"));
  // Hive keeps UTF-8 in folder names and escapes only its special characters.
  EXPECT_TRUE(fs::exists(dir / "region=東京"));
  EXPECT_TRUE(fs::exists(dir / "region=a%2Fb c%3Ad%25"));
  EXPECT_EQ(Rows("SELECT id, amount, day, region FROM read_parquet('" + dir.string() + "') ORDER BY id"),
            (std::vector<std::string>{"1|2.5|2024-01-01|east", "2|NULL|2024-01-02|west",
                                      "3|4.0|2024-01-03|東京", "4|1.0|2024-01-04|a/b c:d%"}));
  QueryResult all = Q("SELECT sum(id) FROM sales");
  QueryResult one = Q("SELECT sum(id) FROM sales WHERE region = '東京'");
  EXPECT_EQ(one.GetValue(0, 0).int64(), 3);
  EXPECT_EQ(Q("SELECT count(*) FROM sales WHERE region <> 'east'").GetValue(0, 0).int64(), 3);
  EXPECT_GT(all.bytes_scanned, 0u);
  EXPECT_LT(one.bytes_scanned, all.bytes_scanned);
  fs::remove_all(dir);
}

TEST_F(DatabaseTest, CsvWithHiveNullsAndGzip) {
  fs::path dir = fs::temp_directory_path() / ("sql_csv_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a.csv") << "id,name\n1,\"x, y\"\n2,\\N\n";
  EXPECT_EQ(Rows("SELECT id, name FROM read_csv('" + (dir / "a.csv").string() + "') ORDER BY id"),
            (std::vector<std::string>{"1|x, y", "2|NULL"}));
  fs::remove_all(dir);
}

// By default (file_table_functions off) read_csv/read_json/read_parquet are unknown
// functions: the file is never opened, and the same query works with them turned on.
TEST_F(DatabaseTest, FileTableFunctionsCanBeTurnedOff) {
  fs::path dir = fs::temp_directory_path() / ("sql_tf_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a.csv") << "id\n41\n";
  QueryOptions off;
  for (const char* fn : {"read_csv", "read_json", "read_parquet"}) {
    try {
      Q(std::string("SELECT * FROM ") + fn + "('" + (dir / "a.csv").string() + "')", off);
      FAIL() << fn;
    } catch (const BinderError& e) {
      EXPECT_EQ(e.name(), "FUNCTION_NOT_FOUND") << fn;
    }
  }
  EXPECT_EQ(Rows("SELECT id + 1 FROM read_csv('" + (dir / "a.csv").string() + "')"),
            std::vector<std::string>{"42"});
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sql
