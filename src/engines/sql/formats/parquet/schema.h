// The schema of a flat Parquet file as the reader reports it and the writer accepts it: an
// ordered list of top-level primitive columns, each with its physical type, nullability and
// logical type, and the in-memory ValueType its values travel in (see column_batch.h).
//
// Value representation (the same for reading and writing):
//   BOOLEAN                         -> kBool   (one byte, 0 or 1)
//   INT32 (plain, INT8/16/32, UINT8/16, DATE days, TIME millis)      -> kInt32
//   INT32 UINT32                    -> kInt64  (zero-extended)
//   INT64 (plain, INT64, UINT64 as raw bits, TIME, TIMESTAMP)         -> kInt64
//   INT96                           -> kInt64  timestamp, nanoseconds since the epoch
//                                               (or ReaderOptions::timestamp_unit)
//   FLOAT, FIXED[2] FLOAT16         -> kFloat
//   DOUBLE                          -> kDouble
//   DECIMAL on INT32 or INT64       -> kInt64 (the unscaled value)
//   DECIMAL on byte arrays          -> kInt64 unscaled when precision <= 18, else kInt128
//   BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY (strings, JSON, UUID, INTERVAL, raw) -> kBinary
// Plain value types: thread-safe for concurrent reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sql::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class TimeUnit { kMillis, kMicros, kNanos };

enum class LogicalKind {
  kNone,  // the physical type alone
  kString,
  kEnum,
  kJson,
  kBson,
  kUuid,
  kDate,
  kTime,
  kTimestamp,
  kDecimal,
  kInteger,
  kFloat16,
  kInterval,
  kNull,  // a column that only ever holds nulls
};

// A logical type annotation; only the fields of `kind` are meaningful.
struct LogicalType {
  LogicalKind kind = LogicalKind::kNone;
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool adjusted_to_utc = false;       // kTime, kTimestamp
  int32_t precision = 0;              // kDecimal
  int32_t scale = 0;                  // kDecimal
  int32_t bit_width = 0;              // kInteger: 8, 16, 32 or 64
  bool is_signed = true;              // kInteger

  static LogicalType Of(LogicalKind kind);
  static LogicalType Timestamp(TimeUnit unit, bool adjusted_to_utc);
  static LogicalType Time(TimeUnit unit, bool adjusted_to_utc);
  static LogicalType Decimal(int32_t precision, int32_t scale);
  static LogicalType Integer(int32_t bit_width, bool is_signed);

  bool operator==(const LogicalType&) const = default;
};

// How a column's values are held in memory (column_batch.h).
enum class ValueType { kBool, kInt32, kInt64, kFloat, kDouble, kInt128, kBinary };

struct Column {
  std::string name;
  PhysicalType physical_type = PhysicalType::kInt64;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width in bytes
  bool nullable = true;
  LogicalType logical;
  std::optional<int32_t> field_id;
  // Set by the reader on columns it cannot decode (nested groups, repeated fields): the
  // reason, naming the column. Empty for readable columns. Reading such a column throws
  // ParquetUnsupportedError with this text.
  std::string unsupported;

  // The in-memory representation of this column's values (table above).
  ValueType value_type() const;
};

struct Schema {
  std::vector<Column> columns;

  // Index of the column named `name` (exact match), or -1.
  int FindColumn(std::string_view name) const;
};

}  // namespace sql::parquet
