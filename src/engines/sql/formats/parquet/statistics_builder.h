// Internal to the Parquet library. StatisticsBuilder accumulates a column chunk's null count
// and min/max as the writer receives values, in the order the column's type defines (signed
// integers, unsigned for UINT64, numeric decimals, unsigned bytes for strings, floats without
// NaN), and produces the footer's Statistics with min_value/max_value PLAIN-encoded. Zero
// bounds are written as -0.0 (min) and +0.0 (max). One thread.
#pragma once

#include <cstdint>
#include <optional>

#include "engines/sql/formats/parquet/column_plan.h"
#include "engines/sql/formats/parquet/file_metadata_format.h"
#include "engines/sql/formats/parquet/statistics.h"

namespace sql::parquet {

class StatisticsBuilder {
 public:
  StatisticsBuilder(const Column& column, const ColumnPlan& plan);

  // Takes rows [begin, end) of `values` (the column's in-memory type) into account.
  void Update(const ColumnBatch& values, int64_t begin, int64_t end);

  // The statistics so far; then starts over for the next chunk.
  format::Statistics Finish();

 private:
  template <typename T, typename Less>
  void Scan(const ValueArray<T>& v, const ColumnBatch& b, int64_t begin, int64_t end, Less less);

  ColumnPlan plan_;
  bool ordered_;
  bool unsigned_64_;
  int64_t null_count_ = 0;
  std::optional<StatValue> min_;
  std::optional<StatValue> max_;
};

}  // namespace sql::parquet
