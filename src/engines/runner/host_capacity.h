// What this machine offers to jobs: the CPUs the server may run on, its memory and its GPUs.
// The scheduler admits jobs against it and resource_limits.h scales instance types down to it.
// Plain data; Detect() reads /proc and /sys and is thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace runner {

struct HostCapacity {
  // The CPU ids jobs may be pinned to (the server's own affinity mask); cpus() is their count.
  std::vector<int> cpu_ids;
  int64_t memory_bytes = 0;
  int gpus = 0;

  double cpus() const { return static_cast<double>(cpu_ids.size()); }

  // The server's CPU affinity, MemTotal from /proc/meminfo lowered to the memory limit of the
  // server's own cgroup (v2 memory.max or v1 memory.limit_in_bytes) when one is set, and the
  // number of /dev/nvidiaN devices.
  static HostCapacity Detect();
};

}  // namespace runner
