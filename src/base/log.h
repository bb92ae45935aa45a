// Process-wide structured logging: one line per event, as text or JSON (--log-format).
//
//   LOG_INFO("listening", {{"address", addr}});
//
// Fields are string pairs; values are escaped for the chosen format. Thread-safe: each line
// is written with one write(2) so lines from different threads never interleave. Callers
// must not put secrets into fields.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace base {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kText, kJson };

using LogFields = std::vector<std::pair<std::string, std::string>>;

void SetLogFormat(LogFormat format);
void SetLogLevel(LogLevel level);
// Redirects log lines to file descriptor `fd` (default 2, stderr).
void SetLogFd(int fd);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view message, const LogFields& fields = {});

}  // namespace base

#define LOG_DEBUG(...) \
  (::base::LogEnabled(::base::LogLevel::kDebug) ? ::base::Log(::base::LogLevel::kDebug, __VA_ARGS__) : void())
#define LOG_INFO(...) ::base::Log(::base::LogLevel::kInfo, __VA_ARGS__)
#define LOG_WARN(...) ::base::Log(::base::LogLevel::kWarn, __VA_ARGS__)
#define LOG_ERROR(...) ::base::Log(::base::LogLevel::kError, __VA_ARGS__)
