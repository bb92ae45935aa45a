// One HTTP request as handlers see it: the head, parsed, and the body as a stream that the
// handler pulls from. The body is not read before the handler asks for it, so a handler can
// refuse a request (an authentication failure, say) without receiving a gigabyte upload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "platform/http/headers.h"

namespace http {

// Thrown by BodyReader when the body cannot be delivered: the client went away or stalled past
// the idle timeout, the framing is broken, or the body exceeds the server's limit.
class BodyError : public base::Error {
 public:
  enum class Kind { kClientGone, kTimeout, kMalformed, kTooLarge };
  BodyError(Kind kind, const std::string& message) : base::Error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// The request body as a blocking stream. Not thread-safe: only the handler's thread reads it.
// When the request carries `Expect: 100-continue`, the first Read sends the interim
// "100 Continue" response.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to `n` (> 0) bytes into `buf`; returns 0 once the whole body has been read.
  // Throws BodyError; after one, every later Read throws it again. Chunked transfer-encoding
  // is removed; the bytes are the entity body.
  virtual size_t Read(char* buf, size_t n) = 0;
  // The Content-Length of the request, when it had one.
  virtual std::optional<uint64_t> ContentLength() const = 0;
  // Reads the rest of the body into a string; throws BodyError(kTooLarge) past `limit` bytes.
  std::string ReadAll(size_t limit);
};

struct Request {
  std::string method;  // "GET", "PUT", ... as sent
  std::string target;  // raw request-target: "/b/k%20x?list-type=2"
  std::string path;    // raw, still percent-encoded path part of `target`
  std::string query;   // raw query string, without '?'; empty if none
  Headers headers;
  std::string remote_address;  // peer IP address, without port
  BodyReader* body = nullptr;  // never null while the handler runs
};

}  // namespace http
