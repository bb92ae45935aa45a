// Who is making a request, as established by SigV4 (or anonymous). Filled in by the
// dispatcher from the credential provider; read by authorization and by handlers (STS
// GetCallerIdentity, S3 object owners, resources' creators). Plain data.
#pragma once

#include <string>

namespace aws {

struct Principal {
  enum class Type { kAnonymous, kRoot, kUser, kAssumedRole };

  Type type = Type::kAnonymous;
  // arn:aws:iam::ACCOUNT:root | arn:aws:iam::ACCOUNT:user/PATH/NAME |
  // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION; empty when anonymous.
  std::string arn;
  std::string account_id;
  // aws:userid — the account id for root, AIDA... for users, AROA...:SESSION for roles.
  std::string user_id;
  // The IAM user name (users only); aws:username.
  std::string user_name;
  // The role's ARN (assumed roles only) and the session name.
  std::string role_arn;
  std::string session_name;
  // The access key the request was signed with.
  std::string access_key_id;

  bool is_root() const { return type == Type::kRoot; }
  bool is_anonymous() const { return type == Type::kAnonymous; }
};

}  // namespace aws
