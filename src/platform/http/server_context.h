// What the server and its connections share: the options, the handlers, the worker pool, the
// stopping flag, the count of requests in progress and the registry of open connections
// (so Stop can close them). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "platform/http/server.h"
#include "platform/http/worker_pool.h"

namespace http {

class Connection;

class ServerContext {
 public:
  ServerContext(ServerOptions options, Handler handler, AsyncHandler async_handler = {});

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  // Empty when the server has none.
  const AsyncHandler& async_handler() const { return async_handler_; }
  WorkerPool& workers() { return workers_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Bracket each request, from its head arriving to its response being written.
  void BeginRequest();
  void EndRequest();
  void Register(const std::shared_ptr<Connection>& connection);
  void Unregister(const Connection* connection);

  // From now on responses close their connections and idle connections are closed.
  void SetStopping() { stopping_.store(true, std::memory_order_release); }
  // Waits until no request is in progress, or until `deadline`; true when none is.
  bool WaitRequestsDone(std::chrono::steady_clock::time_point deadline);
  void WaitRequestsDone();
  // Waits until every connection has been destroyed.
  void WaitConnectionsGone();
  // The connections open now.
  std::vector<std::shared_ptr<Connection>> Connections();

 private:
  const ServerOptions options_;
  const Handler handler_;
  const AsyncHandler async_handler_;
  WorkerPool workers_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable changed_;
  size_t requests_ = 0;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections_;
};

}  // namespace http
