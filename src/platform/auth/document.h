// The parsed form of a policy document: its statements with every string compiled for
// matching. Built by Policy::Parse and read by the evaluator; internal to this folder.
//
// Immutable once built; safe to read from many threads at once.
#pragma once

#include <string>
#include <vector>

#include "platform/auth/condition.h"
#include "platform/auth/pattern.h"
#include "platform/auth/principal_set.h"

namespace auth::internal {

struct Statement {
  std::string sid;
  bool allow = false;  // Effect: Allow or Deny
  // Action or NotAction (case-insensitive globs).
  bool not_action = false;
  std::vector<Pattern> actions;
  // Resource or NotResource (case-sensitive globs over the whole ARN). Neither element
  // (role trust policies) means the statement applies to any resource.
  bool has_resource = false;
  bool not_resource = false;
  std::vector<Pattern> resources;
  // Principal or NotPrincipal; only resource-based policies name principals.
  bool has_principal = false;
  bool not_principal = false;
  PrincipalSet principals;
  // Every test must hold (AND); each test ORs or NORs its own values.
  std::vector<Condition> conditions;
};

struct Document {
  std::string version;
  std::string id;
  std::vector<Statement> statements;
};

}  // namespace auth::internal
