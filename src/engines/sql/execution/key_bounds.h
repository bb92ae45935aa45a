// The proof, from Parquet row-group statistics, that an integer key column holds each value
// in one row group only (boundary values aside): the row groups' min/max ranges of the
// column, none overlapping another (they may touch). A key strictly inside one range then
// occurs in that row group alone, and an input that reads whole row groups one after the
// other, ascending, has seen every row of such a key once it has moved past the range's
// max. Values equal to a range's min or max (boundaries) may occur in two row groups. An
// aggregation grouping on the key finishes its groups early with it. Immutable once built;
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engines/sql/catalog/file_system.h"
#include "engines/sql/catalog/table_definition.h"
#include "engines/sql/common/types.h"

namespace sql {

class KeyBounds {
 public:
  // The bounds of `column` (read as `type`, an integer type) over every row group of every
  // file of `table`; null unless every file is Parquet with min/max statistics for the
  // column, stored as signed integers, and no two ranges overlap.
  static std::shared_ptr<const KeyBounds> Of(FileSystem& fs, const TableDefinition& table,
                                             const std::string& column, const Type& type);
  // The bounds of row groups with these (min, max) ranges, in any order; null when two
  // overlap.
  static std::shared_ptr<const KeyBounds> FromRanges(
      std::vector<std::pair<int64_t, int64_t>> ranges);

  // The largest range max below `key`, or INT64_MIN: an ascending input now at `key` has
  // seen every row whose key is at most this and not a boundary.
  int64_t CompleteBelow(int64_t key) const;
  // The least range min or max at or above `key` (a boundary), or INT64_MAX: walking keys
  // in ascending order, the next that may occur in two row groups.
  int64_t BoundaryAtOrAbove(int64_t key) const;

 private:
  std::vector<int64_t> maxes_;       // ascending
  std::vector<int64_t> boundaries_;  // ascending, distinct
};

}  // namespace sql
