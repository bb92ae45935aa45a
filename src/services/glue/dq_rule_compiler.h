// Compiles a DQDL ruleset (dq_ruleset_parser.h) into SQL over the evaluated table, named
// `primary`, and judges each rule from the answers. Every plain metric of every rule (row
// counts, non-null counts, rows meeting a ColumnValues or ColumnLength condition, mean, sum,
// population standard deviation, lengths) is one aggregate of a single scan:
//
//   DqRuleCompiler c(ParseDqRuleset(text), {"id", "name", "price"});
//   run c.ScanSql()               -> one row: an answer per c.aggregates() entry
//   run each c.statements() entry -> one row each (uniqueness, distinct counts, CustomSql)
//   std::vector<DqRuleResult> results = c.Judge(aggregate_answers, statement_answers);
//
// Uniqueness and DistinctValuesCount need a GROUP BY, so each distinct column set is one
// statement; each CustomSql rule is its own statement. Results follow AWS Glue Data Quality:
// rules are named Rule_1, Rule_2, ... in order, described by their DQDL text; metrics are named
// "Dataset.*.RowCount", "Column.<col>.Completeness", ...; a failing rule says
// "Value: 0.8 does not meet the constraint requirement!". Semantics: `between` is exclusive;
// Uniqueness is the share of non-null values that occur exactly once; StandardDeviation is the
// population's; ColumnValues counts a NULL as not meeting the condition unless the condition
// names NULL; a rule naming a column the table lacks fails.
//
// Immutable after construction; safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/glue/dq_ruleset_parser.h"

namespace glue {

// The first row of one query, each column as a number (nullopt for NULL or a non-number), or
// the error that stopped the query.
struct DqAnswer {
  std::vector<std::optional<double>> values;
  size_t rows = 0;
  std::string error;
};

// The outcome of one top-level rule.
struct DqRuleResult {
  std::string name;         // Rule_<n>
  std::string description;  // the rule's DQDL text
  std::string result;       // PASS, FAIL or ERROR (the rule could not be evaluated)
  std::string message;      // why it did not pass; empty when it passed
  std::map<std::string, double> metrics;
};

class DqRuleCompiler {
 public:
  // `columns` are the table's column names (data columns, then partition keys).
  DqRuleCompiler(DqRuleset ruleset, std::vector<std::string> columns);
  ~DqRuleCompiler();
  DqRuleCompiler(const DqRuleCompiler&) = delete;
  DqRuleCompiler& operator=(const DqRuleCompiler&) = delete;

  // The aggregates the scan computes, as SQL expressions over `primary`; the first is
  // count(*), the table's row count.
  const std::vector<std::string>& aggregates() const;
  // SELECT <aggregates> FROM primary.
  std::string ScanSql() const;
  // SELECT <aggregate> FROM primary for one aggregate alone (to find the one that fails).
  std::string AggregateSql(size_t index) const;
  // The other queries, each answered by its first row.
  const std::vector<std::string>& statements() const;

  // Judges every rule. `aggregate_answers` has one answer (one value) per aggregate;
  // `statement_answers` one per statement.
  std::vector<DqRuleResult> Judge(const std::vector<DqAnswer>& aggregate_answers,
                                  const std::vector<DqAnswer>& statement_answers) const;

  // A metric as AWS prints it in messages (Java's Double.toString: 4.0, 0.75, 1.0E7).
  static std::string FormatNumber(double value);

 private:
  struct Node;
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace glue
