// Resource limits enforced by the kernel through cgroup v2: a parent cgroup the server may
// write (its own, when it is delegated with the cpu, memory and pids controllers) and one
// child group per job host with cpu.max, memory.max (swap off, the whole group killed on OOM)
// and pids.max. Where cgroup v2 or its controllers are unavailable (containers without
// delegation, gVisor, cgroup v1 hosts) the runner falls back to rlimits and its own memory
// watchdog. Not thread-safe: the runner's thread owns it.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "engines/runner/resource_limits.h"

namespace runner {

class CgroupV2 {
 public:
  // One host's group; removed (after killing what is left in it) on destruction.
  class Group {
   public:
    ~Group();
    Group(const Group&) = delete;
    Group& operator=(const Group&) = delete;

    // A write-only descriptor of cgroup.procs: writing "0" to it moves the writer in.
    // Throws base::IoError.
    int OpenProcs();
    // True when the kernel OOM-killed a process of the group (memory.events oom_kill).
    bool OomKilled() const;
    // Kills every process in the group (cgroup.kill, or one by one on older kernels).
    void KillAll();
    const std::filesystem::path& path() const { return path_; }

   private:
    friend class CgroupV2;
    explicit Group(std::filesystem::path path) : path_(std::move(path)) {}
    std::filesystem::path path_;
    int procs_fd_ = -1;
  };

  // The cgroup v2 directory this process is in, when /sys/fs/cgroup is a cgroup2 mount.
  static std::optional<std::filesystem::path> OwnCgroup();
  // Prepares `parent` for job groups: it must offer cpu, memory and pids, which are enabled
  // for its children. Returns nullptr and sets `why` when that is not possible.
  static std::unique_ptr<CgroupV2> Open(const std::filesystem::path& parent, std::string* why);

  // Creates <parent>/<name> with `limits`. Throws base::IoError.
  std::unique_ptr<Group> CreateGroup(const std::string& name, const ResourceLimits& limits);
  // Kills what is left in <parent>/<name> and removes it, if it exists (a group of a job that
  // ran when the server died).
  void RemoveGroup(const std::string& name);
  // The group name of one host of a job.
  static std::string GroupName(const std::string& job_id, const std::string& host);

  const std::filesystem::path& parent() const { return parent_; }

 private:
  explicit CgroupV2(std::filesystem::path parent) : parent_(std::move(parent)) {}
  std::filesystem::path parent_;
};

}  // namespace runner
