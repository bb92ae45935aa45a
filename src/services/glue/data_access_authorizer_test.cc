#include "services/glue/data_access_authorizer.h"

#include <gtest/gtest.h>

#include "engines/sql/common/error.h"
#include "services/glue/glue_test_util.h"

namespace glue {
namespace {

// One user whose identity policy is given by the test; counts policy fetches.
class FakeCredentials : public aws::CredentialProvider {
 public:
  explicit FakeCredentials(std::string policy) : policy_(std::move(policy)) {}
  std::optional<aws::Credentials> Lookup(std::string_view) override { return std::nullopt; }
  std::vector<std::shared_ptr<const auth::Policy>> IdentityPolicies(
      const aws::Principal& principal) override {
    fetches++;
    role_arn = principal.role_arn;
    return {std::make_shared<const auth::Policy>(auth::Policy::Parse(policy_))};
  }
  int fetches = 0;
  std::string role_arn;  // of the last principal asked about

 private:
  std::string policy_;
};

class DataAccessAuthorizerTest : public testing::StoreFixture {
 protected:
  std::shared_ptr<DataAccessAuthorizer> Authorizer(FakeCredentials& credentials) {
    DataAccessor caller;
    caller.principal.type = aws::Principal::Type::kUser;
    caller.principal.arn = "arn:aws:iam::123456789012:user/ana";
    caller.principal.account_id = "123456789012";
    caller.principal.user_name = "ana";
    return std::make_shared<DataAccessAuthorizer>(credentials, caller, objects_.get());
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

TEST_F(DataAccessAuthorizerTest, TableObserverChecksGlueGetTableAndPartitions) {
  FakeCredentials credentials(kPolicy);
  auto authz = Authorizer(credentials);
  TableObserver observe = authz->TableChecker("us-east-1", "123456789012");
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

TEST_F(DataAccessAuthorizerTest, FileSystemChecksS3ActionsPerObjectAndPrefix) {
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

TEST_F(DataAccessAuthorizerTest, RoleSessionActsWithTheRolesPolicies) {
  EXPECT_EQ(RoleArn("123456789012", "etl"), "arn:aws:iam::123456789012:role/etl");
  EXPECT_EQ(RoleArn("123456789012", "arn:aws:iam::123456789012:role/team/etl"),
            "arn:aws:iam::123456789012:role/team/etl");
  FakeCredentials credentials(kPolicy);
  DataAccess access{
      std::make_shared<DataAccessAuthorizer>(
          credentials,
          RoleSession("123456789012", RoleArn("123456789012", "etl"), "GlueJobRunnerSession"),
          objects_.get()),
      "us-east-1", "123456789012"};
  Put("private/b.csv", "2\n");
  EXPECT_EQ(Denial([&] { access.Wrap(fs_)->Glob("s3://data/private/"); }),
            "PERMISSION_DENIED: Access denied when writing to or reading from S3. User: "
            "arn:aws:sts::123456789012:assumed-role/etl/GlueJobRunnerSession is not authorized to "
            "perform: s3:ListBucket on resource: arn:aws:s3:::data because explicit deny in an "
            "identity-based policy (statement #3)");
  EXPECT_EQ(credentials.role_arn, "arn:aws:iam::123456789012:role/etl");
  std::string change = Denial([&] { access.CheckChange("glue:CreateTable", "db", "t"); });
  EXPECT_NE(change.find("glue:CreateTable on resource: arn:aws:glue:us-east-1:123456789012:"),
            std::string::npos)
      << change;
  // Unchecked access (no authenticated caller) reads through the file system itself.
  DataAccess unchecked;
  EXPECT_EQ(unchecked.Wrap(fs_).get(), fs_.get());
  EXPECT_EQ(unchecked.Observer(), nullptr);
  EXPECT_NO_THROW(unchecked.CheckChange("glue:CreateTable", "db", "t"));
}

}  // namespace
}  // namespace glue
