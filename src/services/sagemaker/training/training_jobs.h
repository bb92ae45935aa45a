// SageMaker training jobs: CreateTrainingJob, DescribeTrainingJob, ListTrainingJobs and
// StopTrainingJob over the job runner.
//
// A job is checked (job_plan.h; its role must exist and trust sagemaker.amazonaws.com and may
// read its channels), recorded, then prepared on a worker thread: its hosts' /opt/ml trees
// are laid out, channels downloaded, code fetched (sourcedir.tar.gz, a custom image's
// directory), checkpoints restored, the container contract written (container_contract.h)
// and the hosts submitted to the runner with resource limits from the instance type, the
// request's Environment, AWS_ENDPOINT_URL, the region and temporary credentials of the
// job's role. Output lines become CloudWatch Logs events in /aws/sagemaker/TrainingJobs,
// stream "<job>/algo-<n>-<epoch>", and metric values (MetricDefinitions; the built-in
// algorithms' own). When the hosts end, /opt/ml/model becomes
// <S3OutputPath>/<job>/output/model.tar.gz and /opt/ml/output/data output.tar.gz (on
// success and when stopped), or the failure file's first 1024 bytes become the FailureReason.
//
// Spot training: jobs with EnableManagedSpotTraining keep CheckpointConfig in sync with S3
// and, when interrupted, restart and restore the checkpoint; BillableTimeInSeconds counts
// only the time hosts ran. Interruptions can be injected for testing with the job tag
// `unistudio:fault-injection:spot-interruption-after-seconds` = N: the first run of the job is
// interrupted once N seconds have passed since its hosts started and, for a job with a
// CheckpointConfig, a checkpoint file has reached S3 (so the restart has one to resume from).
//
// State survives restarts: records are in the metadata store, and jobs that were running when
// the server stopped are reported Failed. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/json.h"
#include "engines/runner/host_capacity.h"
#include "engines/runner/isolation.h"
#include "engines/storage/object_store.h"
#include "platform/aws/service.h"
#include "platform/meta/store.h"
#include "services/iam/iam.h"
#include "services/logs/log_store.h"
#include "services/sagemaker/common/tag_store.h"
#include "services/sagemaker/images/image_catalog.h"
#include "services/sagemaker/training/training_job_store.h"

namespace sagemaker {

inline constexpr std::string_view kTrainingLogGroup = "/aws/sagemaker/TrainingJobs";
inline constexpr const char* kStoppingMessage = "Stopping the training job";
inline constexpr std::string_view kSpotFaultTag =
    "unistudio:fault-injection:spot-interruption-after-seconds";

struct TrainingOptions {
  // Absolute. Jobs live in <data_dir>/jobs/<name>, runner records in <data_dir>/runner.
  std::filesystem::path data_dir;
  // The unistudio binary, which runs built-in algorithms (`unistudio algorithm xgboost`).
  std::string executable;
  std::string python = "/usr/bin/python3";
  runner::Isolation isolation = runner::Isolation::kAuto;
  std::optional<runner::HostCapacity> capacity;
  // SIGTERM-to-SIGKILL delay when a job is stopped (SageMaker gives 120 s).
  std::chrono::milliseconds stop_grace{120000};
  std::chrono::milliseconds checkpoint_interval{2000};
  std::chrono::milliseconds flush_interval{100};
  // Resolves an MLflow tracking server ARN to its URL for MLFLOW_TRACKING_URI; without it,
  // an ARN becomes <endpoint>/_mlflow/<server name>.
  std::function<std::optional<std::string>(const std::string& arn)> mlflow_url;
};

// What a tuning job hears about its training jobs.
struct TrainingEvent {
  enum class Kind { kMetrics, kEnded };
  Kind kind;
  std::string job;
};

class TrainingJobs {
 public:
  TrainingJobs(meta::Store& meta, storage::ObjectStore& objects, iam::Iam& iam,
               logs::LogStore& logs, TagStore& tags, ImageCatalog& images, TrainingOptions options);
  ~TrainingJobs();
  TrainingJobs(const TrainingJobs&) = delete;
  TrainingJobs& operator=(const TrainingJobs&) = delete;

  // Where jobs reach UniStudio (http://127.0.0.1:<port>); set once the server listens.
  void set_endpoint_url(const std::string& url);
  // Called (on service threads, never under a lock) when a job emits metrics or ends.
  void set_listener(std::function<void(const TrainingEvent&)> listener);

  void RegisterOperations(aws::Service& service);

  // CreateTrainingJob for `request` in `region`/`account`, optionally on behalf of a tuning
  // job. Returns the job's ARN; throws aws::ApiError.
  std::string Create(const std::string& region, const std::string& account,
                     const base::Json& request, const std::string& tuning_job = "");
  // StopTrainingJob; `message` describes the Stopping transition. Throws aws::ApiError when
  // the job does not exist or has ended.
  void Stop(const std::string& name, const std::string& message = kStoppingMessage);
  // The DescribeTrainingJob document, or nullopt.
  std::optional<base::Json> Describe(const std::string& name);
  TrainingJobStore& store();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagemaker
