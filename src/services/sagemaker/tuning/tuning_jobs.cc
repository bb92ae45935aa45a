#include "services/sagemaker/tuning/tuning_jobs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"
#include "services/sagemaker/algorithms/xgboost_algorithm.h"
#include "services/sagemaker/common/api_support.h"
#include "services/sagemaker/tuning/parameter_space.h"
#include "services/sagemaker/tuning/search_strategy.h"

namespace sagemaker {
namespace {

using base::Json;

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE sagemaker_tuning_jobs (
  name_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  arn TEXT NOT NULL,
  status TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  end_ms INTEGER,
  request TEXT NOT NULL,
  state TEXT NOT NULL);
)sql"},
};

constexpr size_t kMedianRuleMinJobs = 3;
constexpr int64_t kHyperbandEta = 3;
constexpr int64_t kMaxParallelLimit = 100;
constexpr int64_t kMaxJobsLimit = 750;

struct TuningRecord {
  std::string name;
  std::string arn;
  std::string status;  // InProgress, Completed, Failed, Stopping, Stopped
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  std::optional<int64_t> end_ms;
  Json request = Json::object();
  Json state = Json::object();  // FailureReason
};

TuningRecord ReadRecord(const meta::Row& row) {
  TuningRecord r;
  r.name = row.Text(0);
  r.arn = row.Text(1);
  r.status = row.Text(2);
  r.created_ms = row.Int(3);
  r.modified_ms = row.Int(4);
  r.end_ms = row.OptInt(5);
  r.request = base::ParseJson(row.Text(6));
  r.state = base::ParseJson(row.Text(7));
  return r;
}

constexpr const char* kColumns =
    "name, arn, status, created_ms, modified_ms, end_ms, request, state";

bool Ended(const std::string& status) {
  return status == "Completed" || status == "Failed" || status == "Stopped";
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The state of a tuning job in progress. Guarded by Impl::mu.
struct Tuning {
  std::string name;
  std::string region;
  std::string account;
  Json config;      // HyperParameterTuningJobConfig
  Json definition;  // TrainingJobDefinition
  ParameterSpace space;
  std::unique_ptr<SearchStrategy> strategy;
  std::string metric;
  bool maximize = true;
  size_t max_jobs = 1;
  size_t max_parallel = 1;
  bool median_rule = false;
  bool hyperband = false;
  int64_t min_resource = 1;
  int64_t max_resource = 0;
  std::optional<double> target;

  std::vector<Trial> trials;
  std::map<std::string, size_t> trial_of;  // training job -> index in trials
  std::set<std::string> running;
  // Objective series (oriented: greater is better) of the finished jobs.
  std::map<std::string, std::vector<double>> finished_series;
  // Hyperband: the values jobs had at each rung, and how many rungs each job passed.
  std::map<size_t, std::vector<double>> rungs;
  std::map<std::string, size_t> rungs_passed;
  std::set<std::string> early_stopped;
  bool stopping = false;
  bool done_searching = false;
  int sequence = 0;

  double Orient(double v) const { return maximize ? v : -v; }
};

}  // namespace

struct TuningJobs::Impl : std::enable_shared_from_this<TuningJobs::Impl> {
  Impl(meta::Store& m, TrainingJobs& t, TagStore& tg, ImageCatalog& im)
      : store(m), training(t), tags(tg), images(im) {}

  meta::Store& store;
  TrainingJobs& training;
  TagStore& tags;
  ImageCatalog& images;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<Tuning>> active;  // by name key

  // --- records
  std::optional<TuningRecord> Find(const std::string& name) {
    std::optional<TuningRecord> out;
    store.Read([&](meta::Transaction& tx) {
      auto row = tx.QueryOne(
          std::string("SELECT ") + kColumns + " FROM sagemaker_tuning_jobs WHERE name_key = ?",
          {NameKey(name)});
      if (row) out = ReadRecord(*row);
    });
    return out;
  }
  bool Insert(const TuningRecord& r) {
    bool inserted = false;
    store.Write([&](meta::Transaction& tx) {
      if (tx.QueryOne("SELECT 1 FROM sagemaker_tuning_jobs WHERE name_key = ?", {NameKey(r.name)}))
        return;
      tx.Exec(
          "INSERT INTO sagemaker_tuning_jobs (name_key, name, arn, status, created_ms, "
          "modified_ms, end_ms, request, state) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
          {NameKey(r.name), r.name, r.arn, r.status, r.created_ms, r.modified_ms, r.request.dump(),
           r.state.dump()});
      inserted = true;
    });
    return inserted;
  }
  void Update(const std::string& name, const std::function<void(TuningRecord&)>& change) {
    store.Write([&](meta::Transaction& tx) {
      auto row = tx.QueryOne(
          std::string("SELECT ") + kColumns + " FROM sagemaker_tuning_jobs WHERE name_key = ?",
          {NameKey(name)});
      if (!row) return;
      TuningRecord r = ReadRecord(*row);
      change(r);
      r.modified_ms = NowMs();
      meta::Value end = r.end_ms ? meta::Value(*r.end_ms) : meta::Null();
      tx.Exec(
          "UPDATE sagemaker_tuning_jobs SET status = ?, modified_ms = ?, end_ms = ?, state = ? "
          "WHERE name_key = ?",
          {r.status, r.modified_ms, end, r.state.dump(), NameKey(name)});
    });
  }
  void Delete(const std::string& name) {
    store.Write([&](meta::Transaction& tx) {
      tx.Exec("DELETE FROM sagemaker_tuning_jobs WHERE name_key = ?", {NameKey(name)});
    });
  }
  std::vector<TuningRecord> List() {
    std::vector<TuningRecord> out;
    store.Read([&](meta::Transaction& tx) {
      for (const meta::Row& row : tx.Query(std::string("SELECT ") + kColumns +
                                           " FROM sagemaker_tuning_jobs ORDER BY created_ms")) {
        out.push_back(ReadRecord(row));
      }
    });
    return out;
  }

  // --- the search
  std::shared_ptr<Tuning> Plan(const std::string& region, const std::string& account,
                               const Json& in);
  void LaunchMore(Tuning& t);
  void OnEvent(const TrainingEvent& event);
  void CheckEarlyStop(Tuning& t, const std::string& job);
  void MaybeFinish(Tuning& t);
  Json Create(const std::string& region, const std::string& account, const Json& in);
  void Stop(const std::string& name);

  // --- answers
  Json Summary(const TuningRecord& tuning, const TrainingJobRecord& job);
  Json Describe(const TuningRecord& r);
  void Register(aws::Service& service);
};

std::shared_ptr<Tuning> TuningJobs::Impl::Plan(const std::string& region,
                                               const std::string& account, const Json& in) {
  auto t = std::make_shared<Tuning>();
  t->name = Str(in, "HyperParameterTuningJobName");
  t->region = region;
  t->account = account;
  t->config = Obj(in, "HyperParameterTuningJobConfig");
  t->definition = Obj(in, "TrainingJobDefinition");
  if (in.contains("TrainingJobDefinitions")) {
    throw ValidationError(
        "TrainingJobDefinitions (several algorithms) is not supported; give "
        "one TrainingJobDefinition.");
  }
  if (in.contains("WarmStartConfig")) {
    throw ValidationError("WarmStartConfig is not supported.");
  }
  if (t->definition.empty()) throw ValidationError("TrainingJobDefinition is required.");
  const std::string strategy = Str(t->config, "Strategy", "Bayesian");
  const Json& objective = Obj(t->config, "HyperParameterTuningJobObjective");
  t->metric = Str(objective, "MetricName");
  const std::string type = Str(objective, "Type");
  if (t->metric.empty() || (type != "Maximize" && type != "Minimize")) {
    throw ValidationError(
        "HyperParameterTuningJobObjective needs a MetricName and a Type "
        "(Maximize or Minimize).");
  }
  t->maximize = type == "Maximize";
  const Json& algorithm = Obj(t->definition, "AlgorithmSpecification");
  std::set<std::string> metrics;
  for (const Json& m : Arr(algorithm, "MetricDefinitions")) metrics.insert(Str(m, "Name"));
  const bool has_program =
      Obj(t->definition, "StaticHyperParameters").contains("sagemaker_program");
  std::optional<TrainingImage> image = images.Resolve(Str(algorithm, "TrainingImage"), has_program);
  if (image && image->kind == ImageKind::kBuiltinXgboost) {
    for (const MetricDefinition& m : XgboostMetricDefinitions()) metrics.insert(m.name);
  }
  if (!metrics.count(t->metric)) {
    throw ValidationError("The objective metric " + t->metric +
                          " is not among the MetricDefinitions of the training job definition.");
  }

  t->space = ParameterSpace::Parse(Obj(t->config, "ParameterRanges"),
                                   Obj(t->definition, "StaticHyperParameters"));
  const Json& limits = Obj(t->config, "ResourceLimits");
  std::optional<int64_t> parallel = OptInt(limits, "MaxParallelTrainingJobs");
  std::optional<int64_t> max_jobs = OptInt(limits, "MaxNumberOfTrainingJobs");
  if (!parallel || *parallel < 1 || *parallel > kMaxParallelLimit) {
    throw ValidationError("ResourceLimits.MaxParallelTrainingJobs must be between 1 and 100.");
  }
  std::optional<int64_t> random_seed = OptInt(t->config, "RandomSeed");
  const uint64_t seed = random_seed ? static_cast<uint64_t>(*random_seed) : std::random_device{}();
  t->strategy = MakeSearchStrategy(strategy, t->space, seed);
  if (strategy == "Grid") {
    size_t grid = *t->strategy->Limit();
    if (max_jobs && static_cast<size_t>(*max_jobs) > grid) {
      throw ValidationError("MaxNumberOfTrainingJobs exceeds the " + std::to_string(grid) +
                            " combinations of the grid.");
    }
    t->max_jobs = max_jobs ? static_cast<size_t>(*max_jobs) : grid;
  } else {
    if (!max_jobs) throw ValidationError("ResourceLimits.MaxNumberOfTrainingJobs is required.");
    t->max_jobs = static_cast<size_t>(*max_jobs);
  }
  if (t->max_jobs < 1 || t->max_jobs > static_cast<size_t>(kMaxJobsLimit)) {
    throw ValidationError("ResourceLimits.MaxNumberOfTrainingJobs must be between 1 and 750.");
  }
  t->max_parallel = static_cast<size_t>(*parallel);
  const std::string early = Str(t->config, "TrainingJobEarlyStoppingType", "Off");
  if (early != "Off" && early != "Auto") {
    throw ValidationError("TrainingJobEarlyStoppingType must be Off or Auto.");
  }
  t->hyperband = strategy == "Hyperband";
  if (t->hyperband) {
    if (early == "Auto") {
      throw ValidationError(
          "The Hyperband strategy stops training jobs itself; set "
          "TrainingJobEarlyStoppingType to Off.");
    }
    const Json& hb = Obj(Obj(t->config, "StrategyConfig"), "HyperbandStrategyConfig");
    t->min_resource = OptInt(hb, "MinResource").value_or(1);
    t->max_resource = OptInt(hb, "MaxResource").value_or(0);
    if (t->min_resource < 1 || (t->max_resource && t->max_resource < t->min_resource)) {
      throw ValidationError("HyperbandStrategyConfig needs 1 <= MinResource <= MaxResource.");
    }
  }
  t->median_rule = early == "Auto";
  const Json& criteria = Obj(t->config, "TuningJobCompletionCriteria");
  if (criteria.contains("TargetObjectiveMetricValue") &&
      criteria["TargetObjectiveMetricValue"].is_number()) {
    t->target = criteria["TargetObjectiveMetricValue"].get<double>();
  }
  return t;
}

void TuningJobs::Impl::LaunchMore(Tuning& t) {
  while (!t.stopping && !t.done_searching && t.trials.size() < t.max_jobs &&
         t.running.size() < t.max_parallel) {
    std::optional<UnitPoint> point = t.strategy->Next(t.trials);
    if (!point) {
      t.done_searching = true;
      break;
    }
    ++t.sequence;
    char seq[16];
    std::snprintf(seq, sizeof seq, "%03d", t.sequence);
    std::string job = t.name + "-" + seq + "-" + base::RandomHex(8);
    Json request = t.definition;
    request.erase("DefinitionName");
    request.erase("TuningObjective");
    request.erase("HyperParameterRanges");
    request.erase("HyperParameterTuningResourceConfig");
    request.erase("StaticHyperParameters");
    request["TrainingJobName"] = job;
    Json hps = Obj(t.definition, "StaticHyperParameters");
    if (!hps.is_object()) hps = Json::object();
    for (const auto& [k, v] : t.space.Values(*point)) hps[k] = v;
    hps["_tuning_objective_metric"] = t.metric;
    request["HyperParameters"] = hps;
    training.Create(t.region, t.account, request, t.name);
    t.trial_of[job] = t.trials.size();
    t.trials.push_back(Trial{*point, std::nullopt, false});
    t.running.insert(job);
  }
}

void TuningJobs::Impl::CheckEarlyStop(Tuning& t, const std::string& job) {
  if (!t.running.count(job) || t.early_stopped.count(job) || t.stopping) return;
  std::vector<double> series;
  for (const MetricPoint& p : training.store().Series(job)[t.metric]) {
    series.push_back(t.Orient(p.value));
  }
  if (series.empty()) return;
  bool stop = false;
  if (t.median_rule) {
    const size_t steps = series.size();
    std::vector<double> averages;
    for (const auto& [other, values] : t.finished_series) {
      if (values.size() < steps) continue;
      double sum = 0;
      for (size_t i = 0; i < steps; ++i) sum += values[i];
      averages.push_back(sum / static_cast<double>(steps));
    }
    double best = *std::max_element(series.begin(), series.end());
    stop = averages.size() >= kMedianRuleMinJobs && best < Median(averages);
  }
  if (t.hyperband) {
    size_t& passed = t.rungs_passed[job];
    int64_t resource = t.min_resource;
    for (size_t k = 0; k < passed; ++k) resource *= kHyperbandEta;
    while (!stop && static_cast<int64_t>(series.size()) >= resource &&
           (t.max_resource == 0 || resource < t.max_resource)) {
      double value = series[static_cast<size_t>(resource) - 1];
      std::vector<double>& rung = t.rungs[passed];
      rung.push_back(value);
      ++passed;
      resource *= kHyperbandEta;
      if (rung.size() < static_cast<size_t>(kHyperbandEta)) continue;
      std::vector<double> sorted = rung;
      std::sort(sorted.rbegin(), sorted.rend());
      size_t keep = (sorted.size() + kHyperbandEta - 1) / kHyperbandEta;
      stop = value < sorted[keep - 1];
    }
  }
  if (!stop) return;
  t.early_stopped.insert(job);
  LOG_INFO("tuning job stops a training job early", {{"tuning_job", t.name}, {"job", job}});
  try {
    training.Stop(job);
  } catch (const aws::ApiError&) {
    // It ended meanwhile.
  }
}

void TuningJobs::Impl::MaybeFinish(Tuning& t) {
  if (!t.running.empty()) return;
  if (!t.stopping && !t.done_searching && t.trials.size() < t.max_jobs) return;
  bool any = std::any_of(t.trials.begin(), t.trials.end(),
                         [](const Trial& trial) { return trial.objective.has_value(); });
  const int64_t now = NowMs();
  std::string last_failure;
  for (const TrainingJobRecord& r : training.store().List(t.name)) {
    if (r.status == "Failed") last_failure = r.state.value("FailureReason", "");
  }
  Update(t.name, [&](TuningRecord& r) {
    if (t.stopping) {
      r.status = "Stopped";
    } else if (any) {
      r.status = "Completed";
    } else {
      r.status = "Failed";
      r.state["FailureReason"] =
          TruncateUtf8("No training job reported the objective metric " + t.metric +
                           (last_failure.empty() ? "." : ". The last failure: " + last_failure),
                       1024);
    }
    r.end_ms = now;
  });
  LOG_INFO("tuning job ended", {{"tuning_job", t.name}});
  active.erase(NameKey(t.name));
}

void TuningJobs::Impl::OnEvent(const TrainingEvent& event) {
  std::optional<TrainingJobRecord> record = training.store().Find(event.job);
  if (!record || record->tuning_job.empty()) return;
  std::lock_guard<std::mutex> lock(mu);
  auto it = active.find(NameKey(record->tuning_job));
  if (it == active.end()) return;
  std::shared_ptr<Tuning> t = it->second;
  if (event.kind == TrainingEvent::Kind::kMetrics) {
    if (t->median_rule || t->hyperband) CheckEarlyStop(*t, event.job);
    return;
  }
  if (!t->running.erase(event.job)) return;
  auto trial = t->trial_of.find(event.job);
  if (trial != t->trial_of.end()) {
    Trial& tr = t->trials[trial->second];
    tr.finished = true;
    std::vector<double> series;
    for (const MetricPoint& p : training.store().Series(event.job)[t->metric]) {
      series.push_back(t->Orient(p.value));
    }
    if (!series.empty() && record->status != "Failed") {
      tr.objective = series.back();
      t->finished_series[event.job] = std::move(series);
      if (t->target && tr.objective >= t->Orient(*t->target)) t->done_searching = true;
    }
  }
  try {
    LaunchMore(*t);
  } catch (const std::exception& e) {
    LOG_WARN("tuning job could not start a training job",
             {{"tuning_job", t->name}, {"error", e.what()}});
    t->done_searching = true;
  }
  MaybeFinish(*t);
}

Json TuningJobs::Impl::Create(const std::string& region, const std::string& account,
                              const Json& in) {
  std::shared_ptr<Tuning> t = Plan(region, account, in);
  TuningRecord r;
  r.name = t->name;
  r.arn = SageMakerArn(region, account, "hyper-parameter-tuning-job", t->name);
  r.status = "InProgress";
  r.created_ms = r.modified_ms = NowMs();
  r.request = in;
  r.request.erase("Tags");
  std::lock_guard<std::mutex> lock(mu);
  if (!Insert(r)) {
    throw ResourceInUse("A hyperparameter tuning job named " + t->name + " already exists.");
  }
  try {
    LaunchMore(*t);
  } catch (...) {
    // The first training jobs show whether the definition can run at all.
    for (const std::string& job : t->running) {
      try {
        training.Stop(job);
      } catch (const aws::ApiError&) {
      }
    }
    if (t->running.empty()) {
      Delete(t->name);
      throw;
    }
    t->done_searching = true;
  }
  tags.Set(r.arn, Arr(in, "Tags"));
  active[NameKey(t->name)] = t;
  return {{"HyperParameterTuningJobArn", r.arn}};
}

void TuningJobs::Impl::Stop(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = active.find(NameKey(name));
  if (it == active.end()) {
    std::optional<TuningRecord> r = Find(name);
    if (!r) throw ResourceNotFound("Amazon SageMaker can't find a tuning job with name " + name);
    if (r->status == "Stopping") return;
    throw ValidationError("The hyperparameter tuning job " + name + " is not in progress (" +
                          r->status + ").");
  }
  std::shared_ptr<Tuning> t = it->second;
  if (t->stopping) return;
  t->stopping = true;
  Update(t->name, [](TuningRecord& r) { r.status = "Stopping"; });
  for (const std::string& job : t->running) {
    try {
      training.Stop(job);
    } catch (const aws::ApiError&) {
    }
  }
  MaybeFinish(*t);
}

Json TuningJobs::Impl::Summary(const TuningRecord& tuning, const TrainingJobRecord& job) {
  const Json& config = Obj(tuning.request, "HyperParameterTuningJobConfig");
  const Json& objective = Obj(config, "HyperParameterTuningJobObjective");
  const std::string metric = Str(objective, "MetricName");
  Json out = {{"TrainingJobName", job.name},
              {"TrainingJobArn", job.arn},
              {"TuningJobName", tuning.name},
              {"CreationTime", EpochSeconds(job.created_ms)},
              {"TrainingJobStatus", job.status}};
  if (job.state.contains("TrainingStartMs"))
    out["TrainingStartTime"] = EpochSeconds(job.state["TrainingStartMs"].get<int64_t>());
  if (job.state.contains("TrainingEndMs"))
    out["TrainingEndTime"] = EpochSeconds(job.state["TrainingEndMs"].get<int64_t>());
  if (job.state.contains("FailureReason")) out["FailureReason"] = job.state["FailureReason"];
  Json tuned = Json::object();
  const Json& hps = Obj(job.request, "HyperParameters");
  const Json& ranges = Obj(config, "ParameterRanges");
  for (const char* kind :
       {"IntegerParameterRanges", "ContinuousParameterRanges", "CategoricalParameterRanges"}) {
    for (const Json& range : Arr(ranges, kind)) {
      std::string name = Str(range, "Name");
      if (hps.contains(name)) tuned[name] = hps[name];
    }
  }
  out["TunedHyperParameters"] = tuned;
  std::optional<double> value;
  for (const FinalMetric& m : training.store().FinalMetrics(job.name)) {
    if (m.metric == metric) value = m.value;
  }
  const bool ended = Ended(job.status);
  if (value && ended && job.status != "Failed") {
    out["FinalHyperParameterTuningJobObjectiveMetric"] = {
        {"Type", Str(objective, "Type")}, {"MetricName", metric}, {"Value", *value}};
    out["ObjectiveStatus"] = "Succeeded";
  } else {
    out["ObjectiveStatus"] = ended ? "Failed" : "Pending";
  }
  return out;
}

Json TuningJobs::Impl::Describe(const TuningRecord& r) {
  Json out = {{"HyperParameterTuningJobName", r.name},
              {"HyperParameterTuningJobArn", r.arn},
              {"HyperParameterTuningJobStatus", r.status},
              {"CreationTime", EpochSeconds(r.created_ms)},
              {"LastModifiedTime", EpochSeconds(r.modified_ms)}};
  for (const char* m : {"HyperParameterTuningJobConfig", "TrainingJobDefinition", "Autotune"}) {
    if (r.request.contains(m)) out[m] = r.request[m];
  }
  if (r.end_ms) out["HyperParameterTuningEndTime"] = EpochSeconds(*r.end_ms);
  if (r.state.contains("FailureReason")) out["FailureReason"] = r.state["FailureReason"];
  const bool maximize =
      Str(Obj(Obj(r.request, "HyperParameterTuningJobConfig"), "HyperParameterTuningJobObjective"),
          "Type") != "Minimize";
  Json status = {{"Completed", 0},
                 {"InProgress", 0},
                 {"RetryableError", 0},
                 {"NonRetryableError", 0},
                 {"Stopped", 0}};
  Json objective = {{"Succeeded", 0}, {"Pending", 0}, {"Failed", 0}};
  std::optional<Json> best;
  double best_value = 0;
  int64_t runtime_ms = 0;
  for (const TrainingJobRecord& job : training.store().List(r.name)) {
    const std::string& s = job.status;
    const char* counter = s == "Completed" ? "Completed"
                          : s == "Failed"  ? "NonRetryableError"
                          : s == "Stopped" ? "Stopped"
                                           : "InProgress";
    status[counter] = status[counter].get<int>() + 1;
    Json summary = Summary(r, job);
    const std::string o = summary["ObjectiveStatus"];
    objective[o] = objective[o].get<int>() + 1;
    if (job.state.contains("TrainingStartMs") && job.state.contains("TrainingEndMs")) {
      runtime_ms +=
          job.state["TrainingEndMs"].get<int64_t>() - job.state["TrainingStartMs"].get<int64_t>();
    }
    if (summary.contains("FinalHyperParameterTuningJobObjectiveMetric")) {
      double v = summary["FinalHyperParameterTuningJobObjectiveMetric"]["Value"];
      if (!best || (maximize ? v > best_value : v < best_value)) {
        best = summary;
        best_value = v;
      }
    }
  }
  out["TrainingJobStatusCounters"] = status;
  out["ObjectiveStatusCounters"] = objective;
  if (best) out["BestTrainingJob"] = *best;
  out["ConsumedResources"] = {{"RuntimeInSeconds", (runtime_ms + 999) / 1000}};
  return out;
}

void TuningJobs::Impl::Register(aws::Service& service) {
  auto arn = [](const aws::RequestContext& ctx, const Json& in) {
    return SageMakerArn(ctx.region(), ctx.account_id(), "hyper-parameter-tuning-job",
                        Str(in, "HyperParameterTuningJobName"));
  };
  auto self = shared_from_this();
  service
      .Handle("CreateHyperParameterTuningJob",
              [self](aws::RequestContext& ctx, const Json& in) {
                ctx.Authorize("iam:PassRole", Str(Obj(in, "TrainingJobDefinition"), "RoleArn"), in);
                return self->Create(ctx.region(), ctx.account_id(), in);
              })
      .Resource(arn);
  service
      .Handle(
          "DescribeHyperParameterTuningJob",
          [self](aws::RequestContext&, const Json& in) {
            std::string name = Str(in, "HyperParameterTuningJobName");
            std::optional<TuningRecord> r = self->Find(name);
            if (!r) {
              throw ResourceNotFound("Amazon SageMaker can't find a tuning job with name " + name);
            }
            return self->Describe(*r);
          })
      .Resource(arn);
  service
      .Handle("StopHyperParameterTuningJob",
              [self](aws::RequestContext&, const Json& in) {
                self->Stop(Str(in, "HyperParameterTuningJobName"));
                return Json::object();
              })
      .Resource(arn);
  service
      .Handle(
          "ListTrainingJobsForHyperParameterTuningJob",
          [self](aws::RequestContext&, const Json& in) {
            std::string name = Str(in, "HyperParameterTuningJobName");
            std::optional<TuningRecord> r = self->Find(name);
            if (!r) {
              throw ResourceNotFound("Amazon SageMaker can't find a tuning job with name " + name);
            }
            std::string status = Str(in, "StatusEquals");
            std::vector<Json> items;
            for (const TrainingJobRecord& job : self->training.store().List(r->name)) {
              if (!status.empty() && job.status != status) continue;
              items.push_back(self->Summary(*r, job));
            }
            const std::string sort_by = Str(in, "SortBy", "Name");
            const bool descending = Str(in, "SortOrder", "Ascending") == "Descending";
            auto objective = [](const Json& j) -> std::optional<double> {
              if (!j.contains("FinalHyperParameterTuningJobObjectiveMetric")) return {};
              return j["FinalHyperParameterTuningJobObjectiveMetric"]["Value"].get<double>();
            };
            std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
              if (sort_by == "FinalObjectiveMetricValue") {
                // Jobs without a value come last either way.
                auto va = objective(a), vb = objective(b);
                if (!va || !vb) return va.has_value() && !vb.has_value();
                return descending ? *va > *vb : *va < *vb;
              }
              const char* key = sort_by == "CreationTime" ? "CreationTime"
                                : sort_by == "Status"     ? "TrainingJobStatus"
                                                          : "TrainingJobName";
              return descending ? b[key] < a[key] : a[key] < b[key];
            });
            Json out = Json::object();
            WritePage(ReadPage(in, 10), std::move(items), "TrainingJobSummaries", out);
            return out;
          })
      .Resource(arn);
  service.Handle("ListHyperParameterTuningJobs", [self](aws::RequestContext&, const Json& in) {
    std::string contains = base::ToLower(Str(in, "NameContains"));
    std::string status = Str(in, "StatusEquals");
    auto created_after = TimestampMs(in, "CreationTimeAfter");
    auto created_before = TimestampMs(in, "CreationTimeBefore");
    auto modified_after = TimestampMs(in, "LastModifiedTimeAfter");
    auto modified_before = TimestampMs(in, "LastModifiedTimeBefore");
    std::vector<Json> items;
    for (const TuningRecord& r : self->List()) {
      if (!contains.empty() && base::ToLower(r.name).find(contains) == std::string::npos) continue;
      if (!status.empty() && r.status != status) continue;
      if (created_after && r.created_ms <= *created_after) continue;
      if (created_before && r.created_ms >= *created_before) continue;
      if (modified_after && r.modified_ms <= *modified_after) continue;
      if (modified_before && r.modified_ms >= *modified_before) continue;
      Json d = self->Describe(r);
      const Json& config = Obj(r.request, "HyperParameterTuningJobConfig");
      Json j = {{"HyperParameterTuningJobName", r.name},
                {"HyperParameterTuningJobArn", r.arn},
                {"HyperParameterTuningJobStatus", r.status},
                {"Strategy", Str(config, "Strategy", "Bayesian")},
                {"CreationTime", d["CreationTime"]},
                {"LastModifiedTime", d["LastModifiedTime"]},
                {"TrainingJobStatusCounters", d["TrainingJobStatusCounters"]},
                {"ObjectiveStatusCounters", d["ObjectiveStatusCounters"]}};
      if (d.contains("HyperParameterTuningEndTime"))
        j["HyperParameterTuningEndTime"] = d["HyperParameterTuningEndTime"];
      if (config.contains("ResourceLimits")) j["ResourceLimits"] = config["ResourceLimits"];
      items.push_back(std::move(j));
    }
    const std::string sort_by = Str(in, "SortBy", "Name");
    const bool descending = Str(in, "SortOrder", "Ascending") == "Descending";
    const char* key = sort_by == "CreationTime" ? "CreationTime"
                      : sort_by == "Status"     ? "HyperParameterTuningJobStatus"
                                                : "HyperParameterTuningJobName";
    std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
      return descending ? b[key] < a[key] : a[key] < b[key];
    });
    Json out = Json::object();
    WritePage(ReadPage(in, 10), std::move(items), "HyperParameterTuningJobSummaries", out);
    return out;
  });
}

TuningJobs::TuningJobs(meta::Store& meta, TrainingJobs& training, TagStore& tags,
                       ImageCatalog& images)
    : impl_(std::make_shared<Impl>(meta, training, tags, images)) {
  meta.Migrate("sagemaker-tuning", kMigrations);
  const int64_t now = NowMs();
  for (const TuningRecord& r : impl_->List()) {
    if (Ended(r.status)) continue;
    impl_->Update(r.name, [&](TuningRecord& rec) {
      rec.status = "Failed";
      rec.state["FailureReason"] =
          "InternalServerError: The server restarted while the tuning job was in progress.";
      rec.end_ms = now;
    });
  }
  tags.RegisterResourceType("hyper-parameter-tuning-job", [this](const std::string& arn) {
    return impl_->Find(arn.substr(arn.rfind('/') + 1)).has_value();
  });
  std::weak_ptr<Impl> weak = impl_;
  training.set_listener([weak](const TrainingEvent& event) {
    if (std::shared_ptr<Impl> impl = weak.lock()) impl->OnEvent(event);
  });
}

TuningJobs::~TuningJobs() { impl_->training.set_listener(nullptr); }

void TuningJobs::RegisterOperations(aws::Service& service) { impl_->Register(service); }

}  // namespace sagemaker
