// Temporary credentials: the records behind STS sessions (GetSessionToken, AssumeRole, and
// role sessions UniStudio starts for its own jobs), and the role lookups they need. Functions
// over the metadata store; thread-safe as the store is.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "platform/aws/credential_provider.h"
#include "platform/meta/store.h"

namespace iam {

struct RoleRecord {
  std::string name;
  std::string role_id;
  std::string arn;
  std::string trust_policy;
  int64_t max_session = 3600;
};

// The role named by `arn` (arn:aws:iam::ACCOUNT:role/PATH/NAME); throws NoSuchEntity-style
// aws::ApiError when it does not exist or the ARN is not a role ARN.
RoleRecord FindRoleByArn(meta::Store& store, const std::string& arn);
std::optional<RoleRecord> TryFindRoleByArn(meta::Store& store, const std::string& arn);

// The principal of a session of `role` named `session_name`.
aws::Principal RoleSessionPrincipal(const std::string& account_id, const RoleRecord& role,
                                    const std::string& session_name);

// Stores a new session for `principal` and returns its credentials (an ASIA key, a secret, a
// session token and the expiry); `principal.access_key_id` is set to the new key.
aws::Credentials CreateSession(meta::Store& store, aws::Principal& principal,
                               std::chrono::seconds duration, const std::string& session_policy);

}  // namespace iam
