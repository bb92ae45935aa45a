#include "platform/aws/auth_principal.h"

namespace aws {

auth::Principal ToAuthPrincipal(const Principal& p) {
  auth::Principal out;
  out.arn = p.arn;
  out.account = p.account_id;
  switch (p.type) {
    case Principal::Type::kAnonymous:
      out.type = auth::Principal::Type::kAnonymous;
      break;
    case Principal::Type::kRoot:
      out.type = auth::Principal::Type::kAccount;
      break;
    case Principal::Type::kUser:
      out.type = auth::Principal::Type::kUser;
      break;
    case Principal::Type::kAssumedRole:
      out.type = auth::Principal::Type::kAssumedRole;
      break;
  }
  return out;
}

Principal AssumedRolePrincipal(const std::string& account_id, const std::string& role_arn,
                               const std::string& session_name) {
  Principal p;
  p.type = Principal::Type::kAssumedRole;
  p.account_id = account_id;
  p.arn = "arn:aws:sts::" + account_id + ":assumed-role/" +
          role_arn.substr(role_arn.rfind('/') + 1) + "/" + session_name;
  p.role_arn = role_arn;
  p.session_name = session_name;
  return p;
}

}  // namespace aws
