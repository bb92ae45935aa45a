#include "services/glue/data_quality.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "services/glue/glue_error.h"
#include "services/glue/glue_test_util.h"
#include "services/glue/table_format.h"

namespace glue {
namespace {

using base::Json;

class DataQualityTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    catalog_->CreateDatabase({{"Name", "shop"}});
    // id: unique but one NULL; name: one NULL (\N), "b" twice; price: 1..5 and a NULL (an
    // empty number is NULL).
    Put("orders/part-0.csv",
        "id,name,price,code\n"
        "1,a,1.0,ABC\n"
        "2,b,2.0,XYZ\n"
        "3,b,3.0,AB\n"
        "4,\\N,4.0,QQQ\n"
        ",e,5.0,ZZZ\n"
        "6,f,,ABC\n");
    catalog_->CreateTable("shop", CsvTable("orders", "s3://data/orders/"));
    dq_ = std::make_unique<DataQuality>(*meta_, *catalog_, fs_);
  }
  void TearDown() override {
    dq_.reset();
    StoreFixture::TearDown();
  }

  static Json CsvTable(const std::string& name, const std::string& location) {
    return {{"Name", name},
            {"StorageDescriptor",
             {{"Columns",
               {{{"Name", "id"}, {"Type", "int"}},
                {{"Name", "name"}, {"Type", "string"}},
                {{"Name", "price"}, {"Type", "double"}},
                {{"Name", "code"}, {"Type", "string"}}}},
              {"Location", location},
              {"InputFormat", std::string(kTextInputFormat)},
              {"SerdeInfo",
               {{"SerializationLibrary", std::string(kLazySimpleSerDe)},
                {"Parameters", {{"field.delim", ","}}}}}}},
            {"Parameters", {{"skip.header.line.count", "1"}}}};
  }

  static Json Start(const std::string& table, std::vector<std::string> rulesets) {
    return {{"DataSource", {{"GlueTable", {{"DatabaseName", "shop"}, {"TableName", table}}}}},
            {"Role", "arn:aws:iam::123456789012:role/dq"},
            {"RulesetNames", rulesets}};
  }

  Json Wait(const std::string& run_id) {
    for (int i = 0; i < 1000; ++i) {
      Json run = *dq_->GetRun(run_id);
      std::string status = run["Status"];
      if (status != "STARTING" && status != "RUNNING") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "run did not end";
    return {};
  }

  std::unique_ptr<DataQuality> dq_;
};

TEST_F(DataQualityTest, EvaluatesARulesetOnTheTable) {
  dq_->CreateRuleset({{"Name", "orders-dq"},
                      {"Description", "orders checks"},
                      {"TargetTable", {{"DatabaseName", "shop"}, {"TableName", "orders"}}},
                      {"Ruleset", R"(Rules = [
          RowCount = 6,
          IsComplete "id",
          Completeness "name" > 0.8,
          IsUnique "id",
          Uniqueness "name" >= 0.75,
          DistinctValuesCount "name" = 4,
          Mean "price" = 3,
          Sum "price" between 14 and 16,
          StandardDeviation "price" < 1.5,
          ColumnValues "code" matches "[A-Z]{3}" with threshold > 0.8,
          ColumnValues "price" in [1, 2, 3] with threshold >= 0.5,
          ColumnLength "code" = 3,
          CustomSql "SELECT count(*) FROM primary WHERE price > 2" = 3,
          IsPrimaryKey "id",
          ColumnCount = 4,
          RowCount > 0 where "price > 2" ])"}});
  Json run = Wait(dq_->StartRun(Start("orders", {"orders-dq"})));
  ASSERT_EQ(run["Status"], "SUCCEEDED") << run.dump();
  ASSERT_EQ(run["ResultIds"].size(), 1u);
  Json result = *dq_->GetResult(run["ResultIds"][0]);
  EXPECT_EQ(result["RulesetName"], "orders-dq");
  EXPECT_EQ(result["RulesetEvaluationRunId"], run["RunId"]);
  const Json& rules = result["RuleResults"];
  ASSERT_EQ(rules.size(), 16u);
  auto expect = [&](size_t i, const char* outcome, const Json& metrics) {
    SCOPED_TRACE(rules[i].dump());
    EXPECT_EQ(rules[i]["Name"], "Rule_" + std::to_string(i + 1));
    EXPECT_EQ(rules[i]["Result"], outcome);
    EXPECT_EQ(rules[i]["EvaluatedMetrics"], metrics);
    EXPECT_EQ(rules[i].contains("EvaluationMessage"), std::string(outcome) != "PASS");
  };
  expect(0, "PASS", {{"Dataset.*.RowCount", 6.0}});
  expect(1, "FAIL", {{"Column.id.Completeness", 5.0 / 6}});
  expect(2, "PASS", {{"Column.name.Completeness", 5.0 / 6}});
  expect(3, "PASS", {{"Column.id.Uniqueness", 1.0}});
  // name: a, b, b, e, f -> 3 of 5 non-null values occur once.
  expect(4, "FAIL", {{"Column.name.Uniqueness", 0.6}});
  expect(5, "PASS", {{"Column.name.DistinctValuesCount", 4.0}});
  expect(6, "PASS", {{"Column.price.Mean", 3.0}});
  expect(7, "PASS", {{"Column.price.Sum", 15.0}});
  expect(8, "PASS", {{"Column.price.StandardDeviation", std::sqrt(2.0)}});
  expect(9, "PASS", {{"Column.code.ColumnValues.Compliance", 5.0 / 6}});
  // 1, 2, 3 of six rows; the NULL price does not count as in the list.
  expect(10, "PASS", {{"Column.price.ColumnValues.Compliance", 0.5}});
  expect(11, "FAIL", {{"Column.code.MinimumLength", 2.0}, {"Column.code.MaximumLength", 3.0}});
  EXPECT_EQ(rules[11]["EvaluationMessage"], "Value: 2.0 does not meet the constraint requirement!");
  expect(12, "PASS", {{"Dataset.*.CustomSQL", 3.0}});
  expect(13, "FAIL", {{"Column.id.Completeness", 5.0 / 6}, {"Column.id.Uniqueness", 1.0}});
  expect(14, "PASS", {{"Dataset.*.ColumnCount", 4.0}});
  expect(15, "PASS", {{"Dataset.*.RowCount", 3.0}});
  EXPECT_DOUBLE_EQ(result["Score"].get<double>(), 12.0 / 16);
  EXPECT_EQ(result["AggregatedMetrics"]["TotalRowsProcessed"], 6.0);
  EXPECT_EQ(result["AggregatedMetrics"]["TotalRulesFailed"], 4.0);

  // Results and rulesets outlive the service object.
  dq_ = std::make_unique<DataQuality>(*meta_, *catalog_, fs_);
  EXPECT_EQ((*dq_->GetResult(run["ResultIds"][0]))["RuleResults"], rules);
  ASSERT_EQ(dq_->ListRulesets().size(), 1u);
  EXPECT_EQ(dq_->ListRulesets()[0]["RuleCount"], 16);
  EXPECT_EQ(dq_->ListRuns()[0]["RunId"], run["RunId"]);
  EXPECT_THROW(dq_->CancelRun(run["RunId"]), GlueError);
}

TEST_F(DataQualityTest, RejectsBadInput) {
  Json ok = {{"Name", "r"}, {"Ruleset", "Rules = [ RowCount > 0 ]"}};
  dq_->CreateRuleset(ok);
  auto kind_of = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const GlueError& e) {
      return std::string(e.code());
    }
    return std::string("none");
  };
  EXPECT_EQ(kind_of([&] { dq_->CreateRuleset(ok); }), "AlreadyExistsException");
  EXPECT_EQ(kind_of([&] {
              dq_->CreateRuleset({{"Name", "bad"}, {"Ruleset", "Rules = [ RowCount ]"}});
            }),
            "InvalidInputException");
  EXPECT_EQ(kind_of([&] {
              dq_->CreateRuleset({{"Name", "t"},
                                  {"Ruleset", "Rules = [ RowCount > 0 ]"},
                                  {"TargetTable", {{"DatabaseName", "shop"}, {"TableName", "x"}}}});
            }),
            "InvalidInputException");
  EXPECT_EQ(kind_of([&] { dq_->StartRun(Start("orders", {"nope"})); }), "EntityNotFoundException");
  EXPECT_EQ(kind_of([&] { dq_->StartRun(Start("missing", {"r"})); }), "EntityNotFoundException");
  EXPECT_EQ(kind_of([&] {
              dq_->UpdateRuleset({{"Name", "r"}, {"Ruleset", "Rules = ["}});
            }),
            "InvalidInputException");
  EXPECT_EQ(kind_of([&] { dq_->DeleteRuleset("nope"); }), "EntityNotFoundException");
  Json updated = dq_->UpdateRuleset({{"Name", "r"}, {"Ruleset", "Rules = [ RowCount < 0 ]"}});
  EXPECT_EQ(updated["Ruleset"], "Rules = [ RowCount < 0 ]");
  EXPECT_EQ((*dq_->GetRuleset("r"))["Ruleset"], "Rules = [ RowCount < 0 ]");
  dq_->DeleteRuleset("r");
  EXPECT_FALSE(dq_->GetRuleset("r"));
}

TEST_F(DataQualityTest, UnreadableTableFailsTheRunAndResultsGoToS3) {
  Json table = CsvTable("weird", "s3://data/weird/");
  table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] = "com.example.NoSuchSerDe";
  catalog_->CreateTable("shop", table);
  dq_->CreateRuleset({{"Name", "r"}, {"Ruleset", "Rules = [ RowCount = 6, RowCount > 100 ]"}});
  Json failed = Wait(dq_->StartRun(Start("weird", {"r"})));
  EXPECT_EQ(failed["Status"], "FAILED");
  EXPECT_NE(failed["ErrorString"].get<std::string>().find("com.example.NoSuchSerDe"),
            std::string::npos);
  EXPECT_TRUE(failed["ResultIds"].empty());

  Json start = Start("orders", {"r"});
  start["AdditionalRunOptions"] = {{"ResultsS3Prefix", "s3://data/dq-results"}};
  Json run = Wait(dq_->StartRun(start));
  ASSERT_EQ(run["Status"], "SUCCEEDED") << run.dump();
  std::string id = run["ResultIds"][0];
  Json written = base::ParseJson(Get("dq-results/" + id + ".json"));
  EXPECT_EQ(written["ResultId"], id);
  EXPECT_EQ(written["Score"], 0.5);
  EXPECT_EQ(written["RuleResults"][1]["EvaluationMessage"],
            "Value: 6.0 does not meet the constraint requirement!");
}

TEST_F(DataQualityTest, ACancelledRunEndsStoppedWithoutResults) {
  std::string csv = "id,name,price,code\n";
  for (int i = 0; i < 50000; ++i)
    csv += std::to_string(i) + ",n" + std::to_string(i) + ",1.5,ABC\n";
  Put("big/part-0.csv", csv);
  catalog_->CreateTable("shop", CsvTable("big", "s3://data/big/"));
  dq_->CreateRuleset(
      {{"Name", "r"},
       {"Ruleset", R"(Rules = [ IsUnique "id", IsUnique "name", Mean "price" > 0 ])"}});
  std::string id = dq_->StartRun(Start("big", {"r"}));
  dq_->CancelRun(id);
  Json run = Wait(id);
  EXPECT_EQ(run["Status"], "STOPPED");
  EXPECT_TRUE(run["ResultIds"].empty());
  EXPECT_FALSE(run.contains("ErrorString"));
  EXPECT_TRUE(dq_->ListResults().empty());
}

TEST_F(DataQualityTest, ABadWhereClauseIsAnErrorOfThatRuleOnly) {
  dq_->CreateRuleset(
      {{"Name", "r"}, {"Ruleset", R"(Rules = [ RowCount > 0 where "no_such_column > 1",
                                               IsComplete "name", IsComplete "missing" ])"}});
  Json run = Wait(dq_->StartRun(Start("orders", {"r"})));
  ASSERT_EQ(run["Status"], "SUCCEEDED") << run.dump();
  Json rules = (*dq_->GetResult(run["ResultIds"][0]))["RuleResults"];
  EXPECT_EQ(rules[0]["Result"], "ERROR");
  EXPECT_NE(rules[0]["EvaluationMessage"].get<std::string>().find("no_such_column"),
            std::string::npos);
  EXPECT_EQ(rules[1]["Result"], "FAIL");
  EXPECT_EQ(rules[1]["EvaluatedMetrics"]["Column.name.Completeness"], 5.0 / 6);
  EXPECT_EQ(rules[2]["EvaluationMessage"], "Input data does not include column missing!");
}

// A run still going after Timeout units ends TIMEOUT, without results; a Timeout below one
// is refused. (The service counts minutes; this one counts microseconds.)
TEST_F(DataQualityTest, ARunPastItsTimeoutEndsTimeout) {
  dq_ = std::make_unique<DataQuality>(*meta_, *catalog_, fs_, std::chrono::microseconds(1));
  dq_->CreateRuleset({{"Name", "r"}, {"Ruleset", R"(Rules = [ RowCount > 0 ])"}});
  Json start = Start("orders", {"r"});
  start["Timeout"] = 1;
  Json run = Wait(dq_->StartRun(start));
  EXPECT_EQ(run["Status"], "TIMEOUT");
  EXPECT_EQ(run["Timeout"], 1);
  EXPECT_EQ(run["ErrorString"], "The run did not finish within its timeout of 1 minute");
  EXPECT_TRUE(run["ResultIds"].empty());
  EXPECT_TRUE(dq_->ListResults().empty());
  for (const Json& bad : {Json(0), Json(-5), Json("10"), Json(1.5)}) {
    start["Timeout"] = bad;
    try {
      dq_->StartRun(start);
      ADD_FAILURE() << bad.dump();
    } catch (const GlueError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    }
  }
  // Given time enough, the same run succeeds.
  start["Timeout"] = 30'000'000;
  run = Wait(dq_->StartRun(start));
  EXPECT_EQ(run["Status"], "SUCCEEDED") << run.dump();
}

// A ClientToken makes a start idempotent: the same token returns the first run, even after a
// restart; reusing it for another table or ruleset is a conflict.
TEST_F(DataQualityTest, ClientTokenReturnsTheFirstRun) {
  dq_->CreateRuleset({{"Name", "r"}, {"Ruleset", R"(Rules = [ RowCount > 0 ])"}});
  dq_->CreateRuleset({{"Name", "other"}, {"Ruleset", R"(Rules = [ RowCount > 1 ])"}});
  Json start = Start("orders", {"r"});
  start["ClientToken"] = "token-1";
  std::string first = dq_->StartRun(start);
  EXPECT_EQ(dq_->StartRun(start), first);
  EXPECT_EQ(Wait(first)["Timeout"], 2880);  // minutes, the default
  dq_ = std::make_unique<DataQuality>(*meta_, *catalog_, fs_);
  EXPECT_EQ(dq_->StartRun(start), first);
  EXPECT_EQ(dq_->ListRuns().size(), 1u);
  start["RulesetNames"] = {"other"};
  try {
    dq_->StartRun(start);
    ADD_FAILURE() << "a reused token started another run";
  } catch (const GlueError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConflict);
    EXPECT_EQ(e.code(), "ConflictException");
  }
  start["ClientToken"] = "token-2";
  std::string second = dq_->StartRun(start);
  EXPECT_NE(second, first);
  Wait(second);
  start.erase("ClientToken");
  std::string third = dq_->StartRun(start);
  std::string fourth = dq_->StartRun(start);
  EXPECT_NE(third, fourth);  // no token, no idempotency
  Wait(third);
  Wait(fourth);
  EXPECT_EQ(dq_->ListRuns().size(), 4u);
}

}  // namespace
}  // namespace glue
