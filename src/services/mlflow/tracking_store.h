// The tracking half of MLflow over the metadata store: experiments, runs, and what runs log
// (metrics, params, tags, dataset inputs, logged models), for every tracking server, each its
// own namespace (all calls take the server's id).
//
// It keeps MLflow's semantics: params are write-once (the same value again is accepted, a
// different one is INVALID_PARAMETER_VALUE), metrics append (an identical point is kept once),
// tags overwrite; a run's latest value of each metric (greatest step, then timestamp, then
// value) is maintained on write; a batch is checked whole before anything is written and is
// written in one transaction, so a rejected batch stores nothing. Concurrent log calls share
// write transactions (GroupCommit), each still all-or-nothing on its own. Searches run as SQL
// in the store (see run_search_query.h) and load only the page they return.
//
// Errors are MlflowError. Thread-safe: the metadata store serializes writes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "platform/meta/store.h"
#include "services/mlflow/entities.h"
#include "services/mlflow/group_commit.h"

namespace mlflow {

enum class ViewType { kActiveOnly, kDeletedOnly, kAll };
// "ACTIVE_ONLY" / "DELETED_ONLY" / "ALL" or their proto numbers 1 / 2 / 3; absent: active.
ViewType ParseViewType(const std::optional<std::string>& text, std::string_view member);

struct ExperimentSearch {
  std::string filter;
  std::optional<int64_t> max_results;
  std::vector<std::string> order_by;
  std::string page_token;
  ViewType view = ViewType::kActiveOnly;
};

struct ExperimentPage {
  std::vector<Experiment> experiments;
  std::string next_page_token;
};

struct NewRun {
  std::string experiment_id;
  std::string user_id;
  std::optional<std::string> run_name;
  std::optional<int64_t> start_time;
  std::vector<KeyValue> tags;
};

struct RunUpdate {
  std::optional<std::string> status;
  std::optional<int64_t> end_time;
  std::optional<std::string> run_name;
};

struct RunSearchRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;
  ViewType view = ViewType::kActiveOnly;
  std::optional<int64_t> max_results;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct RunPage {
  std::vector<Run> runs;
  std::string next_page_token;
};

// One point of a metric's history: step, timestamp, value.
using MetricPointFn = std::function<void(int64_t step, int64_t timestamp, double value)>;

struct MetricPage {
  std::vector<Metric> metrics;
  std::string next_page_token;
};

// What log-batch (and the single log-metric, log-parameter, set-tag calls) write.
struct LogBatch {
  std::vector<Metric> metrics;
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
};

// MLflow's per-request limits of log-batch.
inline constexpr size_t kMaxBatchMetrics = 1000;
inline constexpr size_t kMaxBatchParams = 100;
inline constexpr size_t kMaxBatchTags = 100;
inline constexpr size_t kMaxBatchEntries = 1000;
inline constexpr int64_t kMaxSearchResults = 50000;

class TrackingStore {
 public:
  explicit TrackingStore(meta::Store& store) : store_(store), log_writes_(store) {}

  // Every server starts with experiment "0", "Default"; called in the creating transaction.
  static void CreateDefaultExperiment(meta::Transaction& tx, int64_t server_id, int64_t now_ms);
  // Removes everything a server's experiments and registry hold.
  static void DeleteServerData(meta::Transaction& tx, int64_t server_id);

  // --- Experiments ---
  std::string CreateExperiment(int64_t server, const std::string& name,
                               const std::optional<std::string>& artifact_location,
                               const std::vector<KeyValue>& tags);
  Experiment GetExperiment(int64_t server, const std::string& experiment_id);
  Experiment GetExperimentByName(int64_t server, const std::string& name);
  ExperimentPage SearchExperiments(int64_t server, const ExperimentSearch& search);
  void DeleteExperiment(int64_t server, const std::string& experiment_id);
  void RestoreExperiment(int64_t server, const std::string& experiment_id);
  void RenameExperiment(int64_t server, const std::string& experiment_id,
                        const std::string& new_name);
  void SetExperimentTag(int64_t server, const std::string& experiment_id, const KeyValue& tag);
  void DeleteExperimentTag(int64_t server, const std::string& experiment_id,
                           const std::string& key);

  // --- Runs ---
  Run CreateRun(int64_t server, const NewRun& run);
  RunInfo UpdateRun(int64_t server, const std::string& run_id, const RunUpdate& update);
  void DeleteRun(int64_t server, const std::string& run_id);
  void RestoreRun(int64_t server, const std::string& run_id);
  Run GetRun(int64_t server, const std::string& run_id);
  RunPage SearchRuns(int64_t server, const RunSearchRequest& search);

  // Checks the batch against MLflow's limits and rules, then writes it atomically.
  void LogBatch(int64_t server, const std::string& run_id, const mlflow::LogBatch& batch);
  void DeleteTag(int64_t server, const std::string& run_id, const std::string& key);
  void LogInputs(int64_t server, const std::string& run_id,
                 const std::vector<DatasetInput>& inputs);
  // Appends the MLmodel document to the run's mlflow.log-model.history tag.
  void LogModel(int64_t server, const std::string& run_id, const std::string& model_json);
  // One metric's values in (step, timestamp) order; all of them when max_results is unset.
  MetricPage GetMetricHistory(int64_t server, const std::string& run_id, const std::string& key,
                              std::optional<int64_t> max_results, const std::string& page_token);
  // The same points handed to `fn` as they are read, without collecting them (a history of
  // 100k points goes straight into the response). Returns the next page's token, empty after
  // the last page.
  std::string VisitMetricHistory(int64_t server, const std::string& run_id, const std::string& key,
                                 std::optional<int64_t> max_results, const std::string& page_token,
                                 const MetricPointFn& fn);

 private:
  meta::Store& store_;
  // The writes of LogBatch (and so of log-metric, log-parameter and set-tag).
  GroupCommit log_writes_;
};

// Offset page tokens as MLflow writes them: base64 of {"offset": N}.
std::string EncodeOffsetToken(int64_t offset);
int64_t DecodeOffsetToken(const std::string& token);
// The max_results of a search: `fallback` when unset; INVALID_PARAMETER_VALUE outside 1..limit.
int64_t SearchLimit(std::optional<int64_t> requested, int64_t fallback, int64_t limit);
int64_t NowMillis();

}  // namespace mlflow
