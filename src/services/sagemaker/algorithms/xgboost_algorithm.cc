#include "services/sagemaker/algorithms/xgboost_algorithm.h"

#include <signal.h>
#include <xgboost/c_api.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <set>

#include "base/error.h"
#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "services/sagemaker/algorithms/training_data.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

// A failure with SageMaker's error class ("ClientError", "AlgorithmError").
struct AlgorithmFailure {
  std::string kind;
  std::string message;
};

std::atomic<bool> g_terminate{false};

void OnTerminate(int) { g_terminate = true; }

constexpr const char* kMetrics[] = {
    "rmse", "rmsle", "mae", "mape", "mphe", "logloss", "error", "merror", "mlogloss", "auc",
    "aucpr", "ndcg", "map", "poisson-nloglik", "gamma-nloglik", "cox-nloglik", "gamma-deviance",
    "tweedie-nloglik", "aft-nloglik", "interval-regression-accuracy", "accuracy", "f1", "mse",
    "r2", "precision", "recall", "balanced_accuracy"};

// Hyperparameters handed to XGBoost as they are.
const std::set<std::string>& BoosterParameters() {
  static const std::set<std::string> kParams = {
      "alpha", "base_score", "booster", "colsample_bylevel", "colsample_bynode",
      "colsample_bytree", "deterministic_histogram", "eta", "gamma", "grow_policy",
      "interaction_constraints", "lambda", "lambda_bias", "max_bin", "max_delta_step",
      "max_depth", "max_leaves", "min_child_weight", "monotone_constraints", "normalize_type",
      "nthread", "num_class", "num_parallel_tree", "objective", "one_drop", "process_type",
      "rate_drop", "refresh_leaf", "sample_type", "sampling_method", "scale_pos_weight", "seed",
      "single_precision_histogram", "sketch_eps", "skip_drop", "subsample", "tree_method",
      "tweedie_variance_power", "updater", "verbosity", "max_cat_to_onehot", "huber_slope",
      "quantile_alpha", "aft_loss_distribution", "aft_loss_distribution_scale",
      "eval_metric", "learning_rate", "reg_alpha", "reg_lambda", "min_split_loss"};
  return kParams;
}

// Handled here rather than by XGBoost.
const std::set<std::string>& AlgorithmParameters() {
  static const std::set<std::string> kParams = {
      "num_round", "early_stopping_rounds", "csv_weights", "save_model_on_termination",
      "_tuning_objective_metric", "silent", "_kfold", "_num_cv_round", "use_dask_gpu_training"};
  return kParams;
}

std::string Log(const std::string& level, const std::string& message) {
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d:%H:%M:%S", std::gmtime(&now));
  return "[" + std::string(stamp) + ":" + level + ":root] " + message;
}

void Info(const std::string& message) { std::printf("%s\n", Log("INFO", message).c_str()); }

void Check(int rc, const std::string& kind) {
  if (rc != 0) throw AlgorithmFailure{kind, XGBGetLastError()};
}

bool Maximized(const std::string& metric) {
  for (const char* prefix : {"auc", "aucpr", "map", "ndcg", "pre", "accuracy", "f1", "r2",
                             "precision", "recall", "balanced_accuracy"}) {
    if (metric.starts_with(prefix)) return true;
  }
  return false;
}

// Values of "<set>-<metric>" in an evaluation line.
std::map<std::string, double> ParseEval(const std::string& line) {
  std::map<std::string, double> out;
  for (const std::string& field : base::Split(line, '\t')) {
    size_t colon = field.rfind(':');
    if (colon == std::string::npos || field.starts_with("[")) continue;
    out[field.substr(0, colon)] = std::strtod(field.c_str() + colon + 1, nullptr);
  }
  return out;
}

class DMatrix {
 public:
  DMatrix(const TrainingData& data, int nthread) {
    if (data.sparse()) {
      Check(XGDMatrixCreateFromCSREx(data.row_offsets.data(), data.indices.data(),
                                     data.values.data(), data.row_offsets.size(),
                                     data.values.size(), data.columns, &handle_),
            "ClientError");
    } else {
      Check(XGDMatrixCreateFromMat_omp(data.dense.data(), data.rows, data.columns, NAN, &handle_,
                                       nthread),
            "ClientError");
    }
    Check(XGDMatrixSetFloatInfo(handle_, "label", data.labels.data(), data.labels.size()),
          "ClientError");
    if (!data.weights.empty()) {
      Check(XGDMatrixSetFloatInfo(handle_, "weight", data.weights.data(), data.weights.size()),
            "ClientError");
    }
  }
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle handle() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

class Booster {
 public:
  explicit Booster(std::vector<DMatrixHandle> cache) {
    Check(XGBoosterCreate(cache.data(), cache.size(), &handle_), "AlgorithmError");
  }
  ~Booster() {
    if (handle_ != nullptr) XGBoosterFree(handle_);
  }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  BoosterHandle handle() const { return handle_; }

 private:
  BoosterHandle handle_ = nullptr;
};

int Train(const fs::path& ml_root) {
  const fs::path config = ml_root / "input" / "config";
  auto hp_text = base::ReadFile(config / "hyperparameters.json");
  base::Json hp_json = hp_text ? base::ParseJson(*hp_text) : base::Json::object();
  std::map<std::string, std::string> hps;
  for (const auto& [k, v] : hp_json.items()) {
    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    // The SageMaker SDK's framework estimators JSON-encode values; built-in ones do not.
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      base::Json decoded = base::Json::parse(value, nullptr, false);
      if (decoded.is_string()) value = decoded.get<std::string>();
    }
    hps[k] = value;
  }
  for (const auto& [k, v] : hps) {
    if (!BoosterParameters().count(k) && !AlgorithmParameters().count(k) &&
        !k.starts_with("lambdarank_") && !k.starts_with("sagemaker_")) {
      throw AlgorithmFailure{"ClientError", "Hyperparameter " + k + " is not valid for XGBoost."};
    }
  }
  auto num_round_it = hps.find("num_round");
  if (num_round_it == hps.end()) {
    throw AlgorithmFailure{"ClientError", "Missing required hyperparameter: num_round."};
  }
  char* end = nullptr;
  long num_round = std::strtol(num_round_it->second.c_str(), &end, 10);
  if (*end != '\0' || num_round < 1) {
    throw AlgorithmFailure{"ClientError", "num_round must be a positive integer."};
  }
  long early_stopping = 0;
  if (auto it = hps.find("early_stopping_rounds"); it != hps.end()) {
    early_stopping = std::strtol(it->second.c_str(), &end, 10);
    if (*end != '\0' || early_stopping < 1) {
      throw AlgorithmFailure{"ClientError", "early_stopping_rounds must be a positive integer."};
    }
  }
  const bool csv_weights = hps.count("csv_weights") && hps["csv_weights"] == "1";

  auto input_config = base::ReadFile(config / "inputdataconfig.json");
  base::Json channels = input_config ? base::ParseJson(*input_config) : base::Json::object();
  if (!channels.contains("train")) {
    throw AlgorithmFailure{"ClientError",
                           "Channel \"train\" is required by the built-in XGBoost algorithm."};
  }
  Info("Determined 0 GPU(s) available on the instance.");
  int nthread = 0;
  if (auto it = hps.find("nthread"); it != hps.end()) nthread = std::atoi(it->second.c_str());

  std::vector<std::pair<std::string, std::unique_ptr<DMatrix>>> sets;
  for (const char* name : {"train", "validation"}) {
    if (!channels.contains(name)) continue;
    std::string content_type = channels[name].value("ContentType", "");
    fs::path dir = ml_root / "input" / "data" / name;
    Info("File path " + ("/opt/ml/input/data/" + std::string(name)) + " of input files");
    TrainingData data = LoadTrainingData(dir, FormatOfContentType(content_type), csv_weights);
    Info(std::string(name == std::string("train") ? "Train" : "Validation") + " matrix has " +
         std::to_string(data.rows) + " rows and " + std::to_string(data.columns) + " columns");
    sets.emplace_back(name, std::make_unique<DMatrix>(data, nthread));
  }

  std::vector<DMatrixHandle> handles;
  std::vector<const char*> names;
  for (auto& [name, m] : sets) {
    handles.push_back(m->handle());
    names.push_back(name.c_str());
  }
  Booster booster(handles);
  std::vector<std::string> metrics;
  for (const auto& [k, v] : hps) {
    if (!BoosterParameters().count(k) && !k.starts_with("lambdarank_")) continue;
    if (k == "eval_metric") {
      for (const std::string& m : base::Split(v, ',')) {
        if (!base::Trim(m).empty()) metrics.push_back(std::string(base::Trim(m)));
      }
      continue;
    }
    Check(XGBoosterSetParam(booster.handle(), k.c_str(), v.c_str()), "ClientError");
  }
  std::string objective_metric;
  if (auto it = hps.find("_tuning_objective_metric"); it != hps.end()) {
    size_t colon = it->second.find(':');
    std::string metric = colon == std::string::npos ? it->second : it->second.substr(colon + 1);
    objective_metric = colon == std::string::npos
                           ? metric
                           : it->second.substr(0, colon) + "-" + metric;
    if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end())
      metrics.push_back(metric);
  }
  for (const std::string& m : metrics) {
    Check(XGBoosterSetParam(booster.handle(), "eval_metric", m.c_str()), "ClientError");
  }

  const std::string watched_set = sets.back().first;
  std::string watched = objective_metric;
  double best = 0;
  long best_round = -1;
  std::string best_line;
  for (long round = 0; round < num_round && !g_terminate; ++round) {
    Check(XGBoosterUpdateOneIter(booster.handle(), static_cast<int>(round), sets[0].second->handle()),
          round == 0 ? "ClientError" : "AlgorithmError");
    const char* eval = nullptr;
    Check(XGBoosterEvalOneIter(booster.handle(), static_cast<int>(round), handles.data(),
                               names.data(), handles.size(), &eval),
          "AlgorithmError");
    std::string line = eval;
    std::printf("%s\n", line.c_str());
    if (early_stopping == 0) continue;
    std::map<std::string, double> values = ParseEval(line);
    if (watched.empty()) {
      // XGBoost's rule: the last metric of the last evaluation set.
      for (const auto& field : base::Split(line, '\t')) {
        if (field.starts_with(watched_set + "-")) watched = field.substr(0, field.rfind(':'));
      }
      if (round == 0 && !watched.empty()) {
        Info("Will train until " + watched + " hasn't improved in " +
             std::to_string(early_stopping) + " rounds.");
      }
    }
    auto it = values.find(watched);
    if (it == values.end()) continue;
    bool better = best_round < 0 ||
                  (Maximized(watched.substr(watched.find('-') + 1)) ? it->second > best
                                                                     : it->second < best);
    if (better) {
      best = it->second;
      best_round = round;
      best_line = line;
    } else if (round - best_round >= early_stopping) {
      std::printf("Stopping. Best iteration:\n%s\n", best_line.c_str());
      break;
    }
  }
  if (best_round >= 0) {
    std::string b = std::to_string(best_round);
    XGBoosterSetAttr(booster.handle(), "best_iteration", b.c_str());
    std::string s = std::to_string(best);
    XGBoosterSetAttr(booster.handle(), "best_score", s.c_str());
  }
  if (g_terminate && !(hps.count("save_model_on_termination") &&
                       base::EqualsIgnoreCase(hps["save_model_on_termination"], "true"))) {
    Info("Received SIGTERM; stopping without saving the model.");
    return 0;
  }
  fs::path model_dir = ml_root / "model";
  base::MakeDirs(model_dir);
  std::string model_path = (model_dir / "xgboost-model").string();
  Check(XGBoosterSaveModel(booster.handle(), model_path.c_str()), "AlgorithmError");
  return 0;
}

}  // namespace

std::vector<MetricDefinition> XgboostMetricDefinitions() {
  std::vector<MetricDefinition> out;
  for (const char* set : {"train", "validation"}) {
    for (const char* metric : kMetrics) {
      out.push_back({std::string(set) + ":" + metric,
                     std::string(".*\\[[0-9]+\\].*#011") + set + "-" + metric +
                         ":([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*"});
    }
  }
  return out;
}

int RunXgboostAlgorithm(const fs::path& ml_root) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  struct sigaction sa {};
  sa.sa_handler = OnTerminate;
  sigaction(SIGTERM, &sa, nullptr);
  std::string failure;
  try {
    return Train(ml_root);
  } catch (const AlgorithmFailure& f) {
    failure = f.kind + ": " + f.message;
  } catch (const DataError& e) {
    failure = std::string("ClientError: ") + e.what();
  } catch (const std::exception& e) {
    failure = std::string("AlgorithmError: ") + e.what();
  }
  std::fprintf(stderr, "%s\n", Log("ERROR", failure).c_str());
  try {
    base::MakeDirs(ml_root / "output");
    base::WriteFileAtomic(ml_root / "output" / "failure", failure);
  } catch (const base::Error&) {
    // The exit code still fails the job.
  }
  return 1;
}

int RunAlgorithmCommand(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0] != "xgboost") {
    std::cerr << "usage: unistudio algorithm xgboost\n"
                 "Runs SageMaker's built-in XGBoost inside a training job sandbox (/opt/ml).\n";
    return 2;
  }
  const char* root = std::getenv("UNISTUDIO_ML_ROOT");
  return RunXgboostAlgorithm(root != nullptr && *root != '\0' ? root : "/opt/ml");
}

}  // namespace sagemaker
