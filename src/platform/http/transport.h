// What a request's handler thread asks of the connection it came on: read body bytes, write
// response bytes. The connection does the I/O on its own (asynchronous) threads; the calls
// below block the handler's thread until that I/O is done. Implemented by the connection; the
// body reader and response writer are written against this interface. Each method is called
// from the one thread that runs the request's handler.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace http {

class Transport {
 public:
  struct ReadResult {
    size_t bytes = 0;       // > 0 unless the body is complete
    bool complete = false;  // the whole body has now been read
  };

  // Reads the next entity-body bytes (chunked framing removed) into `buf`, after first sending
  // "100 Continue" when `send_continue`. Throws BodyError.
  virtual ReadResult ReadBody(char* buf, size_t n, bool send_continue) = 0;
  // Writes all `buffers`, in order, before returning. Throws BodyError(kClientGone or
  // kTimeout) when the client has gone away or stalled.
  virtual void Write(std::span<const std::string_view> buffers) = 0;
  // Takes `bytes`, the last of the response, to write without waiting. A failure closes the
  // connection.
  virtual void WriteLast(std::string bytes) = 0;
  // True once the server is stopping: responses then close their connection.
  virtual bool stopping() const = 0;

 protected:
  ~Transport() = default;
};

}  // namespace http
