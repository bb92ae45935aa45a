// The interface of a job-running backend: the local-process backend (local_backend.h) runs
// jobs on this machine; a Slurm backend can implement the same contract for a cluster.
//
// Submit queues a job and returns at once; its progress arrives through the callbacks given
// to the backend and can be polled with Status or awaited with Wait. Implementations are
// thread-safe: any thread may call any method at any time, including from the callbacks.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "engines/runner/job_spec.h"
#include "engines/runner/job_status.h"

namespace runner {

// A request the runner cannot accept (an invalid spec, a duplicate id, a stopped runner) or a
// system failure preparing a job. The message is safe to show a client.
class RunnerError : public base::Error {
 public:
  using base::Error::Error;
};

// Where a backend reports progress. Both are called on the backend's own thread, one call at
// a time, in order: every output line of a job before its terminal status. They must not
// block for long; they may call back into the backend.
struct JobCallbacks {
  std::function<void(const JobStatus&)> on_status;
  std::function<void(std::string_view job_id, const OutputLine&)> on_output;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Queues `spec`; the job starts Pending. Throws RunnerError when the spec is invalid or a
  // job with the same id is still active.
  virtual void Submit(JobSpec spec) = 0;
  // Asks an active job to stop: SIGTERM, then SIGKILL after the grace period. Returns false
  // when no such job is active. Does not wait.
  virtual bool Stop(std::string_view job_id) = 0;
  virtual std::optional<JobStatus> Status(std::string_view job_id) const = 0;
  // Active jobs and recently finished ones.
  virtual std::vector<JobStatus> List() const = 0;
  // Blocks until the job is terminal or `timeout` passes; returns its latest status (nullopt
  // for an unknown job).
  virtual std::optional<JobStatus> Wait(std::string_view job_id,
                                        std::chrono::milliseconds timeout) const = 0;
};

}  // namespace runner
