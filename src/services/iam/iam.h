// The identity service: IAM (users, groups, roles, access keys, inline and managed policies)
// and STS (caller identity, role sessions, session tokens) over the metadata store.
//
// It is also the project's aws::CredentialProvider: the dispatcher asks it for the secret and
// principal behind every access key and for the policies to authorize with. Parsed policies
// are cached per principal and the cache is dropped on every IAM write. Other services use
// IssueRoleSession to run work (training jobs, endpoints) as a role. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "platform/aws/credential_provider.h"
#include "platform/aws/service.h"
#include "platform/meta/store.h"

namespace iam {

struct RootCredentials {
  std::string access_key_id;
  std::string secret_access_key;
};

class Iam : public aws::CredentialProvider {
 public:
  Iam(meta::Store& store, std::string account_id, RootCredentials root);

  std::unique_ptr<aws::Service> MakeIamService();
  std::unique_ptr<aws::Service> MakeStsService();

  // aws::CredentialProvider
  std::optional<aws::Credentials> Lookup(std::string_view access_key_id) override;
  std::vector<std::shared_ptr<const auth::Policy>> IdentityPolicies(
      const aws::Principal& principal) override;

  // Temporary credentials for a session of `role_arn`, issued on behalf of an AWS service
  // (`service_principal`, e.g. "sagemaker.amazonaws.com") that the role's trust policy must
  // allow. Throws aws::ApiError (AccessDenied, NoSuchEntity).
  aws::Credentials IssueRoleSession(const std::string& role_arn, const std::string& session_name,
                                    std::chrono::seconds duration,
                                    const std::string& service_principal);

  meta::Store& store() { return store_; }
  const std::string& account_id() const { return account_id_; }
  // Drops cached policies; every operation that changes what a principal may do calls it.
  void InvalidatePolicyCache();

 private:
  std::vector<std::string> PolicyDocumentsFor(const aws::Principal& principal);

  meta::Store& store_;
  std::string account_id_;
  RootCredentials root_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<const auth::Policy>>> cache_;
};

}  // namespace iam
