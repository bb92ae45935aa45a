#include "platform/auth/evaluator.h"

#include "platform/auth/document.h"

namespace auth {

namespace {

using internal::MatchResult;
using internal::PrincipalSet;

bool ActionApplies(const internal::Statement& st, const Request& request) {
  bool any = false;
  for (const internal::Pattern& p : st.actions) {
    if (p.Match(request.action, request.context, /*ignore_case=*/true) == MatchResult::kMatch) {
      any = true;
      break;
    }
  }
  return any != st.not_action;
}

bool ResourceApplies(const internal::Statement& st, const Request& request) {
  if (!st.has_resource) return true;
  if (!st.not_resource) {
    for (const internal::Pattern& p : st.resources) {
      if (p.Match(request.resource, request.context) == MatchResult::kMatch) return true;
    }
    return false;
  }
  // NotResource: the statement covers every resource none of the entries matches. An entry
  // whose variable cannot be resolved invalidates the statement instead.
  for (const internal::Pattern& p : st.resources) {
    if (p.Match(request.resource, request.context) != MatchResult::kNoMatch) return false;
  }
  return true;
}

// How the statement's principals cover the caller; for policies without principals (identity
// and session policies) every statement covers it.
PrincipalSet::Match PrincipalApplies(const internal::Statement& st, const Request& request,
                                     PolicyKind kind) {
  if (kind != PolicyKind::kResource) return PrincipalSet::Match::kExact;
  if (!st.has_principal) return PrincipalSet::Match::kNone;
  PrincipalSet::Match m = st.principals.Matches(request.principal);
  if (!st.not_principal) return m;
  return m == PrincipalSet::Match::kNone ? PrincipalSet::Match::kGrant : PrincipalSet::Match::kNone;
}

// EvaluatePolicy, also reporting how strongly the recorded Allow's principals cover the
// caller (Authorize needs it for resource-based policies). Among several Allows, the one that
// covers the caller most strongly is recorded.
Decision Evaluate(const Policy& policy, const Request& request, PolicyKind kind,
                  PrincipalSet::Match* allow_strength) {
  Decision d;
  d.kind = kind;
  *allow_strength = PrincipalSet::Match::kNone;
  const std::vector<internal::Statement>& statements = policy.document().statements;
  for (size_t i = 0; i < statements.size(); ++i) {
    const internal::Statement& st = statements[i];
    // Cheapest tests first; most statements fail on the action.
    if (!ActionApplies(st, request) || !ResourceApplies(st, request)) continue;
    PrincipalSet::Match principal = PrincipalApplies(st, request, kind);
    if (principal == PrincipalSet::Match::kNone) continue;
    bool conditions_hold = true;
    for (const internal::Condition& c : st.conditions) {
      if (!c.Evaluate(request.context)) {
        conditions_hold = false;
        break;
      }
    }
    if (!conditions_hold) continue;
    if (!st.allow) {
      d.result = Decision::Result::kDeny;
      d.policy = &policy;
      d.statement = i;
      return d;
    }
    if (principal > *allow_strength) {
      d.result = Decision::Result::kAllow;
      d.policy = &policy;
      d.statement = i;
      *allow_strength = principal;
    }
  }
  return d;
}

const char* KindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
      return "an identity-based policy";
    case PolicyKind::kSession:
      return "a session policy";
    case PolicyKind::kResource:
      return "a resource-based policy";
  }
  return "a policy";
}

}  // namespace

std::string Decision::sid() const { return policy == nullptr ? "" : policy->sid(statement); }

std::string Decision::Describe() const {
  if (result == Result::kNotApplicable) {
    return kind == PolicyKind::kResource ? "no resource-based policy allows the action"
                                         : "no identity-based policy allows the action";
  }
  if (policy == nullptr) return "the account root user is allowed every action";
  std::string out = result == Result::kDeny ? "explicit deny in " : "allowed by ";
  out += KindName(kind);
  out += " (statement ";
  const std::string& id = policy->sid(statement);
  if (id.empty()) {
    out += '#';
    out += std::to_string(statement + 1);
  } else {
    out += id;
  }
  out += ')';
  return out;
}

Decision EvaluatePolicy(const Policy& policy, const Request& request, PolicyKind kind) {
  PrincipalSet::Match strength;
  return Evaluate(policy, request, kind, &strength);
}

Decision Authorize(std::span<const Policy* const> identity, const Policy* resource,
                   const Request& request, const Policy* session) {
  // Every policy is evaluated before any Allow counts, since a Deny anywhere wins.
  PrincipalSet::Match strength;
  Decision identity_allow;
  for (const Policy* p : identity) {
    if (p == nullptr) continue;
    Decision d = Evaluate(*p, request, PolicyKind::kIdentity, &strength);
    if (d.explicit_deny()) return d;
    if (d.allowed() && !identity_allow.allowed()) identity_allow = d;
  }
  Decision session_decision;
  if (session != nullptr) {
    session_decision = Evaluate(*session, request, PolicyKind::kSession, &strength);
    if (session_decision.explicit_deny()) return session_decision;
  }
  PrincipalSet::Match resource_strength = PrincipalSet::Match::kNone;
  Decision resource_decision;
  if (resource != nullptr) {
    resource_decision = Evaluate(*resource, request, PolicyKind::kResource, &resource_strength);
    if (resource_decision.explicit_deny()) return resource_decision;
  }

  // A session policy caps what the role's policies grant, and what a resource-based policy
  // grants to the role or to everyone, but not a grant made to the session itself. A grant to
  // the caller's account only delegates to the identity-based policies.
  bool session_allows = session == nullptr || session_decision.allowed();
  if (resource_strength == PrincipalSet::Match::kExact ||
      (resource_strength == PrincipalSet::Match::kGrant && session_allows)) {
    return resource_decision;
  }
  if (request.principal.type == Principal::Type::kAccount) {
    Decision root;
    root.result = Decision::Result::kAllow;
    return root;
  }
  if (identity_allow.allowed() && session_allows) return identity_allow;
  return Decision();
}

}  // namespace auth
