// How a handler answers. Set the status and headers, then either Send() a whole body or
// stream it with Begin()/Write()/End(). For HEAD requests the writer sends the head only,
// with the Content-Length the body would have had. Not thread-safe: the handler's thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/http/headers.h"

namespace http {

class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  virtual void SetStatus(int status) = 0;
  virtual int status() const = 0;
  virtual Headers& headers() = 0;

  // Sends the head with Content-Length = body.size(), then the body. Ends the response.
  virtual void Send(std::string_view body) = 0;

  // Sends the head. With a length the body must be exactly that many bytes; without one the
  // body is sent with chunked transfer-encoding.
  virtual void Begin(std::optional<uint64_t> content_length) = 0;
  // Sends body bytes; blocks while the client is slow. Throws http::BodyError(kClientGone)
  // when the client has gone away.
  virtual void Write(std::string_view data) = 0;
  // Ends the response.
  virtual void End() = 0;

  // True once the head has been sent (after Send or Begin).
  virtual bool started() const = 0;
};

}  // namespace http
