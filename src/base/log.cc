#include "base/log.h"

#include <unistd.h>

#include <atomic>

#include "base/json.h"
#include "base/time.h"

namespace base {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<int> g_fd{2};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// Quotes a text-format value when it holds spaces, quotes or control characters.
std::string TextValue(std::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  if (plain) return std::string(v);
  return Json(std::string(v)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format = format; }
void SetLogLevel(LogLevel level) { g_level = level; }
void SetLogFd(int fd) { g_fd = fd; }
bool LogEnabled(LogLevel level) { return level >= g_level.load(); }

void Log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (!LogEnabled(level)) return;
  std::string line;
  std::string ts = FormatIso8601(Now());
  if (g_format == LogFormat::kJson) {
    OrderedJson j;
    j["time"] = ts;
    j["level"] = LevelName(level);
    j["msg"] = std::string(message);
    for (const auto& [k, v] : fields) j[k] = v;
    line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  } else {
    line = ts + " " + LevelName(level) + " " + std::string(message);
    for (const auto& [k, v] : fields) line += " " + k + "=" + TextValue(v);
  }
  line += '\n';
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(g_fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace base
