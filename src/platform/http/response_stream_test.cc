// Unit tests of the response framing and the body stream, against an in-memory transport.
#include "platform/http/response_stream.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "base/error.h"
#include "gtest/gtest.h"
#include "platform/http/body_stream.h"

namespace http {
namespace {

// Records what would go on the wire; serves a request body from `source`.
class FakeTransport : public Transport {
 public:
  ReadResult ReadBody(char* buf, size_t n, bool send_continue) override {
    if (send_continue) wire += "[100 Continue]";
    ++reads;
    size_t k = std::min(n, source.size() - source_pos);
    std::memcpy(buf, source.data() + source_pos, k);
    source_pos += k;
    return {k, source_pos == source.size()};
  }
  void Write(std::span<const std::string_view> buffers) override {
    std::string all;
    for (auto b : buffers) all += b;
    writes.push_back(all);
    wire += all;
  }
  void WriteLast(std::string bytes) override {
    ++last_writes;
    wire += bytes;
  }
  bool stopping() const override { return stopping_flag; }

  std::string wire;
  std::vector<std::string> writes;
  int last_writes = 0;
  int reads = 0;
  bool stopping_flag = false;
  std::string source;
  size_t source_pos = 0;
};

struct Fixture {
  explicit Fixture(bool head = false, bool http10 = false, bool keep = true,
                   std::optional<uint64_t> content_length = 0, bool body_complete = true,
                   bool expect_continue = false)
      : body(transport, content_length, expect_continue, "", body_complete),
        response(transport, body, head, http10, keep) {}

  FakeTransport transport;
  BodyStream body;
  ResponseStream response;
};

std::string BodyOf(const std::string& wire) { return wire.substr(wire.find("\r\n\r\n") + 4); }
std::string HeadOf(const std::string& wire) { return wire.substr(0, wire.find("\r\n\r\n") + 4); }

TEST(ResponseStreamTest, SendFramesWithLengthAndDate) {
  Fixture f;
  f.response.headers().Set("Content-Type", "text/plain");
  f.response.headers().Set("Content-Length", "999");  // replaced by the real length
  f.response.Send("abc");
  const std::string& wire = f.transport.wire;
  EXPECT_TRUE(wire.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")) << wire;
  EXPECT_NE(wire.find("\r\nContent-Length: 3\r\n"), std::string::npos);
  EXPECT_EQ(wire.find("999"), std::string::npos);
  EXPECT_NE(wire.find("\r\nDate: "), std::string::npos);
  EXPECT_EQ(wire.find("Connection"), std::string::npos);
  EXPECT_EQ(BodyOf(wire), "abc");
  EXPECT_EQ(f.transport.last_writes, 1);
  EXPECT_TRUE(f.response.started());
  EXPECT_TRUE(f.response.keep_alive());
  EXPECT_THROW(f.response.Send("again"), base::Error);
  EXPECT_THROW(f.response.SetStatus(404), base::Error);
}

TEST(ResponseStreamTest, LargeSendIsWrittenWithoutCopyWhileTheHandlerWaits) {
  Fixture f;
  std::string big(ResponseStream::kCopyLimit + 1, 'b');
  f.response.Send(big);
  EXPECT_EQ(f.transport.last_writes, 0);
  ASSERT_EQ(f.transport.writes.size(), 1u);
  EXPECT_EQ(BodyOf(f.transport.writes[0]), big);
}

TEST(ResponseStreamTest, NoContentHasNeitherLengthNorBody) {
  Fixture f;
  f.response.SetStatus(204);
  f.response.Send("ignored");
  EXPECT_TRUE(f.transport.wire.starts_with("HTTP/1.1 204 No Content\r\n"));
  EXPECT_EQ(f.transport.wire.find("Content-Length"), std::string::npos);
  EXPECT_EQ(BodyOf(f.transport.wire), "");
}

TEST(ResponseStreamTest, StreamedHeadGoesOutWithTheFirstBytes) {
  Fixture f;
  f.response.Begin(5);
  EXPECT_TRUE(f.response.started());
  EXPECT_EQ(f.transport.wire, "");
  f.response.Write("hel");
  ASSERT_EQ(f.transport.writes.size(), 1u);
  EXPECT_NE(f.transport.writes[0].find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(BodyOf(f.transport.writes[0]), "hel");
  f.response.Write("lo");
  EXPECT_EQ(f.transport.writes.back(), "lo");
  f.response.End();
  EXPECT_EQ(f.transport.last_writes, 0);
  EXPECT_TRUE(f.response.keep_alive());
}

TEST(ResponseStreamTest, ChunkedFraming) {
  Fixture f;
  f.response.Begin(std::nullopt);
  f.response.Write(std::string(26, 'a'));
  f.response.Write("");  // an empty write must not end the body
  f.response.Write("z");
  f.response.End();
  EXPECT_NE(HeadOf(f.transport.wire).find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(BodyOf(f.transport.wire), "1a\r\n" + std::string(26, 'a') + "\r\n1\r\nz\r\n0\r\n\r\n");
  EXPECT_TRUE(f.response.keep_alive());
}

TEST(ResponseStreamTest, FinishEndsAChunkedBodyTheHandlerLeftOpen) {
  Fixture f;
  f.response.Begin(std::nullopt);
  f.response.Write("x");
  f.response.Finish(0);
  EXPECT_EQ(BodyOf(f.transport.wire), "1\r\nx\r\n0\r\n\r\n");
  EXPECT_TRUE(f.response.keep_alive());
}

TEST(ResponseStreamTest, BodyLengthMismatchBreaksTheConnection) {
  Fixture longer;
  longer.response.Begin(3);
  EXPECT_THROW(longer.response.Write("abcd"), base::Error);
  EXPECT_FALSE(longer.response.keep_alive());

  Fixture shorter;
  shorter.response.Begin(3);
  shorter.response.Write("ab");
  shorter.response.Finish(0);
  EXPECT_FALSE(shorter.response.keep_alive());
  EXPECT_EQ(BodyOf(shorter.transport.wire), "ab");

  Fixture ended;
  ended.response.Begin(3);
  ended.response.Write("a");
  EXPECT_THROW(ended.response.End(), base::Error);
  EXPECT_FALSE(ended.response.keep_alive());
}

TEST(ResponseStreamTest, FailureAfterAStreamedBodyStartedAbandonsIt) {
  Fixture f;
  f.response.Begin(std::nullopt);
  f.response.Write("partial");
  f.response.Finish(500);
  EXPECT_EQ(BodyOf(f.transport.wire), "7\r\npartial\r\n");  // no last chunk: not complete
  EXPECT_FALSE(f.response.keep_alive());
}

TEST(ResponseStreamTest, FailureBeforeAnyByteIsAnswered) {
  Fixture f;
  f.response.headers().Set("X-Handler", "1");
  f.response.Begin(10);
  f.response.Finish(500);
  EXPECT_TRUE(f.transport.wire.starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
  EXPECT_EQ(f.transport.wire.find("X-Handler"), std::string::npos);
  EXPECT_NE(f.transport.wire.find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_TRUE(f.response.keep_alive());
}

TEST(ResponseStreamTest, InvalidHeaderIsRefusedAndFinishAnswers500) {
  Fixture f;
  f.response.headers().Set("X-Split", "a\r\nInjected: 1");
  EXPECT_THROW(f.response.Send("x"), base::Error);
  EXPECT_EQ(f.transport.wire, "");
  EXPECT_FALSE(f.response.started());
  f.response.Finish(0);
  EXPECT_TRUE(f.transport.wire.starts_with("HTTP/1.1 500 "));
  EXPECT_EQ(f.transport.wire.find("Injected"), std::string::npos);

  Fixture name;
  name.response.headers().Set("Bad Name", "v");
  EXPECT_THROW(name.response.Send("x"), base::Error);
  Fixture status;
  status.response.SetStatus(99);
  EXPECT_THROW(status.response.Send("x"), base::Error);
}

TEST(ResponseStreamTest, HeadRequestGetsTheHeadOnly) {
  Fixture f(/*head=*/true);
  f.response.Send("hello");
  EXPECT_NE(f.transport.wire.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(BodyOf(f.transport.wire), "");

  Fixture streamed(/*head=*/true);
  streamed.response.Begin(std::nullopt);
  streamed.response.Write("ignored");
  streamed.response.End();
  EXPECT_EQ(streamed.transport.wire.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(BodyOf(streamed.transport.wire), "");
  EXPECT_TRUE(streamed.response.keep_alive());
}

TEST(ResponseStreamTest, ConnectionIsClosedWhenItCannotBeReused) {
  // The handler left a large body unread.
  Fixture unread(false, false, true, uint64_t{1} << 20, /*body_complete=*/false);
  unread.response.Send("no");
  EXPECT_NE(unread.transport.wire.find("Connection: close\r\n"), std::string::npos);
  EXPECT_FALSE(unread.response.keep_alive());
  // A small unread rest is drained instead.
  Fixture small(false, false, true, uint64_t{1000}, /*body_complete=*/false);
  small.response.Send("no");
  EXPECT_EQ(small.transport.wire.find("Connection"), std::string::npos);
  EXPECT_TRUE(small.response.keep_alive());
  // ... unless the client still waits for 100 Continue.
  Fixture waiting(false, false, true, uint64_t{1000}, false, /*expect_continue=*/true);
  waiting.response.Send("no");
  EXPECT_FALSE(waiting.response.keep_alive());
  // The client asked to close, or the handler did, or the server is stopping.
  Fixture client(false, false, /*keep=*/false);
  client.response.Send("");
  EXPECT_NE(client.transport.wire.find("Connection: close\r\n"), std::string::npos);
  Fixture handler;
  handler.response.headers().Set("Connection", "Close");
  handler.response.Send("");
  EXPECT_NE(handler.transport.wire.find("Connection: close\r\n"), std::string::npos);
  EXPECT_FALSE(handler.response.keep_alive());
  Fixture stopping;
  stopping.transport.stopping_flag = true;
  stopping.response.Send("");
  EXPECT_FALSE(stopping.response.keep_alive());
}

TEST(ResponseStreamTest, Http10StreamOfUnknownLengthEndsWithTheConnection) {
  Fixture f(false, /*http10=*/true, /*keep=*/true);
  f.response.Begin(std::nullopt);
  f.response.Write("raw");
  f.response.End();
  std::string head = HeadOf(f.transport.wire);
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(BodyOf(f.transport.wire), "raw");
  EXPECT_FALSE(f.response.keep_alive());

  Fixture kept(false, /*http10=*/true, /*keep=*/true);
  kept.response.Send("x");
  EXPECT_NE(kept.transport.wire.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(BodyStreamTest, SendsContinueOnceBeforeTheFirstPull) {
  FakeTransport transport;
  transport.source = "0123456789";
  BodyStream body(transport, 10, /*expect_continue=*/true, "", false);
  EXPECT_FALSE(body.CanKeepConnection());  // the client still waits for 100
  EXPECT_EQ(transport.wire, "");
  char buf[4];
  EXPECT_EQ(body.Read(buf, 4), 4u);
  EXPECT_EQ(transport.wire, "[100 Continue]");
  EXPECT_EQ(body.ReadAll(100), "456789");
  EXPECT_EQ(transport.wire, "[100 Continue]");
  EXPECT_TRUE(body.complete());
  EXPECT_EQ(body.Read(buf, 4), 0u);
  EXPECT_EQ(body.ContentLength(), std::optional<uint64_t>(10));
}

TEST(BodyStreamTest, NoContinueAfterTheResponseWentOut) {
  Fixture f(false, false, true, uint64_t{10}, /*body_complete=*/false, /*expect_continue=*/true);
  f.transport.source = "0123456789";
  f.response.SetStatus(403);
  f.response.Send("denied");
  char buf[4];
  EXPECT_THROW(f.body.Read(buf, 4), BodyError);
  EXPECT_EQ(f.transport.wire.find("[100 Continue]"), std::string::npos);
  EXPECT_EQ(f.transport.reads, 0);
  EXPECT_FALSE(f.response.keep_alive());

  // A streamed response whose head has not gone out yet still lets the body come.
  Fixture echo(false, false, true, uint64_t{10}, false, true);
  echo.transport.source = "0123456789";
  echo.response.Begin(10);
  EXPECT_EQ(echo.body.ReadAll(10), "0123456789");
  echo.response.Write("0123456789");
  echo.response.End();
  EXPECT_TRUE(echo.transport.wire.starts_with("[100 Continue]HTTP/1.1 200 OK\r\n"));
}

TEST(BodyStreamTest, AnEmptyBodyThatExpectedContinueStillGetsTheInterim100) {
  // No body to wait for: the 100 goes out right before the final answer, in one write, and
  // the connection stays usable.
  Fixture empty(false, false, true, uint64_t{0}, /*body_complete=*/true, /*expect_continue=*/true);
  EXPECT_EQ(empty.body.ReadAll(10), "");
  empty.response.Send("ok");
  EXPECT_TRUE(empty.transport.wire.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
      << empty.transport.wire;
  EXPECT_EQ(empty.transport.last_writes, 1);
  EXPECT_EQ(BodyOf(BodyOf(empty.transport.wire)), "ok");
  EXPECT_TRUE(empty.response.keep_alive());

  // A failure answered in place of a streamed head carries it too, once.
  Fixture failed(false, false, true, uint64_t{0}, true, true);
  failed.response.Begin(5);
  failed.response.Finish(500);
  EXPECT_TRUE(failed.transport.wire.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 "))
      << failed.transport.wire;
  EXPECT_EQ(failed.transport.wire.find("100 Continue", 10), std::string::npos);

  // Without the expectation nothing changes.
  Fixture plain;
  plain.response.Send("ok");
  EXPECT_TRUE(plain.transport.wire.starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST(BodyStreamTest, ServesAPrefetchedBodyWithoutTransport) {
  FakeTransport transport;
  BodyStream body(transport, 5, false, "hello", true);
  EXPECT_EQ(body.ReadAll(5), "hello");
  EXPECT_EQ(transport.reads, 0);
  BodyStream too_large(transport, 5, false, "hello", true);
  EXPECT_THROW(too_large.ReadAll(4), BodyError);
}

}  // namespace
}  // namespace http
