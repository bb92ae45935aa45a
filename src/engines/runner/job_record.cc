#include "engines/runner/job_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "base/files.h"
#include "base/json.h"
#include "base/log.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".json";

std::filesystem::path RecordPath(const std::filesystem::path& dir, const std::string& id) {
  return dir / (id + std::string(kSuffix));
}

JobRecord FromJson(const base::Json& j) {
  JobRecord r;
  r.job_id = j.at("job_id").get<std::string>();
  r.run_token = j.at("run_token").get<std::string>();
  r.submit_time_ms = j.at("submit_time_ms").get<int64_t>();
  r.start_time_ms = j.at("start_time_ms").get<int64_t>();
  for (const base::Json& h : j.at("hosts")) {
    r.hosts.push_back({h.at("name").get<std::string>(), h.at("pid").get<pid_t>(),
                       h.at("start_ticks").get<uint64_t>()});
  }
  return r;
}

}  // namespace

void SaveJobRecord(const std::filesystem::path& state_dir, const JobRecord& record) {
  base::Json hosts = base::Json::array();
  for (const JobRecord::Host& h : record.hosts) {
    hosts.push_back({{"name", h.name}, {"pid", h.pid}, {"start_ticks", h.start_ticks}});
  }
  base::Json j = {{"job_id", record.job_id},
                  {"run_token", record.run_token},
                  {"submit_time_ms", record.submit_time_ms},
                  {"start_time_ms", record.start_time_ms},
                  {"hosts", hosts}};
  // Replaced atomically but not fsynced: a record only matters while this machine stays up
  // (a machine crash ends every job process with it), and an fsync would sit on the path from
  // Submit to the job's first output.
  const fs::path path = RecordPath(state_dir, record.job_id);
  const fs::path tmp = path.string() + ".tmp";
  const std::string text = j.dump();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw base::IoError(std::string("create job record failed: ") + std::strerror(errno));
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size()) || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (n >= 0) err = errno;
    ::unlink(tmp.c_str());
    throw base::IoError(std::string("write job record failed: ") + std::strerror(err));
  }
}

void RemoveJobRecord(const std::filesystem::path& state_dir, const std::string& job_id) {
  std::error_code ec;
  std::filesystem::remove(RecordPath(state_dir, job_id), ec);
}

std::vector<JobRecord> LoadJobRecords(const std::filesystem::path& state_dir) {
  std::vector<JobRecord> records;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(state_dir, ec)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() != kSuffix || !entry.is_regular_file()) continue;
    try {
      auto text = base::ReadFile(path);
      if (!text) continue;
      records.push_back(FromJson(base::ParseJson(*text)));
    } catch (const std::exception& e) {
      LOG_WARN("dropping unreadable job record",
               {{"file", path.filename().string()}, {"error", e.what()}});
      std::filesystem::remove(path, ec);
    }
  }
  return records;
}

}  // namespace runner
