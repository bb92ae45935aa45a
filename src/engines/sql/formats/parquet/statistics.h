// Column chunk statistics as the reader exposes them for row-group skipping: min and max
// already decoded into the column's ValueType (schema.h), with the format's trust rules
// applied (legacy min/max only where their signed order is right; NaN bounds dropped; zero
// bounds widened to cover both -0.0 and +0.0; INT96 and undefined orders give no bounds).
// Byte strings compare as unsigned bytes, kInt64 columns of UINT64 as unsigned 64-bit.
// A missing bound means "unknown", never "empty". Plain value type: thread-safe to read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "engines/sql/formats/parquet/column_batch.h"

namespace sql::parquet {

// One bound, in the alternative matching the column's ValueType (kBool -> bool, kInt32 ->
// int32_t, kInt64 -> int64_t, kFloat -> float, kDouble -> double, kInt128 -> Int128,
// kBinary -> std::string).
using StatValue = std::variant<bool, int32_t, int64_t, float, double, Int128, std::string>;

struct ColumnStatistics {
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  // Set together: every non-null, non-NaN value v satisfies min <= v <= max.
  std::optional<StatValue> min;
  std::optional<StatValue> max;
};

}  // namespace sql::parquet
