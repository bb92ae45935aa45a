#include "services/glue/data_access_authorizer.h"

#include "base/log.h"
#include "engines/sql/common/error.h"
#include "platform/auth/evaluator.h"
#include "platform/aws/auth_principal.h"
#include "services/glue/object_store_file_system.h"

namespace glue {
namespace {

// The literal part of a glob before its first wildcard.
std::string LiteralPrefix(const std::string& key) {
  return key.substr(0, key.find_first_of("*?["));
}

class AuthorizingFileSystem : public sql::FileSystem {
 public:
  AuthorizingFileSystem(std::shared_ptr<sql::FileSystem> fs,
                        std::shared_ptr<DataAccessAuthorizer> authz)
      : fs_(std::move(fs)), authz_(std::move(authz)) {}

  std::unique_ptr<sql::RandomAccessFile> Open(const std::string& path) override {
    RequireObject("s3:GetObject", path);
    return fs_->Open(path);
  }

  std::unique_ptr<sql::WritableFile> Create(const std::string& path) override {
    RequireObject("s3:PutObject", path);
    return fs_->Create(path);
  }

  void WriteFiles(const std::vector<std::pair<std::string, std::string>>& files) override {
    for (const auto& [path, contents] : files) RequireObject("s3:PutObject", path);
    fs_->WriteFiles(files);
  }

  std::vector<sql::FileEntry> Glob(const std::string& pattern) override {
    if (auto uri = S3Uri::Parse(pattern)) {
      authz_->Require("s3:ListBucket", "arn:aws:s3:::" + uri->bucket, uri->bucket,
                      {{"s3:prefix", LiteralPrefix(uri->key)}});
    }
    return fs_->Glob(pattern);
  }

 private:
  // Checks `action` on the object at `path` (s3:// paths only).
  void RequireObject(const char* action, const std::string& path) {
    if (auto uri = S3Uri::Parse(path)) authz_->Require(action, uri->Arn(), uri->bucket);
  }

  std::shared_ptr<sql::FileSystem> fs_;
  std::shared_ptr<DataAccessAuthorizer> authz_;
};

}  // namespace

std::string RoleArn(const std::string& account_id, const std::string& role) {
  if (role.starts_with("arn:")) return role;
  return "arn:aws:iam::" + account_id + ":role/" + role;
}

DataAccessor RoleSession(const std::string& account_id, const std::string& role_arn,
                         const std::string& session_name) {
  DataAccessor accessor;
  accessor.principal = aws::AssumedRolePrincipal(account_id, role_arn, session_name);
  accessor.keys.Set("aws:PrincipalArn", {role_arn});
  accessor.keys.Set("aws:PrincipalAccount", {account_id});
  return accessor;
}

DataAccessAuthorizer::DataAccessAuthorizer(aws::CredentialProvider& credentials,
                                           DataAccessor caller, storage::ObjectStore* store)
    : credentials_(credentials), caller_(std::move(caller)), store_(store) {}

const std::vector<const auth::Policy*>& DataAccessAuthorizer::Identity() {
  if (!identity_loaded_) {
    const aws::Principal& p = caller_.principal;
    if (!p.is_anonymous() && !p.is_root()) identity_ = credentials_.IdentityPolicies(p);
    for (const auto& policy : identity_) identity_ptrs_.push_back(policy.get());
    identity_loaded_ = true;
  }
  return identity_ptrs_;
}

const auth::Policy* DataAccessAuthorizer::BucketPolicy(const std::string& bucket) {
  if (bucket.empty() || store_ == nullptr) return nullptr;
  auto it = bucket_policies_.find(bucket);
  if (it == bucket_policies_.end()) {
    std::optional<auth::Policy> policy;
    try {
      if (std::optional<std::string> doc = store_->GetBucketConfig(bucket, "policy")) {
        policy = auth::Policy::Parse(*doc);
      }
    } catch (const base::Error& e) {
      // No such bucket (the read fails later with its own error) or an unparsable policy.
      LOG_DEBUG("bucket policy not applied", {{"bucket", bucket}, {"error", e.what()}});
    }
    it = bucket_policies_.emplace(bucket, std::move(policy)).first;
  }
  return it->second ? &*it->second : nullptr;
}

void DataAccessAuthorizer::Require(const std::string& action, const std::string& resource,
                                   const std::string& s3_bucket,
                                   const std::vector<std::pair<std::string, std::string>>& keys) {
  auth::Request request;
  request.action = action;
  request.resource = resource;
  request.principal = aws::ToAuthPrincipal(caller_.principal);
  request.context = caller_.keys;
  for (const auto& [k, v] : keys) request.context.Set(k, {v});
  std::string why;
  {
    std::lock_guard lock(mu_);
    auth::Decision d =
        auth::Authorize(Identity(), BucketPolicy(s3_bucket), request, caller_.session_policy.get());
    if (d.allowed()) return;
    why = d.Describe();
  }
  std::string message = "User: " + caller_.principal.arn +
                        " is not authorized to perform: " + action + " on resource: " + resource +
                        " because " + why;
  if (action.starts_with("s3:")) {
    throw sql::ExecutionError("PERMISSION_DENIED",
                              "Access denied when writing to or reading from S3. " + message);
  }
  throw sql::ExecutionError("PERMISSION_DENIED",
                            "Insufficient permissions to execute the query. " + message);
}

TableObserver DataAccessAuthorizer::TableChecker(const std::string& region,
                                                 const std::string& account) {
  std::string prefix = "arn:aws:glue:" + region + ":" + account + ":";
  return
      [authz = shared_from_this(), prefix](const std::string& database, const base::Json& table) {
        std::string name = table.value("Name", "");
        std::vector<std::string> resources = {prefix + "catalog", prefix + "database/" + database,
                                              prefix + "table/" + database + "/" + name};
        for (const std::string& r : resources) authz->Require("glue:GetTable", r);
        if (!table.value("PartitionKeys", base::Json::array()).empty()) {
          for (const std::string& r : resources) authz->Require("glue:GetPartitions", r);
        }
      };
}

std::function<void(const std::string&, const std::string&, const std::string&)>
DataAccessAuthorizer::ChangeChecker(const std::string& region, const std::string& account) {
  std::string prefix = "arn:aws:glue:" + region + ":" + account + ":";
  return [authz = shared_from_this(), prefix](
             const std::string& action, const std::string& database, const std::string& table) {
    authz->Require(action, prefix + "catalog");
    authz->Require(action, prefix + "database/" + database);
    if (!table.empty()) authz->Require(action, prefix + "table/" + database + "/" + table);
  };
}

std::shared_ptr<sql::FileSystem> DataAccessAuthorizer::Wrap(std::shared_ptr<sql::FileSystem> fs) {
  return std::make_shared<AuthorizingFileSystem>(std::move(fs), shared_from_this());
}

std::shared_ptr<sql::FileSystem> DataAccess::Wrap(std::shared_ptr<sql::FileSystem> fs) const {
  return authorizer ? authorizer->Wrap(std::move(fs)) : fs;
}

TableObserver DataAccess::Observer() const {
  return authorizer ? authorizer->TableChecker(region, account) : nullptr;
}

void DataAccess::CheckChange(const std::string& action, const std::string& database,
                             const std::string& table) const {
  if (authorizer) authorizer->ChangeChecker(region, account)(action, database, table);
}

void CheckPassRole(aws::RequestContext& ctx, const base::Json& input, const std::string& role) {
  if (ctx.credentials() != nullptr) {
    ctx.Authorize("iam:PassRole", RoleArn(ctx.account_id(), role), input);
  }
}

DataAccess AsRole(aws::RequestContext& ctx, const std::string& role,
                  const std::string& session_name, storage::ObjectStore* store) {
  DataAccess access;
  if (ctx.credentials() == nullptr) return access;
  access.authorizer = std::make_shared<DataAccessAuthorizer>(
      *ctx.credentials(),
      RoleSession(ctx.account_id(), RoleArn(ctx.account_id(), role), session_name), store);
  access.region = ctx.region();
  access.account = ctx.account_id();
  return access;
}

DataAccess RoleAccess(aws::RequestContext& ctx, const base::Json& input, const std::string& role,
                      const std::string& session_name, storage::ObjectStore* store) {
  CheckPassRole(ctx, input, role);
  return AsRole(ctx, role, session_name, store);
}

}  // namespace glue
