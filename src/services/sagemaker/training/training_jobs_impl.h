// The inside of TrainingJobs, shared by its implementation files (training_jobs.cc: threads,
// runner events, output and metrics, finishing; training_launch.cc: preparing and submitting
// a run; training_operations.cc: the API). Not a public header.
//
// Locking: `mu` guards `active`, `by_runner_id`, every Active's fields and the task queue.
// An Active's `drain_mu` serializes the processing of its output lines. Store, object-store
// and runner calls are made without `mu` held.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engines/runner/local_backend.h"
#include "engines/runner/sandbox.h"
#include "services/sagemaker/training/checkpoint_sync.h"
#include "services/sagemaker/training/debugger_rules.h"
#include "services/sagemaker/training/job_plan.h"
#include "services/sagemaker/training/metric_extractor.h"
#include "services/sagemaker/training/profiler_rules.h"
#include "services/sagemaker/training/s3_access.h"
#include "services/sagemaker/training/system_profiler.h"
#include "services/sagemaker/training/training_jobs.h"

namespace sagemaker {

struct HostRun {
  std::string name;  // algo-1
  std::filesystem::path ml_dir;
  std::string log_stream;
  runner::ResourceLimits limits;
};

struct Active {
  Active(JobPlan p, std::string a)
      : plan(std::move(p)),
        arn(std::move(a)),
        extractor(plan.metric_definitions),
        rules(Arr(plan.request, "DebugRuleConfigurations")),
        profiler_rules(Arr(plan.request, "ProfilerRuleConfigurations"), plan.profiling) {}

  JobPlan plan;
  std::string arn;
  std::string region;
  int64_t created_ms = 0;
  aws::Credentials credentials;
  std::optional<TrainingImage> image;

  enum class Phase { kPreparing, kRunning, kFinishing };
  Phase phase = Phase::kPreparing;
  int attempt = 1;
  std::string runner_id;
  std::vector<HostRun> hosts;
  std::vector<std::string> argv;  // the command of the hosts, for failure messages
  int64_t run_started_ms = 0;     // when the current run's hosts started; 0 before
  int64_t billable_ms = 0;        // of the runs that ended
  bool stop_requested = false;
  std::string stop_cause;  // "Stopped", "MaxWaitTimeExceeded"
  bool interrupt_requested = false;
  std::optional<int64_t> spot_interrupt_after_ms;

  std::optional<CheckpointSync> checkpoints;
  int64_t next_checkpoint_ms = 0;
  bool syncing = false;
  bool checkpoint_saved = false;  // a file of the current run reached S3
  std::mutex sync_mu;             // serializes checkpoint syncs and profile uploads

  SystemProfiler profiler;
  int64_t next_profile_ms = 0;
  std::map<std::string, std::string> profile_buffer;  // host -> rendered lines not yet written
  int64_t next_profile_upload_ms = 0;

  MetricExtractor extractor;
  DebuggerRules rules;
  ProfilerRules profiler_rules;  // guarded by mu
  MetricSeries series;
  std::map<std::string, int64_t> metric_seq;
  std::deque<std::string> stderr_tail;

  std::vector<runner::OutputLine> pending;
  std::mutex drain_mu;
};

struct TrainingJobs::Impl {
  Impl(meta::Store& meta, storage::ObjectStore& objects, iam::Iam& iam, logs::LogStore& logs,
       TagStore& tags, ImageCatalog& images, TrainingOptions options);
  ~Impl();

  // training_operations.cc
  void Register(aws::Service& service);
  std::string Create(const std::string& region, const std::string& account,
                     const base::Json& request, const std::string& tuning_job);
  base::Json DescribeRecord(const TrainingJobRecord& record);

  // training_launch.cc: prepares and submits run `attempt` of a job (worker thread).
  void Launch(const std::string& key);

  // training_jobs.cc
  void Stop(const std::string& name, const std::string& message);
  void Enqueue(std::function<void()> task);
  void WorkerLoop();
  void MonitorLoop();
  void OnStatus(const runner::JobStatus& status);
  void OnOutput(std::string_view runner_id, const runner::OutputLine& line);
  void Drain(const std::string& key);
  void Finish(const std::string& key, const runner::JobStatus& status);
  // Ends a job that never ran (or cannot run again): Failed with `reason`, or Stopped.
  void EndWithoutRun(const std::string& key, const std::string& status,
                     const std::string& secondary, const std::string& reason);
  // Closes the job's profiler rules at `now`: their statuses, or null when it has none.
  base::Json FinishProfilerRules(Active& job, int64_t now);
  void SyncCheckpoints(const std::string& key);
  void UploadProfile(const std::string& key);
  std::shared_ptr<Active> Find(const std::string& key);
  void Notify(TrainingEvent::Kind kind, const std::string& name);
  // Appends a secondary status transition and saves the record.
  void Transition(const std::string& name, const std::string& secondary, const std::string& message,
                  const std::function<void(TrainingJobRecord&)>& also = nullptr);
  std::string EndpointUrl();

  meta::Store& meta;
  storage::ObjectStore& objects;
  iam::Iam& iam;
  logs::LogStore& logs;
  TagStore& tags;
  ImageCatalog& images;
  TrainingOptions options;
  TrainingJobStore store;
  S3Access s3;
  std::unique_ptr<runner::LocalBackend> backend;

  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable monitor_cv;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  std::map<std::string, std::shared_ptr<Active>> active;         // by name key
  std::map<std::string, std::string, std::less<>> by_runner_id;  // runner job id -> name key
  std::string endpoint_url;
  std::function<void(const TrainingEvent&)> listener;

  std::vector<std::thread> workers;
  std::thread monitor;
};

// Appends `status` to a record's transitions, closing the previous one (times in ms).
void AddTransition(TrainingJobRecord& record, const std::string& status, const std::string& message,
                   int64_t now_ms);

}  // namespace sagemaker
