// The predicate language of Glue's GetPartitions `Expression` (and of a CatalogSource's
// PartitionPredicate): comparisons of partition keys with literals (=, <>, !=, <, <=, >, >=),
// [NOT] IN (...), [NOT] BETWEEN a AND b, [NOT] LIKE 'pattern', IS [NOT] NULL, combined with
// AND, OR, NOT and parentheses:
//
//   auto e = PartitionExpression::Parse("year = '2024' AND month > '03'", keys);
//   e.Matches({"2024", "07"});  // true
//
// Keys of numeric Hive types (int, bigint, double, ...) compare as numbers, others as text;
// a value that is not a number never satisfies a numeric comparison. Identifiers are
// case-insensitive and may be quoted with backticks or double quotes. Immutable once parsed;
// Matches is safe to call from many threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace glue {

struct PartitionKey {
  std::string name;
  std::string type;  // the Hive type name ("string", "int", "date", ...)
};

class PartitionExpression {
 public:
  // Throws GlueError(kInvalidInput) naming the offending position or key.
  static PartitionExpression Parse(std::string_view text, const std::vector<PartitionKey>& keys);
  PartitionExpression(PartitionExpression&&) noexcept;
  PartitionExpression& operator=(PartitionExpression&&) noexcept;
  ~PartitionExpression();

  // Whether a partition with `values` (in key order; missing values are NULL) matches.
  bool Matches(const std::vector<std::string>& values) const;

  struct Node;

 private:
  explicit PartitionExpression(std::unique_ptr<Node> root);
  std::unique_ptr<Node> root_;
};

}  // namespace glue
