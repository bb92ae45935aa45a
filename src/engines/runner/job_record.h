// The on-disk note of a job whose processes are running: enough to find and kill them after
// the server dies (each host's sandbox leader pid, which is also its process group and
// session id, with its start time to defeat pid reuse, and the job's marker token). One JSON
// file per job in the runner's state directory, written atomically when the job's processes
// have started and removed when they have ended. Functions are thread-safe for different
// job ids.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace runner {

struct JobRecord {
  struct Host {
    std::string name;
    pid_t pid = 0;
    uint64_t start_ticks = 0;
  };
  std::string job_id;
  std::string run_token;
  int64_t submit_time_ms = 0;
  int64_t start_time_ms = 0;
  std::vector<Host> hosts;
};

// Writes <state_dir>/<job_id>.json. Throws base::IoError.
void SaveJobRecord(const std::filesystem::path& state_dir, const JobRecord& record);
void RemoveJobRecord(const std::filesystem::path& state_dir, const std::string& job_id);
// Every record in `state_dir`. Unreadable or malformed files are logged and deleted.
std::vector<JobRecord> LoadJobRecords(const std::filesystem::path& state_dir);

}  // namespace runner
