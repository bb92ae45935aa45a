#include "platform/http/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "platform/http/async_exchange.h"
#include "platform/http/body_stream.h"
#include "platform/http/response_head.h"
#include "platform/http/response_stream.h"
#include "platform/http/server_context.h"
#include "platform/http/transport.h"

namespace http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Bodies with a Content-Length up to this size are read on the I/O thread before the handler
// is dispatched, which saves the handler thread a round trip per read on small requests and
// lets an AsyncHandler take them. A client waiting for "100 Continue" before such a body gets
// it at once: refusing the request unread would spare little, and botocore asks for it before
// every PUT.
constexpr uint64_t kPrefetchLimit = 64 * 1024;
// How long a closing connection keeps reading (and discarding) what the client still sends,
// so that the client sees the response instead of a reset.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kScratchSize = 8192;
// Beast reads at most the buffer's free capacity per system call, so the read buffer is sized
// for the job: room for a typical head between requests, more while a body streams (a large
// upload then costs a quarter of the receive calls and wake-ups that 64 KiB reads would).
constexpr size_t kHeadBufferSize = 8 * 1024;
constexpr size_t kBodyBufferSize = 256 * 1024;

// True for framing errors in what the client sent (answered with 400), as opposed to the
// connection ending or timing out.
bool IsSyntaxError(const beast::error_code& ec) {
  static const boost::system::error_category& category =
      bhttp::make_error_code(bhttp::error::bad_method).category();
  return ec.category() == category && ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message && ec != bhttp::error::short_read;
}

BodyError ToBodyError(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) {
    return BodyError(BodyError::Kind::kTooLarge, "request body too large");
  }
  if (ec == beast::error::timeout) {
    return BodyError(BodyError::Kind::kTimeout, "client stalled past the idle timeout");
  }
  if (IsSyntaxError(ec)) return BodyError(BodyError::Kind::kMalformed, "malformed request body");
  return BodyError(BodyError::Kind::kClientGone, "client went away");
}

// The status answered for a BodyError that escapes the handler.
int StatusFor(BodyError::Kind kind) {
  switch (kind) {
    case BodyError::Kind::kTooLarge:
      return 413;
    case BodyError::Kind::kTimeout:
      return 408;
    case BodyError::Kind::kMalformed:
    case BodyError::Kind::kClientGone:
      return 400;
  }
  return 400;
}

// Splits a request-target into its raw path and query. An absolute-form target
// ("http://host/p?q") is reduced to its path and query.
void SplitTarget(std::string_view target, std::string* path, std::string* query) {
  if (!target.starts_with('/')) {
    size_t scheme = target.find("://");
    if (scheme != std::string_view::npos) {
      size_t start = target.find_first_of("/?", scheme + 3);
      target = start == std::string_view::npos ? std::string_view() : target.substr(start);
    }
  }
  size_t q = target.find('?');
  *path = std::string(target.substr(0, q));
  if (path->empty()) *path = "/";
  *query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
}

// True when the client waits for "100 Continue" before sending the body.
bool ExpectsContinue(const bhttp::request<bhttp::buffer_body>& message) {
  return message.version() >= 11 && beast::iequals(message[bhttp::field::expect], "100-continue");
}

std::string PeerAddress(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return {};
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

// One request and the handler-facing objects that serve it.
struct Exchange {
  Exchange(Transport& transport, Request req, std::optional<uint64_t> content_length,
           bool expect_continue, std::string prefetched, bool body_complete, bool head_request,
           bool http10, bool client_keep_alive)
      : request(std::move(req)),
        body(transport, content_length, expect_continue, std::move(prefetched), body_complete),
        response(transport, body, head_request, http10, client_keep_alive) {
    request.body = &body;
  }

  Request request;
  BodyStream body;
  ResponseStream response;
};

class ServerConnection final : public Connection,
                               public Transport,
                               public std::enable_shared_from_this<ServerConnection> {
 public:
  ServerConnection(ServerContext& context, asio::io_context& io, tcp::socket socket)
      : context_(context),
        io_(io),
        idle_timeout_(context.options().idle_timeout),
        stream_(std::move(socket)),
        remote_address_(PeerAddress(stream_.socket())) {
    boost::system::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  ~ServerConnection() override { context_.Unregister(this); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHead(); });
  }

  void Close(bool force) override {
    asio::post(stream_.get_executor(), [self = shared_from_this(), force] {
      if (force || self->phase_ != Phase::kRequest) self->CloseNow();
    });
  }

  ReadResult ReadBody(char* buf, size_t n, bool send_continue) override {
    WaitResult r = RunOnStrand([this, buf, n, send_continue] {
      if (!send_continue) return ReadSome(buf, n);
      WriteAll({asio::buffer(kContinueResponse.data(), kContinueResponse.size())},
               [this, buf, n](beast::error_code ec) {
                 if (ec) return Complete({ec});
                 ReadSome(buf, n);
               });
    });
    if (r.ec) throw ToBodyError(r.ec);
    return {r.bytes, r.complete};
  }

  void Write(std::span<const std::string_view> buffers) override {
    std::vector<asio::const_buffer> out;
    out.reserve(buffers.size());
    for (std::string_view b : buffers) out.emplace_back(b.data(), b.size());
    WaitResult r = RunOnStrand([this, &out] {
      WriteAll(std::move(out), [this](beast::error_code ec) {
        if (ec) write_failed_ = true;
        Complete({ec});
      });
    });
    if (r.ec) {
      throw BodyError(
          r.ec == beast::error::timeout ? BodyError::Kind::kTimeout : BodyError::Kind::kClientGone,
          "client went away");
    }
  }

  void WriteLast(std::string bytes) override {
    ends_left_.fetch_add(1, std::memory_order_relaxed);
    asio::post(stream_.get_executor(), [self = shared_from_this(), b = std::move(bytes)]() mutable {
      self->last_bytes_ = std::move(b);
      ServerConnection* c = self.get();
      c->WriteAll({asio::buffer(c->last_bytes_)}, [c](beast::error_code ec) {
        if (ec) c->write_failed_ = true;
        if (c->ends_left_.fetch_sub(1, std::memory_order_acq_rel) == 1) c->EndRequest();
      });
    });
  }

  bool stopping() const override { return context_.stopping(); }

  // Runs `fn` on the connection's strand.
  void Post(std::function<void()> fn) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), fn = std::move(fn)] {
      try {
        fn();
      } catch (const std::exception& e) {
        LOG_ERROR("asynchronous request step failed", {{"error", e.what()}});
      }
    });
  }

  // Once the handler (on a worker thread, or through an AsyncExchange) is done with
  // `exchange`: completes the response and, if its last bytes are written already, ends the
  // request. Any thread.
  void HandlerDone(Exchange& exchange, int failure_status) {
    bool finished = true;
    try {
      exchange.response.Finish(failure_status);
    } catch (...) {
      finished = false;
    }
    if (!finished) handler_failed_ = true;
    // Usually the response's last bytes are still on their way out: their write completion
    // then ends the request on the strand, and this thread need not post there again.
    if (ends_left_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      asio::post(stream_.get_executor(), [self = shared_from_this()] { self->EndRequest(); });
    }
  }

 private:
  // kWaiting: between requests (reading a head, or draining the last body); kRequest: from a
  // head's arrival to its response being written; kClosing: on the way out.
  enum class Phase { kWaiting, kRequest, kClosing };

  struct WaitResult {
    beast::error_code ec;
    size_t bytes = 0;
    bool complete = false;
  };

  void ReadHead() {
    if (context_.stopping() || phase_ == Phase::kClosing) return CloseNow();
    phase_ = Phase::kWaiting;
    if (buffer_.size() == 0 && buffer_.capacity() > 2 * kHeadBufferSize) {
      buffer_ = beast::flat_buffer();  // give back what a body needed
    }
    if (buffer_.capacity() < kHeadBufferSize) buffer_.reserve(kHeadBufferSize);
    parser_.emplace();
    direct_left_.reset();
    continue_sent_ = false;
    parser_->header_limit(static_cast<uint32_t>(std::min<size_t>(
        context_.options().max_header_bytes, std::numeric_limits<uint32_t>::max())));
    parser_->body_limit(context_.options().max_body_bytes);
    stream_.expires_after(idle_timeout_);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return AnswerAndClose(431);
    }
    if (ec == bhttp::error::body_limit) return AnswerAndClose(413);
    if (IsSyntaxError(ec)) return AnswerAndClose(400);
    if (ec) return CloseNow();
    // A request body framed by anything but chunked has no knowable length (RFC 9112 6.3).
    if (parser_->get().count(bhttp::field::transfer_encoding) > 0 && !parser_->chunked()) {
      return AnswerAndClose(400);
    }
    phase_ = Phase::kRequest;
    context_.BeginRequest();
    auto length = parser_->content_length();
    if (!parser_->is_done() && length && *length <= kPrefetchLimit) {
      if (!ExpectsContinue(parser_->get())) return Prefetch(static_cast<size_t>(*length));
      continue_sent_ = true;
      return WriteAll({asio::buffer(kContinueResponse.data(), kContinueResponse.size())},
                      [this, size = static_cast<size_t>(*length)](beast::error_code ec) {
                        if (ec) {
                          context_.EndRequest();
                          return CloseNow();
                        }
                        Prefetch(size);
                      });
    }
    Dispatch(std::string(), parser_->is_done());
  }

  // Reads a small body whole before the handler runs.
  void Prefetch(size_t length) {
    ReserveForBody(length);
    prefetch_.resize(length);
    auto& body = parser_->get().body();
    body.data = prefetch_.data();
    body.size = length;
    stream_.expires_after(idle_timeout_);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec == bhttp::error::need_buffer) ec = {};
                        if (ec || !self->parser_->is_done()) {
                          self->context_.EndRequest();
                          return self->CloseNow();
                        }
                        self->Dispatch(std::move(self->prefetch_), true);
                      });
  }

  void Dispatch(std::string prefetched, bool body_complete) {
    const auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    SplitTarget(request.target, &request.path, &request.query);
    for (const auto& field : message) {
      request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    request.remote_address = remote_address_;
    auto length = parser_->content_length();
    exchange_ = std::make_shared<Exchange>(
        *this, std::move(request), length ? std::optional<uint64_t>(*length) : std::nullopt,
        ExpectsContinue(message) && !continue_sent_, std::move(prefetched), body_complete,
        message.method() == bhttp::verb::head, message.version() == 10, message.keep_alive());
    ends_left_.store(1, std::memory_order_relaxed);
    handler_failed_ = false;
    write_failed_ = false;
    if (body_complete && context_.async_handler() && TryAsync()) return;
    try {
      context_.workers().Submit(
          [self = shared_from_this(), exchange = exchange_] { self->RunHandler(*exchange); });
    } catch (const std::exception& e) {
      LOG_ERROR("cannot dispatch request", {{"error", e.what()}});
      exchange_.reset();
      context_.EndRequest();
      CloseNow();
    }
  }

  // Runs on a worker thread.
  void RunHandler(Exchange& exchange) {
    int failure_status = 0;
    try {
      context_.handler()(exchange.request, exchange.response);
    } catch (const BodyError& e) {
      failure_status = StatusFor(e.kind());
    } catch (const std::exception& e) {
      LOG_WARN("request handler failed", {{"method", exchange.request.method},
                                          {"path", exchange.request.path},
                                          {"error", e.what()}});
      failure_status = 500;
    } catch (...) {
      LOG_WARN("request handler failed",
               {{"method", exchange.request.method}, {"path", exchange.request.path}});
      failure_status = 500;
    }
    HandlerDone(exchange, failure_status);
  }

  // Offers the request to the server's AsyncHandler; true when it took it.
  bool TryAsync();

  void EndRequest() {
    std::shared_ptr<Exchange> exchange = std::move(exchange_);
    context_.EndRequest();
    if (phase_ == Phase::kClosing) return CloseNow();
    if (handler_failed_ || write_failed_ || !exchange->response.keep_alive() ||
        context_.stopping()) {
      return Linger();
    }
    phase_ = Phase::kWaiting;
    if (!exchange->body.complete()) return Drain();
    ReadHead();
  }

  // Reads and discards the small rest of a body the handler left unread.
  void Drain() {
    if (!scratch_) scratch_ = std::make_unique<char[]>(kScratchSize);
    if (direct_left_) return DrainDirect();
    ReserveForBody(kScratchSize);
    auto& body = parser_->get().body();
    body.data = scratch_.get();
    body.size = kScratchSize;
    stream_.expires_after(idle_timeout_);
    bhttp::async_read_some(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (ec == bhttp::error::need_buffer) ec = {};
                             if (ec) return self->CloseNow();
                             if (self->parser_->is_done()) return self->ReadHead();
                             self->Drain();
                           });
  }

  void DrainDirect() {
    if (*direct_left_ == 0) return ReadHead();
    auto want = static_cast<size_t>(std::min<uint64_t>(kScratchSize, *direct_left_));
    stream_.expires_after(idle_timeout_);
    stream_.async_read_some(asio::buffer(scratch_.get(), want),
                            [self = shared_from_this()](beast::error_code ec, size_t k) {
                              if (ec) return self->CloseNow();
                              *self->direct_left_ -= k;
                              self->DrainDirect();
                            });
  }

  // Answers a request the connection itself refuses, then closes.
  void AnswerAndClose(int status) {
    phase_ = Phase::kClosing;
    Headers headers;
    headers.Add("Date", HttpDateNow());
    headers.Add("Content-Length", "0");
    headers.Add("Connection", "close");
    last_bytes_ = SerializeResponseHead(status, headers);
    WriteAll({asio::buffer(last_bytes_)}, [this](beast::error_code ec) {
      if (ec) return CloseNow();
      Linger();
    });
  }

  // Writes all of `buffers` (which must stay valid until `done` runs), restarting the idle
  // timer whenever bytes move: a slow client may take as long as it needs, a stalled one
  // times out. The connection is kept alive until `done` has run. One write at a time.
  void WriteAll(std::vector<asio::const_buffer> buffers,
                std::function<void(beast::error_code)> done) {
    write_rest_.emplace(std::move(buffers));
    write_done_ = std::move(done);
    WriteSome();
  }

  void WriteSome() {
    stream_.expires_after(idle_timeout_);
    stream_.async_write_some(
        *write_rest_, [self = shared_from_this()](beast::error_code ec, size_t n) {
          self->write_rest_->consume(n);
          if (!ec && beast::buffer_bytes(*self->write_rest_) > 0) return self->WriteSome();
          self->write_rest_.reset();
          std::function<void(beast::error_code)> done = std::move(self->write_done_);
          done(ec);
        });
  }

  // Half-closes, then discards what the client still sends for a short while before
  // closing, so that a client busy sending a body still reads the response.
  void Linger() {
    phase_ = Phase::kClosing;
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return CloseNow();
    linger_deadline_ = std::chrono::steady_clock::now() +
                       std::min<std::chrono::steady_clock::duration>(kLingerTime, idle_timeout_);
    buffer_.clear();
    LingerRead();
  }

  void LingerRead() {
    stream_.expires_at(linger_deadline_);
    stream_.async_read_some(buffer_.prepare(kScratchSize),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->CloseNow();
                              self->LingerRead();
                            });
  }

  // Makes room to read `bytes` more body bytes in one go (up to kBodyBufferSize).
  void ReserveForBody(size_t bytes) {
    size_t want = std::min(buffer_.size() + bytes, kBodyBufferSize);
    if (buffer_.capacity() < want) buffer_.reserve(want);
  }

  void CloseNow() {
    phase_ = Phase::kClosing;
    stream_.close();
  }

  // Body bytes for the handler thread; runs on the strand. Reads until the handler's buffer
  // is full or the body ends, so that a large body costs the handler one wake-up per buffer
  // rather than one per socket read. Once no body bytes are buffered, a body of known length
  // is read from the socket straight into the handler's buffer (ReadDirect).
  void ReadSome(char* buf, size_t n, size_t got = 0) {
    if (!direct_left_ && buffer_.size() == 0 && parser_->is_header_done() && !parser_->is_done() &&
        !parser_->chunked()) {
      if (auto left = parser_->content_length_remaining()) direct_left_ = *left;
    }
    if (direct_left_) return ReadDirect(buf, n, got);
    ReserveForBody(n - got);
    auto& body = parser_->get().body();
    body.data = buf + got;
    body.size = n - got;
    stream_.expires_after(idle_timeout_);
    bhttp::async_read_some(stream_, buffer_, *parser_,
                           [self = shared_from_this(), buf, n](beast::error_code ec, size_t) {
                             if (ec == bhttp::error::need_buffer) ec = {};
                             size_t filled = n - self->parser_->get().body().size;
                             bool complete = self->parser_->is_done();
                             if (!ec && filled < n && !complete) {
                               return self->ReadSome(buf, n, filled);
                             }
                             self->Complete({ec, filled, complete});
                           });
  }

  // Reads the rest of a body of known length from the socket into `buf`, up to the whole
  // buffer per system call, without passing it through the parser (which is then left behind
  // and replaced for the next request): the bytes are copied once, from the socket to the
  // handler. Never reads past the body, so a pipelined next request stays in the socket.
  void ReadDirect(char* buf, size_t n, size_t got) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n - got, *direct_left_));
    if (want == 0) return Complete({{}, got, *direct_left_ == 0});
    stream_.expires_after(idle_timeout_);
    auto done = [self = shared_from_this(), buf, n, got](beast::error_code ec, size_t k) {
      *self->direct_left_ -= k;
      size_t filled = got + k;
      bool complete = *self->direct_left_ == 0;
      if (!ec && filled < n && !complete) return self->ReadDirect(buf, n, filled);
      self->Complete({ec, filled, complete});
    };
    stream_.async_read_some(asio::buffer(buf + got, want), std::move(done));
  }

  // Runs `start` on the strand and blocks the calling (handler) thread until it calls
  // Complete. Every path through `start` ends in Complete: asynchronous operations always
  // finish, with an error if the connection is closed meanwhile.
  template <class Start>
  WaitResult RunOnStrand(Start start) {
    // The I/O thread cannot wait for itself (an AsyncExchange's response may only Send).
    if (io_.get_executor().running_in_this_thread()) {
      throw base::Error("a blocking read or write on the connection's I/O thread");
    }
    {
      std::lock_guard lock(wait_mu_);
      wait_done_ = false;
    }
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), start = std::move(start)]() mutable { start(); });
    std::unique_lock lock(wait_mu_);
    wait_cv_.wait(lock, [this] { return wait_done_; });
    return wait_result_;
  }

  void Complete(WaitResult result) {
    std::lock_guard lock(wait_mu_);
    wait_result_ = result;
    wait_done_ = true;
    wait_cv_.notify_one();
  }

  ServerContext& context_;
  asio::io_context& io_;
  const std::chrono::steady_clock::duration idle_timeout_;
  beast::tcp_stream stream_;
  const std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;
  // The body bytes still to come once they are read past the parser (ReadDirect).
  std::optional<uint64_t> direct_left_;
  // "100 Continue" went out before the request's (small) body was read.
  bool continue_sent_ = false;

  // Touched on the strand only.
  Phase phase_ = Phase::kWaiting;
  std::shared_ptr<Exchange> exchange_;
  std::string prefetch_;
  bool write_failed_ = false;
  // Written by the handler's thread before it gives up its end (below); read by EndRequest.
  bool handler_failed_ = false;
  // The request ends when both the handler has returned and its last write (WriteLast), if
  // any, has completed; whichever comes last (the decrement that reaches 0) ends it.
  std::atomic<int> ends_left_{0};
  std::string last_bytes_;
  std::optional<beast::buffers_suffix<std::vector<asio::const_buffer>>> write_rest_;
  std::function<void(beast::error_code)> write_done_;
  std::unique_ptr<char[]> scratch_;
  std::chrono::steady_clock::time_point linger_deadline_;

  // The handler thread's wait in RunOnStrand.
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  bool wait_done_ = false;
  WaitResult wait_result_;
};

// A request the server's AsyncHandler took.
class AsyncCall final : public AsyncExchange {
 public:
  AsyncCall(std::shared_ptr<ServerConnection> connection, std::shared_ptr<Exchange> exchange)
      : connection_(std::move(connection)), exchange_(std::move(exchange)) {}
  ~AsyncCall() override { Finish(500); }

  Request& request() override { return exchange_->request; }
  ResponseWriter& response() override { return exchange_->response; }
  void Post(std::function<void()> fn) override { connection_->Post(std::move(fn)); }
  void Finish(int failure_status) override {
    if (!finished_.exchange(true)) connection_->HandlerDone(*exchange_, failure_status);
  }
  // The handler left the request to the worker threads: nothing to finish here.
  void Decline() { finished_ = true; }

 private:
  const std::shared_ptr<ServerConnection> connection_;
  const std::shared_ptr<Exchange> exchange_;
  std::atomic<bool> finished_{false};
};

bool ServerConnection::TryAsync() {
  auto call = std::make_shared<AsyncCall>(shared_from_this(), exchange_);
  try {
    if (context_.async_handler()(call)) return true;
  } catch (const std::exception& e) {
    LOG_WARN("asynchronous request handler failed", {{"method", exchange_->request.method},
                                                     {"path", exchange_->request.path},
                                                     {"error", e.what()}});
    call->Finish(500);
    return true;
  }
  call->Decline();
  return false;
}

}  // namespace

void Connection::Serve(ServerContext& context, asio::io_context& io, int fd) {
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
    ::close(fd);
    return;
  }
  tcp::socket socket(asio::make_strand(io));
  boost::system::error_code ec;
  socket.assign(local.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    return;
  }
  auto connection = std::make_shared<ServerConnection>(context, io, std::move(socket));
  context.Register(connection);
  connection->Start();
}

}  // namespace http
