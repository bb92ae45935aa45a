// Data access authorization for work that runs after its request was answered: an Athena
// query reads and writes with the permissions of the caller who started it; a Visual ETL job
// run and a data quality evaluation run with those of the job's or run's IAM role (a session
// of the role, as Glue assumes it). The work fails when its accessor may not read a table it
// names (glue:GetTable on the catalog, database and table; glue:GetPartitions for partitioned
// tables), list or read the table's objects (s3:ListBucket, s3:GetObject), write its files
// (s3:PutObject), or change the catalog (the Glue action of each change, e.g. glue:CreateTable).
// The accessor is captured when the request is served; the checks run later on worker threads.
//
//   auto authz = std::make_shared<DataAccessAuthorizer>(*ctx.credentials(), accessor, store);
//   request.observer = authz->TableChecker(region, account);   // glue checks per table
//   request.check_change = authz->ChangeChecker(region, account);  // glue checks per change
//   std::shared_ptr<sql::FileSystem> fs = authz->Wrap(file_system);  // s3 checks per object
//
// A denial throws sql::ExecutionError PERMISSION_DENIED whose message names the accessor, the
// action and the resource, as Athena words it. Thread-safe: checks may run on the engine's
// threads at once; the accessor's identity policies are fetched once per authorizer.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engines/sql/catalog/file_system.h"
#include "engines/storage/object_store.h"
#include "platform/auth/context_keys.h"
#include "platform/auth/policy.h"
#include "platform/aws/credential_provider.h"
#include "platform/aws/principal.h"
#include "platform/aws/request_context.h"
#include "services/glue/table_source.h"

namespace glue {

// Whose permissions apply: the principal, its session policy and the request's global
// condition keys (aws:SourceIp, aws:CurrentTime, ...).
struct DataAccessor {
  aws::Principal principal;
  std::shared_ptr<const auth::Policy> session_policy;
  auth::ContextKeys keys;
};

// The ARN of the IAM role `role` names in `account_id`: `role` itself when it is an ARN, else
// arn:aws:iam::<account>:role/<role> (Glue takes a role's name or its ARN).
std::string RoleArn(const std::string& account_id, const std::string& role);

// The accessor of a session of `role_arn` named `session_name`, as Glue assumes the role for
// a run: the role's identity policies decide.
DataAccessor RoleSession(const std::string& account_id, const std::string& role_arn,
                         const std::string& session_name);

class DataAccessAuthorizer : public std::enable_shared_from_this<DataAccessAuthorizer> {
 public:
  // `credentials` and `store` must outlive the authorizer.
  DataAccessAuthorizer(aws::CredentialProvider& credentials, DataAccessor caller,
                       storage::ObjectStore* store);

  // Throws PERMISSION_DENIED unless the accessor may do `action` on `resource`. `s3_bucket`
  // names the bucket whose policy also applies (s3 actions); `keys` adds condition keys.
  void Require(const std::string& action, const std::string& resource,
               const std::string& s3_bucket = "",
               const std::vector<std::pair<std::string, std::string>>& keys = {});

  // Checks glue:GetTable (and glue:GetPartitions) for each table the work reads.
  TableObserver TableChecker(const std::string& region, const std::string& account);

  // Checks the Glue action of each catalog change (CREATE/DROP DATABASE and TABLE, CTAS,
  // partitions, a flow's catalog target) on the catalog, the database and the table.
  std::function<void(const std::string& action, const std::string& database,
                     const std::string& table)>
  ChangeChecker(const std::string& region, const std::string& account);

  // `fs` with s3:ListBucket checked on Glob, s3:GetObject on Open, s3:PutObject on Create.
  std::shared_ptr<sql::FileSystem> Wrap(std::shared_ptr<sql::FileSystem> fs);

 private:
  const std::vector<const auth::Policy*>& Identity();
  const auth::Policy* BucketPolicy(const std::string& bucket);

  aws::CredentialProvider& credentials_;
  DataAccessor caller_;
  storage::ObjectStore* store_;
  std::mutex mu_;
  bool identity_loaded_ = false;
  std::vector<std::shared_ptr<const auth::Policy>> identity_;
  std::vector<const auth::Policy*> identity_ptrs_;
  std::map<std::string, std::optional<auth::Policy>> bucket_policies_;
};

// The data access of one run: checked by `authorizer`, with Glue resource ARNs in `region` and
// `account`; unchecked when `authorizer` is null (requests are not authenticated).
struct DataAccess {
  std::shared_ptr<DataAccessAuthorizer> authorizer;
  std::string region;
  std::string account;

  // `fs` with the run's s3 checks, or `fs` itself when unchecked.
  std::shared_ptr<sql::FileSystem> Wrap(std::shared_ptr<sql::FileSystem> fs) const;
  // The glue:GetTable (and GetPartitions) checks per table read; null when unchecked.
  TableObserver Observer() const;
  // Checks the Glue action of a catalog change; does nothing when unchecked.
  void CheckChange(const std::string& action, const std::string& database,
                   const std::string& table) const;
};

// Checks that the caller of `ctx` may pass `role` (a name or an ARN) to Glue: iam:PassRole,
// else AccessDeniedException. Does nothing when `ctx` is not authenticated.
void CheckPassRole(aws::RequestContext& ctx, const base::Json& input, const std::string& role);

// The data access of work that runs as a session of `role` named `session_name`: it reads
// and writes with the role's permissions. Unchecked when `ctx` is not authenticated.
DataAccess AsRole(aws::RequestContext& ctx, const std::string& role,
                  const std::string& session_name, storage::ObjectStore* store);

// The data access of a run that the caller of `ctx` starts with `role`: CheckPassRole, then
// AsRole.
DataAccess RoleAccess(aws::RequestContext& ctx, const base::Json& input, const std::string& role,
                      const std::string& session_name, storage::ObjectStore* store);

}  // namespace glue
