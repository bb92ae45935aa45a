// The records of training jobs and their metric series in the metadata store (module
// "sagemaker-training"), so DescribeTrainingJob and the tuner see the same state before and
// after a server restart. A record holds the request as given and the job's state document
// (status history, times, artifacts, rule statuses); Update changes one record atomically.
// Thread-safe: every call runs in its own store transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "platform/meta/store.h"

namespace sagemaker {

struct TrainingJobRecord {
  std::string name;
  std::string arn;
  std::string tuning_job;  // the parent tuning job's name, or empty
  std::string status;      // InProgress, Completed, Failed, Stopping, Stopped
  std::string secondary_status;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  std::optional<int64_t> end_ms;
  base::Json request = base::Json::object();
  // FailureReason, SecondaryStatusTransitions (times in ms), TrainingStartMs, TrainingEndMs,
  // BillableMs, ModelArtifacts, DebugRuleEvaluationStatuses, ProfilingStatus, Attempt,
  // LogStreams...
  base::Json state = base::Json::object();
};

struct MetricPoint {
  std::string metric;
  double value = 0;
  int64_t time_ms = 0;
};

struct FinalMetric {
  std::string metric;
  double value = 0;
  int64_t time_ms = 0;
  int64_t count = 0;
};

class TrainingJobStore {
 public:
  explicit TrainingJobStore(meta::Store& store);

  // False when a job of that name (case-insensitively) exists.
  bool Insert(const TrainingJobRecord& record);
  std::optional<TrainingJobRecord> Find(const std::string& name);
  // Applies `change` to the stored record and writes it back, in one transaction; returns the
  // new record, or nullopt when there is no such job.
  std::optional<TrainingJobRecord> Update(const std::string& name,
                                          const std::function<void(TrainingJobRecord&)>& change);
  // Every job, or the jobs of one tuning job.
  std::vector<TrainingJobRecord> List(const std::string& tuning_job = "");
  // Jobs still InProgress or Stopping.
  std::vector<TrainingJobRecord> Unfinished();

  // Appends values; `first_seq` is the sequence number of each metric's first new value.
  void AppendMetrics(const std::string& job, const std::vector<MetricPoint>& points,
                     std::map<std::string, int64_t>& next_seq);
  std::map<std::string, std::vector<MetricPoint>> Series(const std::string& job);
  // The last value of each metric, by metric name.
  std::vector<FinalMetric> FinalMetrics(const std::string& job);

 private:
  meta::Store& store_;
};

}  // namespace sagemaker
