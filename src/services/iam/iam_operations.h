// The registration functions of the IAM and STS operation families, one file each.
#pragma once

#include "platform/aws/service.h"

namespace iam {

class Iam;

void RegisterUserOperations(Iam& iam, aws::Service& svc);
void RegisterRoleOperations(Iam& iam, aws::Service& svc);
void RegisterPolicyOperations(Iam& iam, aws::Service& svc);
void RegisterTagOperations(Iam& iam, aws::Service& svc);
void RegisterStsOperations(Iam& iam, aws::Service& svc);

}  // namespace iam
