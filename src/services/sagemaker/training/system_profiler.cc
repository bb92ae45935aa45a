#include "services/sagemaker/training/system_profiler.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "base/json.h"
#include "engines/runner/process_info.h"

namespace sagemaker {
namespace {

// utime + stime + cutime + cstime of a process, in clock ticks.
uint64_t CpuTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  uint64_t total = 0;
  // Fields after the command: state(3) ... utime(14) stime(15) cutime(16) cstime(17).
  for (int index = 3; index <= 17 && fields >> field; ++index) {
    if (index >= 14) total += std::strtoull(field.c_str(), nullptr, 10);
  }
  return total;
}

}  // namespace

SystemSample SystemProfiler::Sample(const std::string& host, pid_t session, double cpus,
                                    int64_t memory_limit, int64_t now_ms) {
  SystemSample s;
  s.time_ms = now_ms;
  uint64_t ticks = 0;
  for (const runner::ProcessInfo& p : runner::ListProcesses()) {
    if (p.sid != session || p.pid == session || p.state == 'Z') continue;
    ticks += CpuTicks(p.pid);
    s.memory_bytes += runner::ProcessMemoryBytes(p.pid);
  }
  Previous& prev = previous_[host];
  if (prev.time_ms > 0 && now_ms > prev.time_ms && ticks >= prev.ticks) {
    double seconds = static_cast<double>(now_ms - prev.time_ms) / 1000.0;
    double used = static_cast<double>(ticks - prev.ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
    s.cpu_percent = used / (seconds * (cpus > 0 ? cpus : 1.0)) * 100.0;
  }
  prev = {ticks, now_ms};
  if (memory_limit > 0) {
    s.memory_percent = static_cast<double>(s.memory_bytes) / static_cast<double>(memory_limit) * 100;
  }
  return s;
}

std::string SystemProfiler::Render(const std::string& host, const SystemSample& sample) {
  double ts = static_cast<double>(sample.time_ms) / 1000.0;
  base::Json cpu = {{"Name", "CPUUtilization"}, {"Type", "cpu"}, {"Dimension", "CPUUtilization"},
                    {"Value", sample.cpu_percent}, {"Timestamp", ts}, {"Hostname", host}};
  base::Json mem = {{"Name", "MemoryUsedPercent"}, {"Type", "memory"},
                    {"Dimension", "MemoryUsedPercent"}, {"Value", sample.memory_percent},
                    {"Timestamp", ts}, {"Hostname", host},
                    {"MemoryUsedBytes", sample.memory_bytes}};
  return cpu.dump() + "\n" + mem.dump() + "\n";
}

}  // namespace sagemaker
