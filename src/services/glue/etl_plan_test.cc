#include "services/glue/etl_plan.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engines/sql/common/error.h"
#include "engines/sql/main/database.h"
#include "services/glue/glue_error.h"
#include "services/glue/glue_test_util.h"
#include "services/glue/jobs.h"
#include "services/glue/table_source.h"

namespace glue {
namespace {

using base::Json;

class EtlPlanTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    catalog_->CreateDatabase({{"Name", "default"}});
    Put("in/sales.csv", "id,region,amount\n1,east,10\n2,west,20\n3,east,30\n4,west,\n5,north,50\n");
    db_ = std::make_unique<sql::Database>(fs_);
    run_query_ = [this](const std::string& sql) {
      sql::Connection conn(*db_);
      return conn.Query(sql);
    };
  }
  void TearDown() override {
    db_.reset();
    StoreFixture::TearDown();
  }
  // Compiles `nodes` with their sources and the catalog's tables resolved, as a job run does.
  EtlPlan Compile(const Json& nodes) {
    db_->catalog().SetResolver(
        MakeEtlSourceResolver(nodes, *fs_, MakeTableResolver(*catalog_, *fs_, "default")));
    return CompileEtlGraph(nodes, run_query_);
  }
  std::string Run(const std::string& sql) {
    sql::Connection conn(*db_);
    sql::QueryResult r = conn.Query(sql + " ORDER BY 1");
    std::string out;
    for (size_t row = 0; row < r.RowCount(); row++) {
      for (size_t c = 0; c < r.names.size(); c++) {
        out += (c ? "|" : "") + r.GetValue(c, row).ToString();
      }
      out += "\n";
    }
    return out;
  }
  static Json Source() {
    return {{"S3CsvSource",
             {{"Name", "s"},
              {"Paths", {"s3://data/in/"}},
              {"Separator", "comma"},
              {"WithHeader", true}}}};
  }
  static Json Target(const std::string& input) {
    return {{"S3DirectTarget",
             {{"Name", "t"}, {"Inputs", {input}}, {"Path", "s3://data/out/"}, {"Format", "json"}}}};
  }
  std::unique_ptr<sql::Database> db_;
  RunQuery run_query_;
};

TEST_F(EtlPlanTest, FilterAggregateTarget) {
  Json nodes = {{"src", Source()},
                {"f",
                 {{"Filter",
                   {{"Name", "f"},
                    {"Inputs", {"src"}},
                    {"LogicalOperator", "OR"},
                    {"Filters",
                     {{{"Operation", "GT"},
                       {"Values",
                        {{{"Type", "COLUMNEXTRACTED"}, {"Value", {"amount"}}},
                         {{"Type", "CONSTANT"}, {"Value", {"15"}}}}}},
                      {{"Operation", "ISNULL"},
                       {"Negated", false},
                       {"Values", {{{"Type", "COLUMNEXTRACTED"}, {"Value", {"amount"}}}}}}}}}}}},
                {"agg",
                 {{"Aggregate",
                   {{"Name", "a"},
                    {"Inputs", {"f"}},
                    {"Groups", {{"region"}}},
                    {"Aggs", {{{"Column", {"id"}}, {"AggFunc", "count"}}}}}}}},
                {"t", Target("agg")}};
  EtlPlan plan = Compile(nodes);
  ASSERT_EQ(plan.targets.size(), 1u);
  EXPECT_EQ(plan.targets[0].path, "s3://data/out/");
  EXPECT_EQ(plan.targets[0].format, "json");
  EXPECT_EQ(Run(plan.targets[0].sql), "east|1\nnorth|1\nwest|2\n");
}

TEST_F(EtlPlanTest, FieldTransformsAndUnion) {
  Json nodes = {
      {"src", Source()},
      {"drop", {{"DropFields", {{"Name", "d"}, {"Inputs", {"src"}}, {"Paths", {{"amount"}}}}}}},
      {"ren",
       {{"RenameField",
         {{"Name", "r"},
          {"Inputs", {"drop"}},
          {"SourcePath", {"region"}},
          {"TargetPath", {"area"}}}}}},
      {"dup", {{"DropDuplicates", {{"Name", "dd"}, {"Inputs", {"ren"}}, {"Columns", {{"area"}}}}}}},
      {"sel", {{"SelectFields", {{"Name", "s"}, {"Inputs", {"dup"}}, {"Paths", {{"area"}}}}}}},
      {"uni", {{"Union", {{"Name", "u"}, {"Inputs", {"sel", "sel"}}, {"UnionType", "DISTINCT"}}}}},
      {"t", Target("uni")}};
  EtlPlan plan = Compile(nodes);
  EXPECT_EQ(Run(plan.targets[0].sql), "east\nnorth\nwest\n");
}

TEST_F(EtlPlanTest, DropNullFieldsDropsColumnsHoldingOnlyNullLikeValues) {
  // CSV fields that are empty read as empty strings, which Glue counts as null only with
  // IsEmpty; "null", -1 and listed texts likewise need their options.
  Put("nulls/x.csv", "id,gone,placeholder,kept\n1,,null,a\n2,,-1,\n3,,n/a,c\n");
  Json source = Source();
  source["S3CsvSource"]["Paths"] = {"s3://data/nulls/"};
  auto drop = [&](Json options) {
    options["Name"] = "n";
    options["Inputs"] = {"src"};
    Json nodes = {{"src", source}, {"dn", {{"DropNullFields", options}}}, {"t", Target("dn")}};
    EtlPlan plan = Compile(nodes);
    return run_query_(plan.targets[0].sql).names;
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(drop(Json::object()), (Names{"id", "gone", "placeholder", "kept"}));
  EXPECT_EQ(drop({{"NullCheckBoxList", {{"IsEmpty", true}}}}),
            (Names{"id", "placeholder", "kept"}));
  Json options = {
      {"NullCheckBoxList", {{"IsEmpty", true}, {"IsNullString", true}, {"IsNegOne", true}}},
      {"NullTextList", {{{"Value", "n/a"}, {"Datatype", {{"Id", "string"}}}}}}};
  EXPECT_EQ(drop(options), (Names{"id", "kept"}));
  // A flow whose every column is null-like has nothing left to write.
  Put("nulls/x.csv", "a,b\n,\n,\n");
  EXPECT_THROW(drop({{"NullCheckBoxList", {{"IsEmpty", true}}}}), GlueError);
}

TEST_F(EtlPlanTest, FileSourcesAreTablesWithTheNodesFormatOptions) {
  Put("pipes/a.txt", "1|'x|y'\n2|'z'\n");
  Put("pipes/b.txt", "3|w\n");
  Put("more/c.txt", "4|v\n");
  Json source = {{"S3CsvSource",
                  {{"Name", "p"},
                   {"Paths", {"s3://data/pipes/", "s3://data/more/"}},
                   {"Separator", "pipe"},
                   {"QuoteChar", "single_quote"},
                   {"WithHeader", false}}}};
  EtlPlan plan = Compile({{"src", source}, {"t", Target("src")}});
  EXPECT_EQ(plan.targets[0].sql.find("read_csv"), std::string::npos) << plan.targets[0].sql;
  EXPECT_EQ(Run(plan.targets[0].sql), "1|x|y\n2|z\n3|w\n4|v\n");
  // JSON Lines and Parquet sources.
  Put("events/e.json", "{\"k\": 1, \"v\": \"a\"}\n{\"k\": 2, \"v\": \"b\"}\n");
  Json json_source = {{"S3JsonSource", {{"Name", "j"}, {"Paths", {"s3://data/events/"}}}}};
  plan = Compile({{"src", json_source}, {"t", Target("src")}});
  EXPECT_EQ(Run(plan.targets[0].sql), "1|a\n2|b\n");
}

TEST_F(EtlPlanTest, SqlCannotCallFileTableFunctions) {
  Json nodes = {{"src", Source()},
                {"sql",
                 {{"SparkSQL",
                   {{"Name", "sql"},
                    {"Inputs", {"src"}},
                    {"SqlAliases", {{{"From", "src"}, {"Alias", "s"}}}},
                    {"SqlQuery", "SELECT * FROM read_csv('s3://data/in/sales.csv')"}}}}},
                {"t", Target("sql")}};
  try {
    Run(Compile(nodes).targets[0].sql);
    FAIL() << "read_csv ran";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.name(), "FUNCTION_NOT_FOUND") << e.what();
  }
  // A source that names a path index the node does not have is no table.
  EXPECT_THROW(Run("SELECT * FROM \"$source\".\"src\".\"1\""), sql::Error);
}

TEST_F(EtlPlanTest, BadGraphsNameTheNode) {
  Json cyclic = {
      {"a", {{"Filter", {{"Name", "a"}, {"Inputs", {"b"}}, {"Filters", Json::array()}}}}},
      {"b", {{"Filter", {{"Name", "b"}, {"Inputs", {"a"}}, {"Filters", Json::array()}}}}},
      {"t", Target("a")}};
  try {
    Compile(cyclic);
    FAIL();
  } catch (const GlueError& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Compile({{"src", Source()}}), GlueError);  // no target
  EXPECT_THROW(Compile({{"x", {{"Frobnicate", Json::object()}}}, {"t", Target("x")}}), GlueError);
}

TEST_F(EtlPlanTest, JobRunWritesTheTargetAndKeepsItsLog) {
  Jobs jobs(*meta_, *catalog_, fs_);
  Json nodes = {{"src", Source()},
                {"t",
                 {{"S3DirectTarget",
                   {{"Name", "t"},
                    {"Inputs", {"src"}},
                    {"Path", "s3://data/out/"},
                    {"Format", "csv"},
                    {"PartitionKeys", {{"region"}}}}}}}};
  jobs.Create({{"Name", "flow"}, {"Role", "r"}, {"CodeGenConfigurationNodes", nodes}});
  std::string id = jobs.StartRun("flow", Json::object());
  Json run;
  for (int i = 0; i < 200; i++) {
    run = *jobs.GetRun("flow", id);
    if (run["JobRunState"] != "STARTING" && run["JobRunState"] != "RUNNING") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(run["JobRunState"], "SUCCEEDED") << run.dump();
  std::vector<sql::FileEntry> files = fs_->Glob("s3://data/out/region=east/");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(Get(files[0].path.substr(std::string("s3://data/").size())), "id,amount\n1,10\n3,30\n");
  std::vector<std::string> log = jobs.RunLog(id);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("Wrote 5 rows"), std::string::npos) << log.back();
  EXPECT_EQ(jobs.GetRuns("flow").size(), 1u);
}

}  // namespace
}  // namespace glue
