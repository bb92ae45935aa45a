// An IAM policy document (identity-based, session or resource-based), parsed once from its
// JSON text into a form the evaluator matches requests against without further parsing.
//
//   auth::Policy p = auth::Policy::Parse(document_text);   // throws auth::PolicyError
//   auth::Decision d = auth::EvaluatePolicy(p, request, auth::PolicyKind::kIdentity);
//
// A Policy is immutable after parsing; copies share the parsed form, and one Policy may be
// evaluated from any number of threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "platform/auth/context_keys.h"  // for callers: policies are used with context keys

namespace auth {

namespace internal {
struct Document;
}  // namespace internal

// Where a policy comes from, which decides how its Principal element is treated.
enum class PolicyKind {
  kIdentity,  // attached to a user, group or role; has no Principal
  kSession,   // passed to AssumeRole; limits the session like an identity policy
  kResource,  // attached to a resource (bucket policy, role trust policy); names principals
};

// A policy document IAM would refuse. The message names the problem in the words of IAM's
// MalformedPolicyDocument errors ("Missing required field Effect.").
class PolicyError : public base::Error {
 public:
  using base::Error::Error;
};

class Policy {
 public:
  // Parses and validates `text`. With `kind`, also enforces that kind's shape: identity and
  // session policies may not name a principal and must name resources; resource policies
  // must name a principal in every statement. Throws PolicyError.
  static Policy Parse(std::string_view text, std::optional<PolicyKind> kind = std::nullopt);

  // "2012-10-17" or "2008-10-17" (the default when the document has no Version).
  const std::string& version() const;
  // The document's Id element, or empty.
  const std::string& id() const;
  size_t statement_count() const;
  // The Sid of statement `index` (which must be < statement_count()), or empty.
  const std::string& sid(size_t index) const;

  // The parsed form, read by the evaluator.
  const internal::Document& document() const { return *document_; }

 private:
  explicit Policy(std::shared_ptr<const internal::Document> document)
      : document_(std::move(document)) {}

  std::shared_ptr<const internal::Document> document_;
};

}  // namespace auth
