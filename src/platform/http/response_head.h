// Serializes the head of an HTTP/1.1 response: the status line and the header fields. Used by
// the response writer and by the connection's own answers (400, 413, 431). Field names must
// be tokens and values must not hold CR, LF or NUL, so that bytes a handler copied from a
// request can never split a response. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "platform/http/headers.h"

namespace http {

// The interim answer to "Expect: 100-continue".
inline constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

// "HTTP/1.1 <status> <reason>\r\n" + fields + "\r\n". Throws base::Error for a status outside
// 200..599 or an invalid field.
std::string SerializeResponseHead(int status, const Headers& headers);

// The current time as an HTTP date ("Sun, 30 Aug 2015 12:36:00 GMT"), formatted once a second
// per thread.
const std::string& HttpDateNow();

// False for statuses whose responses never carry a body (204, 304).
bool StatusAllowsBody(int status);

}  // namespace http
