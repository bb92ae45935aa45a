#include "platform/http/server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "platform/http/connection.h"
#include "platform/http/server_context.h"

namespace http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Pause before accepting again after accept failed (out of descriptors, say).
constexpr std::chrono::milliseconds kAcceptBackoff{100};

}  // namespace

// Each I/O thread runs an io_context of its own, and each connection lives on one of them
// (spread round-robin): a connection's socket events, timers and the hand-offs from its
// handler thread then never pass between I/O threads or contend for a shared queue.
struct Server::Impl {
  Impl(ServerOptions options, Handler handler, AsyncHandler async_handler)
      : context(std::move(options), std::move(handler), std::move(async_handler)),
        ios(MakeContexts(IoThreads(context.options()))),
        acceptor(asio::make_strand(*ios[0])),
        backoff(acceptor.get_executor()) {}

  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(size_t n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (size_t i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  static size_t IoThreads(const ServerOptions& options) {
    if (options.io_threads > 0) return options.io_threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  tcp::endpoint Resolve() {
    const ServerOptions& options = context.options();
    boost::system::error_code ec;
    asio::ip::address address = asio::ip::make_address(options.address, ec);
    if (!ec) return tcp::endpoint(address, options.port);
    tcp::resolver resolver(*ios[0]);
    auto results =
        resolver.resolve(options.address, std::to_string(options.port), tcp::resolver::passive, ec);
    if (ec || results.empty())
      throw base::IoError("cannot resolve listen address " + options.address);
    return *results.begin();
  }

  void Listen() {
    tcp::endpoint endpoint = Resolve();
    boost::system::error_code ec;
    auto fail = [&](const char* what) {
      boost::system::error_code ignored;
      acceptor.close(ignored);
      throw base::IoError(std::string("cannot ") + what + " " + context.options().address + ":" +
                          std::to_string(context.options().port) + ": " + ec.message());
    };
    if (acceptor.open(endpoint.protocol(), ec)) fail("open");
    if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec)) fail("configure");
    if (acceptor.bind(endpoint, ec)) fail("bind");
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) fail("listen on");
    port = acceptor.local_endpoint(ec).port();
  }

  void Accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (ec) {
        LOG_WARN("accept failed", {{"error", ec.message()}});
        backoff.expires_after(kAcceptBackoff);
        backoff.async_wait([this](boost::system::error_code) { Accept(); });
        return;
      }
      if (!context.stopping()) {
        int fd = socket.release(ec);
        if (!ec) Connection::Serve(context, *ios[next_io++ % ios.size()], fd);
      }
      Accept();
    });
  }

  void RunIo(asio::io_context& io) {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        LOG_ERROR("http i/o thread caught an exception", {{"error", e.what()}});
      }
    }
  }

  // Declared first so that connections still queued in `ios` unregister from it on teardown.
  ServerContext context;
  std::vector<std::unique_ptr<asio::io_context>> ios;
  tcp::acceptor acceptor;
  asio::steady_timer backoff;
  size_t next_io = 0;  // on the acceptor's strand
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  uint16_t port = 0;
  std::mutex lifecycle_mu;
  bool started = false;
  bool stopped = false;
};

Server::Server(ServerOptions options, Handler handler, AsyncHandler async_handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler),
                                   std::move(async_handler))) {}

Server::~Server() { Stop(std::chrono::seconds(0)); }

void Server::Start() {
  std::lock_guard lock(impl_->lifecycle_mu);
  if (impl_->started) throw base::Error("server already started");
  impl_->Listen();
  impl_->started = true;
  for (auto& io : impl_->ios) {
    impl_->work.push_back(asio::make_work_guard(*io));
    impl_->io_threads.emplace_back([this, &io = *io] { impl_->RunIo(io); });
  }
  asio::post(impl_->acceptor.get_executor(), [this] { impl_->Accept(); });
}

uint16_t Server::port() const { return impl_->port; }

void Server::Stop(std::chrono::seconds grace) {
  std::lock_guard lock(impl_->lifecycle_mu);
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.context.SetStopping();
  asio::post(s.acceptor.get_executor(), [&s] {
    boost::system::error_code ec;
    s.acceptor.close(ec);
    s.backoff.cancel();
  });
  auto close_all = [&s](bool force) {
    for (const auto& connection : s.context.Connections()) connection->Close(force);
  };
  close_all(false);
  if (!s.context.WaitRequestsDone(std::chrono::steady_clock::now() + grace)) {
    close_all(true);
    s.context.WaitRequestsDone();
  }
  close_all(true);
  s.context.WaitConnectionsGone();
  s.work.clear();
  for (auto& io : s.ios) io->stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.context.workers().Shutdown();
}

}  // namespace http
