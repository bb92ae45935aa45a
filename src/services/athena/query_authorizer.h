// Query-time authorization: Athena reads and writes data with the permissions of the caller
// who started the query, so a query fails when the caller may not read a table it names
// (glue:GetTable on the catalog, database and table; glue:GetPartitions for partitioned
// tables), list or read the table's objects (s3:ListBucket, s3:GetObject), or write its
// results and CTAS/INSERT/UNLOAD files (s3:PutObject), or change the catalog (the Glue action
// of each DDL statement, e.g. glue:CreateTable for CREATE EXTERNAL TABLE and CTAS). The caller is
// captured when StartQueryExecution is served; the checks run later on the query's worker thread.
//
//   auto authz = std::make_shared<QueryAuthorizer>(*ctx.credentials(), caller, store);
//   request.observer = authz->TableObserver(region, account);   // glue checks per table
//   request.check_change = authz->ChangeChecker(region, account);  // glue checks per DDL
//   std::shared_ptr<sql::FileSystem> fs = authz->Wrap(file_system);  // s3 checks per object
//
// A denial throws sql::ExecutionError PERMISSION_DENIED whose message names the caller, the
// action and the resource, as Athena words it. Thread-safe: checks may run on the engine's
// threads at once; the caller's identity policies are fetched once per query.
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
#include "services/glue/table_source.h"

namespace athena {

// Who started a query: the principal, its session policy and the request's global condition
// keys (aws:SourceIp, aws:CurrentTime, ...).
struct QueryCaller {
  aws::Principal principal;
  std::shared_ptr<const auth::Policy> session_policy;
  auth::ContextKeys keys;
};

class QueryAuthorizer : public std::enable_shared_from_this<QueryAuthorizer> {
 public:
  // `credentials` and `store` must outlive the authorizer.
  QueryAuthorizer(aws::CredentialProvider& credentials, QueryCaller caller,
                  storage::ObjectStore* store);

  // Throws PERMISSION_DENIED unless the caller may do `action` on `resource`. `s3_bucket`
  // names the bucket whose policy also applies (s3 actions); `keys` adds condition keys.
  void Require(const std::string& action, const std::string& resource,
               const std::string& s3_bucket = "",
               const std::vector<std::pair<std::string, std::string>>& keys = {});

  // Checks glue:GetTable (and glue:GetPartitions) for each table a query reads.
  glue::TableObserver TableObserver(const std::string& region, const std::string& account);

  // Checks the Glue action of each catalog change (CREATE/DROP DATABASE and TABLE, CTAS,
  // partitions) on the catalog, the database and the table, as QueryRequest::check_change.
  std::function<void(const std::string& action, const std::string& database,
                     const std::string& table)>
  ChangeChecker(const std::string& region, const std::string& account);

  // `fs` with s3:ListBucket checked on Glob, s3:GetObject on Open, s3:PutObject on Create.
  std::shared_ptr<sql::FileSystem> Wrap(std::shared_ptr<sql::FileSystem> fs);

 private:
  const std::vector<const auth::Policy*>& Identity();
  const auth::Policy* BucketPolicy(const std::string& bucket);

  aws::CredentialProvider& credentials_;
  QueryCaller caller_;
  storage::ObjectStore* store_;
  std::mutex mu_;
  bool identity_loaded_ = false;
  std::vector<std::shared_ptr<const auth::Policy>> identity_;
  std::vector<const auth::Policy*> identity_ptrs_;
  std::map<std::string, std::optional<auth::Policy>> bucket_policies_;
};

}  // namespace athena
