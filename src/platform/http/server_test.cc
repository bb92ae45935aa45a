#include "platform/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/crypto.h"
#include "base/error.h"
#include "base/strings.h"
#include "base/time.h"
#include "gtest/gtest.h"

namespace http {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kMiB = 1024 * 1024;

// A response as the test client parsed it; header names are lower-cased.
struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  bool ok = false;  // false when the connection ended or timed out first

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A blocking HTTP/1.1 client on a raw socket, so tests control every byte on the wire.
class Client {
 public:
  explicit Client(uint16_t port, std::chrono::seconds timeout = 20s) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // Reads up to `n` bytes, buffered ones first; 0 on end of stream, error or timeout.
  size_t ReadSome(char* buf, size_t n) {
    if (!pending_.empty()) {
      size_t k = std::min(n, pending_.size());
      std::memcpy(buf, pending_.data(), k);
      pending_.erase(0, k);
      return k;
    }
    ssize_t r = ::recv(fd_, buf, n, 0);
    return r > 0 ? static_cast<size_t>(r) : 0;
  }

  // The bytes up to and including the next "\r\n" + "\r\n"; empty if the stream ends first.
  std::string ReadHead() {
    for (;;) {
      size_t end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::string head = pending_.substr(0, end + 4);
        pending_.erase(0, end + 4);
        return head;
      }
      if (!Fill()) return {};
    }
  }

  std::string ReadExact(size_t n) {
    while (pending_.size() < n) {
      if (!Fill()) break;
    }
    std::string out = pending_.substr(0, n);
    pending_.erase(0, out.size());
    return out;
  }

  std::string ReadLine() {
    for (;;) {
      size_t end = pending_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = pending_.substr(0, end);
        pending_.erase(0, end + 2);
        return line;
      }
      if (!Fill()) return {};
    }
  }

  Response ReadResponse(bool head_request = false) {
    Response r;
    std::string head = ReadHead();
    if (head.empty()) return r;
    std::vector<std::string> lines;
    for (size_t pos = 0; pos + 2 < head.size();) {
      size_t end = head.find("\r\n", pos);
      lines.push_back(head.substr(pos, end - pos));
      pos = end + 2;
    }
    if (lines.empty() || !lines[0].starts_with("HTTP/1.1 ")) return r;
    r.status = std::stoi(lines[0].substr(9, 3));
    for (size_t i = 1; i < lines.size(); ++i) {
      size_t colon = lines[i].find(':');
      r.headers[base::ToLower(lines[i].substr(0, colon))] =
          std::string(base::Trim(lines[i].substr(colon + 1)));
    }
    if (head_request || r.status == 204 || r.status == 304 || r.status < 200) {
      r.ok = true;
      return r;
    }
    if (r.Header("transfer-encoding") == "chunked") {
      for (;;) {
        std::string size_line = ReadLine();
        if (size_line.empty()) return r;
        size_t size = std::stoul(size_line, nullptr, 16);
        if (size == 0) break;
        r.body += ReadExact(size);
        if (ReadLine() != "") return r;
      }
      if (ReadLine() != "") return r;  // no trailers expected
    } else if (r.headers.count("content-length")) {
      size_t size = std::stoul(r.Header("content-length"));
      r.body = ReadExact(size);
      if (r.body.size() != size) return r;
    } else {
      char buf[65536];
      while (size_t n = ReadSome(buf, sizeof buf)) r.body.append(buf, n);
    }
    r.ok = true;
    return r;
  }

  // True when no byte arrives within `wait`.
  bool SilentFor(std::chrono::milliseconds wait) {
    if (!pending_.empty()) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(wait.count())) == 0;
  }

  // Reads and discards until the server closes the connection; false on timeout.
  bool WaitClosed() {
    pending_.clear();
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  bool Fill() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

std::string Post(const std::string& target, const std::string& body,
                 const std::string& extra = "") {
  return "POST " + target +
         " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra + "\r\n" + body;
}

// Deterministic pseudo-random bytes (xorshift64), block by block.
class ByteSource {
 public:
  void Fill(std::string* block) {
    for (size_t i = 0; i + 8 <= block->size(); i += 8) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      std::memcpy(block->data() + i, &state_, 8);
    }
  }

 private:
  uint64_t state_ = 0x9E3779B97F4A7C15ull;
};

// SHA-256 (hex) of `total` bytes from a fresh ByteSource.
std::string ExpectedDigest(uint64_t total) {
  ByteSource source;
  base::Digest digest(base::DigestAlgorithm::kSha256);
  std::string block(kMiB, '\0');
  for (uint64_t done = 0; done < total; done += block.size()) {
    source.Fill(&block);
    digest.Update(block);
  }
  return base::HexEncode(digest.Final());
}

// Resident set size of this process, in bytes.
uint64_t RssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(Handler handler, ServerOptions options = {}, AsyncHandler async = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    if (options.io_threads == 0) options.io_threads = 2;
    server_ = std::make_unique<Server>(options, std::move(handler), std::move(async));
    server_->Start();
  }
  uint16_t port() const { return server_->port(); }
  void TearDown() override {
    if (server_) server_->Stop(1s);
  }

  std::unique_ptr<Server> server_;
};

// Answers with what the handler saw: method, path, query and the whole body.
void EchoHandler(Request& req, ResponseWriter& w) {
  std::string body = req.body->ReadAll(64 * kMiB);
  w.headers().Set("Content-Type", "text/plain");
  w.headers().Set("X-Remote", req.remote_address);
  w.Send(req.method + " " + req.path + " " + req.query + " " + body);
}

TEST_F(ServerTest, ServesSeveralRequestsOnOneKeepAliveConnection) {
  StartServer(EchoHandler);
  Client c(port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 5; ++i) {
    std::string body = "payload-" + std::to_string(i);
    ASSERT_TRUE(c.Send(Post("/b/k%20x?list-type=2&prefix=a%2Fb", body)));
    Response r = c.ReadResponse();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "POST /b/k%20x list-type=2&prefix=a%2Fb " + body);
    EXPECT_EQ(r.Header("content-length"), std::to_string(r.body.size()));
    EXPECT_EQ(r.Header("connection"), "");
    EXPECT_EQ(r.Header("x-remote"), "127.0.0.1");
    auto date = base::ParseHttpDate(r.Header("date"));
    ASSERT_TRUE(date.has_value());
    EXPECT_LT(std::chrono::abs(*date - base::Now()), 5s);
  }
  // Pipelined: three requests in one write, answered in order.
  ASSERT_TRUE(c.Send(Get("/one") + Post("/two", "2") + Get("/three?x")));
  EXPECT_EQ(c.ReadResponse().body, "GET /one  ");
  EXPECT_EQ(c.ReadResponse().body, "POST /two  2");
  EXPECT_EQ(c.ReadResponse().body, "GET /three x ");
}

TEST_F(ServerTest, AbsoluteFormTargetIsReducedToPathAndQuery) {
  StartServer(EchoHandler);
  Client c(port());
  ASSERT_TRUE(c.Send(Get("http://example.com:8750/a/b?c=d")));
  EXPECT_EQ(c.ReadResponse().body, "GET /a/b c=d ");
}

TEST_F(ServerTest, ChunkedRequestBodyIsDechunked) {
  std::optional<uint64_t> seen_length = 7;
  StartServer([&](Request& req, ResponseWriter& w) {
    seen_length = req.body->ContentLength();
    EchoHandler(req, w);
  });
  Client c(port());
  ASSERT_TRUE(
      c.Send("PUT /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n7;name=value\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "PUT /up  hello, world");
  EXPECT_FALSE(seen_length.has_value());

  // A larger chunked body, sent in odd-sized chunks, arrives intact through streaming reads.
  std::string big(3 * kMiB + 17, '\0');
  ByteSource().Fill(&big);
  std::string wire = "PUT /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t pos = 0; pos < big.size(); pos += 4099) {
    std::string piece = big.substr(pos, 4099);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    wire += size + piece + "\r\n";
  }
  wire += "0\r\n\r\n";
  std::thread sender([&] { c.Send(wire); });
  r = c.ReadResponse();
  sender.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "PUT /big  " + big);
}

// A body larger than the prefetch limit is asked for only when the handler reads it; a small
// one at once, and read before the handler runs.
TEST_F(ServerTest, ExpectContinueIsSentOnlyWhenTheHandlerReads) {
  std::promise<void> may_read;
  std::shared_future<void> gate = may_read.get_future().share();
  StartServer([&](Request& req, ResponseWriter& w) {
    gate.wait();
    w.Send("got " + std::to_string(req.body->ReadAll(kMiB).size()));
  });
  Client c(port());
  ASSERT_TRUE(c.Send(
      "PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_TRUE(c.SilentFor(300ms));  // nothing before the handler reads
  may_read.set_value();
  EXPECT_EQ(c.ReadHead(), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.Send(std::string(70000, 'h')));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "got 70000");
  EXPECT_EQ(r.Header("connection"), "");

  ASSERT_TRUE(
      c.Send("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(c.ReadHead(), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.Send("hello world"));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "got 11");
  EXPECT_EQ(r.Header("connection"), "");
  // The connection stays usable.
  ASSERT_TRUE(c.Send(Get("/next")));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "got 0");
}

TEST_F(ServerTest, EmptyBodyWithExpectContinueGetsAnInterim100AndKeepsTheConnection) {
  StartServer(
      [&](Request& req, ResponseWriter& w) { w.Send("got " + req.body->ReadAll(1024) + "."); });
  Client c(port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        c.Send("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n"));
    EXPECT_EQ(c.ReadHead(), "HTTP/1.1 100 Continue\r\n\r\n");
    Response r = c.ReadResponse();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "got .");
    EXPECT_EQ(r.Header("connection"), "");
  }
  // A request without the expectation gets no interim answer.
  ASSERT_TRUE(c.Send("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(c.ReadHead().substr(0, 15), "HTTP/1.1 200 OK");
}

TEST_F(ServerTest, RefusalWithoutReadingSkipsContinueAndCloses) {
  StartServer([](Request&, ResponseWriter& w) {
    w.SetStatus(403);
    w.Send("denied");
  });
  Client c(port());
  ASSERT_TRUE(
      c.Send("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n"
             "Expect: 100-continue\r\n\r\n"));
  Response r = c.ReadResponse();  // the first thing on the wire is the final answer
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "denied");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, RefusalWhileTheClientIsSendingALargeBody) {
  std::atomic<int> calls{0};
  StartServer([&](Request&, ResponseWriter& w) {
    ++calls;
    w.SetStatus(403);
    w.Send("denied");
  });
  Client c(port());
  ASSERT_TRUE(c.Send("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n"));
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    std::string block(kMiB, 'x');
    while (!stop && c.Send(block)) {
    }
  });
  Response r = c.ReadResponse();
  stop = true;
  sender.join();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(calls, 1);
}

TEST_F(ServerTest, SmallUnreadRemainderIsDrainedAndTheConnectionKept) {
  StartServer([](Request& req, ResponseWriter& w) {
    // Reads at most 60000 bytes of whatever was sent.
    std::string buf(60000, '\0');
    size_t total = 0;
    while (total < buf.size()) {
      size_t n = req.body->Read(buf.data() + total, buf.size() - total);
      if (n == 0) break;
      total += n;
    }
    w.Send("read " + std::to_string(total));
  });
  Client c(port());
  // 100000 bytes: streamed; the handler leaves 40000 unread, which is drained.
  ASSERT_TRUE(c.Send(Post("/a", std::string(100000, 'a'))));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.body, "read 60000");
  EXPECT_EQ(r.Header("connection"), "");
  // 10 bytes, read ahead whole.
  ASSERT_TRUE(c.Send(Post("/b", std::string(10, 'b'))));
  EXPECT_EQ(c.ReadResponse().body, "read 10");
  ASSERT_TRUE(c.Send(Get("/c")));
  r = c.ReadResponse();
  EXPECT_EQ(r.body, "read 0");
  EXPECT_EQ(r.Header("connection"), "");
}

// A body whose first bytes come with the head (parsed from the read buffer) and whose rest
// comes later together with the next request (read from the socket straight into the
// handler's buffer, never past the body): every byte arrives in order and the pipelined
// request is answered too.
TEST_F(ServerTest, BodyReadStraightFromTheSocketStopsAtItsEnd) {
  StartServer([](Request& req, ResponseWriter& w) {
    base::Digest digest(base::DigestAlgorithm::kSha256);
    std::string buf(100 * 1024, '\0');
    uint64_t total = 0;
    while (size_t n = req.body->Read(buf.data(), buf.size())) {
      digest.Update(std::string_view(buf.data(), n));
      total += n;
    }
    w.Send(std::to_string(total) + " " + base::HexEncode(digest.Final()));
  });
  std::string body(3 * kMiB + 5, '\0');
  ByteSource source;
  source.Fill(&body);
  std::string request = Post("/big", body);
  size_t head_and_some = request.size() - body.size() + 1000;
  Client c(port());
  ASSERT_TRUE(c.Send(request.substr(0, head_and_some)));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(c.Send(request.substr(head_and_some) + Post("/next", "tail")));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::to_string(body.size()) + " " + base::HexEncode(base::Sha256(body)));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "4 " + base::HexEncode(base::Sha256("tail")));
}

TEST_F(ServerTest, HugeHeadGets431AndClose) {
  std::atomic<int> calls{0};
  ServerOptions options;
  options.max_header_bytes = 8 * 1024;
  StartServer([&](Request&, ResponseWriter& w) { ++calls, w.Send("ok"); }, options);
  Client c(port());
  ASSERT_TRUE(
      c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(16 * 1024, 'a') + "\r\n\r\n"));
  Response r = c.ReadResponse();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(r.Header("content-length"), "0");
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(calls, 0);
  // A head just under the limit is fine.
  Client ok(port());
  ASSERT_TRUE(ok.Send(Get("/", "X-Big: " + std::string(7 * 1024, 'a') + "\r\n")));
  EXPECT_EQ(ok.ReadResponse().status, 200);
}

TEST_F(ServerTest, DeclaredTooLargeBodyGets413WithoutTheHandler) {
  std::atomic<int> calls{0};
  ServerOptions options;
  options.max_body_bytes = kMiB;
  StartServer([&](Request&, ResponseWriter& w) { ++calls, w.Send("ok"); }, options);
  Client c(port());
  ASSERT_TRUE(
      c.Send("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n"
             "Expect: 100-continue\r\n\r\n"));
  Response r = c.ReadResponse();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(calls, 0);
}

std::string ChunkedBody(size_t total, size_t chunk) {
  std::string wire;
  for (size_t sent = 0; sent < total; sent += chunk) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk);
    wire += size + std::string(chunk, 'z') + "\r\n";
  }
  return wire + "0\r\n\r\n";
}

TEST_F(ServerTest, ChunkedBodyGrowingPastTheLimitGets413) {
  std::mutex mu;
  std::vector<BodyError::Kind> kinds;
  ServerOptions options;
  options.max_body_bytes = 100 * 1024;
  StartServer(
      [&](Request& req, ResponseWriter& w) {
        try {
          req.body->ReadAll(kMiB);
          w.Send("accepted");
        } catch (const BodyError& e) {
          {
            std::lock_guard lock(mu);
            kinds.push_back(e.kind());
          }
          if (req.path == "/rethrow") throw;
          w.SetStatus(413);
          w.Send("too large");
        }
      },
      options);
  for (std::string path : {"/answer", "/rethrow"}) {
    Client c(port());
    ASSERT_TRUE(c.Send("PUT " + path +
                       " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                       ChunkedBody(200 * 1024, 1000)));
    Response r = c.ReadResponse();
    ASSERT_TRUE(r.ok) << path;
    EXPECT_EQ(r.status, 413) << path;
    EXPECT_EQ(r.body, path == "/answer" ? "too large" : "") << path;
    EXPECT_EQ(r.Header("connection"), "close") << path;
    EXPECT_TRUE(c.WaitClosed()) << path;
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(kinds,
            (std::vector<BodyError::Kind>{BodyError::Kind::kTooLarge, BodyError::Kind::kTooLarge}));
}

TEST_F(ServerTest, GarbageGets400AndClose) {
  std::atomic<int> calls{0};
  StartServer([&](Request&, ResponseWriter& w) { ++calls, w.Send("ok"); });
  for (std::string garbage : {std::string("\x16\x03\x01\x02\x00 hello\r\n\r\n"),
                              std::string("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"),
                              std::string("GET / HTTP/9.9\r\n\r\n"),
                              std::string("POST / HTTP/1.1\r\nContent-Length: x1\r\n\r\n"),
                              std::string("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                                          "Content-Length: 2\r\n\r\nab"),
                              std::string("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
                                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                              std::string("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")}) {
    Client c(port());
    ASSERT_TRUE(c.Send(garbage));
    Response r = c.ReadResponse();
    ASSERT_TRUE(r.ok) << garbage;
    EXPECT_EQ(r.status, 400) << garbage;
    EXPECT_EQ(r.Header("connection"), "close") << garbage;
    EXPECT_TRUE(c.WaitClosed()) << garbage;
  }
  EXPECT_EQ(calls, 0);
}

TEST_F(ServerTest, MalformedChunkedBodyIsReportedToTheHandler) {
  std::promise<BodyError::Kind> kind;
  StartServer([&](Request& req, ResponseWriter&) {
    try {
      req.body->ReadAll(kMiB);
    } catch (const BodyError& e) {
      kind.set_value(e.kind());
      throw;
    }
  });
  Client c(port());
  ASSERT_TRUE(
      c.Send("PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\nnot-hex\r\n"));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(kind.get_future().get(), BodyError::Kind::kMalformed);
}

TEST_F(ServerTest, StreamsA200MiBUploadWithFlatMemory) {
  constexpr uint64_t kTotal = 200 * kMiB;
  std::atomic<uint64_t> peak_rss{0};
  StartServer([&](Request& req, ResponseWriter& w) {
    base::Digest digest(base::DigestAlgorithm::kSha256);
    std::string buf(256 * 1024, '\0');
    uint64_t total = 0;
    uint64_t next_sample = 0;
    while (size_t n = req.body->Read(buf.data(), buf.size())) {
      digest.Update(std::string_view(buf.data(), n));
      total += n;
      if (total >= next_sample) {
        peak_rss = std::max(peak_rss.load(), RssBytes());
        next_sample += 8 * kMiB;
      }
    }
    w.Send(std::to_string(total) + " " + base::HexEncode(digest.Final()));
  });
  std::string expected = ExpectedDigest(kTotal);
  Client c(port());
  uint64_t rss_before = RssBytes();
  ASSERT_TRUE(c.Send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kTotal) +
                     "\r\n\r\n"));
  std::thread sender([&] {
    ByteSource source;
    std::string block(kMiB, '\0');
    for (uint64_t sent = 0; sent < kTotal; sent += block.size()) {
      source.Fill(&block);
      if (!c.Send(block)) return;
    }
  });
  Response r = c.ReadResponse();
  sender.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::to_string(kTotal) + " " + expected);
  EXPECT_LT(peak_rss.load(), rss_before + 48 * kMiB)
      << "before " << rss_before << " peak " << peak_rss.load();
}

TEST_F(ServerTest, StreamsA200MiBDownloadWithFlatMemory) {
  constexpr uint64_t kTotal = 200 * kMiB;
  StartServer([&](Request&, ResponseWriter& w) {
    w.headers().Set("Content-Type", "application/octet-stream");
    w.Begin(kTotal);
    ByteSource source;
    std::string block(kMiB, '\0');
    for (uint64_t sent = 0; sent < kTotal; sent += block.size()) {
      source.Fill(&block);
      w.Write(block);
    }
    w.End();
  });
  std::string expected = ExpectedDigest(kTotal);
  Client c(port());
  uint64_t rss_before = RssBytes();
  uint64_t peak_rss = rss_before;
  ASSERT_TRUE(c.Send(Get("/big")));
  std::string head = c.ReadHead();
  EXPECT_NE(head.find("Content-Length: " + std::to_string(kTotal) + "\r\n"), std::string::npos);
  base::Digest digest(base::DigestAlgorithm::kSha256);
  std::string buf(256 * 1024, '\0');
  uint64_t total = 0;
  uint64_t next_sample = 0;
  while (total < kTotal) {
    size_t n = c.ReadSome(buf.data(), std::min<uint64_t>(buf.size(), kTotal - total));
    if (n == 0) break;
    digest.Update(std::string_view(buf.data(), n));
    total += n;
    if (total >= next_sample) {
      peak_rss = std::max(peak_rss, RssBytes());
      next_sample += 8 * kMiB;
    }
  }
  EXPECT_EQ(total, kTotal);
  EXPECT_EQ(base::HexEncode(digest.Final()), expected);
  EXPECT_LT(peak_rss, rss_before + 48 * kMiB) << "before " << rss_before << " peak " << peak_rss;
  // The connection is still good for another request.
  ASSERT_TRUE(c.Send("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n"));
  Response r = c.ReadResponse(/*head_request=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), std::to_string(kTotal));
}

TEST_F(ServerTest, ChunkedResponse) {
  StartServer([](Request&, ResponseWriter& w) {
    w.Begin(std::nullopt);
    w.Write("hello");
    w.Write("");
    w.Write(" world, " + std::string(300, 'x'));
    w.End();
  });
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/")));
  std::string head = c.ReadHead();
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  std::string expected = "5\r\nhello\r\n134\r\n world, " + std::string(300, 'x') + "\r\n0\r\n\r\n";
  EXPECT_EQ(c.ReadExact(expected.size()), expected);
  ASSERT_TRUE(c.Send(Get("/again")));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.body, "hello world, " + std::string(300, 'x'));
}

TEST_F(ServerTest, HeadSendsOnlyTheHeadWithTheBodyLength) {
  StartServer([](Request& req, ResponseWriter& w) {
    if (req.path == "/streamed") {
      w.Begin(1234);
      w.Write(std::string(1234, 's'));  // discarded for HEAD
      w.End();
      return;
    }
    if (req.path == "/declared") {
      w.headers().Set("Content-Length", "99");
      w.Send("");
      return;
    }
    w.Send("hello world");
  });
  Client c(port());
  ASSERT_TRUE(c.Send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  Response r = c.ReadResponse(true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "11");
  ASSERT_TRUE(c.Send("HEAD /streamed HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse(true).Header("content-length"), "1234");
  ASSERT_TRUE(c.Send("HEAD /declared HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse(true).Header("content-length"), "99");
  // No body bytes followed the heads: the next response starts right away.
  ASSERT_TRUE(c.Send(Get("/x")));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterTheTimeout) {
  ServerOptions options;
  options.idle_timeout = 1s;
  StartServer(EchoHandler, options);
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/")));
  EXPECT_EQ(c.ReadResponse().status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.WaitClosed());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 800ms);
  EXPECT_LT(elapsed, 5s);
}

TEST_F(ServerTest, StalledBodyTimesOutInTheHandler) {
  std::promise<BodyError::Kind> kind;
  ServerOptions options;
  options.idle_timeout = 1s;
  StartServer(
      [&](Request& req, ResponseWriter&) {
        try {
          req.body->ReadAll(kMiB);
        } catch (const BodyError& e) {
          kind.set_value(e.kind());
          throw;
        }
      },
      options);
  Client c(port());
  ASSERT_TRUE(c.Send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789"));
  auto future = kind.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get(), BodyError::Kind::kTimeout);
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, SlowReaderIsServedAndStalledReaderTimesOut) {
  std::promise<BodyError::Kind> stalled_kind;
  ServerOptions options;
  // The timeout leaves the slow reader room for scheduling delays on a loaded machine; the
  // reader paces itself so the whole transfer still outlasts the timeout.
  options.idle_timeout = 5s;
  std::string big(16 * kMiB, '\0');
  ByteSource().Fill(&big);
  StartServer(
      [&](Request& req, ResponseWriter& w) {
        if (req.path == "/slow") return w.Send(big);  // one write that outlasts the timeout
        try {
          w.Begin(256 * kMiB);
          std::string block(kMiB, 'x');
          for (int i = 0; i < 256; ++i) w.Write(block);
          w.End();
        } catch (const BodyError& e) {
          stalled_kind.set_value(e.kind());
          throw;
        }
      },
      options);
  Client slow(port());
  ASSERT_TRUE(slow.Send(Get("/slow")));
  std::string head = slow.ReadHead();
  ASSERT_FALSE(head.empty());
  auto start = std::chrono::steady_clock::now();
  std::string received;
  std::string buf(64 * 1024, '\0');
  while (received.size() < big.size()) {
    std::this_thread::sleep_for(40ms);
    size_t n = slow.ReadSome(buf.data(), std::min(buf.size(), big.size() - received.size()));
    if (n == 0) break;
    received.append(buf.data(), n);
  }
  EXPECT_GT(std::chrono::steady_clock::now() - start, 7s);
  EXPECT_TRUE(received == big) << received.size();

  Client stalled(port());
  ASSERT_TRUE(stalled.Send(Get("/stalled")));
  auto future = stalled_kind.get_future();
  ASSERT_EQ(future.wait_for(40s), std::future_status::ready);
  EXPECT_EQ(future.get(), BodyError::Kind::kTimeout);
}

TEST_F(ServerTest, ClientVanishingMidBodyIsReportedAsClientGone) {
  std::promise<BodyError::Kind> kind;
  StartServer([&](Request& req, ResponseWriter& w) {
    if (req.path == "/ok") return w.Send("fine");
    try {
      req.body->ReadAll(64 * kMiB);
    } catch (const BodyError& e) {
      kind.set_value(e.kind());
      throw;
    }
  });
  {
    Client c(port());
    ASSERT_TRUE(c.Send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" +
                       std::string(1000, 'a')));
  }
  auto future = kind.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get(), BodyError::Kind::kClientGone);
  Client next(port());
  ASSERT_TRUE(next.Send(Get("/ok")));
  EXPECT_EQ(next.ReadResponse().body, "fine");
}

TEST_F(ServerTest, HandlerThatThrowsGets500OrAClosedConnection) {
  StartServer([](Request& req, ResponseWriter& w) {
    w.headers().Set("X-Secret", "must not leak");
    if (req.path == "/before") throw std::runtime_error("/internal/path/secret.cc:42 failed");
    if (req.path == "/bad-header") {
      w.headers().Set("X-Split", "a\r\nInjected: yes");
      w.Send("never");
      return;
    }
    if (req.path == "/silent") return;  // answers nothing: an empty 200
    w.Begin(100);
    w.Write(std::string(10, 'p'));
    if (req.path == "/during") throw std::runtime_error("boom");
  });
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/before")));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("content-length"), "0");
  EXPECT_EQ(r.Header("x-secret"), "");
  ASSERT_TRUE(c.Send(Get("/bad-header")));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.Header("injected"), "");
  ASSERT_TRUE(c.Send(Get("/silent")));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "0");
  EXPECT_EQ(r.Header("x-secret"), "must not leak");

  for (std::string path : {"/during", "/short"}) {
    Client d(port());
    ASSERT_TRUE(d.Send(Get(path)));
    std::string head = d.ReadHead();
    EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << path;
    EXPECT_EQ(d.ReadExact(10), std::string(10, 'p')) << path;
    EXPECT_TRUE(d.WaitClosed()) << path;  // 90 bytes short: the client sees a truncated body
  }
}

TEST_F(ServerTest, ConnectionCloseAndHttp10) {
  StartServer([](Request& req, ResponseWriter& w) {
    if (req.path == "/stream") {
      w.Begin(std::nullopt);
      w.Write("streamed ");
      w.Write("until close");
      w.End();
      return;
    }
    w.Send("ok");
  });
  {
    Client c(port());
    ASSERT_TRUE(c.Send(Get("/", "Connection: close\r\n")));
    Response r = c.ReadResponse();
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(r.Header("connection"), "close");
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    Client c(port());
    ASSERT_TRUE(c.Send("GET / HTTP/1.0\r\n\r\n"));
    Response r = c.ReadResponse();
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(r.Header("connection"), "close");
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    Client c(port());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(c.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      Response r = c.ReadResponse();
      EXPECT_EQ(r.body, "ok");
      EXPECT_EQ(r.Header("connection"), "keep-alive");
    }
    // A streamed body of unknown length is delimited by closing the connection.
    ASSERT_TRUE(c.Send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    Response r = c.ReadResponse();
    EXPECT_EQ(r.Header("connection"), "close");
    EXPECT_EQ(r.Header("transfer-encoding"), "");
    EXPECT_EQ(r.body, "streamed until close");
  }
}

TEST_F(ServerTest, StopWaitsForAnInFlightSlowRequest) {
  std::promise<void> started;
  StartServer([&](Request&, ResponseWriter& w) {
    started.set_value();
    std::this_thread::sleep_for(700ms);
    w.Send("done");
  });
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/slow")));
  started.get_future().wait();
  Client idle(port());  // an idle connection is closed right away
  std::this_thread::sleep_for(50ms);
  auto begin = std::chrono::steady_clock::now();
  std::thread stopper([&] { server_->Stop(10s); });
  Response r = c.ReadResponse();
  stopper.join();
  auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_GE(elapsed, 500ms);
  EXPECT_TRUE(idle.WaitClosed());
  Client refused(port());
  EXPECT_FALSE(refused.connected());
}

TEST_F(ServerTest, StopClosesRequestsThatOutliveTheGrace) {
  std::promise<BodyError::Kind> kind;
  std::promise<void> started;
  StartServer([&](Request& req, ResponseWriter&) {
    started.set_value();
    try {
      req.body->ReadAll(kMiB);
    } catch (const BodyError& e) {
      kind.set_value(e.kind());
      throw;
    }
  });
  Client c(port());
  ASSERT_TRUE(c.Send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc"));
  started.get_future().wait();
  auto begin = std::chrono::steady_clock::now();
  server_->Stop(1s);
  auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 5s);
  EXPECT_EQ(kind.get_future().get(), BodyError::Kind::kClientGone);
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, SixtyFourConnectionsTimesTwoHundredRequests) {
  StartServer([](Request& req, ResponseWriter& w) {
    std::string body = req.body->ReadAll(kMiB);
    w.Send(req.path + "|" + body);
  });
  constexpr int kConnections = 64;
  constexpr int kRequests = 200;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.emplace_back([&, i] {
      Client c(port());
      for (int j = 0; j < kRequests; ++j) {
        std::string path = "/c" + std::to_string(i) + "/r" + std::to_string(j);
        std::string body = j % 2 ? std::string(j * 10, 'b') : "";
        if (!c.Send(j % 2 ? Post(path, body) : Get(path))) return;
        Response r = c.ReadResponse();
        if (r.status == 200 && r.body == path + "|" + body) ++answered;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered, kConnections * kRequests);
}

// Answers PUTs later from another thread (as a group commit's completion would), on the
// connection's I/O thread, and leaves every other request to the worker threads.
class DeferredPuts {
 public:
  ~DeferredPuts() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  AsyncHandler Handler() {
    return [this](const std::shared_ptr<AsyncExchange>& ex) {
      if (ex->request().method != "PUT") return false;
      std::string body = ex->request().body->ReadAll(kMiB);
      std::thread::id io = std::this_thread::get_id();
      std::lock_guard lock(mu_);
      if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
      // Completed from the other thread: the answer is written on the I/O thread.
      queue_.push_back([ex, body, io] {
        ex->Post([ex, body, io] {
          bool same = std::this_thread::get_id() == io;
          ex->response().headers().Set("X-Same-Thread", same ? "yes" : "no");
          ex->response().Send("deferred " + ex->request().path + " " + body);
          ex->Finish();
        });
      });
      cv_.notify_all();
      return true;
    };
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto fn = std::move(queue_.front());
      queue_.erase(queue_.begin());
      lock.unlock();
      std::this_thread::sleep_for(2ms);
      fn();
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void()>> queue_;
  bool stop_ = false;
  std::thread thread_;
};

// An AsyncHandler takes small PUTs on the I/O thread and answers them later through the
// exchange; the connection stays alive across them, pipelined requests are answered in order,
// and what it declines (GET) or is not offered (a body too large to be read before the
// handler) reaches the worker handler with its body intact.
TEST_F(ServerTest, AsyncHandlerAnswersLaterOnTheIoThread) {
  DeferredPuts deferred;
  std::atomic<int> worker_calls{0};
  StartServer(
      [&](Request& req, ResponseWriter& w) {
        ++worker_calls;
        EchoHandler(req, w);
      },
      {}, deferred.Handler());
  Client c(port());
  ASSERT_TRUE(c.connected());
  auto put = [](const std::string& target, const std::string& body, const std::string& extra) {
    return "PUT " + target +
           " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           extra + "\r\n" + body;
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Send(put("/k" + std::to_string(i), "body" + std::to_string(i), "")));
    Response r = c.ReadResponse();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "deferred /k" + std::to_string(i) + " body" + std::to_string(i));
    EXPECT_EQ(r.Header("x-same-thread"), "yes");
  }
  EXPECT_EQ(worker_calls, 0);
  ASSERT_TRUE(c.Send(put("/a", "1", "") + Get("/g") + put("/b", "2", "")));
  EXPECT_EQ(c.ReadResponse().body, "deferred /a 1");
  EXPECT_EQ(c.ReadResponse().body, "GET /g  ");
  EXPECT_EQ(c.ReadResponse().body, "deferred /b 2");
  EXPECT_EQ(worker_calls, 1);

  std::string large(100 * 1024, 'L');
  ASSERT_TRUE(c.Send(put("/large", large, "")));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.body, "PUT /large  " + large);
  // A client waiting for "100 Continue" before a small body gets it at once; the body is
  // then read before the request is offered.
  ASSERT_TRUE(
      c.Send("PUT /c HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
             "Expect: 100-continue\r\n\r\n"));
  r = c.ReadResponse();
  EXPECT_EQ(r.status, 100);
  ASSERT_TRUE(c.Send("cccc"));
  r = c.ReadResponse();
  EXPECT_EQ(r.body, "deferred /c cccc");
  EXPECT_EQ(worker_calls, 2);
}

// An exchange dropped without an answer is answered 500; a response too large to be sent
// without waiting fails in the handler instead of blocking the I/O thread, which keeps
// serving; a throwing AsyncHandler gets 500.
TEST_F(ServerTest, AsyncExchangeMisuseIsAnsweredNotHung) {
  std::promise<std::string> send_error;
  StartServer(EchoHandler, {}, [&](const std::shared_ptr<AsyncExchange>& ex) {
    const std::string& path = ex->request().path;
    if (path == "/drop") return true;  // released here without Finish
    if (path == "/throw") throw std::runtime_error("refused");
    if (path == "/big") {
      try {
        ex->response().Send(std::string(200 * 1024, 'x'));
      } catch (const base::Error& e) {
        send_error.set_value(e.what());
      }
      return true;
    }
    return false;
  });
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/drop")));
  Response r = c.ReadResponse();
  EXPECT_EQ(r.status, 500);
  ASSERT_TRUE(c.Send(Get("/throw")));
  EXPECT_EQ(c.ReadResponse().status, 500);
  ASSERT_TRUE(c.Send(Get("/ok")));
  EXPECT_EQ(c.ReadResponse().body, "GET /ok  ");
  Client big(port());
  ASSERT_TRUE(big.Send(Get("/big")));
  auto error = send_error.get_future();
  ASSERT_EQ(error.wait_for(10s), std::future_status::ready);
  EXPECT_NE(error.get().find("I/O thread"), std::string::npos);
  // The head was written as part of the failed send: the connection is closed, not hung.
  EXPECT_TRUE(big.WaitClosed());
  Client after(port());
  ASSERT_TRUE(after.Send(Get("/after")));
  EXPECT_EQ(after.ReadResponse().body, "GET /after  ");
}

TEST_F(ServerTest, StartFailsWithIoErrorWhenThePortIsTaken) {
  StartServer(EchoHandler);
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = port();
  Server second(options, EchoHandler);
  EXPECT_THROW(second.Start(), base::IoError);
  ServerOptions bad;
  bad.address = "no-such-host.invalid";
  bad.port = 0;
  Server third(bad, EchoHandler);
  EXPECT_THROW(third.Start(), base::IoError);
}

}  // namespace
}  // namespace http
