#include "services/sagemaker/training/s3_access.h"

#include "base/log.h"
#include "engines/storage/storage_error.h"
#include "platform/auth/evaluator.h"

namespace sagemaker {

S3Access::S3Access(aws::CredentialProvider& credentials, storage::ObjectStore& objects)
    : credentials_(credentials), objects_(objects) {}

bool S3Access::Allowed(const aws::Principal& principal, const std::string& action,
                       const std::string& bucket, const std::string& key) {
  std::vector<std::shared_ptr<const auth::Policy>> identity = credentials_.IdentityPolicies(principal);
  std::vector<const auth::Policy*> identity_ptrs;
  for (const auto& p : identity) identity_ptrs.push_back(p.get());
  std::optional<auth::Policy> bucket_policy;
  try {
    if (std::optional<std::string> doc = objects_.GetBucketConfig(bucket, "policy")) {
      bucket_policy = auth::Policy::Parse(*doc);
    }
  } catch (const storage::StorageError&) {
    return false;  // no such bucket
  } catch (const base::Error& e) {
    LOG_WARN("ignoring an unparsable bucket policy", {{"bucket", bucket}, {"error", e.what()}});
  }
  auth::Request request;
  request.action = action;
  request.resource = "arn:aws:s3:::" + bucket + (key.empty() ? "" : "/" + key);
  request.principal.type = auth::Principal::Type::kAssumedRole;
  request.principal.arn = principal.arn;
  request.principal.account = principal.account_id;
  request.context.Set("aws:PrincipalArn", {principal.role_arn});
  request.context.Set("aws:PrincipalAccount", {principal.account_id});
  request.context.Set("aws:userid", {principal.user_id});
  return auth::Authorize(identity_ptrs, bucket_policy ? &*bucket_policy : nullptr, request)
      .allowed();
}

}  // namespace sagemaker
