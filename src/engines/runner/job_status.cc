#include "engines/runner/job_status.h"

#include <string.h>
#include <sys/wait.h>

namespace runner {

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kPending:
      return "Pending";
    case JobState::kStarting:
      return "Starting";
    case JobState::kRunning:
      return "Running";
    case JobState::kStopping:
      return "Stopping";
    case JobState::kCompleted:
      return "Completed";
    case JobState::kFailed:
      return "Failed";
    case JobState::kStopped:
      return "Stopped";
  }
  return "Unknown";
}

bool IsTerminal(JobState state) {
  return state == JobState::kCompleted || state == JobState::kFailed || state == JobState::kStopped;
}

std::string_view OutputStreamName(OutputStream stream) {
  return stream == OutputStream::kStdout ? "stdout" : "stderr";
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with code " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    std::string out = "killed by signal " + std::to_string(sig);
    if (const char* abbrev = sigabbrev_np(sig)) out += std::string(" (SIG") + abbrev + ")";
    return out;
  }
  return "ended with status " + std::to_string(wait_status);
}

}  // namespace runner
