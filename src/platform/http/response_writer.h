// How a handler answers. Set the status and headers, then either Send() a whole body or
// stream it with Begin()/Write()/End(). For HEAD requests the writer sends the head only,
// with the Content-Length the body would have had (Send's body size, Begin's length, or, when
// Send gets an empty body, a Content-Length the handler set itself). 204 and 304 responses
// carry no body. The writer owns the Content-Length, Transfer-Encoding and Connection fields
// and adds Date; a handler's "Connection: close" closes the connection after the response.
// A handler that returns without answering sends its status with an empty body; one that
// returns mid-stream has its chunked body ended, or, if a declared length was not met, its
// connection closed. Not thread-safe: the handler's thread only.
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

  // The status (default 200; 200..599). Throws base::Error once the head has been sent.
  virtual void SetStatus(int status) = 0;
  virtual int status() const = 0;
  virtual Headers& headers() = 0;

  // Sends the head with Content-Length = body.size(), then the body. Ends the response.
  virtual void Send(std::string_view body) = 0;

  // Starts a streamed response. With a length the body must be exactly that many bytes;
  // without one the body is sent with chunked transfer-encoding (to an HTTP/1.0 client: until
  // the connection closes). The head goes out together with the first Write (or at End).
  // Throws base::Error for an invalid status or header field (the failure is then answered
  // with a 500).
  virtual void Begin(std::optional<uint64_t> content_length) = 0;
  // Sends body bytes; blocks while the client is slow. Throws http::BodyError(kClientGone)
  // when the client has gone away, BodyError(kTimeout) when it stopped reading for the idle
  // timeout, and base::Error for bytes beyond the declared length.
  virtual void Write(std::string_view data) = 0;
  // Ends the response. Throws base::Error if fewer bytes than the declared length were
  // written (the connection is then closed).
  virtual void End() = 0;

  // True once the head has been sent (after Send or Begin).
  virtual bool started() const = 0;
};

}  // namespace http
