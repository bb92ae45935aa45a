// ProfilerConfig's system monitoring: samples the CPU and memory use of each host's process
// tree (the processes of the host's sandbox session) and renders them as the system metrics
// lines SageMaker's profiler writes under
// <S3OutputPath>/<job>/profiler-output/system/incremental/<YYYYMMDDHH>/<epoch>.<host>.json.
// Not thread-safe; one sampling thread per instance.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace sagemaker {

struct SystemSample {
  int64_t time_ms = 0;
  double cpu_percent = 0;     // of the CPUs the host was given
  int64_t memory_bytes = 0;   // proportional set size of the tree
  double memory_percent = 0;  // of the host's memory limit
};

class SystemProfiler {
 public:
  // The tree of `session` (the host's sandbox leader), given `cpus` and `memory_limit`.
  SystemSample Sample(const std::string& host, pid_t session, double cpus, int64_t memory_limit,
                      int64_t now_ms);

  // The sample as SageMaker's system metrics JSON lines (CPU, then memory).
  static std::string Render(const std::string& host, const SystemSample& sample);

 private:
  struct Previous {
    uint64_t ticks = 0;
    int64_t time_ms = 0;
  };
  std::map<std::string, Previous> previous_;
};

}  // namespace sagemaker
