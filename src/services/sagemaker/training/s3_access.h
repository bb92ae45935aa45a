// What a training job's role may do in S3, decided the way the dispatcher decides a request
// the role's session would sign: the role's identity-based policies and the bucket's policy.
// The training service reads channels and writes artifacts on the job's behalf, so it asks
// here first; a job can never read or write more than its role could itself. Thread-safe.
#pragma once

#include <string>

#include "engines/storage/object_store.h"
#include "platform/aws/credential_provider.h"

namespace sagemaker {

class S3Access {
 public:
  S3Access(aws::CredentialProvider& credentials, storage::ObjectStore& objects);

  // Whether `principal` may perform `action` ("s3:GetObject") on the bucket (key empty) or
  // on the object `key`.
  bool Allowed(const aws::Principal& principal, const std::string& action,
               const std::string& bucket, const std::string& key);

 private:
  aws::CredentialProvider& credentials_;
  storage::ObjectStore& objects_;
};

}  // namespace sagemaker
