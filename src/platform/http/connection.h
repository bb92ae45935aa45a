// One accepted TCP connection: reads request heads, offers each request whose body came with
// its head to the server's AsyncHandler and hands the others to a worker thread, streams
// bodies and responses through the Transport interface, and keeps the connection alive or
// closes it. All socket work happens on the connection's strand on the server's
// I/O threads; a connection waiting for its next request holds no thread. Thread-safe.
#pragma once

#include <memory>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace http {

class ServerContext;

class Connection {
 public:
  virtual ~Connection() = default;

  // Adopts the accepted socket `fd` and serves requests on it until it closes. The
  // connection registers itself with `context`, which must outlive it.
  static void Serve(ServerContext& context, boost::asio::io_context& io, int fd);

  // Closes the connection if it is between requests (or `force`: whatever it is doing; a
  // handler still running then sees BodyError(kClientGone) on its next read or write).
  virtual void Close(bool force) = 0;
};

}  // namespace http
