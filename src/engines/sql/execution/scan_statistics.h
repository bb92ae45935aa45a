// Parquet column-chunk statistics in the engine's terms, for row-group skipping and for
// the optimizer's cardinality estimates: a chunk's bounds become a ValueRange (numbers,
// dates as days and timestamps as microseconds as doubles; strings as bytes), and a
// filter conjunct of the form `column <op> constant` is tested against it. Stateless
// functions over plain values; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "engines/sql/binder/bound_expression.h"
#include "engines/sql/formats/parquet/statistics.h"

namespace sql {

struct ValueRange {
  bool numeric = true;
  double lo = 0, hi = 0;         // numeric bounds
  std::string slo, shi;          // string bounds
};

// The bounds of a chunk read as `type`, or nullopt when the statistics have none usable.
std::optional<ValueRange> RangeOf(const parquet::ColumnStatistics& stats, const Type& type);

// A conjunct `column <op> constant` (either order; the column possibly under a numeric
// cast), with op one of = <> < <= > >=.
struct ColumnComparison {
  int column = -1;      // the column reference's index (resolved) or binding column
  ColumnBinding binding;
  std::string op;       // normalized so that the column is on the left
  Value constant;
};
std::optional<ColumnComparison> MatchColumnComparison(const BoundExpr& e);

// False when no value inside `range` can satisfy the comparison (NULLs never do).
bool RangeMayMatch(const ColumnComparison& cmp, const ValueRange& range);

// Fraction of the values in `range` that satisfy a range comparison, in [0, 1];
// nullopt when it cannot be computed (strings, equality).
std::optional<double> RangeFraction(const ColumnComparison& cmp, const ValueRange& range);

}  // namespace sql
