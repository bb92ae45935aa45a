// Starts one host of a job in its sandbox and reports what became of it.
//
// Process tree: the server's thread that calls Start forks a leader (the "shepherd") that is
// a new session and process group (its pid is the group and session id), gets SIGKILL (pid
// namespace) or a cleanup signal when that thread dies, enters the namespaces of the chosen
// Isolation (mounting the host directory at /opt/ml, then the extra bind mounts, then empty
// tmpfs over the masked paths), joins its cgroup, sets rlimits and CPU affinity, then forks the
// job's command and stays as its init: it reaps orphans, ignores the stop signals sent to the group
// (the command gets them directly), and when the command ends reports its wait status and kills
// whatever the command left behind. Between fork and exec only async-signal-safe system calls run;
// everything is prepared before the fork.
//
// The shepherd reports on a pipe, in fixed-size messages: started (exec succeeded), setup
// failed (which step, errno), exited (the command's wait status). End of file on that pipe
// means the shepherd is gone.
//
// Start must be called from a thread that lives as long as the processes should: their death
// signal fires when it exits. Not thread-safe otherwise; one runner thread owns a Sandbox.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engines/runner/isolation.h"
#include "engines/runner/job_spec.h"
#include "engines/runner/resource_limits.h"

namespace runner {

// The name of the marker variable every process of a job inherits.
inline constexpr std::string_view kJobTokenVariable = "UNISTUDIO_JOB_TOKEN";
// Where the process's /opt/ml really is (the mount point itself under namespaces).
inline constexpr std::string_view kMlRootVariable = "UNISTUDIO_ML_ROOT";

enum class SetupStep : int32_t {
  kSession = 1,
  kDeathSignal,
  kHostname,
  kCgroup,
  kMountPrivate,
  kBindMount,
  kExtraBind,
  kMask,
  kProc,
  kLimits,
  kAffinity,
  kFork,
  kStdio,
  kChdir,
  kExec,
};
std::string_view SetupStepName(SetupStep step);

struct ShepherdMessage {
  enum Kind : int32_t { kStarted = 1, kSetupFailed = 2, kExited = 3 };
  int32_t kind = 0;
  int32_t value = 0;  // SetupStep for kSetupFailed, the wait status for kExited
  int32_t error = 0;  // errno for kSetupFailed
};

struct LaunchSpec {
  // The host name the process sees (under kNamespaces) and the source of /opt/ml.
  std::string hostname;
  std::filesystem::path ml_dir;
  std::vector<BindMount> binds;  // mount namespaces only
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::string working_dir;
  ResourceLimits limits;
  std::vector<int> cpus;     // empty = no pinning
  int cgroup_procs_fd = -1;  // the cgroup to join, or -1
  std::string run_token;
};

struct SandboxedProcess {
  pid_t pid = -1;  // the shepherd: process group and session id of the tree
  uint64_t start_ticks = 0;
  // Non-blocking, close-on-exec read ends.
  int stdout_fd = -1;
  int stderr_fd = -1;
  int status_fd = -1;
};

class Sandbox {
 public:
  // Probes `mount_point` support and resolves kAuto to the best mode this machine allows
  // (creating the empty mount point directory if it is missing and that is permitted).
  Sandbox(Isolation isolation, std::string mount_point, std::vector<std::string> masked_paths);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  Isolation isolation() const { return isolation_; }
  const std::string& mount_point() const { return mount_point_; }

  // Starts one host. Throws RunnerError when pipes or the process cannot be created.
  SandboxedProcess Start(const LaunchSpec& spec);

  // The environment and command after the runner's additions and, without namespaces, the
  // rewriting of /opt/ml paths (exposed for tests and logs).
  std::map<std::string, std::string> FinalEnvironment(const LaunchSpec& spec) const;
  std::string RewritePath(const std::string& value, const std::filesystem::path& ml_dir) const;
  // `path` as seen by the process, translated to the host: under `mount_point` it lies in
  // `ml_dir`.
  static std::string MapToHost(const std::string& path, const std::string& mount_point,
                               const std::filesystem::path& ml_dir);

 private:
  Isolation isolation_;
  std::string mount_point_;
  std::vector<std::string> masked_paths_;
  int lifeline_read_ = -1;
  int lifeline_write_ = -1;
  int dev_null_ = -1;
};

}  // namespace runner
