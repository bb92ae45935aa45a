#include "engines/runner/resource_limits.h"

#include <algorithm>
#include <cmath>

namespace runner {

ResourceLimits LimitsForInstance(const InstanceType& type, int instance_count,
                                 const HostCapacity& host) {
  const double count = std::max(1, instance_count);
  const double type_memory = type.memory_gib * 1024.0 * 1024.0 * 1024.0;
  const double cpu_share = std::min(1.0, host.cpus() / (count * type.vcpus));
  const double memory_share =
      std::min(1.0, static_cast<double>(host.memory_bytes) / (count * type_memory));
  ResourceLimits limits;
  limits.cpus = type.vcpus * cpu_share;
  limits.memory_bytes = static_cast<int64_t>(std::floor(type_memory * memory_share));
  limits.gpus = std::min(type.gpus, static_cast<int>(host.gpus / count));
  limits.max_processes = kDefaultMaxProcesses;
  limits.max_open_files = kDefaultMaxOpenFiles;
  return limits;
}

uint64_t OpenFilesLimit(int64_t wanted, uint64_t hard_limit) {
  return std::min(static_cast<uint64_t>(std::max<int64_t>(0, wanted)), hard_limit);
}

}  // namespace runner
