#include "services/athena/query_authorizer.h"

#include <gtest/gtest.h>

#include "engines/sql/common/error.h"
#include "services/glue/glue_test_util.h"

namespace athena {
namespace {

// One user whose identity policy is given by the test; counts policy fetches.
class FakeCredentials : public aws::CredentialProvider {
 public:
  explicit FakeCredentials(std::string policy) : policy_(std::move(policy)) {}
  std::optional<aws::Credentials> Lookup(std::string_view) override { return std::nullopt; }
  std::vector<std::shared_ptr<const auth::Policy>> IdentityPolicies(
      const aws::Principal&) override {
    fetches++;
    return {std::make_shared<const auth::Policy>(auth::Policy::Parse(policy_))};
  }
  int fetches = 0;

 private:
  std::string policy_;
};

class QueryAuthorizerTest : public glue::testing::StoreFixture {
 protected:
  std::shared_ptr<QueryAuthorizer> Authorizer(FakeCredentials& credentials) {
    QueryCaller caller;
    caller.principal.type = aws::Principal::Type::kUser;
    caller.principal.arn = "arn:aws:iam::123456789012:user/ana";
    caller.principal.account_id = "123456789012";
    caller.principal.user_name = "ana";
    return std::make_shared<QueryAuthorizer>(credentials, caller, objects_.get());
  }

  static std::string Denial(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const sql::Error& e) {
      return e.name() + ": " + e.what();
    }
    return "allowed";
  }
};

constexpr const char* kPolicy = R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["glue:GetTable", "s3:ListBucket", "s3:GetObject"],
   "Resource": "*"},
  {"Effect": "Deny", "Action": "glue:GetTable",
   "Resource": "arn:aws:glue:us-east-1:123456789012:table/db/secret"},
  {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data",
   "Condition": {"StringLike": {"s3:prefix": "private/*"}}}]})";

TEST_F(QueryAuthorizerTest, TableObserverChecksGlueGetTableAndPartitions) {
  FakeCredentials credentials(kPolicy);
  auto authz = Authorizer(credentials);
  glue::TableObserver observe = authz->TableObserver("us-east-1", "123456789012");
  EXPECT_NO_THROW(observe("db", {{"Name", "open"}}));
  EXPECT_EQ(Denial([&] {
              observe("db", {{"Name", "secret"}});
            }),
            "PERMISSION_DENIED: Insufficient permissions to execute the query. User: "
            "arn:aws:iam::123456789012:user/ana is not authorized to perform: glue:GetTable on "
            "resource: arn:aws:glue:us-east-1:123456789012:table/db/secret because explicit "
            "deny in an identity-based policy (statement #2)");
  // A partitioned table also needs glue:GetPartitions, which the policy does not allow.
  std::string partitioned = Denial([&] {
    observe("db", {{"Name", "open"}, {"PartitionKeys", {{{"Name", "dt"}, {"Type", "string"}}}}});
  });
  EXPECT_NE(partitioned.find("glue:GetPartitions on resource: "
                             "arn:aws:glue:us-east-1:123456789012:catalog because no "
                             "identity-based policy allows"),
            std::string::npos)
      << partitioned;
  EXPECT_EQ(credentials.fetches, 1);  // fetched once per query
}

TEST_F(QueryAuthorizerTest, FileSystemChecksS3ActionsPerObjectAndPrefix) {
  Put("public/a.csv", "1\n");
  Put("private/b.csv", "2\n");
  FakeCredentials credentials(kPolicy);
  auto authz = Authorizer(credentials);
  std::shared_ptr<sql::FileSystem> fs = authz->Wrap(fs_);
  EXPECT_EQ(fs->Glob("s3://data/public/").size(), 1u);
  EXPECT_EQ(fs->Open("s3://data/public/a.csv")->Size(), 2u);
  EXPECT_EQ(Denial([&] { fs->Glob("s3://data/private/*.csv"); }),
            "PERMISSION_DENIED: Access denied when writing to or reading from S3. User: "
            "arn:aws:iam::123456789012:user/ana is not authorized to perform: s3:ListBucket on "
            "resource: arn:aws:s3:::data because explicit deny in an identity-based policy "
            "(statement #3)");
  std::string put = Denial([&] { fs->Create("s3://data/results/q.csv"); });
  EXPECT_NE(put.find("s3:PutObject on resource: arn:aws:s3:::data/results/q.csv"),
            std::string::npos)
      << put;
  std::string batch = Denial([&] {
    fs->WriteFiles({{"s3://data/results/a.csv", "1"}, {"s3://data/results/a.csv.metadata", "2"}});
  });
  EXPECT_NE(batch.find("s3:PutObject on resource: arn:aws:s3:::data/results/a.csv"),
            std::string::npos)
      << batch;
  EXPECT_TRUE(fs_->Glob("s3://data/results/").empty());
  // A bucket policy can grant what the identity policy does not.
  objects_->PutBucketConfig("data", "policy", R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/ana"},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/results/*"}]})");
  auto fresh = Authorizer(credentials);
  std::unique_ptr<sql::WritableFile> f = fresh->Wrap(fs_)->Create("s3://data/results/q.csv");
  f->Append("x");
  f->Close();
  EXPECT_EQ(Get("results/q.csv"), "x");
  fresh->Wrap(fs_)->WriteFiles(
      {{"s3://data/results/b.csv", "y"}, {"s3://data/results/b.txt", "z"}});
  EXPECT_EQ(Get("results/b.csv") + Get("results/b.txt"), "yz");
}

}  // namespace
}  // namespace athena
