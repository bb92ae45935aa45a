#include "engines/runner/cgroup_v2.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <thread>

#include "base/error.h"
#include "base/files.h"
#include "base/strings.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kCpuPeriodMicros = 100000;

// Writes `value` to an existing control file; false (errno set) on failure.
bool WriteControl(const fs::path& file, std::string_view value) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_TRUNC);
  if (fd < 0) return false;
  ssize_t n = ::write(fd, value.data(), value.size());
  int err = errno;
  ::close(fd);
  errno = err;
  return n == static_cast<ssize_t>(value.size());
}

void WriteControlOrThrow(const fs::path& file, std::string_view value) {
  if (!WriteControl(file, value))
    throw base::IoError("cgroup " + file.filename().string() +
                        " write failed: " + std::strerror(errno));
}

std::set<std::string> Words(const std::optional<std::string>& text) {
  std::set<std::string> out;
  if (!text) return out;
  for (const std::string& w : base::Split(base::Trim(*text), ' ')) {
    if (!w.empty()) out.insert(std::string(base::Trim(w)));
  }
  return out;
}

std::optional<std::string> TryRead(const fs::path& file) {
  try {
    return base::ReadFile(file);
  } catch (const base::IoError&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<fs::path> CgroupV2::OwnCgroup() {
  struct statfs sfs;
  if (::statfs("/sys/fs/cgroup", &sfs) != 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
    return std::nullopt;
  auto text = TryRead("/proc/self/cgroup");
  if (!text) return std::nullopt;
  for (const std::string& line : base::Split(*text, '\n')) {
    if (line.starts_with("0::"))
      return fs::path("/sys/fs/cgroup") / fs::path(line.substr(3)).relative_path();
  }
  return std::nullopt;
}

std::unique_ptr<CgroupV2> CgroupV2::Open(const fs::path& parent, std::string* why) {
  std::set<std::string> available = Words(TryRead(parent / "cgroup.controllers"));
  for (const char* c : {"cpu", "memory", "pids"}) {
    if (!available.count(c)) {
      *why = std::string("cgroup controller ") + c + " is not available";
      return nullptr;
    }
  }
  std::set<std::string> enabled = Words(TryRead(parent / "cgroup.subtree_control"));
  if (!enabled.count("cpu") || !enabled.count("memory") || !enabled.count("pids")) {
    if (!WriteControl(parent / "cgroup.subtree_control", "+cpu +memory +pids")) {
      *why = std::string("cannot enable cgroup controllers for children: ") + std::strerror(errno);
      return nullptr;
    }
  }
  return std::unique_ptr<CgroupV2>(new CgroupV2(parent));
}

std::unique_ptr<CgroupV2::Group> CgroupV2::CreateGroup(const std::string& name,
                                                       const ResourceLimits& limits) {
  fs::path path = parent_ / name;
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    throw base::IoError(std::string("cgroup mkdir failed: ") + std::strerror(errno));
  std::unique_ptr<Group> group(new Group(path));
  if (limits.cpus > 0) {
    int64_t quota = std::max<int64_t>(1000, std::llround(limits.cpus * kCpuPeriodMicros));
    WriteControlOrThrow(path / "cpu.max",
                        std::to_string(quota) + " " + std::to_string(kCpuPeriodMicros));
  }
  if (limits.memory_bytes > 0) {
    WriteControlOrThrow(path / "memory.max", std::to_string(limits.memory_bytes));
    // Without swap accounting the file is missing and the limit already covers everything.
    WriteControl(path / "memory.swap.max", "0");
    WriteControlOrThrow(path / "memory.oom.group", "1");
  }
  if (limits.max_processes > 0)
    WriteControlOrThrow(path / "pids.max", std::to_string(limits.max_processes));
  return group;
}

void CgroupV2::RemoveGroup(const std::string& name) {
  std::error_code ec;
  if (!fs::is_directory(parent_ / name, ec)) return;
  Group group(parent_ / name);  // its destructor kills and removes
}

std::string CgroupV2::GroupName(const std::string& job_id, const std::string& host) {
  return "unistudio-" + job_id + "-" + host;
}

int CgroupV2::Group::OpenProcs() {
  if (procs_fd_ < 0) {
    procs_fd_ = ::open((path_ / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (procs_fd_ < 0)
      throw base::IoError(std::string("cgroup.procs open failed: ") + std::strerror(errno));
  }
  return procs_fd_;
}

bool CgroupV2::Group::OomKilled() const {
  auto text = TryRead(path_ / "memory.events");
  if (!text) return false;
  for (const std::string& line : base::Split(*text, '\n')) {
    if (line.starts_with("oom_kill ")) return std::strtoll(line.c_str() + 9, nullptr, 10) > 0;
  }
  return false;
}

void CgroupV2::Group::KillAll() {
  if (WriteControl(path_ / "cgroup.kill", "1")) return;
  auto text = TryRead(path_ / "cgroup.procs");
  if (!text) return;
  for (const std::string& line : base::Split(*text, '\n')) {
    pid_t pid = static_cast<pid_t>(std::strtol(line.c_str(), nullptr, 10));
    if (pid > 0) ::kill(pid, SIGKILL);
  }
}

CgroupV2::Group::~Group() {
  if (procs_fd_ >= 0) ::close(procs_fd_);
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (::rmdir(path_.c_str()) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) break;
    KillAll();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace runner
