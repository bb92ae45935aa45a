// Decides whether a request is allowed, following AWS's policy evaluation logic for requests
// within one account: an explicit Deny in any policy wins; otherwise the request is allowed
// by an identity-based policy (within the session policy, if any), or by a resource-based
// policy that names the caller (a user, a session, a service) or everyone ("*"), or the
// role a session belongs to (within the session policy); otherwise it is implicitly denied.
// A resource-based policy that names only the caller's account delegates to the account's
// identity-based policies and grants nothing by itself.
//
//   std::vector<const auth::Policy*> identity = {&user_inline, &group_managed};
//   auth::Decision d = auth::Authorize(identity, bucket_policy_or_null, request);
//   if (!d.allowed()) throw AccessDenied(...);   // d.explicit_deny() picks the wording
//
// Role trust policies are resource-based policies that must allow by themselves: authorize
// sts:AssumeRole with EvaluatePolicy(trust, request, kResource).allowed() &&
// Authorize(identity, &trust, request).allowed(). (A trust policy naming the account thus
// still needs the caller's identity-based policies to allow sts:AssumeRole.)
//
// Evaluation is re-entrant: any number of threads may evaluate shared Policies at once.
// Decisions point into the Policies they came from and are valid while those live.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "platform/auth/policy.h"
#include "platform/auth/request.h"

namespace auth {

struct Decision {
  enum class Result {
    kNotApplicable,  // no statement applies (for a combined decision: implicit deny)
    kAllow,
    kDeny,  // an explicit Deny statement applies
  };

  Result result = Result::kNotApplicable;
  // The policy and statement that decided; null for implicit denies and for the root user's
  // implicit allow.
  const Policy* policy = nullptr;
  size_t statement = 0;
  // The kind of the deciding policy (meaningful when `policy` is set).
  PolicyKind kind = PolicyKind::kIdentity;

  bool allowed() const { return result == Result::kAllow; }
  bool explicit_deny() const { return result == Result::kDeny; }
  // The deciding statement's Sid, or empty.
  std::string sid() const;
  // "explicit deny in an identity-based policy (statement DenyAll)", "no identity-based policy
  // allows the action", ...: for AccessDenied messages and logs.
  std::string Describe() const;
};

// The result of one policy on its own. Deny if any applicable statement denies, else Allow
// if one allows, else NotApplicable. For kResource, a statement applies only when its
// Principal (or NotPrincipal) element matches the request's principal; other kinds ignore
// principals.
Decision EvaluatePolicy(const Policy& policy, const Request& request, PolicyKind kind);

// The combined decision. `identity` holds the caller's identity-based policies (user inline,
// attached and group policies; or the role's policies), `resource` the resource-based policy
// if the resource has one, and `session` the session policy of a role session if one was
// passed. The account root user is allowed unless a policy explicitly denies.
Decision Authorize(std::span<const Policy* const> identity, const Policy* resource,
                   const Request& request, const Policy* session = nullptr);

}  // namespace auth
