// What /proc says about a process: its parent, process group, session and start time (the
// start time tells a process from a later one that reused its pid), and helpers that find the
// processes of a job and measure their memory. Reads of vanished processes give nullopt or 0;
// nothing here throws. Thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace runner {

struct ProcessInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t sid = 0;
  char state = '?';          // R, S, D, Z (zombie), ...
  uint64_t start_ticks = 0;  // clock ticks after boot (/proc/<pid>/stat field 22)
};

std::optional<ProcessInfo> ReadProcessInfo(pid_t pid);
// Every process visible in /proc.
std::vector<ProcessInfo> ListProcesses();

// True when the environment of `pid` holds exactly `entry` ("NAME=value").
bool HasEnvironmentEntry(pid_t pid, std::string_view entry);

// Memory the process accounts for: its proportional set size (shared pages divided among
// their users, from smaps_rollup), or its resident set size where that file is missing.
int64_t ProcessMemoryBytes(pid_t pid);

// The processes of one sandboxed process tree, found after the fact (a restart, stragglers of
// a tree whose leader exited): every live process whose environment holds `marker_entry`,
// and every process of session `sid` that started no earlier than the leader did (start
// ticks `leader_start_ticks`), unless the session id is now owned by a different leader.
struct ProcessTreeQuery {
  pid_t sid = 0;
  uint64_t leader_start_ticks = 0;
  std::string_view marker_entry;
};
std::vector<pid_t> FindProcessTree(const ProcessTreeQuery& query);

// Sends SIGKILL to every process FindProcessTree finds, repeating until none is left or
// `timeout_ms` passes. Returns how many processes were killed.
int KillProcessTree(const ProcessTreeQuery& query, int timeout_ms);

}  // namespace runner
