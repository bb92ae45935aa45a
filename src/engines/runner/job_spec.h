// What a caller asks the runner to run: a job of one or more "hosts" (process trees started
// together, like algo-1..algo-N of a distributed training job), each with its own command,
// environment, working directory, /opt/ml directory and resource limits. The caller prepares
// the directories' contents (configuration, data channels, code) and reads the results.
// Plain data; thread-compatible.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engines/runner/resource_limits.h"

namespace runner {

// A host path shown to the job's processes at another path.
struct BindMount {
  std::filesystem::path source;  // on the host
  std::string target;            // as the process sees it; must exist once /opt/ml is mounted
  bool read_only = true;
};

struct HostSpec {
  // Unique within the job; [A-Za-z0-9._-], used in the log file name ("algo-1").
  std::string name;
  // The host directory the process sees at /opt/ml (absolute; created if missing).
  std::filesystem::path ml_dir;
  // The command. argv[0] is an absolute path as the process sees it (so it may lie under
  // /opt/ml), or a bare name looked up in the host's PATH on this machine.
  std::vector<std::string> argv;
  // The process's whole environment. The runner adds UNISTUDIO_JOB_TOKEN (a marker every
  // process of the job inherits), UNISTUDIO_ML_ROOT (where /opt/ml really is for the process)
  // and PATH when missing.
  std::map<std::string, std::string> env;
  // Working directory as the process sees it.
  std::string working_dir = "/opt/ml";
  // More host paths shown to the process (read-only by default), mounted after /opt/ml so
  // targets may lie under it: a generated /etc/hosts naming algo-1..N, a data channel at
  // /opt/ml/input/data/<name> without copying. Needs a mount namespace (Isolation).
  std::vector<BindMount> binds;
  ResourceLimits limits;
};

struct JobSpec {
  // Unique among active jobs; [A-Za-z0-9._-], at most 255 characters, not starting with '.'.
  std::string id;
  // The job directory (absolute). Output is appended to <directory>/logs/<host>.log.
  std::filesystem::path directory;
  std::vector<HostSpec> hosts;
  // Wall-clock limit from the start of the job; the job is then stopped with reason
  // "MaxRuntimeExceeded".
  std::optional<std::chrono::milliseconds> max_runtime;
  // Time between SIGTERM and SIGKILL when the job is stopped; the runner's default if unset.
  std::optional<std::chrono::milliseconds> stop_grace;
};

// Throws RunnerError (backend.h) naming the first problem of `spec`.
void ValidateJobSpec(const JobSpec& spec);

}  // namespace runner
