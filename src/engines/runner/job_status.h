// What the runner reports about a job: its state, why it ended, the exit code or signal, and
// its output lines. Plain data; thread-compatible.
//
// States move Pending -> Starting -> Running -> (Stopping ->) Completed | Failed | Stopped. A
// job stopped before it started goes Pending -> Stopped. Reasons are stable strings callers
// may match: "OutOfMemory", "MaxRuntimeExceeded", "Stopped by user", "server restarted",
// "server shut down", "exited with code N", "killed by signal N (SIGNAME)" and
// "could not start: ..." for a command that could not be executed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runner {

enum class JobState { kPending, kStarting, kRunning, kStopping, kCompleted, kFailed, kStopped };

std::string_view JobStateName(JobState state);
bool IsTerminal(JobState state);

struct HostStatus {
  std::string name;
  // The process id (on this machine) of the host's sandbox leader, which is also the id of
  // its process group and session; 0 before it starts.
  int pid = 0;
  std::optional<int> exit_code;
  std::optional<int> signal;
};

struct JobStatus {
  std::string id;
  JobState state = JobState::kPending;
  // Why the job ended (empty while it runs and when it completed).
  std::string reason;
  // Of the host that decided the outcome (the failing one, else the first).
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string failed_host;
  // Milliseconds since the epoch; 0 when not reached.
  int64_t submit_time_ms = 0;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;
  std::vector<HostStatus> hosts;
  // The value of UNISTUDIO_JOB_TOKEN in every process of this run of the job.
  std::string run_token;
};

enum class OutputStream { kStdout, kStderr };

std::string_view OutputStreamName(OutputStream stream);

struct OutputLine {
  std::string host;
  OutputStream stream = OutputStream::kStdout;
  int64_t time_ms = 0;  // when the runner read it, milliseconds since the epoch
  std::string text;     // without the line terminator
};

// "exited with code 3" or "killed by signal 9 (SIGKILL)" for a waitpid(2) status.
std::string DescribeWaitStatus(int wait_status);

}  // namespace runner
