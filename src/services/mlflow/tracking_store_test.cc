#include "services/mlflow/tracking_store.h"

#include <gtest/gtest.h>

#include <cmath>

#include "services/mlflow/mlflow_test_util.h"

namespace mlflow {
namespace {

using testing::CodeOf;

class TrackingStoreTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    store_ = std::make_unique<TrackingStore>(*meta_);
  }
  void TearDown() override {
    store_.reset();
    StoreFixture::TearDown();
  }

  std::string NewRunIn(const std::string& experiment_id, int64_t start = 1000,
                       std::optional<std::string> name = std::nullopt) {
    NewRun r;
    r.experiment_id = experiment_id;
    r.start_time = start;
    r.run_name = name;
    return store_->CreateRun(server_, r).info.run_id;
  }

  static const Metric* FindMetric(const mlflow::Run& run, const std::string& key) {
    for (const Metric& m : run.metrics) {
      if (m.key == key) return &m;
    }
    return nullptr;
  }
  static std::optional<std::string> FindKv(const std::vector<KeyValue>& kvs,
                                           const std::string& key) {
    for (const KeyValue& kv : kvs) {
      if (kv.key == key) return kv.value;
    }
    return std::nullopt;
  }

  std::unique_ptr<TrackingStore> store_;
};

TEST_F(TrackingStoreTest, ExperimentsAreNumberedPerServerWithADefault) {
  Experiment def = store_->GetExperiment(server_, "0");
  EXPECT_EQ(def.name, "Default");
  EXPECT_EQ(def.artifact_location, "mlflow-artifacts:/0");
  EXPECT_EQ(store_->CreateExperiment(server_, "churn", std::nullopt, {{"team", "ml"}}), "1");
  EXPECT_EQ(store_->CreateExperiment(server_, "other", std::nullopt, {}), "2");
  EXPECT_EQ(store_->CreateExperiment(other_server_, "churn", std::nullopt, {}), "1");
  Experiment e = store_->GetExperimentByName(server_, "churn");
  EXPECT_EQ(e.experiment_id, "1");
  EXPECT_EQ(e.artifact_location, "mlflow-artifacts:/1");
  ASSERT_EQ(e.tags.size(), 1u);
  EXPECT_EQ(e.tags[0].value, "ml");
  EXPECT_EQ(CodeOf([&] { store_->CreateExperiment(server_, "churn", std::nullopt, {}); }),
            "RESOURCE_ALREADY_EXISTS");
  EXPECT_EQ(CodeOf([&] { store_->GetExperiment(server_, "99"); }), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(CodeOf([&] { store_->GetExperiment(server_, "abc"); }), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(CodeOf([&] { store_->GetExperimentByName(server_, "nope"); }),
            "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(TrackingStoreTest, DeleteRestoreRenameAndTagExperiments) {
  std::string id = store_->CreateExperiment(server_, "exp", std::nullopt, {});
  std::string run = NewRunIn(id);
  store_->DeleteExperiment(server_, id);
  EXPECT_EQ(store_->GetExperiment(server_, id).lifecycle_stage, "deleted");
  EXPECT_EQ(store_->GetRun(server_, run).info.lifecycle_stage, "deleted");
  EXPECT_EQ(CodeOf([&] { store_->RenameExperiment(server_, id, "x"); }), "INVALID_STATE");
  EXPECT_EQ(CodeOf([&] {
              store_->SetExperimentTag(server_, id, {"k", "v"});
            }),
            "INVALID_PARAMETER_VALUE");
  store_->RestoreExperiment(server_, id);
  EXPECT_EQ(store_->GetRun(server_, run).info.lifecycle_stage, "active");
  EXPECT_EQ(CodeOf([&] { store_->RestoreExperiment(server_, id); }), "INVALID_PARAMETER_VALUE");
  store_->RenameExperiment(server_, id, "renamed");
  EXPECT_EQ(store_->GetExperiment(server_, id).name, "renamed");
  store_->SetExperimentTag(server_, id, {"k", "v1"});
  store_->SetExperimentTag(server_, id, {"k", "v2"});
  EXPECT_EQ(store_->GetExperiment(server_, id).tags.at(0).value, "v2");
  store_->DeleteExperimentTag(server_, id, "k");
  EXPECT_TRUE(store_->GetExperiment(server_, id).tags.empty());
  EXPECT_EQ(CodeOf([&] { store_->DeleteExperimentTag(server_, id, "k"); }),
            "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(TrackingStoreTest, SearchExperimentsFiltersOrdersAndPages) {
  for (std::string name : {"alpha", "beta", "Gamma", "alps"}) {
    store_->CreateExperiment(server_, name, std::nullopt, {{"kind", name.substr(0, 2)}});
  }
  ExperimentSearch s;
  s.filter = "name LIKE 'al%'";
  s.order_by = {"name DESC"};
  ExperimentPage page = store_->SearchExperiments(server_, s);
  ASSERT_EQ(page.experiments.size(), 2u);
  EXPECT_EQ(page.experiments[0].name, "alps");
  EXPECT_EQ(page.experiments[1].name, "alpha");
  s.filter = "name ILIKE 'g%'";
  EXPECT_EQ(store_->SearchExperiments(server_, s).experiments.at(0).name, "Gamma");
  s.filter = "name LIKE 'g%'";
  EXPECT_TRUE(store_->SearchExperiments(server_, s).experiments.empty());
  s.filter = "tags.kind = 'be'";
  EXPECT_EQ(store_->SearchExperiments(server_, s).experiments.at(0).name, "beta");
  s.filter = "";
  s.order_by = {"name ASC"};
  s.max_results = 2;
  page = store_->SearchExperiments(server_, s);
  ASSERT_EQ(page.experiments.size(), 2u);
  EXPECT_EQ(page.experiments[0].name, "Default");
  EXPECT_EQ(page.experiments[1].name, "Gamma");
  s.page_token = page.next_page_token;
  page = store_->SearchExperiments(server_, s);
  ASSERT_EQ(page.experiments.size(), 2u);
  EXPECT_EQ(page.experiments[0].name, "alpha");
  s.page_token = page.next_page_token;
  page = store_->SearchExperiments(server_, s);
  ASSERT_EQ(page.experiments.size(), 1u);
  EXPECT_TRUE(page.next_page_token.empty());
  s.filter = "metrics.a > 1";
  EXPECT_EQ(CodeOf([&] { store_->SearchExperiments(server_, s); }), "INVALID_PARAMETER_VALUE");
}

TEST_F(TrackingStoreTest, CreateRunNamesItAndTagsIt) {
  NewRun r;
  r.experiment_id = "0";
  r.user_id = "alice";
  r.tags = {{"mlflow.source.name", "train.py"}};
  mlflow::Run run = store_->CreateRun(server_, r);
  EXPECT_EQ(run.info.run_id.size(), 32u);
  EXPECT_EQ(run.info.status, "RUNNING");
  EXPECT_EQ(run.info.user_id, "alice");
  EXPECT_EQ(run.info.artifact_uri, "mlflow-artifacts:/0/" + run.info.run_id + "/artifacts");
  EXPECT_FALSE(run.info.run_name.empty());
  EXPECT_EQ(FindKv(run.tags, "mlflow.runName"), run.info.run_name);
  r.run_name = "a";
  r.tags = {{"mlflow.runName", "b"}};
  EXPECT_EQ(CodeOf([&] { store_->CreateRun(server_, r); }), "INVALID_PARAMETER_VALUE");
  r.experiment_id = "42";
  r.tags.clear();
  EXPECT_EQ(CodeOf([&] { store_->CreateRun(server_, r); }), "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(TrackingStoreTest, ParamsAreWriteOnceMetricsAppendTagsOverwrite) {
  std::string run = NewRunIn("0");
  store_->LogBatch(server_, run, {{}, {{"lr", "0.1"}}, {{"t", "1"}}});
  store_->LogBatch(server_, run, {{}, {{"lr", "0.1"}}, {{"t", "2"}}});
  std::string message;
  EXPECT_EQ(CodeOf(
                [&] {
                  store_->LogBatch(server_, run, {{}, {{"lr", "0.2"}}, {}});
                },
                &message),
            "INVALID_PARAMETER_VALUE");
  EXPECT_NE(message.find("Changing param values is not allowed"), std::string::npos);
  store_->LogBatch(server_, run, {{{"acc", 0.5, 100, 0}}, {}, {}});
  store_->LogBatch(server_, run, {{{"acc", 0.7, 200, 1}}, {}, {}});
  store_->LogBatch(server_, run, {{{"acc", 0.9, 50, 1}}, {}, {}});   // older timestamp
  store_->LogBatch(server_, run, {{{"acc", 0.7, 200, 1}}, {}, {}});  // the same point again
  mlflow::Run got = store_->GetRun(server_, run);
  EXPECT_EQ(FindKv(got.params, "lr"), "0.1");
  EXPECT_EQ(FindKv(got.tags, "t"), "2");
  const Metric* acc = FindMetric(got, "acc");
  ASSERT_NE(acc, nullptr);
  EXPECT_EQ(acc->value, 0.7);
  EXPECT_EQ(acc->step, 1);
  EXPECT_EQ(acc->timestamp, 200);
  MetricPage history = store_->GetMetricHistory(server_, run, "acc", std::nullopt, "");
  ASSERT_EQ(history.metrics.size(), 3u);
  EXPECT_EQ(history.metrics[0].value, 0.5);
  EXPECT_EQ(history.metrics[1].value, 0.9);
  EXPECT_EQ(history.metrics[2].value, 0.7);
  store_->DeleteTag(server_, run, "t");
  EXPECT_FALSE(FindKv(store_->GetRun(server_, run).tags, "t"));
  EXPECT_EQ(CodeOf([&] { store_->DeleteTag(server_, run, "t"); }), "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(TrackingStoreTest, LargeBatchStoresEveryPointAndTheLatestOfEachKey) {
  std::string run = NewRunIn("0");
  // 999 points (chunks of 64 down to 1 row per statement) over 37 keys, each key's points in
  // a shuffled step order, plus 99 points sent twice (every tenth, and nine more).
  LogBatch batch;
  for (int i = 0; i < 900; ++i) {
    int key = i % 37, step = (i * 7) % 900;
    batch.metrics.push_back({"k" + std::to_string(key), step * 0.5, 1000 + step, step});
    if (i % 10 == 0 || i % 100 == 1) batch.metrics.push_back(batch.metrics.back());
  }
  ASSERT_EQ(batch.metrics.size(), 999u);
  store_->LogBatch(server_, run, batch);
  mlflow::Run got = store_->GetRun(server_, run);
  EXPECT_EQ(got.metrics.size(), 37u);
  size_t stored = 0;
  for (int key = 0; key < 37; ++key) {
    std::string name = "k" + std::to_string(key);
    int max_step = -1, points = 0;
    for (int i = key; i < 900; i += 37) max_step = std::max(max_step, (i * 7) % 900), ++points;
    const Metric* latest = FindMetric(got, name);
    ASSERT_NE(latest, nullptr) << name;
    EXPECT_EQ(latest->step, max_step) << name;
    EXPECT_EQ(latest->value, max_step * 0.5) << name;
    MetricPage history = store_->GetMetricHistory(server_, run, name, std::nullopt, "");
    EXPECT_EQ(history.metrics.size(), static_cast<size_t>(points)) << name;
    stored += history.metrics.size();
  }
  EXPECT_EQ(stored, 900u);
}

TEST_F(TrackingStoreTest, NanAndInfinityRoundTrip) {
  std::string run = NewRunIn("0");
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  store_->LogBatch(server_, run,
                   {{{"loss", nan, 1, 0}, {"big", inf, 1, 0}, {"small", -inf, 1, 0}}, {}, {}});
  mlflow::Run got = store_->GetRun(server_, run);
  EXPECT_TRUE(std::isnan(FindMetric(got, "loss")->value));
  EXPECT_EQ(FindMetric(got, "big")->value, inf);
  EXPECT_EQ(FindMetric(got, "small")->value, -inf);
  store_->LogBatch(server_, run, {{{"loss", 2.0, 1, 0}}, {}, {}});
  EXPECT_EQ(FindMetric(store_->GetRun(server_, run), "loss")->value, 2.0);
}

TEST_F(TrackingStoreTest, RejectedBatchStoresNothing) {
  std::string run = NewRunIn("0");
  store_->LogBatch(server_, run, {{}, {{"p", "1"}}, {}});
  LogBatch bad;
  bad.metrics = {{"m", 1, 1, 0}, {"m2", 2, 1, 0}};
  bad.tags = {{"t", "x"}};
  bad.params = {{"q", "1"}, {"p", "2"}};
  EXPECT_EQ(CodeOf([&] { store_->LogBatch(server_, run, bad); }), "INVALID_PARAMETER_VALUE");
  mlflow::Run got = store_->GetRun(server_, run);
  EXPECT_TRUE(got.metrics.empty());
  EXPECT_FALSE(FindKv(got.params, "q"));
  EXPECT_FALSE(FindKv(got.tags, "t"));
  EXPECT_TRUE(store_->GetMetricHistory(server_, run, "m", std::nullopt, "").metrics.empty());

  LogBatch too_many;
  for (int i = 0; i < 1001; ++i) too_many.metrics.push_back({"m" + std::to_string(i), 1, 1, 0});
  std::string message;
  EXPECT_EQ(CodeOf([&] { store_->LogBatch(server_, run, too_many); }, &message),
            "INVALID_PARAMETER_VALUE");
  EXPECT_NE(message.find("at most 1000 metrics"), std::string::npos);
  too_many.metrics.resize(1000);
  too_many.tags = {{"a", "b"}};
  EXPECT_EQ(CodeOf([&] { store_->LogBatch(server_, run, too_many); }, &message),
            "INVALID_PARAMETER_VALUE");
  EXPECT_NE(message.find("in total"), std::string::npos);
  LogBatch params;
  for (int i = 0; i < 101; ++i) params.params.push_back({"p" + std::to_string(i), "v"});
  EXPECT_EQ(CodeOf([&] { store_->LogBatch(server_, run, params); }), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(CodeOf([&] {
              store_->LogBatch(server_, run, {{{"../up", 1, 1, 0}}, {}, {}});
            }),
            "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(CodeOf([&] {
              store_->LogBatch(server_, run, {{{"a$b", 1, 1, 0}}, {}, {}});
            }),
            "INVALID_PARAMETER_VALUE");
  EXPECT_TRUE(store_->GetRun(server_, run).metrics.empty());
}

TEST_F(TrackingStoreTest, RunLifecycleAndUpdates) {
  std::string run = NewRunIn("0");
  RunInfo info = store_->UpdateRun(server_, run, {"FINISHED", 5000, "renamed"});
  EXPECT_EQ(info.status, "FINISHED");
  EXPECT_EQ(info.end_time, 5000);
  EXPECT_EQ(info.run_name, "renamed");
  EXPECT_EQ(FindKv(store_->GetRun(server_, run).tags, "mlflow.runName"), "renamed");
  EXPECT_EQ(CodeOf([&] {
              store_->UpdateRun(server_, run, {"DONE", {}, {}});
            }),
            "INVALID_PARAMETER_VALUE");
  store_->DeleteRun(server_, run);
  EXPECT_EQ(CodeOf([&] {
              store_->LogBatch(server_, run, {{{"m", 1, 1, 0}}, {}, {}});
            }),
            "INVALID_PARAMETER_VALUE");
  store_->RestoreRun(server_, run);
  store_->LogBatch(server_, run, {{{"m", 1, 1, 0}}, {}, {}});
  EXPECT_EQ(CodeOf([&] { store_->GetRun(other_server_, run); }), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(CodeOf([&] { store_->GetRun(server_, "0123456789abcdef0123456789abcdef"); }),
            "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(TrackingStoreTest, SearchRunsFiltersAndOrders) {
  std::string exp = store_->CreateExperiment(server_, "search", std::nullopt, {});
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    std::string run = NewRunIn(exp, 1000 + i, "run-" + std::to_string(i));
    ids.push_back(run);
    LogBatch b;
    b.metrics = {{"acc", 0.1 * i, 1, 0}};
    if (i % 2 == 0) b.metrics.push_back({"loss", 10.0 - i, 1, 0});
    b.params = {{"model", i < 3 ? "LogisticRegression" : "RandomForest"}};
    b.tags = {{"team", i % 3 == 0 ? "Vision" : "nlp"}};
    store_->LogBatch(server_, run, b);
  }
  store_->DeleteRun(server_, ids[5]);
  auto names = [&](RunSearchRequest s) {
    s.experiment_ids = {exp};
    std::vector<std::string> out;
    for (const mlflow::Run& r : store_->SearchRuns(server_, s).runs) out.push_back(r.info.run_name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({}), (V{"run-4", "run-3", "run-2", "run-1", "run-0"}));
  RunSearchRequest s;
  s.filter = "metrics.acc > 0.25 and params.model = 'RandomForest'";
  EXPECT_EQ(names(s), (V{"run-4", "run-3"}));
  s.filter = "params.model LIKE '%Regression'";
  s.order_by = {"metrics.acc ASC"};
  EXPECT_EQ(names(s), (V{"run-0", "run-1", "run-2"}));
  s.filter = "tags.team ILIKE 'vision'";
  s.order_by = {};
  EXPECT_EQ(names(s), (V{"run-3", "run-0"}));
  s.filter = "tags.team LIKE 'vision'";
  EXPECT_EQ(names(s), V{});
  s.filter = "";
  s.order_by = {"metrics.loss DESC", "attributes.run_name DESC"};
  EXPECT_EQ(names(s), (V{"run-0", "run-2", "run-4", "run-3", "run-1"}));
  s.order_by = {"metrics.loss ASC"};
  EXPECT_EQ(names(s), (V{"run-4", "run-2", "run-0", "run-3", "run-1"}));
  s.filter = "attributes.run_id IN ('" + ids[1] + "', '" + ids[2] + "')";
  s.order_by = {"start_time ASC"};
  EXPECT_EQ(names(s), (V{"run-1", "run-2"}));
  s.filter = "run_id NOT IN ('" + ids[1] + "') and created >= 1003";
  s.order_by = {};
  EXPECT_EQ(names(s), (V{"run-4", "run-3"}));
  s.filter = "attributes.run_name = 'run-2'";
  EXPECT_EQ(names(s), (V{"run-2"}));
  s.filter = "params.model != 'RandomForest'";
  EXPECT_EQ(names(s), (V{"run-2", "run-1", "run-0"}));
  s.filter = "";
  s.view = ViewType::kDeletedOnly;
  EXPECT_EQ(names(s), (V{"run-5"}));
  s.view = ViewType::kAll;
  s.max_results = 4;
  s.experiment_ids = {exp};
  RunPage page = store_->SearchRuns(server_, s);
  EXPECT_EQ(page.runs.size(), 4u);
  ASSERT_FALSE(page.next_page_token.empty());
  s.page_token = page.next_page_token;
  page = store_->SearchRuns(server_, s);
  ASSERT_EQ(page.runs.size(), 2u);
  EXPECT_EQ(page.runs[1].info.run_name, "run-0");
  EXPECT_TRUE(page.next_page_token.empty());
  ASSERT_FALSE(page.runs[1].metrics.empty());
  EXPECT_EQ(page.runs[1].params.at(0).value, "LogisticRegression");

  for (std::string bad : {"metrics.acc = 'x'", "params.model > 1", "run_name IN ('a')",
                          "attributes.color = 'red'", "metrics.acc LIKE '1'", "status IN ('a')"}) {
    RunSearchRequest r;
    r.experiment_ids = {exp};
    r.filter = bad;
    EXPECT_EQ(CodeOf([&] { store_->SearchRuns(server_, r); }), "INVALID_PARAMETER_VALUE") << bad;
  }
  RunSearchRequest big;
  big.max_results = 50001;
  EXPECT_EQ(CodeOf([&] { store_->SearchRuns(server_, big); }), "INVALID_PARAMETER_VALUE");
}

// A leading metric order key is served in two parts (runs with a number, then NaN or
// missing); every page size must see the same order as one page.
TEST_F(TrackingStoreTest, MetricOrderPagesAcrossNumbersNanAndMissing) {
  std::string exp = store_->CreateExperiment(server_, "split", std::nullopt, {});
  for (int i = 0; i < 9; ++i) {
    std::string run = NewRunIn(exp, 2000 + i, "r" + std::to_string(i));
    LogBatch b;
    if (i % 3 == 1) b.metrics = {{"score", std::nan(""), 1, 0}};
    if (i % 3 == 2) b.metrics = {{"score", 1.0 * (i % 4), 1, 0}};
    if (i % 3 == 0) b.metrics = {{"other", 1.0, 1, 0}};
    b.params = {{"kind", i < 6 ? "a" : "b"}};
    store_->LogBatch(server_, run, b);
  }
  auto all_pages = [&](const std::string& order, int64_t page_size, const std::string& filter) {
    RunSearchRequest s;
    s.experiment_ids = {exp};
    s.order_by = {order};
    s.filter = filter;
    s.max_results = page_size;
    std::vector<std::string> out;
    do {
      RunPage page = store_->SearchRuns(server_, s);
      for (const mlflow::Run& r : page.runs) out.push_back(r.info.run_name);
      s.page_token = page.next_page_token;
    } while (!s.page_token.empty());
    return out;
  };
  using V = std::vector<std::string>;
  // Numbers (r2: 2, r5: 1, r8: 0) by value, then NaN (r7, r4, r1), then missing (r6, r3, r0),
  // each group by start_time DESC.
  V desc = {"r2", "r5", "r8", "r7", "r4", "r1", "r6", "r3", "r0"};
  V asc = {"r8", "r5", "r2", "r7", "r4", "r1", "r6", "r3", "r0"};
  for (int64_t size : {1, 2, 3, 4, 9, 100}) {
    EXPECT_EQ(all_pages("metrics.score DESC", size, ""), desc) << size;
    EXPECT_EQ(all_pages("metrics.score ASC", size, ""), asc) << size;
    EXPECT_EQ(all_pages("metrics.score DESC", size, "params.kind = 'a'"),
              (V{"r2", "r5", "r4", "r1", "r3", "r0"}))
        << size;
  }
}

TEST_F(TrackingStoreTest, MetricHistoryPages) {
  std::string run = NewRunIn("0");
  LogBatch b;
  for (int i = 0; i < 250; ++i) b.metrics.push_back({"loss", 1.0 / (i + 1), 1000 + i, i});
  store_->LogBatch(server_, run, b);
  std::vector<int64_t> steps;
  std::string token;
  int pages = 0;
  do {
    MetricPage p = store_->GetMetricHistory(server_, run, "loss", 100, token);
    for (const Metric& m : p.metrics) steps.push_back(m.step);
    token = p.next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(steps.size(), 250u);
  for (int i = 0; i < 250; ++i) EXPECT_EQ(steps[i], i);
  EXPECT_EQ(CodeOf([&] { store_->GetMetricHistory(server_, run, "loss", 10, "!!"); }),
            "INVALID_PARAMETER_VALUE");
}

TEST_F(TrackingStoreTest, InputsAndLoggedModels) {
  std::string run = NewRunIn("0");
  DatasetInput in;
  in.tags = {{"mlflow.data.context", "training"}};
  in.dataset = {"iris", "abc123", "local", "{\"uri\": \"/d\"}", std::nullopt, std::nullopt};
  store_->LogInputs(server_, run, {in});
  store_->LogInputs(server_, run, {in});
  store_->LogModel(server_, run, R"({"artifact_path": "model", "flavors": {}})");
  store_->LogModel(server_, run, R"({"artifact_path": "model2"})");
  mlflow::Run got = store_->GetRun(server_, run);
  ASSERT_EQ(got.inputs.size(), 1u);
  EXPECT_EQ(got.inputs[0].dataset.digest, "abc123");
  EXPECT_EQ(got.inputs[0].tags.at(0).value, "training");
  base::Json history = base::ParseJson(*FindKv(got.tags, "mlflow.log-model.history"));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1]["artifact_path"], "model2");
  EXPECT_EQ(CodeOf([&] { store_->LogModel(server_, run, "not json"); }), "INVALID_PARAMETER_VALUE");
  RunSearchRequest s;
  s.experiment_ids = {"0"};
  s.filter = "datasets.context = 'training' and datasets.name IN ('iris')";
  EXPECT_EQ(store_->SearchRuns(server_, s).runs.size(), 1u);
  s.filter = "datasets.digest = 'zzz'";
  EXPECT_EQ(store_->SearchRuns(server_, s).runs.size(), 0u);
}

TEST_F(TrackingStoreTest, DeletingAServerRemovesItsData) {
  std::string run = NewRunIn("0");
  store_->LogBatch(server_, run, {{{"m", 1, 1, 0}}, {{"p", "v"}}, {}});
  ASSERT_TRUE(servers_->Delete("one"));
  int64_t rows = -1;
  meta_->Read([&](meta::Transaction& tx) {
    rows = tx.QueryOne(
                 "SELECT (SELECT count(*) FROM mlflow_runs) + (SELECT count(*) FROM "
                 "mlflow_metrics) + (SELECT count(*) FROM mlflow_params) + (SELECT "
                 "count(*) FROM mlflow_experiments WHERE server_id = ?)",
                 {server_})
               ->Int(0);
  });
  EXPECT_EQ(rows, 0);
  EXPECT_TRUE(servers_->Find("two").has_value());
}

}  // namespace
}  // namespace mlflow
