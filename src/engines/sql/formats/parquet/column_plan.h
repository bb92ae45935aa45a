// Internal to the Parquet library. ColumnPlan describes how one column's physical values
// become the in-memory values schema.h promises and back: which ColumnBatch array holds the
// physical values, and the conversion between the two (widening UINT32, INT96 to a
// timestamp, rescaling a timestamp unit, big-endian decimal bytes to integers, FLOAT16 to
// float). ConvertToValues and ConvertToPhysical apply it to runs of dense values. Plain
// value type and stateless functions: thread-safe.
#pragma once

#include <cstdint>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

enum class Conversion {
  kNone,
  kRescale,       // int64 timestamp, file unit -> requested unit
  kSignExtend32,  // INT32 decimal -> int64
  kZeroExtend32,  // INT32 UINT32 -> int64
  kInt96,         // INT96 (held in i128) -> int64 timestamp
  kDecimalBytes,  // BYTE_ARRAY / FIXED decimal -> int64 or Int128
  kFloat16,       // FIXED[2] -> float
};

struct ColumnPlan {
  PhysicalType physical = PhysicalType::kInt64;
  int32_t type_length = 0;
  ValueType physical_value_type = ValueType::kInt64;  // the array physical values live in
  ValueType value_type = ValueType::kInt64;
  Conversion conversion = Conversion::kNone;
  // kRescale multiplies by `multiply` then floor-divides by `divide`; kInt96 produces `unit`.
  int64_t multiply = 1;
  int64_t divide = 1;
  TimeUnit unit = TimeUnit::kNanos;
  int32_t decimal_precision = 0;  // decimal columns: values must stay below 10^precision
  // The conversion can run in place on the value array (no separate physical buffer).
  bool in_place() const {
    return conversion == Conversion::kNone || conversion == Conversion::kRescale;
  }
};

// The plan for `column` (as written in the file). `timestamp_unit` is the unit timestamps
// should be delivered in, or the column's own unit when it is the same.
ColumnPlan MakeColumnPlan(const Column& column, TimeUnit timestamp_unit);

// Whether `logical` may annotate `physical` (with `type_length` for FIXED_LEN_BYTE_ARRAY).
bool LogicalTypeFits(const LogicalType& logical, PhysicalType physical, int32_t type_length);

// The array that holds values of `physical` type in a batch.
ValueType PhysicalValueType(PhysicalType physical);

// Sizes `batch`'s array for `type` to `n` values (offsets to n + 1, starting at 0).
void SizeBatch(ValueType type, int64_t n, ColumnBatch* batch);

// Converts physical values [from, from + n) of `in` into values [pos, pos + n) of `out`,
// which is already sized (for kBinary, `out` is not produced by any conversion). Throws
// ParquetError on values that do not fit (decimal overflow, timestamp out of range).
void ConvertToValues(const ColumnPlan& plan, const ColumnBatch& in, int64_t from, int64_t n,
                     ColumnBatch* out, int64_t pos);

// The reverse, for the writer: the values of rows rows[0, n) of `in` (in plan.value_type)
// become physical values [0, n) of `out` (reset to plan.physical_value_type). Throws
// ParquetError on values the physical type cannot hold.
void ConvertToPhysical(const ColumnPlan& plan, const ColumnBatch& in, const int64_t* rows,
                       int64_t n, ColumnBatch* out);

// IEEE 754 half precision <-> float; float to half rounds to nearest, ties to even.
float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);

}  // namespace sql::parquet
