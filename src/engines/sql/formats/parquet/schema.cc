#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

LogicalType LogicalType::Of(LogicalKind kind) {
  LogicalType t;
  t.kind = kind;
  return t;
}

LogicalType LogicalType::Timestamp(TimeUnit unit, bool adjusted_to_utc) {
  LogicalType t = Of(LogicalKind::kTimestamp);
  t.unit = unit;
  t.adjusted_to_utc = adjusted_to_utc;
  return t;
}

LogicalType LogicalType::Time(TimeUnit unit, bool adjusted_to_utc) {
  LogicalType t = Of(LogicalKind::kTime);
  t.unit = unit;
  t.adjusted_to_utc = adjusted_to_utc;
  return t;
}

LogicalType LogicalType::Decimal(int32_t precision, int32_t scale) {
  LogicalType t = Of(LogicalKind::kDecimal);
  t.precision = precision;
  t.scale = scale;
  return t;
}

LogicalType LogicalType::Integer(int32_t bit_width, bool is_signed) {
  LogicalType t = Of(LogicalKind::kInteger);
  t.bit_width = bit_width;
  t.is_signed = is_signed;
  return t;
}

ValueType Column::value_type() const {
  const bool decimal = logical.kind == LogicalKind::kDecimal;
  switch (physical_type) {
    case PhysicalType::kBoolean:
      return ValueType::kBool;
    case PhysicalType::kInt32:
      if (decimal) return ValueType::kInt64;
      if (logical.kind == LogicalKind::kInteger && !logical.is_signed && logical.bit_width == 32) {
        return ValueType::kInt64;
      }
      return ValueType::kInt32;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      return ValueType::kInt64;
    case PhysicalType::kFloat:
      return ValueType::kFloat;
    case PhysicalType::kDouble:
      return ValueType::kDouble;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (decimal) return logical.precision <= 18 ? ValueType::kInt64 : ValueType::kInt128;
      if (logical.kind == LogicalKind::kFloat16) return ValueType::kFloat;
      return ValueType::kBinary;
  }
  return ValueType::kBinary;
}

int Schema::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace sql::parquet
