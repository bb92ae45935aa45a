#include "engines/runner/host_capacity.h"

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/files.h"
#include "base/strings.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

std::optional<int64_t> ParseInt(std::string_view s) {
  s = base::Trim(s);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

int64_t MemTotalBytes() {
  auto text = base::ReadFile("/proc/meminfo");
  if (!text) return 0;
  for (const std::string& line : base::Split(*text, '\n')) {
    if (!line.starts_with("MemTotal:")) continue;
    std::string_view rest = std::string_view(line).substr(9);
    rest = base::Trim(rest);
    size_t end = rest.find(' ');
    auto kib = ParseInt(rest.substr(0, end));
    return kib ? *kib * 1024 : 0;
  }
  return 0;
}

// The memory limit of the cgroup this process is in, if any.
std::optional<int64_t> OwnCgroupMemoryLimit() {
  auto text = base::ReadFile("/proc/self/cgroup");
  if (!text) return std::nullopt;
  std::optional<int64_t> limit;
  for (const std::string& line : base::Split(*text, '\n')) {
    auto parts = base::Split(line, ':');
    if (parts.size() < 3) continue;
    const std::string& path = parts[2];
    fs::path file;
    if (parts[0] == "0" && parts[1].empty()) {
      file = fs::path("/sys/fs/cgroup") / fs::path(path).relative_path() / "memory.max";
    } else if (parts[1] == "memory") {
      file = fs::path("/sys/fs/cgroup/memory") / fs::path(path).relative_path() /
             "memory.limit_in_bytes";
    } else {
      continue;
    }
    std::optional<std::string> value;
    try {
      value = base::ReadFile(file);
    } catch (const std::exception&) {
      continue;
    }
    if (!value) continue;
    if (auto v = ParseInt(*value); v && *v > 0) limit = limit ? std::min(*limit, *v) : *v;
  }
  return limit;
}

int CountGpus() {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/dev", ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() > 6 && name.starts_with("nvidia") &&
        std::all_of(name.begin() + 6, name.end(), [](unsigned char c) { return std::isdigit(c); }))
      ++n;
  }
  return n;
}

}  // namespace

HostCapacity HostCapacity::Detect() {
  HostCapacity host;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) host.cpu_ids.push_back(cpu);
    }
  }
  if (host.cpu_ids.empty()) host.cpu_ids.push_back(0);
  host.memory_bytes = MemTotalBytes();
  if (auto limit = OwnCgroupMemoryLimit();
      limit && (host.memory_bytes == 0 || *limit < host.memory_bytes))
    host.memory_bytes = *limit;
  host.gpus = CountGpus();
  return host;
}

}  // namespace runner
