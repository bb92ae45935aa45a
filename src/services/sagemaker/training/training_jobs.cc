#include "services/sagemaker/training/training_jobs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstring>

#include "base/log.h"
#include "base/strings.h"
#include "base/time.h"
#include "engines/storage/storage_error.h"
#include "services/sagemaker/common/api_support.h"
#include "services/sagemaker/training/artifact_io.h"
#include "services/sagemaker/training/tar_archive.h"
#include "services/sagemaker/training/training_jobs_impl.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;
using base::Json;

constexpr int kWorkers = 2;
constexpr size_t kStderrTail = 30;
constexpr size_t kWakeMonitorLines = 2000;
constexpr int64_t kProfileUploadIntervalMs = 10000;
constexpr size_t kMaxFailureReason = 1024;

bool Terminal(const std::string& status) {
  return status == "Completed" || status == "Failed" || status == "Stopped";
}

// The first 1024 bytes of a host's /opt/ml/output/failure, read without following links.
std::string ReadFailureFile(const fs::path& ml_dir) {
  int fd = ::open((ml_dir / "output" / "failure").c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return "";
  char buf[kMaxFailureReason];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return "";
  std::string text(buf, static_cast<size_t>(n));
  return TruncateUtf8(text, kMaxFailureReason);
}

}  // namespace

void AddTransition(TrainingJobRecord& r, const std::string& status, const std::string& message,
                   int64_t now_ms) {
  Json& transitions = r.state["SecondaryStatusTransitions"];
  if (!transitions.is_array()) transitions = Json::array();
  if (!transitions.empty() && !transitions.back().contains("EndTime"))
    transitions.back()["EndTime"] = now_ms;
  Json t = {{"Status", status}, {"StartTime", now_ms}, {"StatusMessage", message}};
  if (Terminal(status) || status == "MaxRuntimeExceeded" || status == "MaxWaitTimeExceeded") {
    t["EndTime"] = now_ms;
  }
  transitions.push_back(std::move(t));
  r.secondary_status = status;
  r.modified_ms = now_ms;
}

TrainingJobs::Impl::Impl(meta::Store& m, storage::ObjectStore& o, iam::Iam& i, logs::LogStore& l,
                         TagStore& t, ImageCatalog& im, TrainingOptions opts)
    : meta(m),
      objects(o),
      iam(i),
      logs(l),
      tags(t),
      images(im),
      options(std::move(opts)),
      store(m),
      s3(i, o) {
  const int64_t now = NowMs();
  const std::string reason =
      "InternalServerError: The server restarted while the training job was in progress; its "
      "processes were stopped.";
  for (const TrainingJobRecord& r : store.Unfinished()) {
    store.Update(r.name, [&](TrainingJobRecord& rec) {
      rec.status = "Failed";
      rec.state["FailureReason"] = reason;
      if (rec.state.contains("TrainingStartMs") && !rec.state.contains("TrainingEndMs"))
        rec.state["TrainingEndMs"] = now;
      AddTransition(rec, "Failed", reason, now);
      rec.end_ms = now;
    });
    LOG_WARN("training job interrupted by a server restart", {{"job", r.name}});
  }
  tags.RegisterResourceType("training-job", [this](const std::string& arn) {
    return store.Find(arn.substr(arn.rfind('/') + 1)).has_value();
  });
  runner::LocalBackend::Options o2;
  o2.state_dir = options.data_dir / "runner" / "training";
  o2.callbacks.on_status = [this](const runner::JobStatus& s) { OnStatus(s); };
  o2.callbacks.on_output = [this](std::string_view id, const runner::OutputLine& line) {
    OnOutput(id, line);
  };
  o2.capacity = options.capacity;
  o2.stop_grace = options.stop_grace;
  o2.isolation = options.isolation;
  // Jobs never see the data directory: other jobs' files, blobs, the metadata database.
  o2.masked_paths = {options.data_dir.string()};
  backend = std::make_unique<runner::LocalBackend>(std::move(o2));
  for (int w = 0; w < kWorkers; ++w) workers.emplace_back([this] { WorkerLoop(); });
  monitor = std::thread([this] { MonitorLoop(); });
}

TrainingJobs::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  work_cv.notify_all();
  monitor_cv.notify_all();
  for (std::thread& w : workers) w.join();
  backend.reset();  // stops the jobs still running; their events are ignored from now on
  monitor.join();
  const int64_t now = NowMs();
  const std::string reason =
      "InternalServerError: The server shut down while the training job was in progress.";
  for (const auto& [key, job] : active) {
    store.Update(job->plan.name, [&](TrainingJobRecord& rec) {
      if (Terminal(rec.status)) return;
      rec.status = "Failed";
      rec.state["FailureReason"] = reason;
      AddTransition(rec, "Failed", reason, now);
      rec.end_ms = now;
    });
  }
}

std::shared_ptr<Active> TrainingJobs::Impl::Find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = active.find(key);
  return it == active.end() ? nullptr : it->second;
}

std::string TrainingJobs::Impl::EndpointUrl() {
  std::lock_guard<std::mutex> lock(mu);
  return endpoint_url;
}

void TrainingJobs::Impl::Enqueue(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping) return;
    tasks.push_back(std::move(task));
  }
  work_cv.notify_one();
}

void TrainingJobs::Impl::WorkerLoop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu);
      work_cv.wait(lock, [&] { return stopping || !tasks.empty(); });
      if (stopping) return;
      task = std::move(tasks.front());
      tasks.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      LOG_ERROR("training task failed", {{"error", e.what()}});
    }
  }
}

void TrainingJobs::Impl::Notify(TrainingEvent::Kind kind, const std::string& name) {
  std::function<void(const TrainingEvent&)> l;
  {
    std::lock_guard<std::mutex> lock(mu);
    l = listener;
  }
  if (l) l(TrainingEvent{kind, name});
}

void TrainingJobs::Impl::Transition(const std::string& name, const std::string& secondary,
                                    const std::string& message,
                                    const std::function<void(TrainingJobRecord&)>& also) {
  const int64_t now = NowMs();
  store.Update(name, [&](TrainingJobRecord& r) {
    if (Terminal(r.status)) return;
    AddTransition(r, secondary, message, now);
    if (also) also(r);
  });
}

void TrainingJobs::Impl::OnStatus(const runner::JobStatus& status) {
  std::shared_ptr<Active> job;
  std::string key;
  bool started = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping) return;
    auto it = by_runner_id.find(status.id);
    if (it == by_runner_id.end()) return;
    key = it->second;
    job = active[key];
    if (status.state == runner::JobState::kRunning && job->run_started_ms == 0) {
      job->run_started_ms = NowMs();
      started = true;
    }
    if (runner::IsTerminal(status.state)) {
      by_runner_id.erase(it);
      job->phase = Active::Phase::kFinishing;
    }
  }
  if (started) {
    const int64_t at = job->run_started_ms;
    Transition(job->plan.name, "Training",
               "Training image download completed. Training in progress.",
               [&](TrainingJobRecord& r) {
                 if (!r.state.contains("TrainingStartMs")) r.state["TrainingStartMs"] = at;
               });
  }
  if (runner::IsTerminal(status.state)) {
    Enqueue([this, key, status] { Finish(key, status); });
  }
}

void TrainingJobs::Impl::OnOutput(std::string_view runner_id, const runner::OutputLine& line) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = by_runner_id.find(runner_id);
    if (stopping || it == by_runner_id.end()) return;
    std::vector<runner::OutputLine>& pending = active[it->second]->pending;
    pending.push_back(line);
    wake = pending.size() >= kWakeMonitorLines;
  }
  if (wake) monitor_cv.notify_one();
}

void TrainingJobs::Impl::Drain(const std::string& key) {
  std::shared_ptr<Active> job = Find(key);
  if (!job) return;
  std::lock_guard<std::mutex> drain(job->drain_mu);
  std::vector<runner::OutputLine> lines;
  std::map<std::string, std::string> streams;
  {
    std::lock_guard<std::mutex> lock(mu);
    lines.swap(job->pending);
    for (const HostRun& h : job->hosts) streams[h.name] = h.log_stream;
  }
  if (lines.empty()) return;
  std::map<std::string, std::vector<logs::LogEvent>> events;
  std::vector<MetricPoint> points;
  for (const runner::OutputLine& line : lines) {
    std::string text = ValidUtf8(line.text);
    for (const MetricValue& v : job->extractor.Extract(text)) {
      points.push_back({v.name, v.value, line.time_ms});
      job->series[v.name].push_back(v.value);
    }
    if (line.stream == runner::OutputStream::kStderr) {
      job->stderr_tail.push_back(text);
      if (job->stderr_tail.size() > kStderrTail) job->stderr_tail.pop_front();
    }
    events[line.host].push_back({line.time_ms, std::move(text)});
  }
  for (const auto& [host, list] : events) {
    auto it = streams.find(host);
    if (it != streams.end()) logs.Append(kTrainingLogGroup, it->second, list);
  }
  if (points.empty()) return;
  store.AppendMetrics(job->plan.name, points, job->metric_seq);
  if (!job->rules.empty() && job->rules.Evaluate(job->series, false, NowMs())) {
    Json statuses = job->rules.Statuses();
    store.Update(job->plan.name,
                 [&](TrainingJobRecord& r) { r.state["DebugRuleEvaluationStatuses"] = statuses; });
  }
  Notify(TrainingEvent::Kind::kMetrics, job->plan.name);
}

void TrainingJobs::Impl::MonitorLoop() {
  while (true) {
    std::vector<std::string> drain;
    std::vector<std::pair<std::string, std::shared_ptr<Active>>> jobs;
    {
      std::unique_lock<std::mutex> lock(mu);
      monitor_cv.wait_for(lock, options.flush_interval);
      if (stopping) return;
      for (const auto& [key, job] : active) {
        if (!job->pending.empty()) drain.push_back(key);
        jobs.emplace_back(key, job);
      }
    }
    for (const std::string& key : drain) Drain(key);
    const int64_t now = NowMs();
    for (auto& [key, job] : jobs) {
      std::vector<std::string> stop_ids;
      bool sync = false;
      bool upload_profile = false;
      bool sample = false;
      std::string runner_id;
      std::vector<HostRun> hosts;
      {
        std::lock_guard<std::mutex> lock(mu);
        const bool running = job->phase == Active::Phase::kRunning && job->run_started_ms > 0;
        runner_id = job->runner_id;
        // An injected interruption waits for a checkpoint to resume from, if the job keeps any.
        if (running && job->attempt == 1 && job->spot_interrupt_after_ms &&
            !job->interrupt_requested && !job->stop_requested &&
            now - job->run_started_ms >= *job->spot_interrupt_after_ms &&
            (!job->checkpoints || job->checkpoint_saved)) {
          job->interrupt_requested = true;
          stop_ids.push_back(runner_id);
        }
        if (job->plan.max_wait_s && !job->stop_requested &&
            job->phase != Active::Phase::kFinishing &&
            now - job->created_ms > *job->plan.max_wait_s * 1000) {
          job->stop_requested = true;
          job->stop_cause = "MaxWaitTimeExceeded";
          if (job->phase == Active::Phase::kRunning) stop_ids.push_back(runner_id);
        }
        if (running && job->checkpoints && !job->syncing && now >= job->next_checkpoint_ms) {
          job->syncing = true;
          job->next_checkpoint_ms = now + options.checkpoint_interval.count();
          sync = true;
        }
        if (running && job->plan.profiling && now >= job->next_profile_ms) {
          job->next_profile_ms = now + job->plan.profiling_interval_ms;
          sample = true;
          hosts = job->hosts;
          if (job->next_profile_upload_ms == 0)
            job->next_profile_upload_ms = now + kProfileUploadIntervalMs;
          if (now >= job->next_profile_upload_ms) {
            job->next_profile_upload_ms = now + kProfileUploadIntervalMs;
            upload_profile = true;
          }
        }
      }
      for (const std::string& id : stop_ids) backend->Stop(id);
      if (sample) {
        std::optional<runner::JobStatus> status = backend->Status(runner_id);
        std::map<std::string, SystemSample> samples;
        for (size_t i = 0; status && i < hosts.size() && i < status->hosts.size(); ++i) {
          if (status->hosts[i].pid <= 0) continue;
          samples[hosts[i].name] =
              job->profiler.Sample(hosts[i].name, status->hosts[i].pid, hosts[i].limits.cpus,
                                   hosts[i].limits.memory_bytes, now);
        }
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& [host, sample] : samples) {
          job->profile_buffer[host] += SystemProfiler::Render(host, sample);
          job->profiler_rules.Add(host, sample);
        }
      }
      if (sync) Enqueue([this, key = key] { SyncCheckpoints(key); });
      if (upload_profile) Enqueue([this, key = key] { UploadProfile(key); });
    }
  }
}

void TrainingJobs::Impl::SyncCheckpoints(const std::string& key) {
  std::shared_ptr<Active> job = Find(key);
  if (!job) return;
  size_t uploaded = 0;
  {
    std::lock_guard<std::mutex> sync(job->sync_mu);
    std::vector<HostRun> hosts;
    {
      std::lock_guard<std::mutex> lock(mu);
      hosts = job->hosts;
    }
    for (const HostRun& h : hosts) {
      fs::path dir =
          runner::Sandbox::MapToHost(job->plan.checkpoint_local_path, "/opt/ml", h.ml_dir);
      try {
        uploaded += job->checkpoints->Upload(dir);
      } catch (const base::Error& e) {
        LOG_WARN("checkpoint sync failed", {{"job", job->plan.name}, {"error", e.what()}});
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  job->syncing = false;
  if (uploaded > 0) job->checkpoint_saved = true;
}

void TrainingJobs::Impl::UploadProfile(const std::string& key) {
  std::shared_ptr<Active> job = Find(key);
  if (!job || !job->plan.profiler_s3) return;
  std::lock_guard<std::mutex> sync(job->sync_mu);
  std::map<std::string, std::string> buffer;
  {
    std::lock_guard<std::mutex> lock(mu);
    buffer.swap(job->profile_buffer);
  }
  const int64_t now = NowMs();
  std::time_t seconds = static_cast<std::time_t>(now / 1000);
  char hour[16];
  std::strftime(hour, sizeof hour, "%Y%m%d%H", std::gmtime(&seconds));
  for (const auto& [host, text] : buffer) {
    if (text.empty()) continue;
    std::string object_key = JoinKey(
        job->plan.profiler_s3->key, job->plan.name + "/profiler-output/system/incremental/" + hour +
                                        "/" + std::to_string(now / 1000) + "." + host + ".json");
    if (!s3.Allowed(job->credentials.principal, "s3:PutObject", job->plan.profiler_s3->bucket,
                    object_key))
      continue;
    try {
      UploadBytes(objects, job->plan.profiler_s3->bucket, object_key, text,
                  CanonicalUserId(job->credentials.principal.account_id), "application/json");
    } catch (const base::Error& e) {
      LOG_WARN("profiler upload failed", {{"job", job->plan.name}, {"error", e.what()}});
    }
  }
}

void TrainingJobs::Impl::Stop(const std::string& name, const std::string& message) {
  const std::string key = NameKey(name);
  std::shared_ptr<Active> job;
  std::string runner_id;
  bool running = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = active.find(key);
    if (it != active.end()) job = it->second;
    if (job && !job->stop_requested) {
      job->stop_requested = true;
      job->stop_cause = "Stopped";
      running = job->phase == Active::Phase::kRunning;
      runner_id = job->runner_id;
    } else {
      job = nullptr;  // unknown, or already stopping: the record tells which
    }
  }
  if (!job) {
    std::optional<TrainingJobRecord> record = store.Find(name);
    if (!record) throw ValidationError("Requested resource not found.");
    if (record->status == "Stopping" || record->status == "InProgress") return;
    throw ValidationError("The training job " + name + " is not in progress (status " +
                          record->status + ").");
  }
  const int64_t now = NowMs();
  std::string status;
  store.Update(name, [&](TrainingJobRecord& r) {
    status = r.status;
    if (r.status != "InProgress") return;
    r.status = "Stopping";
    AddTransition(r, "Stopping", message, now);
  });
  if (status != "InProgress") {
    // It ended while being finished.
    throw ValidationError("The training job " + name + " is not in progress (status " + status +
                          ").");
  }
  if (running) backend->Stop(runner_id);
}

Json TrainingJobs::Impl::FinishProfilerRules(Active& job, int64_t now) {
  std::lock_guard<std::mutex> lock(mu);
  if (job.profiler_rules.empty()) return Json();
  job.profiler_rules.Finish(job.hosts.empty() ? 0 : job.hosts.front().limits.gpus, now);
  return job.profiler_rules.Statuses(now);
}

void TrainingJobs::Impl::EndWithoutRun(const std::string& key, const std::string& status,
                                       const std::string& secondary, const std::string& reason) {
  std::shared_ptr<Active> job = Find(key);
  if (!job) return;
  const int64_t now = NowMs();
  const Json profiler_statuses = FinishProfilerRules(*job, now);
  store.Update(job->plan.name, [&](TrainingJobRecord& r) {
    r.status = status;
    if (status == "Failed") r.state["FailureReason"] = reason;
    if (!profiler_statuses.is_null()) r.state["ProfilerRuleEvaluationStatuses"] = profiler_statuses;
    r.state["BillableMs"] = job->billable_ms;
    if (r.state.contains("TrainingStartMs")) r.state["TrainingEndMs"] = now;
    AddTransition(r, secondary, reason, now);
    r.end_ms = now;
  });
  std::error_code ec;
  fs::remove_all(options.data_dir / "jobs" / job->plan.name / "hosts", ec);
  {
    std::lock_guard<std::mutex> lock(mu);
    active.erase(key);
  }
  LOG_INFO("training job ended", {{"job", job->plan.name}, {"status", status}, {"reason", reason}});
  Notify(TrainingEvent::Kind::kEnded, job->plan.name);
}

namespace {

// Why a run failed, as SageMaker words it: the failure file, else a description of the exit.
std::string FailureReason(const Active& job, const runner::JobStatus& status,
                          const std::vector<HostRun>& hosts) {
  std::vector<const HostRun*> order;
  for (const HostRun& h : hosts) {
    if (h.name == status.failed_host)
      order.insert(order.begin(), &h);
    else
      order.push_back(&h);
  }
  for (const HostRun* h : order) {
    std::string text = ReadFailureFile(h->ml_dir);
    if (!text.empty()) return text;
  }
  const std::string& reason = status.reason;
  std::string host = status.failed_host.empty() ? "" : " on " + status.failed_host;
  if (reason == "OutOfMemory") {
    return "AlgorithmError: The training job ran out of memory" + host +
           ": its processes used more than " + job.plan.instance_type +
           " provides here. Use an instance type with more memory or process less data per "
           "instance.";
  }
  if (reason == "server shut down" || reason == "server restarted") {
    return "InternalServerError: The " + reason + " while the training job was in progress.";
  }
  const bool script =
      job.image &&
      (job.image->kind == ImageKind::kFramework ||
       (job.image->kind == ImageKind::kCustom && job.image->env.count("SAGEMAKER_PROGRAM")));
  if (script && !reason.starts_with("could not start")) {
    std::string tail;
    for (const std::string& line : job.stderr_tail) tail += (tail.empty() ? "" : "\n") + line;
    std::string code = status.exit_code ? std::to_string(*status.exit_code)
                       : status.signal  ? "-" + std::to_string(*status.signal)
                                        : "1";
    std::string message = "AlgorithmError: ExecuteUserScriptError:\nExitCode " + code +
                          "\nErrorMessage \"" + tail + "\"\nCommand \"" +
                          base::Join(job.argv, " ") + "\", exit code: " + code;
    if (message.size() > kMaxFailureReason) {
      // Keep the end of the error message, where Python puts the exception.
      size_t keep = kMaxFailureReason - 200;
      tail = tail.size() > keep ? tail.substr(tail.size() - keep) : tail;
      message = "AlgorithmError: ExecuteUserScriptError:\nExitCode " + code + "\nErrorMessage \"" +
                tail + "\"\nCommand \"" + base::Join(job.argv, " ") + "\"";
    }
    return TruncateUtf8(message, kMaxFailureReason);
  }
  return TruncateUtf8("AlgorithmError: " + reason + host, kMaxFailureReason);
}

}  // namespace

void TrainingJobs::Impl::Finish(const std::string& key, const runner::JobStatus& status) {
  std::shared_ptr<Active> job = Find(key);
  if (!job) return;
  Drain(key);
  const JobPlan& plan = job->plan;
  const fs::path job_dir = options.data_dir / "jobs" / plan.name;
  std::vector<HostRun> hosts;
  bool interrupted;
  std::string stop_cause;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (job->run_started_ms > 0) {
      job->billable_ms += std::max<int64_t>(0, status.end_time_ms - job->run_started_ms);
    }
    interrupted = job->interrupt_requested && status.state != runner::JobState::kCompleted;
    stop_cause = job->stop_cause;
    hosts = job->hosts;
  }
  if (job->checkpoints) {
    std::lock_guard<std::mutex> sync(job->sync_mu);
    for (const HostRun& h : hosts) {
      fs::path dir = runner::Sandbox::MapToHost(plan.checkpoint_local_path, "/opt/ml", h.ml_dir);
      try {
        job->checkpoints->Upload(dir);
      } catch (const base::Error& e) {
        LOG_WARN("final checkpoint sync failed", {{"job", plan.name}, {"error", e.what()}});
      }
    }
  }
  UploadProfile(key);
  const int64_t now = NowMs();

  if (interrupted && stop_cause.empty()) {
    const int64_t billable = job->billable_ms;
    Transition(plan.name, "Interrupted",
               "The spot instances were interrupted; the job restarts from its last checkpoint.",
               [&](TrainingJobRecord& r) { r.state["BillableMs"] = billable; });
    Transition(plan.name, "Restarting", "Restarting the training job on new spot instances.");
    {
      std::lock_guard<std::mutex> lock(mu);
      job->attempt += 1;
      job->interrupt_requested = false;
      job->checkpoint_saved = false;
      job->run_started_ms = 0;
      job->phase = Active::Phase::kPreparing;
    }
    LOG_INFO("spot training job interrupted; restarting", {{"job", plan.name}});
    Enqueue([this, key] { Launch(key); });
    return;
  }

  std::string final_status, secondary, message, failure;
  switch (status.state) {
    case runner::JobState::kCompleted:
      final_status = "Completed";
      secondary = "Completed";
      message = "Training job completed";
      break;
    case runner::JobState::kStopped:
      final_status = "Stopped";
      if (stop_cause == "MaxWaitTimeExceeded") {
        secondary = "MaxWaitTimeExceeded";
        message = "The job stopped because it exceeded the maximum allowed wait time.";
      } else if (status.reason == "MaxRuntimeExceeded") {
        secondary = "MaxRuntimeExceeded";
        message = "The job stopped because it exceeded the maximum allowed runtime.";
      } else {
        secondary = "Stopped";
        message = "The training job was stopped.";
      }
      break;
    default:
      final_status = "Failed";
      secondary = "Failed";
      failure = FailureReason(*job, status, hosts);
      message = failure;
      break;
  }

  std::string model_artifacts;
  if (final_status != "Failed") {
    Transition(plan.name, "Uploading", "Uploading generated training model");
    const std::string owner = CanonicalUserId(job->credentials.principal.account_id);
    const std::string model_key = JoinKey(plan.output.key, plan.name + "/output/model.tar.gz");
    const std::string output_key = JoinKey(plan.output.key, plan.name + "/output/output.tar.gz");
    try {
      if (!s3.Allowed(job->credentials.principal, "s3:PutObject", plan.output.bucket, model_key)) {
        throw base::Error("The role " + plan.role_arn + " is not authorized to write s3://" +
                          plan.output.bucket + "/" + model_key + ".");
      }
      std::vector<fs::path> model_dirs, data_dirs;
      for (const HostRun& h : hosts) {
        model_dirs.push_back(h.ml_dir / "model");
        data_dirs.push_back(h.ml_dir / "output" / "data");
      }
      WriteTarGz(job_dir / "model.tar.gz", model_dirs);
      UploadFile(objects, plan.output.bucket, model_key, job_dir / "model.tar.gz", owner,
                 "application/x-tar");
      model_artifacts = "s3://" + plan.output.bucket + "/" + model_key;
      ArchiveStats data = WriteTarGz(job_dir / "output.tar.gz", data_dirs);
      if (data.files + data.directories + data.links > 0 &&
          s3.Allowed(job->credentials.principal, "s3:PutObject", plan.output.bucket, output_key)) {
        UploadFile(objects, plan.output.bucket, output_key, job_dir / "output.tar.gz", owner,
                   "application/x-tar");
      }
    } catch (const base::Error& e) {
      final_status = "Failed";
      secondary = "Failed";
      failure = TruncateUtf8(
          std::string("ClientError: Could not upload the model artifacts: ") + e.what(),
          kMaxFailureReason);
      message = failure;
    }
  }

  Json rule_statuses;
  {
    std::lock_guard<std::mutex> drain(job->drain_mu);
    if (!job->rules.empty()) {
      job->rules.Evaluate(job->series, true, now);
      rule_statuses = job->rules.Statuses();
    }
  }
  const Json profiler_statuses = FinishProfilerRules(*job, now);
  const int64_t end = NowMs();
  const int64_t billable = job->billable_ms;
  store.Update(plan.name, [&](TrainingJobRecord& r) {
    r.status = final_status;
    if (!failure.empty()) r.state["FailureReason"] = failure;
    if (!model_artifacts.empty()) r.state["ModelArtifacts"] = model_artifacts;
    if (!rule_statuses.is_null()) r.state["DebugRuleEvaluationStatuses"] = rule_statuses;
    if (!profiler_statuses.is_null()) r.state["ProfilerRuleEvaluationStatuses"] = profiler_statuses;
    r.state["BillableMs"] = billable;
    if (r.state.contains("TrainingStartMs")) r.state["TrainingEndMs"] = end;
    AddTransition(r, secondary, message, end);
    r.end_ms = end;
  });
  std::error_code ec;
  fs::remove_all(job_dir / "hosts", ec);
  fs::remove(job_dir / "model.tar.gz", ec);
  fs::remove(job_dir / "output.tar.gz", ec);
  fs::remove(job_dir / "sourcedir.tar.gz", ec);
  {
    std::lock_guard<std::mutex> lock(mu);
    active.erase(key);
  }
  LOG_INFO("training job ended", {{"job", plan.name}, {"status", final_status}});
  Notify(TrainingEvent::Kind::kEnded, plan.name);
}

TrainingJobs::TrainingJobs(meta::Store& meta, storage::ObjectStore& objects, iam::Iam& iam,
                           logs::LogStore& logs, TagStore& tags, ImageCatalog& images,
                           TrainingOptions options)
    : impl_(std::make_unique<Impl>(meta, objects, iam, logs, tags, images, std::move(options))) {}

TrainingJobs::~TrainingJobs() = default;

void TrainingJobs::set_endpoint_url(const std::string& url) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->endpoint_url = url;
}

void TrainingJobs::set_listener(std::function<void(const TrainingEvent&)> listener) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->listener = std::move(listener);
}

void TrainingJobs::RegisterOperations(aws::Service& service) { impl_->Register(service); }

std::string TrainingJobs::Create(const std::string& region, const std::string& account,
                                 const base::Json& request, const std::string& tuning_job) {
  return impl_->Create(region, account, request, tuning_job);
}

void TrainingJobs::Stop(const std::string& name, const std::string& message) {
  impl_->Stop(name, message);
}

std::optional<base::Json> TrainingJobs::Describe(const std::string& name) {
  std::optional<TrainingJobRecord> record = impl_->store.Find(name);
  if (!record) return std::nullopt;
  return impl_->DescribeRecord(*record);
}

TrainingJobStore& TrainingJobs::store() { return impl_->store; }

}  // namespace sagemaker
