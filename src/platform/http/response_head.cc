#include "platform/http/response_head.h"

#include <boost/beast/http/status.hpp>
#include <chrono>
#include <string_view>

#include "base/error.h"
#include "base/time.h"

namespace http {
namespace {

// RFC 9110 token characters.
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsValidValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

std::string SerializeResponseHead(int status, const Headers& headers) {
  if (status < 200 || status > 599) {
    throw base::Error("invalid response status " + std::to_string(status));
  }
  auto reason = boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
  if (reason == "<unknown-status>") reason = {};
  std::string out;
  size_t size = 32 + reason.size();
  for (const auto& [name, value] : headers.entries()) size += name.size() + value.size() + 4;
  out.reserve(size);
  out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ");
  out.append(reason.data(), reason.size()).append("\r\n");
  for (const auto& [name, value] : headers.entries()) {
    if (!IsValidName(name) || !IsValidValue(value)) {
      throw base::Error("invalid response header field " + std::string(name.substr(0, 64)));
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

const std::string& HttpDateNow() {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  base::TimePoint now = base::Now();
  int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != cached_second) {
    cached = base::FormatHttpDate(now);
    cached_second = second;
  }
  return cached;
}

bool StatusAllowsBody(int status) { return status != 204 && status != 304; }

}  // namespace http
