// The policy evaluator's view of a request's caller: the authenticated aws::Principal mapped to
// auth::Principal (root becomes the account principal). Used by the dispatcher and by services
// that authorize further actions on a caller's behalf (MLflow routes, Athena's data reads).
// A pure function.
#pragma once

#include "platform/auth/request.h"
#include "platform/aws/principal.h"

namespace aws {

auth::Principal ToAuthPrincipal(const Principal& p);

}  // namespace aws
