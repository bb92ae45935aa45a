// The parser of DQDL, the Data Quality Definition Language of Glue data quality rulesets:
//
//   Rules = [ RowCount > 100, IsComplete "id", ColumnValues "state" in ["CA", "NY"]
//             with threshold > 0.9, (Mean "price" between 1 and 50) or (Sum "price" < 1000) ]
//
// ParseDqRuleset turns the document into a DqRuleset: each rule its type, its quoted
// parameters (column names, or the statement of CustomSql), its constraint expression
// (comparisons, `between x and y`, `in [..]`, `matches "regex"` and their `not` forms), an
// optional `with threshold <expression>` and `where "<SQL predicate>"`, and composite rules
// joined with `and` / `or` (each operand in parentheses). Literals are numbers, strings, the
// keywords NULL, EMPTY and WHITESPACES_ONLY, and now() optionally shifted by a duration
// (`(now() - 3 days)`). Rule types are checked against what each type takes, so a ruleset that
// parses can be evaluated. Syntax errors throw DqSyntaxError naming the line and column.
//
// Pure functions over values; safe to call from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace glue {

enum class DqOperator {
  kEq,
  kNe,
  kGt,
  kGe,
  kLt,
  kLe,
  kBetween,
  kNotBetween,
  kIn,
  kNotIn,
  kMatches,
  kNotMatches,
};

// A literal of a DQDL expression.
struct DqValue {
  enum class Kind { kNumber, kString, kNull, kEmpty, kWhitespacesOnly, kNow };
  Kind kind = Kind::kNumber;
  double number = 0;  // kNumber: the value; kNow: the offset from now, in seconds
  std::string text;   // kString: the unquoted text; kNumber: the number as written
};

// The constraint a rule's value (a metric, or each row's value) must satisfy.
struct DqExpression {
  DqOperator op = DqOperator::kEq;
  std::vector<DqValue> values;  // one operand; two for (not) between; the list for (not) in
};

struct DqRule {
  enum class Kind { kRule, kAnd, kOr };
  Kind kind = Kind::kRule;
  std::string type;                        // "RowCount", "ColumnValues", ... (kRule)
  std::vector<std::string> parameters;     // the quoted parameters, unquoted
  std::optional<DqExpression> expression;  // the rule's constraint, for types that take one
  std::optional<DqExpression> threshold;   // `with threshold <expression>`
  std::optional<std::string> where;        // `where "<SQL predicate>"`
  std::vector<DqRule> operands;            // kAnd / kOr: the joined rules
  std::string text;                        // the rule as written, whitespace collapsed
};

struct DqRuleset {
  std::vector<DqRule> rules;
};

// A DQDL document that does not parse; the message names the line and column.
class DqSyntaxError : public base::Error {
 public:
  using base::Error::Error;
};

// Parses a DQDL document (`Rules = [ ... ]`, `#` comments allowed). Throws DqSyntaxError.
DqRuleset ParseDqRuleset(std::string_view text);

}  // namespace glue
