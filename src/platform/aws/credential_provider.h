// What the dispatcher needs from the identity service (IAM + STS) to authenticate and
// authorize a request: the secret and principal behind an access key, and the principal's
// identity-based policies. Implemented by services/iam and wired in by the server.
// Implementations must be thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "platform/auth/policy.h"
#include "platform/aws/principal.h"

namespace aws {

struct Credentials {
  std::string secret_access_key;
  // Temporary credentials (ASIA...) carry a session token the request must present.
  std::string session_token;
  std::optional<base::TimePoint> expiration;
  // False for access keys made Inactive.
  bool active = true;
  Principal principal;
  // The session policy passed to AssumeRole, which limits what the session may do.
  std::shared_ptr<const auth::Policy> session_policy;
};

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  // The credentials of `access_key_id`, or nullopt when no such key exists.
  virtual std::optional<Credentials> Lookup(std::string_view access_key_id) = 0;
  // The identity-based policies in force for `principal`: for a user, its inline and attached
  // policies and those of its groups; for an assumed role, the role's policies. Root has none
  // (root is allowed unless a policy explicitly denies).
  virtual std::vector<std::shared_ptr<const auth::Policy>> IdentityPolicies(
      const Principal& principal) = 0;
};

}  // namespace aws
