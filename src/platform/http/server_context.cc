#include "platform/http/server_context.h"

namespace http {
namespace {

// Idle handler threads exit after this long.
constexpr std::chrono::seconds kWorkerIdleExit{30};

}  // namespace

ServerContext::ServerContext(ServerOptions options, Handler handler, AsyncHandler async_handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      async_handler_(std::move(async_handler)),
      workers_(options_.max_workers, kWorkerIdleExit) {}

void ServerContext::BeginRequest() {
  std::lock_guard lock(mu_);
  ++requests_;
}

void ServerContext::EndRequest() {
  {
    std::lock_guard lock(mu_);
    --requests_;
  }
  changed_.notify_all();
}

void ServerContext::Register(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mu_);
  connections_.emplace(connection.get(), connection);
}

void ServerContext::Unregister(const Connection* connection) {
  {
    std::lock_guard lock(mu_);
    connections_.erase(connection);
  }
  changed_.notify_all();
}

std::vector<std::shared_ptr<Connection>> ServerContext::Connections() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Connection>> out;
  for (const auto& [ptr, weak] : connections_) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

bool ServerContext::WaitRequestsDone(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return changed_.wait_until(lock, deadline, [this] { return requests_ == 0; });
}

void ServerContext::WaitRequestsDone() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return requests_ == 0; });
}

void ServerContext::WaitConnectionsGone() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return connections_.empty(); });
}

}  // namespace http
