// The file a host's output lines are appended to (<job directory>/logs/<host>.log), so they
// outlive the server process, and its reader. One line per output line:
//
//   <milliseconds since the epoch> <stdout|stderr> <text>\n
//
// Lines are buffered by Add and written with one write(2) per Flush; the file is opened with
// O_APPEND. A write failure (a full disk) is logged once and the lines are dropped: the job
// keeps running. Not thread-safe; one writer per file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engines/runner/job_status.h"

namespace runner {

class JobLog {
 public:
  // Opens (creating) `path` for appending. Throws base::IoError.
  explicit JobLog(const std::filesystem::path& path);
  ~JobLog();
  JobLog(const JobLog&) = delete;
  JobLog& operator=(const JobLog&) = delete;

  void Add(const OutputLine& line);
  void Flush();
  // Flushes and fsyncs.
  void Sync();

  // The lines of a log written by JobLog, attributed to `host`. Malformed lines are skipped;
  // a missing file gives no lines. Throws base::IoError on other read failures.
  static std::vector<OutputLine> Read(const std::filesystem::path& path, const std::string& host);

 private:
  int fd_ = -1;
  std::string buffer_;
  bool failed_ = false;
};

}  // namespace runner
