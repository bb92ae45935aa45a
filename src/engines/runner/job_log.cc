#include "engines/runner/job_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "base/error.h"
#include "base/files.h"
#include "base/log.h"

namespace runner {

JobLog::JobLog(const std::filesystem::path& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) throw base::IoError(std::string("open job log failed: ") + std::strerror(errno));
}

JobLog::~JobLog() {
  Flush();
  ::close(fd_);
}

void JobLog::Add(const OutputLine& line) {
  buffer_ += std::to_string(line.time_ms);
  buffer_ += ' ';
  buffer_ += OutputStreamName(line.stream);
  buffer_ += ' ';
  buffer_ += line.text;
  buffer_ += '\n';
}

void JobLog::Flush() {
  size_t done = 0;
  while (done < buffer_.size() && !failed_) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      LOG_WARN("job log write failed; later lines are not kept in the file",
               {{"error", std::strerror(errno)}});
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void JobLog::Sync() {
  Flush();
  ::fsync(fd_);
}

std::vector<OutputLine> JobLog::Read(const std::filesystem::path& path, const std::string& host) {
  std::vector<OutputLine> lines;
  auto text = base::ReadFile(path);
  if (!text) return lines;
  std::string_view rest(*text);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) break;  // a torn last write
    std::string_view record = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    size_t sp1 = record.find(' ');
    if (sp1 == std::string_view::npos) continue;
    size_t sp2 = record.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) continue;
    OutputLine line;
    auto [p, ec] = std::from_chars(record.data(), record.data() + sp1, line.time_ms);
    if (ec != std::errc() || p != record.data() + sp1) continue;
    std::string_view stream = record.substr(sp1 + 1, sp2 - sp1 - 1);
    if (stream == "stdout") {
      line.stream = OutputStream::kStdout;
    } else if (stream == "stderr") {
      line.stream = OutputStream::kStderr;
    } else {
      continue;
    }
    line.host = host;
    line.text = std::string(record.substr(sp2 + 1));
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace runner
