#include "services/sagemaker/tuning/tuning_jobs.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"
#include "services/sagemaker/algorithms/xgboost_algorithm.h"
#include "services/sagemaker/common/api_support.h"
#include "services/sagemaker/tuning/hyperband_schedule.h"
#include "services/sagemaker/tuning/median_stopping_rule.h"
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

constexpr int64_t kMaxParallelLimit = 100;
constexpr int64_t kMaxJobsLimit = 750;
constexpr size_t kMaxDefinitions = 10;
constexpr size_t kMaxParents = 5;
constexpr int64_t kMinRuntimeLimit = 120;
constexpr int64_t kMaxRuntimeLimit = 15768000;
constexpr int64_t kMaxResourceLimit = 20000;
constexpr std::chrono::milliseconds kDeadlineCheck{200};
// Static hyperparameters SageMaker infers Hyperband's MaxResource from.
constexpr const char* kEpochKeys[] = {"epochs", "numepochs", "n-epochs", "n_epochs",
                                      "num_epochs"};

struct TuningRecord {
  std::string name;
  std::string arn;
  std::string status;  // InProgress, Completed, Failed, Stopping, Stopped
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  std::optional<int64_t> end_ms;
  Json request = Json::object();
  // FailureReason; DefinitionOf: training job -> DefinitionName (several definitions).
  Json state = Json::object();
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

// The DefinitionName a training job of `tuning` ran ("" with a single TrainingJobDefinition).
std::string DefinitionNameOf(const TuningRecord& tuning, const std::string& job) {
  if (!tuning.state.contains("DefinitionOf")) return "";
  return tuning.state["DefinitionOf"].value(job, "");
}

bool Ended(const std::string& status) {
  return status == "Completed" || status == "Failed" || status == "Stopped";
}

// The training job definitions of a request: TrainingJobDefinitions, or the one
// TrainingJobDefinition.
std::vector<Json> DefinitionsOf(const Json& request) {
  if (request.contains("TrainingJobDefinitions")) {
    const Json& list = Arr(request, "TrainingJobDefinitions");
    return std::vector<Json>(list.begin(), list.end());
  }
  return {Obj(request, "TrainingJobDefinition")};
}

// The definition named `name` ("" for the only one), or the first.
Json DefinitionNamed(const Json& request, const std::string& name) {
  std::vector<Json> all = DefinitionsOf(request);
  for (const Json& d : all) {
    if (Str(d, "DefinitionName") == name) return d;
  }
  return all.empty() ? Json::object() : all.front();
}

struct Objective {
  std::string metric;
  std::string type;  // Maximize or Minimize
};

// A definition's TuningObjective, else the tuning job's objective.
Objective ObjectiveOf(const Json& request, const Json& definition) {
  const Json* objective = &Obj(definition, "TuningObjective");
  if (objective->empty()) {
    objective = &Obj(Obj(request, "HyperParameterTuningJobConfig"),
                     "HyperParameterTuningJobObjective");
  }
  return {Str(*objective, "MetricName"), Str(*objective, "Type")};
}

// A definition's HyperParameterRanges, else the tuning job's ParameterRanges.
const Json& RangesOf(const Json& request, const Json& definition) {
  const Json& own = Obj(definition, "HyperParameterRanges");
  if (!own.empty()) return own;
  return Obj(Obj(request, "HyperParameterTuningJobConfig"), "ParameterRanges");
}

// Every hyperparameter name of a definition, static and tuned.
std::set<std::string> HyperParameterNames(const Json& request, const Json& definition) {
  std::set<std::string> names;
  for (const auto& [k, v] : Obj(definition, "StaticHyperParameters").items()) names.insert(k);
  for (const char* kind :
       {"IntegerParameterRanges", "ContinuousParameterRanges", "CategoricalParameterRanges"}) {
    for (const Json& range : Arr(RangesOf(request, definition), kind)) {
      names.insert(Str(range, "Name"));
    }
  }
  return names;
}

// A hyperparameter value as the tuning job's ranges name it: JSON-quoted strings unquoted.
std::string Unquoted(const Json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// One training job definition of a tuning job in progress and its search.
struct Definition {
  std::string name;  // DefinitionName; may be empty with a single TrainingJobDefinition
  Json definition;
  // On the heap: the strategy keeps a reference to it while Definitions move.
  std::unique_ptr<ParameterSpace> space;
  std::unique_ptr<SearchStrategy> strategy;
  std::string metric;
  std::optional<HyperbandSchedule> hyperband;
  std::vector<Trial> trials;  // the observations of warm-start parents, then its own jobs
  size_t launched = 0;
  bool exhausted = false;
  // Objective series (oriented: greater is better) of the jobs that ended, parents' too.
  std::vector<std::vector<double>> ended_series;
};

// The state of a tuning job in progress. Guarded by Impl::mu.
struct Tuning {
  std::string name;
  std::string region;
  std::string account;
  std::vector<Definition> definitions;
  bool maximize = true;
  size_t max_jobs = 1;
  size_t max_parallel = 1;
  bool median_rule = false;
  std::optional<double> target;
  std::optional<int64_t> deadline_ms;

  struct Launched {
    size_t definition = 0;
    size_t trial = 0;    // in the definition's trials
    size_t bracket = 0;  // Hyperband
  };
  std::map<std::string, Launched> launched_jobs;
  std::set<std::string> running;
  std::set<std::string> early_stopped;
  size_t launched = 0;
  bool stopping = false;      // StopHyperParameterTuningJob
  bool out_of_time = false;   // ResourceLimits.MaxRuntimeInSeconds
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
  std::condition_variable deadline_cv;
  bool shutting_down = false;
  std::thread deadline_thread;
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
  Definition PlanDefinition(const Json& in, const Json& definition, const std::string& strategy,
                            uint64_t seed);
  void WarmStart(Tuning& t, const Json& in, const std::string& strategy);
  void LaunchMore(Tuning& t);
  void OnEvent(const TrainingEvent& event);
  void CheckEarlyStop(Tuning& t, const std::string& job);
  void StopTrainingJobs(Tuning& t, const std::string& message);
  void MaybeFinish(Tuning& t);
  void DeadlineLoop();
  Json Create(const std::string& region, const std::string& account, const Json& in);
  void Stop(const std::string& name);

  // --- answers
  Json Summary(const TuningRecord& tuning, const TrainingJobRecord& job);
  std::optional<Json> Best(const TuningRecord& r, const std::vector<Json>& summaries);
  Json Describe(const TuningRecord& r);
  void Register(aws::Service& service);
};

Definition TuningJobs::Impl::PlanDefinition(const Json& in, const Json& definition,
                                            const std::string& strategy, uint64_t seed) {
  Definition d;
  d.name = Str(definition, "DefinitionName");
  d.definition = definition;
  const Objective objective = ObjectiveOf(in, definition);
  d.metric = objective.metric;
  const Json& algorithm = Obj(definition, "AlgorithmSpecification");
  std::set<std::string> metrics;
  for (const Json& m : Arr(algorithm, "MetricDefinitions")) metrics.insert(Str(m, "Name"));
  const bool has_program =
      Obj(definition, "StaticHyperParameters").contains("sagemaker_program");
  std::optional<TrainingImage> image = images.Resolve(Str(algorithm, "TrainingImage"), has_program);
  if (image && image->kind == ImageKind::kBuiltinXgboost) {
    for (const MetricDefinition& m : XgboostMetricDefinitions()) metrics.insert(m.name);
  }
  if (!metrics.count(d.metric)) {
    throw ValidationError("The objective metric " + d.metric +
                          " is not among the MetricDefinitions of the training job definition" +
                          (d.name.empty() ? "." : " " + d.name + "."));
  }
  d.space = std::make_unique<ParameterSpace>(ParameterSpace::Parse(
      RangesOf(in, definition), Obj(definition, "StaticHyperParameters")));
  d.strategy = MakeSearchStrategy(strategy, *d.space, seed);
  if (strategy == "Hyperband") {
    const Json& config = Obj(in, "HyperParameterTuningJobConfig");
    const Json& hb = Obj(Obj(config, "StrategyConfig"), "HyperbandStrategyConfig");
    const int64_t min_resource = OptInt(hb, "MinResource").value_or(1);
    std::optional<int64_t> max_resource = OptInt(hb, "MaxResource");
    const Json& statics = Obj(definition, "StaticHyperParameters");
    for (const char* key : kEpochKeys) {
      if (max_resource) break;
      if (!statics.contains(key)) continue;
      const std::string text = Unquoted(statics[key]);
      char* end = nullptr;
      long long epochs = std::strtoll(text.c_str(), &end, 10);
      if (end != text.c_str() && *end == '\0') max_resource = epochs;
    }
    if (!max_resource) {
      throw ValidationError(
          "HyperbandStrategyConfig.MaxResource is required when no epochs, numepochs, "
          "n-epochs, n_epochs or num_epochs static hyperparameter gives it.");
    }
    if (min_resource < 1 || *max_resource < min_resource || *max_resource > kMaxResourceLimit) {
      throw ValidationError(
          "HyperbandStrategyConfig needs 1 <= MinResource <= MaxResource <= 20000.");
    }
    d.hyperband.emplace(min_resource, *max_resource);
  }
  return d;
}

void TuningJobs::Impl::WarmStart(Tuning& t, const Json& in, const std::string& strategy) {
  const Json& warm = Obj(in, "WarmStartConfig");
  const std::string type = Str(warm, "WarmStartType");
  if (type != "IdenticalDataAndAlgorithm" && type != "TransferLearning") {
    throw ValidationError(
        "WarmStartConfig.WarmStartType must be IdenticalDataAndAlgorithm or TransferLearning.");
  }
  const Json& parents = Arr(warm, "ParentHyperParameterTuningJobs");
  if (parents.empty() || parents.size() > kMaxParents) {
    throw ValidationError("WarmStartConfig needs 1 to 5 ParentHyperParameterTuningJobs.");
  }
  if (strategy == "Grid") {
    throw ValidationError("The Grid strategy cannot be warm started.");
  }
  const Json& own = t.definitions.front().definition;
  const Objective objective = ObjectiveOf(in, own);
  const std::set<std::string> names = HyperParameterNames(in, own);
  std::set<std::string> seen;
  for (const Json& p : parents) {
    const std::string parent_name = Str(p, "HyperParameterTuningJobName");
    if (!seen.insert(NameKey(parent_name)).second) {
      throw ValidationError("The parent tuning job " + parent_name + " is named twice.");
    }
    std::optional<TuningRecord> parent = Find(parent_name);
    if (!parent) {
      throw ResourceNotFound("Amazon SageMaker can't find a tuning job with name " + parent_name);
    }
    if (parent->status != "Completed" && parent->status != "Stopped") {
      throw ValidationError("The parent tuning job " + parent_name +
                            " must be Completed or Stopped; it is " + parent->status + ".");
    }
    const Json parent_definition = DefinitionNamed(parent->request, "");
    const Objective theirs = ObjectiveOf(parent->request, parent_definition);
    if (theirs.metric != objective.metric || theirs.type != objective.type) {
      throw ValidationError("The objective metric must be the same as the parent tuning job " +
                            parent_name + "'s (" + theirs.type + " " + theirs.metric + ").");
    }
    if (HyperParameterNames(parent->request, parent_definition) != names) {
      throw ValidationError(
          "The static and tunable hyperparameters together must be the same as the parent "
          "tuning job " + parent_name + "'s.");
    }
    if (type == "IdenticalDataAndAlgorithm") {
      const Json& a = Obj(own, "AlgorithmSpecification");
      const Json& b = Obj(parent_definition, "AlgorithmSpecification");
      if (Str(a, "TrainingImage") != Str(b, "TrainingImage") ||
          Str(a, "AlgorithmName") != Str(b, "AlgorithmName") ||
          Arr(own, "InputDataConfig") != Arr(parent_definition, "InputDataConfig")) {
        throw ValidationError(
            "IdenticalDataAndAlgorithm warm start needs the training image and input data of "
            "the parent tuning job " + parent_name + "; use TransferLearning to change them.");
      }
    }
    // The parent's trainings are observations of this search.
    for (const TrainingJobRecord& job : training.store().List(parent->name)) {
      if (job.status == "Failed") continue;
      std::vector<double> series;
      for (const MetricPoint& m : training.store().Series(job.name)[objective.metric]) {
        series.push_back(t.Orient(m.value));
      }
      if (series.empty()) continue;
      std::map<std::string, std::string> values;
      for (const auto& [k, v] : Obj(job.request, "HyperParameters").items()) {
        values[k] = Unquoted(v);
      }
      const std::string of = DefinitionNameOf(*parent, job.name);
      Definition* target = &t.definitions.front();
      for (Definition& d : t.definitions) {
        if (!of.empty() && d.name == of) target = &d;
      }
      std::optional<UnitPoint> point = target->space->PointOf(values);
      if (!point) continue;
      target->trials.push_back(Trial{*point, series.back(), true});
      target->ended_series.push_back(std::move(series));
    }
  }
}

std::shared_ptr<Tuning> TuningJobs::Impl::Plan(const std::string& region,
                                               const std::string& account, const Json& in) {
  auto t = std::make_shared<Tuning>();
  t->name = Str(in, "HyperParameterTuningJobName");
  t->region = region;
  t->account = account;
  const Json& config = Obj(in, "HyperParameterTuningJobConfig");
  if (in.contains("TrainingJobDefinitions") == in.contains("TrainingJobDefinition")) {
    throw ValidationError("Give either TrainingJobDefinition or TrainingJobDefinitions.");
  }
  std::vector<Json> definitions = DefinitionsOf(in);
  if (definitions.empty() || definitions.size() > kMaxDefinitions ||
      definitions.front().empty()) {
    throw ValidationError("TrainingJobDefinitions must hold 1 to 10 definitions.");
  }
  if (in.contains("TrainingJobDefinitions")) {
    std::set<std::string> seen;
    static const RE2 kDefinitionName("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}");
    for (const Json& d : definitions) {
      const std::string name = Str(d, "DefinitionName");
      if (!RE2::FullMatch(name, kDefinitionName)) {
        throw ValidationError("Every training job definition needs a DefinitionName matching "
                              "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}; got '" + name + "'.");
      }
      if (!seen.insert(name).second) {
        throw ValidationError("The DefinitionName " + name + " is used twice.");
      }
    }
  }
  const std::string strategy = Str(config, "Strategy", "Bayesian");
  std::optional<int64_t> random_seed = OptInt(config, "RandomSeed");
  const uint64_t seed = random_seed ? static_cast<uint64_t>(*random_seed) : std::random_device{}();
  std::string type;
  for (size_t i = 0; i < definitions.size(); ++i) {
    const Objective objective = ObjectiveOf(in, definitions[i]);
    if (objective.metric.empty() ||
        (objective.type != "Maximize" && objective.type != "Minimize")) {
      throw ValidationError(
          "HyperParameterTuningJobObjective (or each definition's TuningObjective) needs a "
          "MetricName and a Type (Maximize or Minimize).");
    }
    if (!type.empty() && objective.type != type) {
      throw ValidationError("Every training job definition must Maximize, or every one "
                            "Minimize, its objective.");
    }
    type = objective.type;
    t->definitions.push_back(PlanDefinition(in, definitions[i], strategy, seed + i));
  }
  t->maximize = type == "Maximize";

  const Json& limits = Obj(config, "ResourceLimits");
  std::optional<int64_t> parallel = OptInt(limits, "MaxParallelTrainingJobs");
  std::optional<int64_t> max_jobs = OptInt(limits, "MaxNumberOfTrainingJobs");
  if (!parallel || *parallel < 1 || *parallel > kMaxParallelLimit) {
    throw ValidationError("ResourceLimits.MaxParallelTrainingJobs must be between 1 and 100.");
  }
  if (strategy == "Grid") {
    size_t grid = 0;
    for (const Definition& d : t->definitions) grid += *d.strategy->Limit();
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
  if (std::optional<int64_t> runtime = OptInt(limits, "MaxRuntimeInSeconds")) {
    if (*runtime < kMinRuntimeLimit || *runtime > kMaxRuntimeLimit) {
      throw ValidationError(
          "ResourceLimits.MaxRuntimeInSeconds must be between 120 and 15768000.");
    }
    t->deadline_ms = NowMs() + *runtime * 1000;
  }
  const std::string early = Str(config, "TrainingJobEarlyStoppingType", "Off");
  if (early != "Off" && early != "Auto") {
    throw ValidationError("TrainingJobEarlyStoppingType must be Off or Auto.");
  }
  if (strategy == "Hyperband" && early == "Auto") {
    throw ValidationError(
        "The Hyperband strategy stops training jobs itself; set "
        "TrainingJobEarlyStoppingType to Off.");
  }
  t->median_rule = early == "Auto";
  const Json& criteria = Obj(config, "TuningJobCompletionCriteria");
  if (criteria.contains("TargetObjectiveMetricValue") &&
      criteria["TargetObjectiveMetricValue"].is_number()) {
    t->target = criteria["TargetObjectiveMetricValue"].get<double>();
  }
  if (in.contains("WarmStartConfig")) WarmStart(*t, in, strategy);
  return t;
}

void TuningJobs::Impl::LaunchMore(Tuning& t) {
  const size_t n = t.definitions.size();
  while (!t.stopping && !t.out_of_time && !t.done_searching && t.launched < t.max_jobs &&
         t.running.size() < t.max_parallel) {
    // The definitions take turns.
    Definition* def = nullptr;
    std::optional<UnitPoint> point;
    for (size_t k = 0; k < n && !point; ++k) {
      Definition& d = t.definitions[(t.launched + k) % n];
      if (d.exhausted) continue;
      point = d.strategy->Next(d.trials);
      if (point) {
        def = &d;
      } else {
        d.exhausted = true;
      }
    }
    if (!point) {
      t.done_searching = true;
      break;
    }
    ++t.sequence;
    char seq[16];
    std::snprintf(seq, sizeof seq, "%03d", t.sequence);
    std::string job = t.name + "-" + seq + "-" + base::RandomHex(8);
    Json request = def->definition;
    for (const char* member : {"DefinitionName", "TuningObjective", "HyperParameterRanges",
                               "HyperParameterTuningResourceConfig", "StaticHyperParameters"}) {
      request.erase(member);
    }
    request["TrainingJobName"] = job;
    Json hps = Obj(def->definition, "StaticHyperParameters");
    if (!hps.is_object()) hps = Json::object();
    for (const auto& [k, v] : def->space->Values(*point)) hps[k] = v;
    hps["_tuning_objective_metric"] = def->metric;
    request["HyperParameters"] = hps;
    training.Create(t.region, t.account, request, t.name);
    if (!def->name.empty()) {
      Update(t.name, [&](TuningRecord& r) { r.state["DefinitionOf"][job] = def->name; });
    }
    t.launched_jobs[job] = {static_cast<size_t>(def - t.definitions.data()), def->trials.size(),
                            def->hyperband ? def->hyperband->BracketOf(def->launched) : 0};
    def->trials.push_back(Trial{*point, std::nullopt, false});
    ++def->launched;
    ++t.launched;
    t.running.insert(job);
  }
}

void TuningJobs::Impl::CheckEarlyStop(Tuning& t, const std::string& job) {
  if (!t.running.count(job) || t.early_stopped.count(job) || t.stopping || t.out_of_time) return;
  auto launched = t.launched_jobs.find(job);
  if (launched == t.launched_jobs.end()) return;
  Definition& def = t.definitions[launched->second.definition];
  if (!t.median_rule && !def.hyperband) return;
  std::vector<double> series;
  for (const MetricPoint& p : training.store().Series(job)[def.metric]) {
    series.push_back(t.Orient(p.value));
  }
  if (series.empty()) return;
  std::string reason;
  if (t.median_rule) {
    MedianRuleVerdict verdict = ApplyMedianRule(series, def.ended_series);
    if (verdict.stop) {
      reason = "its objective at epoch " + std::to_string(series.size()) +
               " was worse than the median of the running averages of " +
               std::to_string(verdict.jobs) + " earlier training jobs (median stopping rule)";
    }
  }
  if (def.hyperband) {
    if (auto stop = def.hyperband->Report(job, launched->second.bracket, series)) {
      reason = "Hyperband: " + stop->reason;
    }
  }
  if (reason.empty()) return;
  t.early_stopped.insert(job);
  LOG_INFO("tuning job stops a training job early",
           {{"tuning_job", t.name}, {"job", job}, {"reason", reason}});
  try {
    training.Stop(job, "Stopped early by hyperparameter tuning job " + t.name + ": " + reason +
                           ".");
  } catch (const aws::ApiError&) {
    // It ended meanwhile.
  }
}

void TuningJobs::Impl::StopTrainingJobs(Tuning& t, const std::string& message) {
  for (const std::string& job : t.running) {
    try {
      training.Stop(job, message);
    } catch (const aws::ApiError&) {
      // It ended meanwhile.
    }
  }
}

void TuningJobs::Impl::MaybeFinish(Tuning& t) {
  if (!t.running.empty()) return;
  if (!t.stopping && !t.out_of_time && !t.done_searching && t.launched < t.max_jobs) return;
  bool any = false;
  for (const Definition& d : t.definitions) {
    for (size_t i = d.trials.size() - d.launched; i < d.trials.size(); ++i) {
      any = any || d.trials[i].objective.has_value();
    }
  }
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
      r.state["FailureReason"] = TruncateUtf8(
          "No training job reported the objective metric " + t.definitions.front().metric +
              (t.out_of_time ? " before ResourceLimits.MaxRuntimeInSeconds passed" : "") +
              (last_failure.empty() ? "." : ". The last failure: " + last_failure),
          1024);
    }
    r.end_ms = now;
  });
  LOG_INFO("tuning job ended", {{"tuning_job", t.name}});
  active.erase(NameKey(t.name));
}

void TuningJobs::Impl::DeadlineLoop() {
  std::unique_lock<std::mutex> lock(mu);
  while (!shutting_down) {
    deadline_cv.wait_for(lock, kDeadlineCheck);
    const int64_t now = NowMs();
    std::vector<std::shared_ptr<Tuning>> due;
    for (const auto& [key, t] : active) {
      if (t->deadline_ms && now >= *t->deadline_ms && !t->stopping && !t->out_of_time) {
        due.push_back(t);
      }
    }
    for (const std::shared_ptr<Tuning>& t : due) {
      t->out_of_time = true;
      LOG_INFO("tuning job reached its MaxRuntimeInSeconds", {{"tuning_job", t->name}});
      StopTrainingJobs(*t, "Stopped by hyperparameter tuning job " + t->name +
                               ": its ResourceLimits.MaxRuntimeInSeconds passed.");
      MaybeFinish(*t);
    }
  }
}

void TuningJobs::Impl::OnEvent(const TrainingEvent& event) {
  std::optional<TrainingJobRecord> record = training.store().Find(event.job);
  if (!record || record->tuning_job.empty()) return;
  std::lock_guard<std::mutex> lock(mu);
  auto it = active.find(NameKey(record->tuning_job));
  if (it == active.end()) return;
  std::shared_ptr<Tuning> t = it->second;
  if (event.kind == TrainingEvent::Kind::kMetrics) {
    CheckEarlyStop(*t, event.job);
    return;
  }
  if (!t->running.erase(event.job)) return;
  auto launched = t->launched_jobs.find(event.job);
  if (launched != t->launched_jobs.end()) {
    Definition& def = t->definitions[launched->second.definition];
    Trial& tr = def.trials[launched->second.trial];
    tr.finished = true;
    std::vector<double> series;
    for (const MetricPoint& p : training.store().Series(event.job)[def.metric]) {
      series.push_back(t->Orient(p.value));
    }
    if (!series.empty() && record->status != "Failed") {
      tr.objective = series.back();
      def.ended_series.push_back(std::move(series));
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
    StopTrainingJobs(*t, kStoppingMessage);
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
  StopTrainingJobs(*t, kStoppingMessage);
  MaybeFinish(*t);
}

Json TuningJobs::Impl::Summary(const TuningRecord& tuning, const TrainingJobRecord& job) {
  const std::string definition_name = DefinitionNameOf(tuning, job.name);
  const Json definition = DefinitionNamed(tuning.request, definition_name);
  const Objective objective = ObjectiveOf(tuning.request, definition);
  Json out = {{"TrainingJobName", job.name},
              {"TrainingJobArn", job.arn},
              {"TuningJobName", tuning.name},
              {"CreationTime", EpochSeconds(job.created_ms)},
              {"TrainingJobStatus", job.status}};
  if (!definition_name.empty()) out["TrainingJobDefinitionName"] = definition_name;
  if (job.state.contains("TrainingStartMs"))
    out["TrainingStartTime"] = EpochSeconds(job.state["TrainingStartMs"].get<int64_t>());
  if (job.state.contains("TrainingEndMs"))
    out["TrainingEndTime"] = EpochSeconds(job.state["TrainingEndMs"].get<int64_t>());
  if (job.state.contains("FailureReason")) out["FailureReason"] = job.state["FailureReason"];
  Json tuned = Json::object();
  const Json& hps = Obj(job.request, "HyperParameters");
  const Json& ranges = RangesOf(tuning.request, definition);
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
    if (m.metric == objective.metric) value = m.value;
  }
  const bool ended = Ended(job.status);
  if (value && ended && job.status != "Failed") {
    out["FinalHyperParameterTuningJobObjectiveMetric"] = {
        {"Type", objective.type}, {"MetricName", objective.metric}, {"Value", *value}};
    out["ObjectiveStatus"] = "Succeeded";
  } else {
    out["ObjectiveStatus"] = ended ? "Failed" : "Pending";
  }
  return out;
}

std::optional<Json> TuningJobs::Impl::Best(const TuningRecord& r,
                                           const std::vector<Json>& summaries) {
  const bool maximize = ObjectiveOf(r.request, DefinitionNamed(r.request, "")).type != "Minimize";
  std::optional<Json> best;
  double best_value = 0;
  for (const Json& summary : summaries) {
    if (!summary.contains("FinalHyperParameterTuningJobObjectiveMetric")) continue;
    double v = summary["FinalHyperParameterTuningJobObjectiveMetric"]["Value"];
    if (!best || (maximize ? v > best_value : v < best_value)) {
      best = summary;
      best_value = v;
    }
  }
  return best;
}

Json TuningJobs::Impl::Describe(const TuningRecord& r) {
  Json out = {{"HyperParameterTuningJobName", r.name},
              {"HyperParameterTuningJobArn", r.arn},
              {"HyperParameterTuningJobStatus", r.status},
              {"CreationTime", EpochSeconds(r.created_ms)},
              {"LastModifiedTime", EpochSeconds(r.modified_ms)}};
  for (const char* m : {"HyperParameterTuningJobConfig", "TrainingJobDefinition",
                        "TrainingJobDefinitions", "WarmStartConfig", "Autotune"}) {
    if (r.request.contains(m)) out[m] = r.request[m];
  }
  if (r.end_ms) out["HyperParameterTuningEndTime"] = EpochSeconds(*r.end_ms);
  if (r.state.contains("FailureReason")) out["FailureReason"] = r.state["FailureReason"];
  Json status = {{"Completed", 0},
                 {"InProgress", 0},
                 {"RetryableError", 0},
                 {"NonRetryableError", 0},
                 {"Stopped", 0}};
  Json objective = {{"Succeeded", 0}, {"Pending", 0}, {"Failed", 0}};
  std::vector<Json> summaries;
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
    summaries.push_back(std::move(summary));
  }
  out["TrainingJobStatusCounters"] = status;
  out["ObjectiveStatusCounters"] = objective;
  if (std::optional<Json> best = Best(r, summaries)) out["BestTrainingJob"] = *best;
  if (r.request.contains("WarmStartConfig")) {
    // The best of this tuning job's trainings and its parents'.
    for (const Json& p : Arr(Obj(r.request, "WarmStartConfig"), "ParentHyperParameterTuningJobs")) {
      std::optional<TuningRecord> parent = Find(Str(p, "HyperParameterTuningJobName"));
      if (!parent) continue;
      for (const TrainingJobRecord& job : training.store().List(parent->name)) {
        summaries.push_back(Summary(*parent, job));
      }
    }
    if (std::optional<Json> best = Best(r, summaries)) out["OverallBestTrainingJob"] = *best;
  }
  const int64_t until = r.end_ms.value_or(NowMs());
  out["ConsumedResources"] = {{"RuntimeInSeconds", (until - r.created_ms + 999) / 1000}};
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
  impl_->deadline_thread = std::thread([impl = impl_.get()] { impl->DeadlineLoop(); });
}

TuningJobs::~TuningJobs() {
  impl_->training.set_listener(nullptr);
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->shutting_down = true;
  }
  impl_->deadline_cv.notify_all();
  impl_->deadline_thread.join();
}

void TuningJobs::RegisterOperations(aws::Service& service) { impl_->Register(service); }

}  // namespace sagemaker
