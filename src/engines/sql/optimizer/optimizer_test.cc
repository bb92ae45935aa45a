#include "engines/sql/optimizer/optimizer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engines/sql/main/database.h"

namespace sql {
namespace {

namespace fs = std::filesystem;

class OptimizerTest : public ::testing::Test {
 protected:
  std::string Explain(const std::string& sql) { return conn_.Query("EXPLAIN " + sql).GetValue(0, 0).ToString(); }
  std::vector<std::string> Rows(const std::string& sql) {
    QueryResult r = conn_.Query(sql);
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

TEST_F(OptimizerTest, FiltersUnderViewsReachTheScan) {
  fs::path dir = fs::temp_directory_path() / ("sql_opt_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  conn_.Query("CREATE TABLE t WITH (format = 'PARQUET', external_location = '" + dir.string() +
              "') AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) v(id, name)");
  conn_.Query("CREATE VIEW tv AS SELECT * FROM read_parquet('" + dir.string() + "/*.parquet')");
  std::string plan = Explain("SELECT name FROM tv WHERE id >= 2");
  // The view's projection is gone and the predicate is evaluated by the scan.
  EXPECT_EQ(plan.find("Filter"), std::string::npos) << plan;
  EXPECT_NE(plan.find("filters: id >= 2"), std::string::npos) << plan;
  EXPECT_EQ(Rows("SELECT name FROM tv WHERE id >= 2 ORDER BY name"), (std::vector<std::string>{"b", "c"}));
  fs::remove_all(dir);
}

TEST_F(OptimizerTest, ConstantsUnderOuterJoinsStayNull) {
  conn_.Query("CREATE TABLE a(x INTEGER)");
  conn_.Query("INSERT INTO a VALUES (1), (2)");
  // The derived table's constant column must be NULL where the outer join finds no match.
  EXPECT_EQ(Rows("SELECT a.x, s.one, s.x FROM a LEFT JOIN (SELECT 1 AS one, x FROM a WHERE x = 2) s "
                 "ON a.x = s.x ORDER BY a.x"),
            (std::vector<std::string>{"1|NULL|NULL", "2|1|2"}));
  // Pass-through projections under set operations keep their column lists.
  EXPECT_EQ(Rows("SELECT * FROM (SELECT x FROM (SELECT x, x AS y FROM a) s UNION ALL SELECT 7) ORDER BY 1"),
            (std::vector<std::string>{"1", "2", "7"}));
}

}  // namespace
}  // namespace sql
