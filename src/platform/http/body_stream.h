// The BodyReader handlers get: serves bytes read ahead by the I/O thread (small bodies), then
// pulls the rest from the connection on demand, sending "100 Continue" before the first pull
// when the client asked for it. It also tells the connection, once the handler is done, what
// is left of the body and whether that rest is small enough to drain. Not thread-safe: used
// by the request's handler thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "platform/http/request.h"
#include "platform/http/transport.h"

namespace http {

class BodyStream : public BodyReader {
 public:
  // An unread remainder up to this size is drained after the response to keep the connection.
  static constexpr uint64_t kDrainLimit = 64 * 1024;

  // `content_length` is the request's declared length (nullopt when chunked or absent);
  // `prefetched` holds the whole body when `complete` (an empty string for no body).
  BodyStream(Transport& transport, std::optional<uint64_t> content_length, bool expect_continue,
             std::string prefetched, bool complete);

  size_t Read(char* buf, size_t n) override;
  std::optional<uint64_t> ContentLength() const override { return content_length_; }

  // Called when the final response goes out: a client still waiting for "100 Continue" will
  // not send the body now, so later reads fail instead of sending 100 after the response.
  void DeclineContinue() { continue_declined_ = continue_pending_; }
  // True when the client asked for "100 Continue" but the request has no body to wait for:
  // the final response is then preceded by an interim 100 anyway. HTTP allows omitting it,
  // but botocore (up to at least 1.43) reads a final status in place of the 100 as the status
  // of every later response on that kept-alive connection, so it would take the next
  // request's answer (or a connection dropped by a crash) for that stale "200".
  bool owes_continue() const { return continue_owed_; }
  // True once every byte of the body has been read from the client.
  bool complete() const { return complete_; }
  // True when the connection can stay open: the body is complete, or its rest is known,
  // small, and the client is not waiting for "100 Continue" before sending it.
  bool CanKeepConnection() const;

 private:
  Transport& transport_;
  const std::optional<uint64_t> content_length_;
  bool continue_pending_;
  const bool continue_owed_;
  bool continue_declined_ = false;
  std::string prefetched_;
  size_t prefetched_pos_ = 0;
  bool complete_;
  uint64_t received_ = 0;
  std::optional<BodyError> failure_;
};

}  // namespace http
