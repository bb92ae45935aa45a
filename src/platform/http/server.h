// The HTTP/1.1 server every UniStudio route runs on (Boost.Beast and Asio inside the .cc;
// nothing of Beast leaks through this header).
//
// I/O is asynchronous on a few threads; a request's handler runs on a worker thread where it
// may block (reading a large body, writing a file), so keep-alive connections that are idle
// hold no thread. An optional AsyncHandler (async_exchange.h) may first take a request whose
// body came whole with its head and answer it later without any thread waiting for it. Keep-alive,
// `Expect: 100-continue`, chunked request and response bodies, header and body size limits, and
// idle timeouts are handled here. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "platform/http/async_exchange.h"
#include "platform/http/request.h"
#include "platform/http/response_writer.h"

namespace http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8750;      // 0 picks a free port; see Server::port()
  size_t io_threads = 0;     // 0: one per core (each its own event loop)
  size_t max_workers = 256;  // handler threads (grow on demand up to this many)
  size_t max_header_bytes = 64 * 1024;
  uint64_t max_body_bytes = uint64_t{6} << 40;  // per request
  std::chrono::seconds idle_timeout{60};        // keep-alive idle and stalled reads/writes
};

// Runs for each request on a worker thread. Exceptions escaping it become a 500 response with
// an empty body (if nothing was sent yet) or a closed connection. A BodyError escaping it is
// answered as what it is: 413 (too large), 400 (malformed or truncated), 408 (timeout).
using Handler = std::function<void(Request&, ResponseWriter&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler, AsyncHandler async_handler = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns once listening. Throws base::IoError if the address
  // cannot be bound.
  void Start();
  // The bound port (useful with port 0).
  uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (up to `grace`), closes idle connections,
  // and joins all threads. Requests still running after `grace` have their connections
  // closed (their reads and writes fail) and are waited for. Idempotent; must not be called
  // from a handler. The destructor stops with no grace.
  void Stop(std::chrono::seconds grace = std::chrono::seconds(30));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace http
