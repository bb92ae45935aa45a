// The HTTP request and response as the protocol codecs see them: a request already read in
// full (or, for operations with a streaming input payload, without its body), and a response
// to write. Plain values; not thread-safe, like any value.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "platform/http/headers.h"

namespace aws::protocol {

struct WireRequest {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // raw, still percent-encoded: "/bucket/a%20b"
  std::vector<std::pair<std::string, std::string>> query;  // decoded name/value pairs
  http::Headers headers;
  std::string body;
};

struct WireResponse {
  int status = 200;
  http::Headers headers;
  std::string body;
};

}  // namespace aws::protocol
