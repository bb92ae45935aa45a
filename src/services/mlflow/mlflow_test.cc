// The Mlflow facade in-process: routing under /_mlflow/<server>/, authentication, stopped
// servers, artifact uploads into the object store, and AutomaticModelRegistration calling
// the registration sink.
#include "services/mlflow/mlflow.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "base/json.h"
#include "engines/storage/object_store.h"
#include "services/mlflow/mlflow_test_util.h"

namespace mlflow {
namespace {

constexpr char kKey[] = "AKIAMLFLOWTESTKEY000";
constexpr char kSecret[] = "mlflow/test/secret";

class FakeCredentials : public aws::CredentialProvider {
 public:
  std::optional<aws::Credentials> Lookup(std::string_view access_key_id) override {
    if (access_key_id != kKey) return std::nullopt;
    aws::Credentials c;
    c.secret_access_key = kSecret;
    c.principal.type = aws::Principal::Type::kRoot;
    c.principal.arn = "arn:aws:iam::123456789012:root";
    c.principal.account_id = "123456789012";
    c.principal.user_id = "123456789012";
    return c;
  }
  std::vector<std::shared_ptr<const auth::Policy>> IdentityPolicies(
      const aws::Principal&) override {
    return {};
  }
};

class FakeSink : public ModelRegistrationSink {
 public:
  void OnModelVersionCreated(const ModelVersionRegistered& v) override { calls.push_back(v); }
  std::vector<ModelVersionRegistered> calls;
};

class StringBody : public http::BodyReader {
 public:
  explicit StringBody(std::string data) : data_(std::move(data)) {}
  size_t Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    data_.copy(buf, k, pos_);
    pos_ += k;
    return k;
  }
  std::optional<uint64_t> ContentLength() const override { return data_.size(); }

 private:
  std::string data_;
  size_t pos_ = 0;
};

class RecordingWriter : public http::ResponseWriter {
 public:
  void SetStatus(int status) override { status_ = status; }
  int status() const override { return status_; }
  http::Headers& headers() override { return headers_; }
  void Send(std::string_view body) override {
    body_ = body;
    started_ = true;
  }
  void Begin(std::optional<uint64_t>) override { started_ = true; }
  void Write(std::string_view data) override { body_ += data; }
  void End() override {}
  bool started() const override { return started_; }

  const std::string& body() const { return body_; }

 private:
  int status_ = 200;
  http::Headers headers_;
  std::string body_;
  bool started_ = false;
};

struct Answer {
  int status;
  std::string body;
  base::Json Json() const { return base::Json::parse(body); }
};

class MlflowTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    objects_ = std::make_unique<storage::ObjectStore>(dir_ / "objects", *meta_);
    objects_->CreateBucket("bucket", "us-east-1", "123456789012");
    TrackingServerRecord r = *servers_->FindById(server_);
    r.automatic_model_registration = true;
    servers_->Save(r);
    TrackingServerRecord stopped = *servers_->FindById(other_server_);
    stopped.status = "Stopped";
    servers_->Save(stopped);
    NewServer("three");
    ml_ = std::make_unique<Mlflow>(*meta_, *objects_, credentials_,
                                   MlflowOptions{"123456789012", "us-east-1", "http://h:1"});
    ml_->set_model_registration_sink(&sink_);
  }
  void TearDown() override {
    ml_.reset();
    objects_.reset();
    StoreFixture::TearDown();
  }

  Answer Call(const std::string& method, const std::string& target, const std::string& body,
              bool authenticate = true) {
    http::Request req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    req.headers.Add("Host", "studio.example:8750");
    if (authenticate) {
      req.headers.Add("Authorization",
                      "Basic " + base::Base64Encode(std::string(kKey) + ":" + kSecret));
    }
    StringBody reader(body);
    req.body = &reader;
    RecordingWriter res;
    ml_->Handle(req, res);
    return {res.status(), res.body()};
  }

  FakeCredentials credentials_;
  FakeSink sink_;
  std::unique_ptr<storage::ObjectStore> objects_;
  std::unique_ptr<Mlflow> ml_;
};

TEST_F(MlflowTest, ServesTheRestApiUnderBothPrefixesWithAuthentication) {
  Answer a = Call("POST", "/_mlflow/one/api/2.0/mlflow/experiments/create", R"({"name":"e"})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Json()["experiment_id"], "1");
  a = Call("GET", "/_mlflow/one/ajax-api/2.0/mlflow/experiments/get?experiment_id=1", "");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Json()["experiment"]["name"], "e");

  a = Call("GET", "/_mlflow/one/api/2.0/mlflow/experiments/get?experiment_id=1", "", false);
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.Json()["error_code"], "UNAUTHENTICATED");
  a = Call("GET", "/_mlflow/nosuch/api/2.0/mlflow/experiments/get?experiment_id=1", "");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.Json()["error_code"], "RESOURCE_DOES_NOT_EXIST");
  a = Call("GET", "/_mlflow/two/api/2.0/mlflow/experiments/get?experiment_id=0", "");
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.Json()["error_code"], "TEMPORARILY_UNAVAILABLE");
  a = Call("POST", "/_mlflow/one/api/2.0/mlflow/experiments/create", "{not json");
  EXPECT_EQ(a.status, 400);
}

TEST_F(MlflowTest, ArtifactsGoToTheServersStoreAndPathsStayInside) {
  Answer a =
      Call("PUT", "/_mlflow/one/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.txt", "hello");
  ASSERT_EQ(a.status, 200) << a.body;
  storage::ObjectReader reader = objects_->GetObject("bucket", "prefix/1/r/artifacts/a.txt");
  EXPECT_EQ(reader.info().size, 5u);
  a = Call("GET", "/_mlflow/one/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.txt", "");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "hello");
  a = Call("GET", "/_mlflow/one/api/2.0/mlflow-artifacts/artifacts?path=1/r/artifacts", "");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Json()["files"][0]["path"], "a.txt");
  EXPECT_EQ(a.Json()["files"][0]["file_size"], 5);
  for (const char* bad : {"1/../../x", "..%2Fx", "a/%2E%2E/%2e%2e/b", "a/..%5C..%5Cb"}) {
    a = Call("PUT", std::string("/_mlflow/one/api/2.0/mlflow-artifacts/artifacts/") + bad, "x");
    EXPECT_EQ(a.status, 400) << bad << " " << a.body;
    EXPECT_EQ(a.Json()["error_code"], "INVALID_PARAMETER_VALUE") << bad;
  }
}

TEST_F(MlflowTest, AutomaticModelRegistrationCallsTheSink) {
  Answer a =
      Call("POST", "/_mlflow/one/api/2.0/mlflow/registered-models/create", R"({"name":"churn"})");
  ASSERT_EQ(a.status, 200) << a.body;
  a = Call("POST", "/_mlflow/one/api/2.0/mlflow/runs/create", R"({"experiment_id":"0"})");
  ASSERT_EQ(a.status, 200) << a.body;
  std::string run_id = a.Json()["run"]["info"]["run_id"];
  a = Call("POST", "/_mlflow/one/api/2.0/mlflow/model-versions/create",
           R"({"name":"churn","source":"mlflow-artifacts:/0/)" + run_id +
               R"(/artifacts/model","run_id":")" + run_id +
               R"(","description":"first","tags":[{"key":"k","value":"v"}]})");
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(sink_.calls.size(), 1u);
  const ModelVersionRegistered& v = sink_.calls[0];
  EXPECT_EQ(v.model_name, "churn");
  EXPECT_EQ(v.version, "1");
  EXPECT_EQ(v.tracking_server_name, "one");
  EXPECT_EQ(v.account_id, "123456789012");
  EXPECT_EQ(v.run_id, run_id);
  EXPECT_EQ(v.description, "first");
  EXPECT_EQ(v.model_data_uri, "s3://bucket/prefix/0/" + run_id + "/artifacts/model");
  ASSERT_EQ(v.tags.size(), 1u);
  EXPECT_EQ(v.tags[0].key, "k");

  // A server without the flag registers nothing.
  a = Call("POST", "/_mlflow/three/api/2.0/mlflow/registered-models/create", R"({"name":"m"})");
  ASSERT_EQ(a.status, 200) << a.body;
  a = Call("POST", "/_mlflow/three/api/2.0/mlflow/model-versions/create",
           R"({"name":"m","source":"mlflow-artifacts:/1/abc/artifacts/model"})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(sink_.calls.size(), 1u);
}

}  // namespace
}  // namespace mlflow
