// The policy evaluator's view of a request's caller: the authenticated aws::Principal mapped to
// auth::Principal (root becomes the account principal). Used by the dispatcher and by services
// that authorize further actions on a caller's behalf (MLflow routes, Athena's data reads).
// Also builds the principal of a role session, for STS and for runs that act as a role
// (Glue job and data quality runs). Pure functions.
#pragma once

#include <string>

#include "platform/auth/request.h"
#include "platform/aws/principal.h"

namespace aws {

auth::Principal ToAuthPrincipal(const Principal& p);

// A session `session_name` of the role `role_arn` (arn:aws:iam::ACCOUNT:role/PATH/NAME), whose
// ARN is arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION; user_id and access_key_id are left
// for whoever issues its credentials.
Principal AssumedRolePrincipal(const std::string& account_id, const std::string& role_arn,
                               const std::string& session_name);

}  // namespace aws
