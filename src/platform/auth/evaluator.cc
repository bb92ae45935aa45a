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

PrincipalSet::Match PrincipalApplies(const internal::Statement& st, const Request& request,
                                     PolicyKind kind) {
  if (kind != PolicyKind::kResource) return PrincipalSet::Match::kIndirect;
  if (!st.has_principal) return PrincipalSet::Match::kNone;
  PrincipalSet::Match m = st.principals.Matches(request.principal);
  if (!st.not_principal) return m;
  return m == PrincipalSet::Match::kNone ? PrincipalSet::Match::kIndirect
                                         : PrincipalSet::Match::kNone;
}

// EvaluatePolicy, also reporting whether an Allow named the caller directly (which lets a
// resource-based policy's grant stand even where a session policy does not allow).
Decision Evaluate(const Policy& policy, const Request& request, PolicyKind kind,
                  bool* direct_allow) {
  Decision d;
  d.kind = kind;
  *direct_allow = false;
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
    bool direct = principal == PrincipalSet::Match::kDirect;
    if (d.result == Decision::Result::kNotApplicable || (direct && !*direct_allow)) {
      d.result = Decision::Result::kAllow;
      d.policy = &policy;
      d.statement = i;
      *direct_allow = direct;
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
  bool direct = false;
  return Evaluate(policy, request, kind, &direct);
}

Decision Authorize(std::span<const Policy* const> identity, const Policy* resource,
                   const Request& request, const Policy* session) {
  // Every policy is evaluated before any Allow counts, since a Deny anywhere wins.
  Decision identity_allow;
  bool unused = false;
  for (const Policy* p : identity) {
    if (p == nullptr) continue;
    Decision d = Evaluate(*p, request, PolicyKind::kIdentity, &unused);
    if (d.explicit_deny()) return d;
    if (d.allowed() && !identity_allow.allowed()) identity_allow = d;
  }
  Decision session_decision;
  if (session != nullptr) {
    session_decision = Evaluate(*session, request, PolicyKind::kSession, &unused);
    if (session_decision.explicit_deny()) return session_decision;
  }
  bool direct = false;
  Decision resource_decision;
  if (resource != nullptr) {
    resource_decision = Evaluate(*resource, request, PolicyKind::kResource, &direct);
    if (resource_decision.explicit_deny()) return resource_decision;
  }

  // A session policy caps everything granted to the role (or the account, or everyone), but
  // not a grant a resource-based policy makes to the session itself.
  bool session_allows = session == nullptr || session_decision.allowed();
  if (resource_decision.allowed() && (direct || session_allows)) return resource_decision;
  if (request.principal.type == Principal::Type::kAccount) {
    Decision root;
    root.result = Decision::Result::kAllow;
    return root;
  }
  if (identity_allow.allowed() && session_allows) return identity_allow;
  return Decision();
}

}  // namespace auth
