#include "platform/aws/dispatcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/time.h"
#include "platform/aws/api_error.h"
#include "platform/aws/sigv4/signer.h"
#include "platform/aws/sigv4/sigv4_test_util.h"

namespace aws {
namespace {

constexpr const char* kKey = "AKIADISPATCHTEST0001";
constexpr const char* kSecret = "dispatcher/test/secret/0123456789abcdef";

class RootOnly : public CredentialProvider {
 public:
  std::optional<Credentials> Lookup(std::string_view access_key_id) override {
    if (access_key_id != kKey) return std::nullopt;
    Credentials c;
    c.secret_access_key = kSecret;
    c.principal.type = Principal::Type::kRoot;
    c.principal.arn = "arn:aws:iam::123456789012:root";
    c.principal.account_id = "123456789012";
    return c;
  }
  std::vector<std::shared_ptr<const auth::Policy>> IdentityPolicies(const Principal&) override {
    return {};
  }
};

// Records what the dispatcher answers; only Send is expected.
class RecordingResponse : public http::ResponseWriter {
 public:
  void SetStatus(int status) override { status_ = status; }
  int status() const override { return status_; }
  http::Headers& headers() override { return headers_; }
  void Send(std::string_view body) override {
    if (sent_) throw base::Error("sent twice");
    body_ = std::string(body);
    sent_ = true;
  }
  void Begin(std::optional<uint64_t>) override { throw base::Error("not expected"); }
  void Write(std::string_view) override { throw base::Error("not expected"); }
  void End() override { throw base::Error("not expected"); }
  bool started() const override { return sent_; }

  const std::string& body() const { return body_; }
  bool sent() const { return sent_; }

 private:
  int status_ = 200;
  http::Headers headers_;
  std::string body_;
  bool sent_ = false;
};

// An exchange whose posted functions the test runs itself, as the I/O thread would.
class FakeExchange : public http::AsyncExchange {
 public:
  FakeExchange(std::string method, std::string path, std::string body, const char* secret)
      : body_(body) {
    request_.method = method;
    request_.target = path;
    request_.path = path;
    request_.headers.Add("Host", "localhost");
    if (method == "PUT") request_.headers.Add("Content-Length", std::to_string(body.size()));
    request_.body = &body_;
    sigv4::Signer({kKey, secret, ""}, "us-east-1", "s3")
        .Sign(&request_, "UNSIGNED-PAYLOAD", base::Now());
  }

  http::Request& request() override { return request_; }
  http::ResponseWriter& response() override { return response_; }
  void Post(std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    posted_.push_back(std::move(fn));
  }
  void Finish(int failure_status) override { finished_ = failure_status; }

  // Runs what was posted; returns how many functions ran.
  size_t RunPosted() {
    std::vector<std::function<void()>> fns;
    {
      std::lock_guard lock(mu_);
      fns.swap(posted_);
    }
    for (auto& fn : fns) fn();
    return fns.size();
  }

  RecordingResponse& recorded() { return response_; }
  std::optional<int> finished() const { return finished_; }
  size_t body_read() const { return body_.position(); }

 private:
  http::Request request_;
  sigv4::testing::StringBodyReader body_;
  RecordingResponse response_;
  std::mutex mu_;
  std::vector<std::function<void()>> posted_;
  std::optional<int> finished_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_ = std::make_unique<Dispatcher>(DispatcherOptions{}, credentials_);
    auto svc = std::make_unique<Service>("s3", "s3");
    svc->Async("PutObject", [this](RequestContext& ctx, const base::Json&, Reply reply) {
      handler_thread_ = std::this_thread::get_id();
      seen_body_ = ctx.body().ReadAll(1024);
      if (seen_body_ == "refuse") throw ApiError(400, "InvalidRequest", "refused at once");
      std::lock_guard lock(mu_);
      reply_ = std::move(reply);
    });
    svc->Handle("CreateBucket",
                [](RequestContext&, const base::Json&) { return base::Json::object(); });
    dispatcher_->Register(std::move(svc));
  }

  // The reply the last PutObject left, once it is there.
  Reply TakeReply() {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(mu_);
        if (reply_) return std::exchange(reply_, nullptr);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return nullptr;
  }

  RootOnly credentials_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::thread::id handler_thread_;
  std::string seen_body_;
  std::mutex mu_;
  Reply reply_;
};

// The handler runs on the calling (I/O) thread and returns without an answer; the reply,
// given on another thread, is written by the function it posts, and then the request ends.
TEST_F(DispatcherTest, AsyncOperationAnswersThroughItsReply) {
  auto ex = std::make_shared<FakeExchange>("PUT", "/bucket/key", "hello", kSecret);
  ASSERT_TRUE(dispatcher_->HandleAsync(ex));
  EXPECT_EQ(handler_thread_, std::this_thread::get_id());
  EXPECT_EQ(seen_body_, "hello");
  EXPECT_FALSE(ex->recorded().sent());
  EXPECT_FALSE(ex->finished());
  Reply reply = TakeReply();
  ASSERT_TRUE(reply);
  std::thread([&] { reply([] { return base::Json{{"ETag", "\"0123\""}}; }); }).join();
  EXPECT_FALSE(ex->recorded().sent());  // not before the posted function runs
  EXPECT_EQ(ex->RunPosted(), 1u);
  EXPECT_EQ(ex->recorded().status(), 200);
  EXPECT_EQ(ex->recorded().headers().Get("ETag").value_or(""), "\"0123\"");
  EXPECT_FALSE(ex->recorded().headers().Get("x-amz-request-id").value_or("").empty());
  EXPECT_EQ(ex->finished(), 0);
}

// An output function that throws is answered as that error.
TEST_F(DispatcherTest, AsyncReplyErrorsAreAnswered) {
  auto ex = std::make_shared<FakeExchange>("PUT", "/bucket/key", "x", kSecret);
  ASSERT_TRUE(dispatcher_->HandleAsync(ex));
  Reply reply = TakeReply();
  ASSERT_TRUE(reply);
  reply([]() -> base::Json {
    throw ApiError(412, "PreconditionFailed", "At least one of the preconditions failed.");
  });
  EXPECT_EQ(ex->RunPosted(), 1u);
  EXPECT_EQ(ex->recorded().status(), 412);
  EXPECT_NE(ex->recorded().body().find("<Code>PreconditionFailed</Code>"), std::string::npos);
  EXPECT_EQ(ex->finished(), 0);
}

// A bad signature and a handler that throws are answered at once, on the calling thread.
TEST_F(DispatcherTest, AsyncFailuresBeforeTheReplyAreAnsweredInline) {
  auto forged = std::make_shared<FakeExchange>("PUT", "/bucket/key", "hello", "wrong-secret");
  ASSERT_TRUE(dispatcher_->HandleAsync(forged));
  EXPECT_EQ(forged->recorded().status(), 403);
  EXPECT_NE(forged->recorded().body().find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_EQ(forged->finished(), 0);
  EXPECT_EQ(seen_body_, "");  // the handler never ran

  auto refused = std::make_shared<FakeExchange>("PUT", "/bucket/key", "refuse", kSecret);
  ASSERT_TRUE(dispatcher_->HandleAsync(refused));
  EXPECT_EQ(refused->recorded().status(), 400);
  EXPECT_NE(refused->recorded().body().find("refused at once"), std::string::npos);
  EXPECT_EQ(refused->finished(), 0);
  EXPECT_EQ(refused->RunPosted(), 0u);
}

// Requests of other operations are left alone: nothing read, nothing answered.
TEST_F(DispatcherTest, OtherRequestsAreDeclinedUntouched) {
  auto get = std::make_shared<FakeExchange>("GET", "/bucket/key", "", kSecret);
  EXPECT_FALSE(dispatcher_->HandleAsync(get));
  auto create = std::make_shared<FakeExchange>("PUT", "/bucket", "<xml/>", kSecret);
  EXPECT_FALSE(dispatcher_->HandleAsync(create));
  for (const auto& ex : {get, create}) {
    EXPECT_FALSE(ex->recorded().sent());
    EXPECT_TRUE(ex->recorded().headers().entries().empty());
    EXPECT_EQ(ex->body_read(), 0u);
    EXPECT_FALSE(ex->finished());
  }
}

// On a thread that may block (Handle), an asynchronous operation's reply is waited for.
TEST_F(DispatcherTest, HandleWaitsForAnAsyncReply) {
  FakeExchange ex("PUT", "/bucket/key", "hello", kSecret);
  std::thread replier([&] {
    Reply reply = TakeReply();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (reply) reply([] { return base::Json{{"ETag", "\"late\""}}; });
  });
  dispatcher_->Handle(ex.request(), ex.response());
  replier.join();
  EXPECT_EQ(ex.recorded().status(), 200);
  EXPECT_EQ(ex.recorded().headers().Get("ETag").value_or(""), "\"late\"");
}

}  // namespace
}  // namespace aws
