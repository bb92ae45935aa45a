// A request taken by an AsyncHandler: answered later, from a function run on the connection's
// I/O thread, with no thread waiting for it in between. A handler that must wait for something
// (a group commit) takes the exchange, returns, and has the answer written by a function it
// Posts once the wait is over. Request and response belong to the connection's I/O thread;
// Post may be called from any thread.
#pragma once

#include <functional>
#include <memory>

#include "platform/http/request.h"
#include "platform/http/response_writer.h"

namespace http {

class AsyncExchange {
 public:
  virtual ~AsyncExchange() = default;

  // The request. Its body arrived whole with the head, so reading it never blocks.
  virtual Request& request() = 0;
  // The response, used on the connection's I/O thread only (in the AsyncHandler, or in a
  // function run by Post) and only to Send a body of at most ResponseStream::kCopyLimit
  // bytes: a larger body, or a streamed one, would wait for that thread itself and fails
  // with base::Error.
  virtual ResponseWriter& response() = 0;
  // Runs `fn` on the connection's I/O thread after the caller has returned. What `fn` throws
  // is logged and dropped.
  virtual void Post(std::function<void()> fn) = 0;
  // Ends the request, on the I/O thread: the response sent stands; without one, the status
  // set goes out with an empty body, or `failure_status` (as for a Handler that threw) when
  // it is not 0. Later calls do nothing. An exchange released without Finish is finished
  // with 500.
  virtual void Finish(int failure_status = 0) = 0;
};

// Runs on a connection's I/O thread for a request whose whole body came with its head (a body
// of known length up to 64 KiB, read before the request is dispatched, or no body), before
// the request goes to the server's Handler. It must not block. It returns false to leave the
// request to the Handler, having read nothing of its body and written nothing of its
// response, or true once it has taken the request: the exchange then ends it.
using AsyncHandler = std::function<bool(const std::shared_ptr<AsyncExchange>& exchange)>;

}  // namespace http
