// The ResponseWriter handlers get. It frames the body (Content-Length, chunked, or until close
// for HTTP/1.0 clients), sends only the head for HEAD requests and bodiless statuses, adds
// Date and Connection, and decides whether the connection can be kept alive. A streamed
// response's head goes out with its first body bytes (or at End), in one write. Not
// thread-safe: used by the request's handler thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/http/body_stream.h"
#include "platform/http/response_writer.h"
#include "platform/http/transport.h"

namespace http {

class ResponseStream : public ResponseWriter {
 public:
  // Bodies up to this size are copied and handed to the connection without waiting.
  static constexpr size_t kCopyLimit = 64 * 1024;

  // `head_request`: the request's method was HEAD. `http10`: the request was HTTP/1.0.
  // `client_keep_alive`: the request allows a persistent connection.
  ResponseStream(Transport& transport, BodyStream& body, bool head_request, bool http10,
                 bool client_keep_alive);

  void SetStatus(int status) override;
  int status() const override { return status_; }
  Headers& headers() override { return headers_; }
  void Send(std::string_view body) override;
  void Begin(std::optional<uint64_t> content_length) override;
  void Write(std::string_view data) override;
  void End() override;
  bool started() const override { return started_; }

  // Completes the response after the handler has returned. `failure_status` is 0 when the
  // handler returned normally; otherwise the handler failed and, if nothing is on the wire
  // yet, that status goes out with an empty body (the handler's headers are dropped).
  // Does not throw.
  void Finish(int failure_status);
  // Whether the connection may carry another request after this response.
  bool keep_alive() const;

 private:
  enum class Framing { kNone, kLength, kChunked, kUntilClose };

  // Fixes the framing and connection fields and serializes the head; marks the response
  // started. Throws base::Error for an invalid status or field.
  std::string MakeHead(Framing framing, std::optional<uint64_t> length);
  void RequireNotStarted(const char* what) const;

  Transport& transport_;
  BodyStream& body_;
  const bool head_request_;
  const bool http10_;
  const bool client_keep_alive_;
  int status_ = 200;
  Headers headers_;
  bool started_ = false;
  bool ended_ = false;
  bool keep_alive_ = false;
  bool broken_ = false;  // the body on the wire is incomplete or wrong: close the connection
  Framing framing_ = Framing::kNone;
  std::optional<uint64_t> declared_length_;
  uint64_t written_ = 0;
  std::string pending_head_;  // serialized by Begin, sent with the first body bytes
};

}  // namespace http
