#include "engines/runner/job_spec.h"

#include <set>

#include "engines/runner/backend.h"

namespace runner {
namespace {

bool IsSafeName(std::string_view name, size_t max_length) {
  if (name.empty() || name.size() > max_length || name.front() == '.') return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

}  // namespace

void ValidateJobSpec(const JobSpec& spec) {
  if (!IsSafeName(spec.id, 255))
    throw RunnerError("job id must be 1-255 characters of [A-Za-z0-9._-], not starting with '.'");
  if (!spec.directory.is_absolute()) throw RunnerError("job directory must be an absolute path");
  if (spec.hosts.empty()) throw RunnerError("a job needs at least one host");
  if (spec.hosts.size() > 256) throw RunnerError("a job may have at most 256 hosts");
  if (spec.max_runtime && spec.max_runtime->count() <= 0)
    throw RunnerError("max runtime must be positive");
  if (spec.stop_grace && spec.stop_grace->count() < 0)
    throw RunnerError("stop grace must not be negative");
  std::set<std::string_view> names;
  for (const HostSpec& host : spec.hosts) {
    if (!IsSafeName(host.name, 64))
      throw RunnerError("host names must be 1-64 characters of [A-Za-z0-9._-]");
    if (!names.insert(host.name).second) throw RunnerError("duplicate host name " + host.name);
    if (!host.ml_dir.is_absolute())
      throw RunnerError("host " + host.name + ": ml_dir must be absolute");
    if (host.argv.empty() || host.argv[0].empty())
      throw RunnerError("host " + host.name + ": empty command");
    for (const std::string& arg : host.argv) {
      if (HasNul(arg)) throw RunnerError("host " + host.name + ": NUL byte in command");
    }
    for (const auto& [key, value] : host.env) {
      if (key.empty() || key.find('=') != std::string::npos || HasNul(key) || HasNul(value))
        throw RunnerError("host " + host.name + ": invalid environment variable");
    }
    for (const BindMount& b : host.binds) {
      if (!b.source.is_absolute() || b.target.empty() || b.target.front() != '/' ||
          HasNul(b.source.string()) || HasNul(b.target))
        throw RunnerError("host " + host.name + ": bind mounts need absolute paths");
    }
    if (host.working_dir.empty() || host.working_dir.front() != '/' || HasNul(host.working_dir))
      throw RunnerError("host " + host.name + ": working_dir must be absolute");
    const ResourceLimits& l = host.limits;
    if (l.cpus < 0 || l.memory_bytes < 0 || l.max_processes < 0 || l.max_open_files < 0 ||
        l.gpus < 0)
      throw RunnerError("host " + host.name + ": negative resource limit");
  }
}

}  // namespace runner
