// Fuzzer support: turns fuzz input into a WireRequest and feeds it to the codecs. The input
// is an HTTP-like text: "METHOD TARGET\n", header lines "Name: value\n", an empty line, then
// the body. Malformed inputs still produce a request, so every byte reaches the decoders.
// For the libFuzzer targets only.
#pragma once

#include <fcntl.h>

#include <string>
#include <string_view>

#include "base/log.h"
#include "base/strings.h"
#include "platform/aws/api_error.h"
#include "platform/aws/protocol/codec.h"

namespace aws::protocol::fuzzing {

inline WireRequest ParseFuzzRequest(std::string_view data) {
  WireRequest r;
  auto next_line = [&data]() {
    size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data.remove_prefix(nl == std::string_view::npos ? data.size() : nl + 1);
    return line;
  };
  std::string_view request_line = next_line();
  size_t space = request_line.find(' ');
  r.method = std::string(request_line.substr(0, space));
  std::string_view target =
      space == std::string_view::npos ? std::string_view("/") : request_line.substr(space + 1);
  size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) {
    r.query = base::ParseQueryString(target.substr(q + 1)).value_or(r.query);
  }
  while (!data.empty()) {
    std::string_view line = next_line();
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    r.headers.Add(std::string(line.substr(0, colon)),
                  std::string(base::Trim(line.substr(colon + 1))));
  }
  r.body = std::string(data);
  return r;
}

// Resolves and decodes; every failure must be an ApiError. The decoded input is dumped and
// then offered to EncodeOutput as the operation's output (mostly refused, as input and output
// shapes differ), to exercise the encoders' checks too. Logs go to /dev/null.
inline void DecodeForFuzzing(const ServiceModel& model, std::string_view data) {
  static const bool quiet = [] {
    base::SetLogFd(open("/dev/null", O_WRONLY));
    return true;
  }();
  (void)quiet;
  WireRequest request = ParseFuzzRequest(data);
  try {
    RouteMatch route = ResolveOperation(model, request);
    base::Json input = DecodeInput(model, *route.operation, request, &route);
    (void)input.dump(-1, ' ', false, base::Json::error_handler_t::replace);
    if (route.operation->output() != nullptr) {
      (void)EncodeOutput(model, *route.operation, input, "fuzz");
    }
  } catch (const ApiError& e) {
    (void)EncodeError(model, e, "fuzz");
  }
}

}  // namespace aws::protocol::fuzzing
