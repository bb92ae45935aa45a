// The backend that runs jobs as sandboxed processes on this machine.
//
// One thread of its own ("the runner thread") admits jobs from the FIFO queue while the host
// has room (admission_queue.h: CPUs, memory, whole GPUs), starts each host of a job in its
// sandbox (sandbox.h: /opt/ml and extra bind mounts, rlimits, CPU pinning, GPU devices), reads
// their output line by line into the job's log files and the on_output callback, enforces the
// wall-clock limit and, without cgroup v2, the memory limit (a watchdog sums the proportional
// memory of each tree every watchdog_interval and kills a tree over its limit: reason
// "OutOfMemory"), stops jobs (SIGTERM to the process group, SIGKILL after the grace period), and
// reports every state change through on_status. When one host of a job fails, the others are
// stopped and the job fails.
//
// Restart safety: every running job has a record in state_dir. The processes die with the
// server (the death signal of each tree's leader; with a pid namespace the kernel then kills
// the whole tree). A new LocalBackend on the same state_dir kills whatever survived of the
// recorded jobs (matching each leader's start time, so a reused pid is left alone, and the
// job's marker variable) and reports them Failed with reason "server restarted". It does not
// re-attach to survivors: their output pipes died with the old server.
//
// The destructor stops every job (SIGTERM, SIGKILL after shutdown_grace), reports them Failed
// with reason "server shut down", and joins the thread. All methods are thread-safe and never
// wait for a job, except Wait.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engines/runner/backend.h"
#include "engines/runner/host_capacity.h"
#include "engines/runner/isolation.h"

namespace runner {

class LocalBackend : public Backend {
 public:
  struct Options {
    // Records of running jobs (created if missing). Required.
    std::filesystem::path state_dir;
    JobCallbacks callbacks;
    // What jobs are admitted against; detected when unset.
    std::optional<HostCapacity> capacity;
    // Admission may commit up to capacity x overcommit (at least 1).
    double cpu_overcommit = 1.0;
    double memory_overcommit = 1.0;
    // SIGTERM-to-SIGKILL delay of Stop(), unless a job sets its own (SageMaker uses 120 s).
    std::chrono::milliseconds stop_grace{120000};
    // The same delay when the backend is destroyed.
    std::chrono::milliseconds shutdown_grace{5000};
    Isolation isolation = Isolation::kAuto;
    std::string mount_point = "/opt/ml";
    // Directories hidden from jobs under namespaces (an empty read-only tmpfs is mounted on
    // them), e.g. the data directory that holds every job's files.
    std::vector<std::string> masked_paths;
    // Enforce limits with cgroup v2 when the server's cgroup allows it (else rlimits and the
    // watchdog). `cgroup_parent` overrides the server's own cgroup as the parent of job groups.
    bool use_cgroups = true;
    std::optional<std::filesystem::path> cgroup_parent;
    // Longer output lines are split.
    size_t max_line_bytes = 64 * 1024;
    std::chrono::milliseconds watchdog_interval{200};  // at least 10 ms
    // Finished jobs kept for Status/List.
    size_t max_finished_jobs = 1000;
  };

  // Recovers the jobs recorded in state_dir (see above), probes the sandbox and starts the
  // runner thread. Throws RunnerError when state_dir is unusable or a requested isolation is
  // unavailable.
  explicit LocalBackend(Options options);
  ~LocalBackend() override;
  LocalBackend(const LocalBackend&) = delete;
  LocalBackend& operator=(const LocalBackend&) = delete;

  void Submit(JobSpec spec) override;
  bool Stop(std::string_view job_id) override;
  std::optional<JobStatus> Status(std::string_view job_id) const override;
  std::vector<JobStatus> List() const override;
  std::optional<JobStatus> Wait(std::string_view job_id,
                                std::chrono::milliseconds timeout) const override;

  // The isolation in use (never kAuto) and whether cgroup v2 enforces the limits.
  Isolation isolation() const;
  bool uses_cgroups() const;
  const HostCapacity& capacity() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runner
