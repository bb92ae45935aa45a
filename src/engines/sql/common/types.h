// Logical SQL types (Trino's: BOOLEAN .. TIMESTAMP, DECIMAL(p,s), INTERVALs) and the
// physical representation each uses inside vectors. Types are small values; all functions
// are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sql {

using int128_t = __int128;

enum class TypeId : uint8_t {
  kUnknown,  // the type of a bare NULL literal; coerces to anything
  kBoolean,
  kTinyint,
  kSmallint,
  kInteger,
  kBigint,
  kReal,
  kDouble,
  kDecimal,
  kVarchar,
  kVarbinary,
  kDate,
  kTimestamp,
  kIntervalDayTime,    // milliseconds
  kIntervalYearMonth,  // months
};

// How values are laid out in a vector: kBool as uint8_t, kInt64 as int64_t (all integer
// types, DATE as days, TIMESTAMP as microseconds, intervals, DECIMAL up to 18 digits),
// kInt128 (longer DECIMALs), kDouble (REAL and DOUBLE), kString (string_view into a heap).
enum class PhysicalType : uint8_t { kBool, kInt64, kInt128, kDouble, kString };

class Type {
 public:
  constexpr Type() = default;
  constexpr explicit Type(TypeId id) : id_(id) {}
  static constexpr Type Decimal(int precision, int scale) {
    Type t(TypeId::kDecimal);
    t.precision_ = static_cast<uint8_t>(precision);
    t.scale_ = static_cast<uint8_t>(scale);
    return t;
  }
  static constexpr Type Unknown() { return Type(TypeId::kUnknown); }
  static constexpr Type Boolean() { return Type(TypeId::kBoolean); }
  static constexpr Type Tinyint() { return Type(TypeId::kTinyint); }
  static constexpr Type Smallint() { return Type(TypeId::kSmallint); }
  static constexpr Type Integer() { return Type(TypeId::kInteger); }
  static constexpr Type Bigint() { return Type(TypeId::kBigint); }
  static constexpr Type Real() { return Type(TypeId::kReal); }
  static constexpr Type Double() { return Type(TypeId::kDouble); }
  static constexpr Type Varchar() { return Type(TypeId::kVarchar); }
  static constexpr Type Varbinary() { return Type(TypeId::kVarbinary); }
  static constexpr Type Date() { return Type(TypeId::kDate); }
  static constexpr Type Timestamp() { return Type(TypeId::kTimestamp); }
  static constexpr Type IntervalDayTime() { return Type(TypeId::kIntervalDayTime); }
  static constexpr Type IntervalYearMonth() { return Type(TypeId::kIntervalYearMonth); }

  constexpr TypeId id() const { return id_; }
  constexpr int precision() const { return precision_; }
  constexpr int scale() const { return scale_; }
  PhysicalType physical() const;

  bool IsInteger() const {
    return id_ == TypeId::kTinyint || id_ == TypeId::kSmallint || id_ == TypeId::kInteger ||
           id_ == TypeId::kBigint;
  }
  bool IsFloating() const { return id_ == TypeId::kReal || id_ == TypeId::kDouble; }
  bool IsNumeric() const { return IsInteger() || IsFloating() || id_ == TypeId::kDecimal; }
  bool IsString() const { return id_ == TypeId::kVarchar; }
  bool IsTemporal() const { return id_ == TypeId::kDate || id_ == TypeId::kTimestamp; }
  bool IsInterval() const {
    return id_ == TypeId::kIntervalDayTime || id_ == TypeId::kIntervalYearMonth;
  }
  bool IsOrderable() const { return true; }

  // "integer", "decimal(12,2)", "varchar", ... as Trino prints them.
  std::string ToString() const;

  bool operator==(const Type& o) const {
    return id_ == o.id_ && precision_ == o.precision_ && scale_ == o.scale_;
  }
  bool operator!=(const Type& o) const { return !(*this == o); }

 private:
  TypeId id_ = TypeId::kUnknown;
  uint8_t precision_ = 0;
  uint8_t scale_ = 0;
};

// Parses a type name as written in SQL ("INTEGER", "varchar(10)", "DECIMAL(10,2)",
// "double precision", "TEXT", ...). Returns nullopt for an unknown name.
std::optional<Type> ParseTypeName(std::string_view name);

// The smallest type both `a` and `b` coerce to implicitly (Trino's rules), or nullopt.
std::optional<Type> CommonSuperType(const Type& a, const Type& b);

// True when a value of `from` may be used where `to` is expected without a CAST.
bool CanImplicitlyCast(const Type& from, const Type& to);

// The DECIMAL type an integer type widens to (tinyint -> decimal(3,0), ...).
Type DecimalForInteger(const Type& t);

// Inclusive range of an integer type (for overflow checks).
int64_t IntegerMin(TypeId id);
int64_t IntegerMax(TypeId id);

}  // namespace sql
