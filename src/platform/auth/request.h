// What is being authorized: who asks (the principal), to do what (the IAM action) to which
// resource (its ARN), and the context keys that conditions and policy variables read.
// Plain data; the dispatcher builds one per request and the evaluator only reads it.
#pragma once

#include <string>

#include "platform/auth/context_keys.h"

namespace auth {

struct Principal {
  enum class Type {
    kAnonymous,      // unsigned request; matched only by "*" principals
    kAccount,        // the account's root user: arn:aws:iam::ACCOUNT:root
    kUser,           // arn:aws:iam::ACCOUNT:user/PATH/NAME
    kAssumedRole,    // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
    kFederatedUser,  // arn:aws:sts::ACCOUNT:federated-user/NAME
    kService,        // an AWS service acting for itself; `arn` is "sagemaker.amazonaws.com"
    kWebIdentity,    // a web-identity or SAML caller; `arn` is the provider it came through
  };

  Type type = Type::kAnonymous;
  std::string arn;
  // The 12-digit account the principal belongs to; empty for anonymous and service callers.
  std::string account;

  bool is_anonymous() const { return type == Type::kAnonymous; }
};

struct Request {
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket/key", or "*" for actions without a resource
  Principal principal;
  ContextKeys context;
};

}  // namespace auth
