#include "services/iam/role_sessions.h"

#include "base/crypto.h"
#include "base/time.h"
#include "platform/aws/api_error.h"
#include "platform/aws/auth_principal.h"
#include "services/iam/iam_common.h"

namespace iam {

std::optional<RoleRecord> TryFindRoleByArn(meta::Store& store, const std::string& arn) {
  // Roles are unique by name; the ARN's last path segment is the name.
  size_t colon = arn.find(":role/");
  if (arn.rfind("arn:aws:iam::", 0) != 0 || colon == std::string::npos) return std::nullopt;
  std::string name = arn.substr(arn.rfind('/') + 1);
  std::optional<RoleRecord> out;
  store.Read([&](meta::Transaction& tx) {
    auto row = tx.QueryOne(
        "SELECT name, role_id, arn, trust_policy, max_session FROM iam_roles WHERE name_key = ?",
        {meta::Text(NameKey(name))});
    if (row && row->Text(2) == arn) {
      out = RoleRecord{row->Text(0), row->Text(1), row->Text(2), row->Text(3), row->Int(4)};
    }
  });
  return out;
}

RoleRecord FindRoleByArn(meta::Store& store, const std::string& arn) {
  auto role = TryFindRoleByArn(store, arn);
  if (!role) {
    throw aws::ApiError(403, "AccessDenied",
                        "Not authorized to perform sts:AssumeRole on resource " + arn);
  }
  return *role;
}

aws::Principal RoleSessionPrincipal(const std::string& account_id, const RoleRecord& role,
                                    const std::string& session_name) {
  aws::Principal p = aws::AssumedRolePrincipal(account_id, role.arn, session_name);
  p.user_id = role.role_id + ":" + session_name;
  return p;
}

aws::Credentials CreateSession(meta::Store& store, aws::Principal& principal,
                               std::chrono::seconds duration, const std::string& session_policy) {
  aws::Credentials creds;
  std::string source_key = principal.access_key_id;
  principal.access_key_id = "ASIA" + base::RandomUpperAlnum(16);
  creds.secret_access_key = base::RandomSecret(40);
  creds.session_token = base::Base64Encode(base::RandomBytes(96));
  creds.expiration = base::Now() + duration;
  creds.principal = principal;
  const char* kind = principal.type == aws::Principal::Type::kAssumedRole ? "role"
                     : principal.is_root()                                 ? "root"
                                                                           : "user";
  store.Write([&](meta::Transaction& tx) {
    // Expired sessions are removed as new ones are made.
    tx.Exec("DELETE FROM sts_sessions WHERE expires < ?", {NowSeconds()});
    tx.Exec(
        "INSERT INTO sts_sessions(access_key_id, secret, session_token, kind, principal_arn, "
        "user_id, user_name, role_arn, session_name, session_policy, source_key, expires) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {meta::Text(principal.access_key_id), meta::Text(creds.secret_access_key),
         meta::Text(creds.session_token), meta::Text(kind), meta::Text(principal.arn),
         meta::Text(principal.user_id), meta::Text(principal.user_name),
         meta::Text(principal.role_arn), meta::Text(principal.session_name),
         session_policy.empty() ? meta::Null() : meta::Text(session_policy),
         meta::Text(source_key), base::ToUnixSecondsDouble(*creds.expiration)});
  });
  return creds;
}

}  // namespace iam
