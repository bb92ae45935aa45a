// A string from a policy (an action, a resource ARN, a condition value) compiled once into
// literal runs, the wildcards `*` and `?`, and policy variables (`${aws:username}`,
// `${key, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`). Matching resolves variables
// from the request's context keys and never compiles or allocates per call beyond a
// per-thread scratch buffer. Internal to the evaluator.
//
// A Pattern is immutable after Compile and safe to match from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/auth/context_keys.h"

namespace auth::internal {

enum class MatchResult {
  kNoMatch,
  kMatch,
  // A variable names a key the request lacks (or holds several values for) and gives no
  // default: IAM treats the policy string as one that cannot match anything.
  kUnresolved,
};

class Pattern {
 public:
  struct Syntax {
    bool wildcards = true;  // `*` and `?` are wildcards; otherwise they are literal
    bool variables = true;  // `${...}` is a policy variable; otherwise it is literal
  };

  // Throws PolicyError for a malformed variable ("${aws:username").
  static Pattern Compile(std::string_view text, Syntax syntax);

  // Whether `subject` matches the whole pattern. ASCII letters compare case-insensitively
  // when `ignore_case`.
  MatchResult Match(std::string_view subject, const ContextKeys& context,
                    bool ignore_case = false) const;
  // ARN matching as ArnLike does it: the six colon-separated components of `subject` are
  // matched one by one against the pattern's, so a `*` never spans a component boundary
  // before the resource part. A pattern or subject with fewer than six components never
  // matches.
  MatchResult MatchArn(std::string_view subject, const ContextKeys& context) const;

 private:
  enum class Kind : uint8_t { kLiteral, kStar, kAnyChar, kVariable };
  struct Token {
    Kind kind;
    bool has_default = false;
    // kLiteral: the text; kVariable: the key. Offsets into storage_.
    uint32_t begin = 0, size = 0;
    uint32_t default_begin = 0, default_size = 0;
  };
  struct Piece;

  Pattern() = default;
  void AddLiteral(std::string_view text);
  void AddToken(Kind kind);
  void Classify();
  void AddVariable(std::string_view key, const std::string* fallback);
  // Resolves tokens into `out`; false when a variable cannot be resolved.
  bool Resolve(const ContextKeys& context, std::vector<Piece>& out) const;
  // Glob matching over `n` pieces, the i-th given by `piece(i)`.
  template <typename PieceAt>
  static bool Glob(size_t n, PieceAt piece, std::string_view s, bool ignore_case);

  // Variable-free patterns most policies consist of, matched without the general algorithm.
  enum class Shape : uint8_t {
    kLiteral,  // "s3:GetObject"
    kAny,      // "*"
    kPrefix,   // "s3:Get*", "arn:aws:s3:::bucket/*"
    kGeneral,
  };

  std::string storage_;
  std::vector<Token> tokens_;
  bool has_variables_ = false;
  Shape shape_ = Shape::kGeneral;
};

}  // namespace auth::internal
