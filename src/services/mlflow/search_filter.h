// The filter and order_by language of MLflow's search endpoints, parsed the way MLflow's
// SearchUtils reads it: AND-ed comparisons `<identifier> <comparator> <value>`, where the
// identifier is `metrics.<key>`, `params.<key>`, `tags.<key>`, `attributes.<key>` or
// `datasets.<key>` (or one of their aliases: metric, param, parameter(s), tag, attr,
// attribute, run, dataset), or a bare attribute name; keys with special characters are
// quoted with backticks or double quotes. Comparators are = != < <= > >= LIKE ILIKE IN and
// NOT IN (keywords in any case); values are numbers, quoted strings, or a parenthesised list
// of quoted strings.
//
// Parsing checks syntax only; each search (runs, experiments, registered models, model
// versions) checks which identifiers, comparators and value kinds it accepts. Every error is
// an MlflowError INVALID_PARAMETER_VALUE whose message names the offending token. Pure
// functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlflow {

enum class EntityType { kMetric, kParam, kTag, kAttribute, kDataset };
enum class Comparator { kEq, kNe, kLt, kLe, kGt, kGe, kLike, kILike, kIn, kNotIn };

struct FilterValue {
  enum class Kind { kNumber, kString, kList };
  Kind kind = Kind::kString;
  std::string text;               // the string, or the number's literal
  double number = 0;              // kNumber
  std::vector<std::string> list;  // kList
};

struct Comparison {
  EntityType type = EntityType::kAttribute;
  std::string key;
  Comparator op = Comparator::kEq;
  std::string op_text;  // as written, for error messages
  FilterValue value;
};

struct OrderKey {
  EntityType type = EntityType::kAttribute;
  std::string key;
  bool ascending = true;
};

// An empty or blank filter parses to no comparisons.
std::vector<Comparison> ParseFilter(std::string_view filter);
// One order_by entry: "<identifier> [ASC|DESC]".
OrderKey ParseOrderBy(std::string_view clause);

// "metric", "parameter", "tag", "attribute", "dataset".
std::string_view EntityName(EntityType type);

// A LIKE pattern (% and _ wildcards, case-sensitive) as the equivalent SQLite GLOB pattern.
std::string LikeToGlob(std::string_view pattern);

}  // namespace mlflow
