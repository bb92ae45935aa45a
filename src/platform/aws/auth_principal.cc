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

}  // namespace aws
