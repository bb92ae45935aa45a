// The principals a resource-based policy statement names in its Principal or NotPrincipal
// element: "*", {"AWS": "*" | account | ARN | [...]}, {"Service": ...}, {"Federated": ...}.
// Internal to the evaluator.
//
// Immutable after Compile; safe to match from many threads at once.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "platform/auth/request.h"

namespace auth::internal {

class PrincipalSet {
 public:
  // How a statement's principals cover the caller, weakest first; Matches returns the
  // strongest. The strength decides what an Allow grants (AWS's same-account rules).
  enum class Match {
    kNone,
    // Through the caller's account: delegates to the account's identity-based policies and
    // grants nothing by itself.
    kAccount,
    // Through "*", NotPrincipal, or (for a role session) its role: grants, but within any
    // session policy.
    kGrant,
    // Names the caller itself (the IAM user, this exact session, the service, the identity
    // provider): grants outright.
    kExact,
  };

  // Throws PolicyError for an element IAM would refuse ("Invalid principal in policy").
  static PrincipalSet Compile(const base::Json& element);

  Match Matches(const Principal& caller) const;

 private:
  struct Named {  // an IAM user or role, identified by account and name (paths aside)
    std::string account;
    std::string name;
  };

  bool everyone_ = false;   // "*"
  bool every_aws_ = false;  // {"AWS": "*"}
  std::vector<std::string> accounts_;
  std::vector<Named> users_;
  std::vector<Named> roles_;
  std::vector<std::string> sessions_;  // assumed-role and federated-user ARNs
  std::vector<std::string> services_;
  std::vector<std::string> providers_;
};

}  // namespace auth::internal
