#include "engines/runner/process_info.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>

namespace runner {
namespace {

// Reads a small /proc file into `out`; false when it cannot be opened.
bool ReadProcFile(const char* path, std::string* out) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string ProcPath(pid_t pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

// "Pss:   1234 kB" -> bytes, from a smaps_rollup or status text.
std::optional<int64_t> FieldKib(std::string_view text, std::string_view name) {
  size_t at = text.find(name);
  while (at != std::string_view::npos && at != 0 && text[at - 1] != '\n')
    at = text.find(name, at + 1);
  if (at == std::string_view::npos) return std::nullopt;
  size_t i = at + name.size();
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  size_t j = i;
  while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
  int64_t kib = 0;
  if (!ParseNumber(text.substr(i, j - i), &kib)) return std::nullopt;
  return kib * 1024;
}

}  // namespace

std::optional<ProcessInfo> ReadProcessInfo(pid_t pid) {
  std::string text;
  if (!ReadProcFile(ProcPath(pid, "stat").c_str(), &text)) return std::nullopt;
  // "pid (comm) state ppid pgrp session ..."; comm may hold spaces and parentheses.
  size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return std::nullopt;
  std::string_view rest = std::string_view(text).substr(close + 2);
  ProcessInfo info;
  info.pid = pid;
  int field = 3;
  while (!rest.empty() && field <= 22) {
    size_t sp = rest.find(' ');
    std::string_view value = rest.substr(0, sp);
    bool ok = true;
    switch (field) {
      case 3:
        info.state = value.empty() ? '?' : value[0];
        break;
      case 4:
        ok = ParseNumber(value, &info.ppid);
        break;
      case 5:
        ok = ParseNumber(value, &info.pgid);
        break;
      case 6:
        ok = ParseNumber(value, &info.sid);
        break;
      case 22:
        ok = ParseNumber(value, &info.start_ticks);
        break;
      default:
        break;
    }
    if (!ok) return std::nullopt;
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
    ++field;
  }
  if (field < 22) return std::nullopt;
  return info;
}

std::vector<ProcessInfo> ListProcesses() {
  std::vector<ProcessInfo> out;
  DIR* dir = ::opendir("/proc");
  if (!dir) return out;
  while (dirent* entry = ::readdir(dir)) {
    pid_t pid = 0;
    if (!ParseNumber(std::string_view(entry->d_name), &pid) || pid <= 0) continue;
    if (auto info = ReadProcessInfo(pid)) out.push_back(*info);
  }
  ::closedir(dir);
  return out;
}

bool HasEnvironmentEntry(pid_t pid, std::string_view entry) {
  std::string text;
  if (!ReadProcFile(ProcPath(pid, "environ").c_str(), &text)) return false;
  std::string_view rest(text);
  while (!rest.empty()) {
    size_t nul = rest.find('\0');
    if (rest.substr(0, nul) == entry) return true;
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return false;
}

int64_t ProcessMemoryBytes(pid_t pid) {
  std::string text;
  if (ReadProcFile(ProcPath(pid, "smaps_rollup").c_str(), &text)) {
    if (auto pss = FieldKib(text, "Pss:")) return *pss;
  }
  if (ReadProcFile(ProcPath(pid, "status").c_str(), &text)) {
    if (auto rss = FieldKib(text, "VmRSS:")) return *rss;
  }
  return 0;
}

std::vector<pid_t> FindProcessTree(const ProcessTreeQuery& query) {
  std::vector<ProcessInfo> all = ListProcesses();
  bool session_is_ours = query.sid > 0;
  for (const ProcessInfo& p : all) {
    if (p.pid == query.sid && p.start_ticks != query.leader_start_ticks) session_is_ours = false;
  }
  std::vector<pid_t> found;
  const pid_t self = ::getpid();
  for (const ProcessInfo& p : all) {
    if (p.pid == self || p.state == 'Z') continue;
    bool in_session =
        session_is_ours && p.sid == query.sid && p.start_ticks >= query.leader_start_ticks;
    if (in_session ||
        (!query.marker_entry.empty() && HasEnvironmentEntry(p.pid, query.marker_entry))) {
      found.push_back(p.pid);
    }
  }
  return found;
}

int KillProcessTree(const ProcessTreeQuery& query, int timeout_ms) {
  std::set<pid_t> killed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    std::vector<pid_t> pids = FindProcessTree(query);
    if (pids.empty()) break;
    for (pid_t pid : pids) {
      if (::kill(pid, SIGKILL) == 0) killed.insert(pid);
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return static_cast<int>(killed.size());
}

}  // namespace runner
