#include "engines/runner/local_backend.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "base/crypto.h"
#include "base/files.h"
#include "base/log.h"
#include "base/strings.h"
#include "base/time.h"
#include "engines/runner/admission_queue.h"
#include "engines/runner/cgroup_v2.h"
#include "engines/runner/job_log.h"
#include "engines/runner/job_record.h"
#include "engines/runner/line_splitter.h"
#include "engines/runner/process_info.h"
#include "engines/runner/sandbox.h"

namespace runner {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;
using std::chrono::milliseconds;

// How long the output pipes of an exited host may stay open (held by a process that escaped
// the sandbox's cleanup) before the runner stops reading them.
constexpr milliseconds kDrainTimeout{2000};
// How often an exited leader that is not yet reapable is polled.
constexpr milliseconds kReapRetry{5};
constexpr milliseconds kRecoveryKillTimeout{2000};

// What ended (or is ending) a job; the first cause wins.
enum class Cause { kNone, kUserStop, kTimeout, kOutOfMemory, kHostFailed, kShutdown };

int64_t NowMs() { return base::ToUnixMillis(base::Now()); }

struct HostRun {
  const HostSpec* spec = nullptr;
  SandboxedProcess process;
  LineSplitter out_lines{1};
  LineSplitter err_lines{1};
  std::unique_ptr<JobLog> log;
  std::unique_ptr<CgroupV2::Group> cgroup;
  std::string status_bytes;  // an incomplete shepherd message
  bool started = false;      // the command was executed
  bool status_eof = false;
  bool reaped = false;
  std::optional<int> command_status;
  std::optional<int> leader_status;
  std::optional<std::string> start_failure;
  std::optional<SteadyTime> drain_deadline;

  bool launched() const { return process.pid > 0; }
  bool finished() const {
    return (!launched() || reaped) && process.stdout_fd < 0 && process.stderr_fd < 0 &&
           process.status_fd < 0;
  }
  bool live() const { return launched() && !reaped; }
};

struct Job {
  JobSpec spec;
  JobStatus status;
  std::vector<HostRun> hosts;
  bool admitted = false;
  Cause cause = Cause::kNone;
  std::string cause_host;
  std::string cause_reason;
  milliseconds grace{0};
  std::optional<SteadyTime> runtime_deadline;
  std::optional<SteadyTime> kill_deadline;
};

struct Command {
  enum Kind { kSubmit, kStop } kind;
  std::string job_id;
  JobSpec spec;
  JobStatus status;
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

struct LocalBackend::Impl {
  explicit Impl(Options opts);
  ~Impl();

  // Runner thread.
  void Run();
  void TakeCommands();
  void Admit();
  void Launch(Job& job, const AdmissionQueue::Admission& admission);
  int PollTimeoutMs(SteadyTime now) const;
  void PollOnce(int timeout_ms);
  void ReadOutput(Job& job, HostRun& host, OutputStream stream);
  void ReadStatus(Job& job, HostRun& host);
  void MarkStarted(Job& job, HostRun& host);
  void TryReap(Job& job, HostRun& host);
  void OnHostExit(Job& job, HostRun& host);
  void HandleTimers();
  void RunWatchdog();
  void BeginStop(Job& job, Cause cause, milliseconds grace);
  void Signal(HostRun& host, int sig);
  void HardKill(HostRun& host);
  void FinishJobs();
  void Finalize(Job& job);
  void Notify(const JobStatus& status);
  void Emit(const std::string& job_id, HostRun& host, OutputStream stream, std::string_view text,
            int64_t time_ms);
  void Recover();
  void Wake();

  Options options;
  HostCapacity capacity;
  AdmissionQueue queue;
  std::unique_ptr<Sandbox> sandbox;
  std::unique_ptr<CgroupV2> cgroups;
  int wake_fd = -1;

  // Shared with callers.
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::map<std::string, JobStatus, std::less<>> statuses;
  std::deque<std::string> finished_order;
  std::deque<Command> commands;
  bool shutting_down = false;

  // Runner thread only (and the constructor, before the thread starts).
  std::vector<JobStatus> recovered;
  std::map<std::string, std::unique_ptr<Job>, std::less<>> jobs;
  bool shutdown_started = false;
  SteadyTime next_watchdog{};

  std::thread thread;
};

LocalBackend::Impl::Impl(Options opts)
    : options(std::move(opts)),
      capacity(options.capacity ? *options.capacity : HostCapacity::Detect()),
      queue(capacity, options.cpu_overcommit, options.memory_overcommit) {
  if (options.state_dir.empty()) throw RunnerError("the runner needs a state directory");
  options.watchdog_interval = std::max(options.watchdog_interval, milliseconds(10));
  try {
    base::MakeDirs(options.state_dir);
  } catch (const base::IoError& e) {
    throw RunnerError(std::string("runner state directory: ") + e.what());
  }
  for (const std::string& masked : options.masked_paths) {
    std::string path = fs::path(masked).lexically_normal().string();
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    const std::string& mount_point = options.mount_point;
    if (path.empty() || path.front() != '/' || path == "/" || mount_point == path ||
        mount_point.starts_with(path + "/"))
      throw RunnerError("masked paths must be absolute and must not contain the mount point");
  }
  if (options.use_cgroups) {
    std::optional<fs::path> parent =
        options.cgroup_parent ? options.cgroup_parent : CgroupV2::OwnCgroup();
    std::string why = "cgroup v2 is not mounted at /sys/fs/cgroup";
    if (parent) cgroups = CgroupV2::Open(*parent, &why);
    if (!cgroups) {
      LOG_INFO("job limits enforced with rlimits and the memory watchdog", {{"why", why}});
    }
  }
  Recover();
  sandbox = std::make_unique<Sandbox>(options.isolation, options.mount_point, options.masked_paths);
  wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) throw RunnerError(std::string("eventfd failed: ") + std::strerror(errno));
  thread = std::thread([this] { Run(); });
}

LocalBackend::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    shutting_down = true;
  }
  Wake();
  thread.join();
  ::close(wake_fd);
}

void LocalBackend::Impl::Wake() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof one);
}

void LocalBackend::Impl::Recover() {
  for (const JobRecord& record : LoadJobRecords(options.state_dir)) {
    const std::string marker = std::string(kJobTokenVariable) + "=" + record.run_token;
    int killed = 0;
    for (const JobRecord::Host& host : record.hosts) {
      killed += KillProcessTree({host.pid, host.start_ticks, marker}, kRecoveryKillTimeout.count());
    }
    killed += KillProcessTree({0, 0, marker}, kRecoveryKillTimeout.count());
    if (cgroups) {
      for (const JobRecord::Host& host : record.hosts)
        cgroups->RemoveGroup(CgroupV2::GroupName(record.job_id, host.name));
    }
    JobStatus status;
    status.id = record.job_id;
    status.state = JobState::kFailed;
    status.reason = "server restarted";
    status.submit_time_ms = record.submit_time_ms;
    status.start_time_ms = record.start_time_ms;
    status.end_time_ms = NowMs();
    status.run_token = record.run_token;
    for (const JobRecord::Host& host : record.hosts) {
      status.hosts.push_back({host.name, static_cast<int>(host.pid), std::nullopt, std::nullopt});
    }
    LOG_WARN("job interrupted by a server restart",
             {{"job", record.job_id}, {"processes_killed", std::to_string(killed)}});
    RemoveJobRecord(options.state_dir, record.job_id);
    statuses[status.id] = status;
    finished_order.push_back(status.id);
    recovered.push_back(std::move(status));
  }
}

void LocalBackend::Impl::Notify(const JobStatus& status) {
  // The callback first: when Status or Wait show a change, its callback has returned.
  if (options.callbacks.on_status) {
    try {
      options.callbacks.on_status(status);
    } catch (const std::exception& e) {
      LOG_ERROR("job status callback failed", {{"job", status.id}, {"error", e.what()}});
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    statuses[status.id] = status;
    if (IsTerminal(status.state)) {
      finished_order.push_back(status.id);
      while (finished_order.size() > options.max_finished_jobs) {
        auto it = statuses.find(finished_order.front());
        if (it != statuses.end() && IsTerminal(it->second.state)) statuses.erase(it);
        finished_order.pop_front();
      }
    }
  }
  changed.notify_all();
}

void LocalBackend::Impl::Emit(const std::string& job_id, HostRun& host, OutputStream stream,
                              std::string_view text, int64_t time_ms) {
  OutputLine line{host.spec->name, stream, time_ms, std::string(text)};
  host.log->Add(line);
  if (!options.callbacks.on_output) return;
  try {
    options.callbacks.on_output(job_id, line);
  } catch (const std::exception& e) {
    LOG_ERROR("job output callback failed", {{"job", job_id}, {"error", e.what()}});
  }
}

void LocalBackend::Impl::Run() {
  for (const JobStatus& status : recovered) Notify(status);
  recovered.clear();
  while (true) {
    TakeCommands();
    Admit();
    if (shutdown_started && jobs.empty()) break;
    PollOnce(PollTimeoutMs(SteadyClock::now()));
    HandleTimers();
    FinishJobs();
  }
}

void LocalBackend::Impl::TakeCommands() {
  std::deque<Command> batch;
  bool shutdown;
  {
    std::lock_guard<std::mutex> lock(mutex);
    batch.swap(commands);
    shutdown = shutting_down;
  }
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(wake_fd, &count, sizeof count);
  for (Command& command : batch) {
    if (command.kind == Command::kSubmit) {
      auto job = std::make_unique<Job>();
      job->spec = std::move(command.spec);
      job->status = std::move(command.status);
      job->hosts.resize(job->spec.hosts.size());
      std::vector<ResourceLimits> limits;
      for (size_t i = 0; i < job->spec.hosts.size(); ++i) {
        HostRun& host = job->hosts[i];
        host.spec = &job->spec.hosts[i];
        host.out_lines = LineSplitter(options.max_line_bytes);
        host.err_lines = LineSplitter(options.max_line_bytes);
        limits.push_back(host.spec->limits);
      }
      queue.Enqueue(job->spec.id, limits);
      Notify(job->status);
      jobs[job->spec.id] = std::move(job);
      continue;
    }
    auto it = jobs.find(command.job_id);
    if (it == jobs.end()) continue;
    Job& job = *it->second;
    if (queue.Remove(job.spec.id)) {
      job.cause = Cause::kUserStop;
      Finalize(job);
    } else {
      BeginStop(job, Cause::kUserStop, job.grace);
    }
  }
  if (shutdown && !shutdown_started) {
    shutdown_started = true;
    std::vector<Job*> waiting;
    for (auto& [id, job] : jobs) {
      if (queue.Remove(id)) {
        waiting.push_back(job.get());
      } else {
        BeginStop(*job, Cause::kShutdown, options.shutdown_grace);
      }
    }
    for (Job* job : waiting) {
      job->cause = Cause::kShutdown;
      Finalize(*job);
    }
  }
}

void LocalBackend::Impl::Admit() {
  if (shutdown_started) return;
  for (AdmissionQueue::Admission& admission : queue.AdmitReady()) {
    auto it = jobs.find(admission.job_id);
    if (it == jobs.end()) continue;
    it->second->admitted = true;
    Launch(*it->second, admission);
  }
}

void LocalBackend::Impl::Launch(Job& job, const AdmissionQueue::Admission& admission) {
  job.grace = job.spec.stop_grace.value_or(options.stop_grace);
  job.status.state = JobState::kStarting;
  job.status.start_time_ms = NowMs();
  Notify(job.status);
  const fs::path log_dir = job.spec.directory / "logs";
  for (size_t i = 0; i < job.hosts.size(); ++i) {
    HostRun& host = job.hosts[i];
    try {
      base::MakeDirs(log_dir);
      base::MakeDirs(host.spec->ml_dir);
      host.log = std::make_unique<JobLog>(log_dir / (host.spec->name + ".log"));
      LaunchSpec launch;
      launch.hostname = host.spec->name;
      launch.ml_dir = host.spec->ml_dir;
      launch.binds = host.spec->binds;
      launch.argv = host.spec->argv;
      launch.env = host.spec->env;
      launch.working_dir = host.spec->working_dir;
      launch.limits = host.spec->limits;
      launch.cpus = admission.host_cpus[i];
      // On a host with GPUs, a job sees only the devices it was given (none for CPU jobs).
      if (capacity.gpus > 0) {
        std::vector<std::string> ids;
        for (int gpu : admission.host_gpus[i]) ids.push_back(std::to_string(gpu));
        launch.env["CUDA_VISIBLE_DEVICES"] = base::Join(ids, ",");
      }
      launch.run_token = job.status.run_token;
      if (cgroups) {
        host.cgroup = cgroups->CreateGroup(CgroupV2::GroupName(job.spec.id, host.spec->name),
                                           host.spec->limits);
        launch.cgroup_procs_fd = host.cgroup->OpenProcs();
      }
      host.process = sandbox->Start(launch);
      job.status.hosts[i].pid = host.process.pid;
    } catch (const base::Error& e) {
      host.start_failure = std::string("could not start: ") + e.what();
      if (job.cause == Cause::kNone) {
        job.cause_host = host.spec->name;
        job.cause_reason = *host.start_failure;
        BeginStop(job, Cause::kHostFailed, job.grace);
      }
      break;
    }
  }
  if (job.spec.max_runtime) job.runtime_deadline = SteadyClock::now() + *job.spec.max_runtime;
  JobRecord record{
      job.spec.id, job.status.run_token, job.status.submit_time_ms, job.status.start_time_ms, {}};
  for (const HostRun& host : job.hosts) {
    if (host.launched())
      record.hosts.push_back({host.spec->name, host.process.pid, host.process.start_ticks});
  }
  if (!record.hosts.empty()) {
    try {
      SaveJobRecord(options.state_dir, record);
    } catch (const base::Error& e) {
      LOG_ERROR("could not record a running job; a crash now could leave its processes behind",
                {{"job", job.spec.id}, {"error", e.what()}});
    }
  }
  LOG_INFO("job started", {{"job", job.spec.id},
                           {"hosts", std::to_string(job.hosts.size())},
                           {"isolation", std::string(IsolationName(sandbox->isolation()))}});
}

int LocalBackend::Impl::PollTimeoutMs(SteadyTime now) const {
  SteadyTime next = now + milliseconds(1000);
  bool watch_memory = false;
  for (const auto& [id, job] : jobs) {
    if (job->runtime_deadline && job->cause == Cause::kNone)
      next = std::min(next, *job->runtime_deadline);
    if (job->kill_deadline) next = std::min(next, *job->kill_deadline);
    for (const HostRun& host : job->hosts) {
      if (host.status_eof && !host.reaped) next = std::min(next, now + kReapRetry);
      if (host.drain_deadline) next = std::min(next, *host.drain_deadline);
      if (host.live() && host.spec->limits.memory_bytes > 0) watch_memory = true;
    }
  }
  if (watch_memory && !cgroups) next = std::min(next, std::max(now, next_watchdog));
  auto ms = std::chrono::ceil<milliseconds>(next - now).count();
  return static_cast<int>(std::max<int64_t>(0, ms));
}

void LocalBackend::Impl::PollOnce(int timeout_ms) {
  struct Source {
    Job* job;
    HostRun* host;
    int which;  // 0 stdout, 1 stderr, 2 status
  };
  std::vector<pollfd> fds{{wake_fd, POLLIN, 0}};
  std::vector<Source> sources{{nullptr, nullptr, -1}};
  for (auto& [id, job] : jobs) {
    for (HostRun& host : job->hosts) {
      const int fd_of[3] = {host.process.stdout_fd, host.process.stderr_fd, host.process.status_fd};
      for (int which = 0; which < 3; ++which) {
        if (fd_of[which] < 0) continue;
        fds.push_back({fd_of[which], POLLIN, 0});
        sources.push_back({job.get(), &host, which});
      }
    }
  }
  int ready = ::poll(fds.data(), fds.size(), timeout_ms);
  if (ready <= 0) return;
  for (size_t i = 1; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    Source& s = sources[i];
    if (s.which == 2) {
      ReadStatus(*s.job, *s.host);
    } else {
      ReadOutput(*s.job, *s.host, s.which == 0 ? OutputStream::kStdout : OutputStream::kStderr);
    }
  }
}

void LocalBackend::Impl::ReadOutput(Job& job, HostRun& host, OutputStream stream) {
  int& fd = stream == OutputStream::kStdout ? host.process.stdout_fd : host.process.stderr_fd;
  LineSplitter& lines = stream == OutputStream::kStdout ? host.out_lines : host.err_lines;
  char buf[65536];
  // Bounded per call so one chatty host cannot starve the others.
  for (int round = 0; round < 16 && fd >= 0; ++round) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    const int64_t now = NowMs();
    auto emit = [&](std::string_view text) { Emit(job.spec.id, host, stream, text, now); };
    if (n > 0) {
      // Only the command writes there, so it has been executed.
      MarkStarted(job, host);
      lines.Feed(std::string_view(buf, static_cast<size_t>(n)), emit);
      continue;
    }
    lines.Flush(emit);
    CloseFd(fd);
  }
  host.log->Flush();
}

void LocalBackend::Impl::MarkStarted(Job& job, HostRun& host) {
  if (host.started) return;
  host.started = true;
  bool all_started =
      std::all_of(job.hosts.begin(), job.hosts.end(), [](const HostRun& h) { return h.started; });
  if (all_started && job.status.state == JobState::kStarting) {
    job.status.state = JobState::kRunning;
    Notify(job.status);
  }
}

void LocalBackend::Impl::ReadStatus(Job& job, HostRun& host) {
  char buf[sizeof(ShepherdMessage) * 8];
  while (host.process.status_fd >= 0) {
    ssize_t n = ::read(host.process.status_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) {
      CloseFd(host.process.status_fd);
      host.status_eof = true;
      TryReap(job, host);
      break;
    }
    host.status_bytes.append(buf, static_cast<size_t>(n));
    while (host.status_bytes.size() >= sizeof(ShepherdMessage)) {
      ShepherdMessage m;
      std::memcpy(&m, host.status_bytes.data(), sizeof m);
      host.status_bytes.erase(0, sizeof m);
      if (m.kind == ShepherdMessage::kStarted) {
        MarkStarted(job, host);
      } else if (m.kind == ShepherdMessage::kSetupFailed) {
        host.start_failure =
            "could not start: " + std::string(SetupStepName(static_cast<SetupStep>(m.value))) +
            ": " + std::strerror(m.error);
      } else if (m.kind == ShepherdMessage::kExited) {
        host.command_status = m.value;
      }
    }
  }
}

void LocalBackend::Impl::TryReap(Job& job, HostRun& host) {
  if (host.reaped || !host.launched()) return;
  int status = 0;
  pid_t pid;
  do {
    pid = ::waitpid(host.process.pid, &status, WNOHANG | __WALL);
  } while (pid < 0 && errno == EINTR);
  if (pid == 0) return;  // still exiting (a pid namespace is being torn down); retried
  host.reaped = true;
  if (pid == host.process.pid) host.leader_status = status;
  OnHostExit(job, host);
}

void LocalBackend::Impl::OnHostExit(Job& job, HostRun& host) {
  const bool pid_namespace = sandbox->isolation() == Isolation::kNamespaces;
  // Without a pid namespace, processes that left the process group are found by session.
  if (!pid_namespace) KillProcessTree({host.process.pid, host.process.start_ticks, {}}, 0);
  host.drain_deadline = SteadyClock::now() + kDrainTimeout;
  bool oom = false;
  if (host.cgroup) {
    oom = host.cgroup->OomKilled();
    host.cgroup->KillAll();
  }
  HostStatus* status = nullptr;
  for (HostStatus& s : job.status.hosts) {
    if (s.name == host.spec->name) status = &s;
  }
  std::optional<int> wait_status = host.command_status ? host.command_status : host.leader_status;
  if (wait_status && status) {
    if (WIFEXITED(*wait_status)) status->exit_code = WEXITSTATUS(*wait_status);
    if (WIFSIGNALED(*wait_status)) status->signal = WTERMSIG(*wait_status);
  }
  const bool succeeded = !host.start_failure && host.command_status &&
                         WIFEXITED(*host.command_status) && WEXITSTATUS(*host.command_status) == 0;
  if (job.cause == Cause::kNone && (oom || !succeeded)) {
    job.cause_host = host.spec->name;
    if (oom) {
      BeginStop(job, Cause::kOutOfMemory, job.grace);
    } else {
      job.cause_reason = host.start_failure ? *host.start_failure
                         : wait_status      ? DescribeWaitStatus(*wait_status)
                                            : "ended without a status";
      BeginStop(job, Cause::kHostFailed, job.grace);
    }
  }
  // Once every tree is gone, whatever still carries the job's marker escaped its session.
  const bool all_gone =
      std::none_of(job.hosts.begin(), job.hosts.end(), [](const HostRun& h) { return h.live(); });
  if (all_gone && !pid_namespace) {
    KillProcessTree({0, 0, std::string(kJobTokenVariable) + "=" + job.status.run_token}, 0);
  }
}

void LocalBackend::Impl::Signal(HostRun& host, int sig) {
  if (!host.live()) return;
  // The group, and the leader itself in case it has not made its group yet.
  ::kill(-host.process.pid, sig);
  ::kill(host.process.pid, sig);
}

void LocalBackend::Impl::HardKill(HostRun& host) {
  if (!host.live()) return;
  Signal(host, SIGKILL);
  if (host.cgroup) host.cgroup->KillAll();
  if (sandbox->isolation() != Isolation::kNamespaces)
    KillProcessTree({host.process.pid, host.process.start_ticks, {}}, 0);
}

void LocalBackend::Impl::BeginStop(Job& job, Cause cause, milliseconds grace) {
  const bool any_live =
      std::any_of(job.hosts.begin(), job.hosts.end(), [](const HostRun& h) { return h.live(); });
  // A stop that comes after every process ended (the job is only draining its output) does
  // not change how the job ended; a failure does.
  if (!any_live && cause != Cause::kHostFailed && cause != Cause::kOutOfMemory) return;
  if (job.cause == Cause::kNone) {
    job.cause = cause;
    if ((cause == Cause::kUserStop || cause == Cause::kTimeout) &&
        (job.status.state == JobState::kStarting || job.status.state == JobState::kRunning)) {
      job.status.state = JobState::kStopping;
      Notify(job.status);
    }
  }
  for (HostRun& host : job.hosts) Signal(host, SIGTERM);
  SteadyTime deadline = SteadyClock::now() + grace;
  job.kill_deadline = job.kill_deadline ? std::min(*job.kill_deadline, deadline) : deadline;
}

void LocalBackend::Impl::HandleTimers() {
  const SteadyTime now = SteadyClock::now();
  for (auto& [id, job] : jobs) {
    if (job->runtime_deadline && now >= *job->runtime_deadline) {
      job->runtime_deadline.reset();
      if (job->cause == Cause::kNone) BeginStop(*job, Cause::kTimeout, job->grace);
    }
    if (job->kill_deadline && now >= *job->kill_deadline) {
      job->kill_deadline.reset();
      for (HostRun& host : job->hosts) HardKill(host);
    }
    for (HostRun& host : job->hosts) {
      if (host.status_eof && !host.reaped) TryReap(*job, host);
      if (host.reaped && host.drain_deadline && now >= *host.drain_deadline) {
        host.drain_deadline.reset();
        // Something outside the tree still holds the pipes: keep what was read, stop reading.
        for (OutputStream stream : {OutputStream::kStdout, OutputStream::kStderr}) {
          int& fd =
              stream == OutputStream::kStdout ? host.process.stdout_fd : host.process.stderr_fd;
          if (fd < 0) continue;
          LineSplitter& lines = stream == OutputStream::kStdout ? host.out_lines : host.err_lines;
          lines.Flush([&](std::string_view text) { Emit(id, host, stream, text, NowMs()); });
          CloseFd(fd);
        }
        host.log->Flush();
      }
    }
  }
  if (!cgroups && now >= next_watchdog) {
    next_watchdog = now + options.watchdog_interval;
    RunWatchdog();
  }
}

void LocalBackend::Impl::RunWatchdog() {
  std::vector<std::pair<Job*, HostRun*>> watched;
  for (auto& [id, job] : jobs) {
    for (HostRun& host : job->hosts) {
      if (host.live() && host.spec->limits.memory_bytes > 0) watched.emplace_back(job.get(), &host);
    }
  }
  if (watched.empty()) return;
  std::multimap<pid_t, pid_t> by_session;
  for (const ProcessInfo& p : ListProcesses()) {
    if (p.state != 'Z') by_session.emplace(p.sid, p.pid);
  }
  for (auto& [job, host] : watched) {
    int64_t used = 0;
    auto [begin, end] = by_session.equal_range(host->process.pid);
    for (auto it = begin; it != end; ++it) {
      // The leader is a copy of the server sharing its pages; it is not the job's memory.
      if (it->second != host->process.pid) used += ProcessMemoryBytes(it->second);
    }
    if (used <= host->spec->limits.memory_bytes) continue;
    LOG_WARN("job over its memory limit; killing it",
             {{"job", job->spec.id},
              {"host", host->spec->name},
              {"used_bytes", std::to_string(used)},
              {"limit_bytes", std::to_string(host->spec->limits.memory_bytes)}});
    if (job->cause == Cause::kNone) {
      job->cause_host = host->spec->name;
      BeginStop(*job, Cause::kOutOfMemory, job->grace);
    }
    HardKill(*host);
  }
}

void LocalBackend::Impl::FinishJobs() {
  std::vector<Job*> done;
  for (auto& [id, job] : jobs) {
    if (!job->admitted) continue;
    if (std::all_of(job->hosts.begin(), job->hosts.end(),
                    [](const HostRun& h) { return h.finished(); }))
      done.push_back(job.get());
  }
  for (Job* job : done) Finalize(*job);
}

void LocalBackend::Impl::Finalize(Job& job) {
  JobStatus& status = job.status;
  switch (job.cause) {
    case Cause::kNone:
      status.state = JobState::kCompleted;
      break;
    case Cause::kUserStop:
      status.state = JobState::kStopped;
      status.reason = "Stopped by user";
      break;
    case Cause::kTimeout:
      status.state = JobState::kStopped;
      status.reason = "MaxRuntimeExceeded";
      break;
    case Cause::kOutOfMemory:
      status.state = JobState::kFailed;
      status.reason = "OutOfMemory";
      break;
    case Cause::kHostFailed:
      status.state = JobState::kFailed;
      status.reason = job.cause_reason;
      break;
    case Cause::kShutdown:
      status.state = JobState::kFailed;
      status.reason = "server shut down";
      break;
  }
  if (status.state == JobState::kFailed) status.failed_host = job.cause_host;
  // The exit code and signal of the host that decided the outcome, else of the first one.
  const HostStatus* decisive = status.hosts.empty() ? nullptr : &status.hosts.front();
  for (const HostStatus& h : status.hosts) {
    if (h.name == job.cause_host) decisive = &h;
  }
  if (decisive) {
    status.exit_code = decisive->exit_code;
    status.signal = decisive->signal;
  }
  status.end_time_ms = NowMs();
  for (HostRun& host : job.hosts) {
    if (host.log) host.log->Sync();
    host.log.reset();
    host.cgroup.reset();
  }
  if (job.admitted) {
    queue.Release(job.spec.id);
    RemoveJobRecord(options.state_dir, job.spec.id);
  }
  LOG_INFO("job finished", {{"job", job.spec.id},
                            {"state", std::string(JobStateName(status.state))},
                            {"reason", status.reason}});
  Notify(status);
  jobs.erase(job.spec.id);
}

LocalBackend::LocalBackend(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

LocalBackend::~LocalBackend() = default;

void LocalBackend::Submit(JobSpec spec) {
  ValidateJobSpec(spec);
  if (impl_->sandbox->isolation() == Isolation::kNone) {
    for (const HostSpec& host : spec.hosts) {
      if (!host.binds.empty())
        throw RunnerError("bind mounts need a mount namespace, which this machine does not allow");
    }
  }
  JobStatus status;
  status.id = spec.id;
  status.state = JobState::kPending;
  status.submit_time_ms = NowMs();
  status.run_token = base::RandomHex(32);
  for (const HostSpec& host : spec.hosts) status.hosts.push_back({host.name, 0, {}, {}});
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->shutting_down) throw RunnerError("the runner is shutting down");
    auto it = impl_->statuses.find(spec.id);
    if (it != impl_->statuses.end() && !IsTerminal(it->second.state))
      throw RunnerError("job " + spec.id + " already exists");
    impl_->statuses[spec.id] = status;
    std::string id = spec.id;
    impl_->commands.push_back(
        {Command::kSubmit, std::move(id), std::move(spec), std::move(status)});
  }
  impl_->Wake();
}

bool LocalBackend::Stop(std::string_view job_id) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    auto it = impl_->statuses.find(job_id);
    if (it == impl_->statuses.end() || IsTerminal(it->second.state)) return false;
    impl_->commands.push_back({Command::kStop, std::string(job_id), {}, {}});
  }
  impl_->Wake();
  return true;
}

std::optional<JobStatus> LocalBackend::Status(std::string_view job_id) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto it = impl_->statuses.find(job_id);
  if (it == impl_->statuses.end()) return std::nullopt;
  return it->second;
}

std::vector<JobStatus> LocalBackend::List() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<JobStatus> out;
  for (const auto& [id, status] : impl_->statuses) out.push_back(status);
  return out;
}

std::optional<JobStatus> LocalBackend::Wait(std::string_view job_id,
                                            std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  auto done = [&] {
    auto it = impl_->statuses.find(job_id);
    return it == impl_->statuses.end() || IsTerminal(it->second.state);
  };
  impl_->changed.wait_for(lock, timeout, done);
  auto it = impl_->statuses.find(job_id);
  if (it == impl_->statuses.end()) return std::nullopt;
  return it->second;
}

Isolation LocalBackend::isolation() const { return impl_->sandbox->isolation(); }

bool LocalBackend::uses_cgroups() const { return impl_->cgroups != nullptr; }

const HostCapacity& LocalBackend::capacity() const { return impl_->capacity; }

}  // namespace runner
