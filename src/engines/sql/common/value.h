// A single SQL value of any type (or NULL): constants in plans, parameters, and rows handed
// to clients. Values are slow-path objects; vectors carry data in bulk. Immutable once
// built and safe to share between threads.
#pragma once

#include <cstdint>
#include <string>

#include "engines/sql/common/types.h"

namespace sql {

class Value {
 public:
  Value() = default;
  static Value Null(Type type = Type::Unknown());
  static Value Boolean(bool v);
  // Any type whose physical form is kInt64 (integers, DATE, TIMESTAMP, intervals, short
  // decimals as unscaled values).
  static Value Int(Type type, int64_t v);
  static Value Integer(int32_t v) { return Int(Type::Integer(), v); }
  static Value Bigint(int64_t v) { return Int(Type::Bigint(), v); }
  static Value Decimal(Type type, int128_t unscaled);
  static Value Double(double v);
  static Value Real(float v);
  static Value Varchar(std::string v);

  const Type& type() const { return type_; }
  bool is_null() const { return is_null_; }
  bool boolean() const { return i_ != 0; }
  int64_t int64() const { return i_; }
  // Unscaled decimal value, for both short and long decimals.
  int128_t int128() const { return i128_; }
  double dbl() const { return d_; }
  const std::string& str() const { return s_; }

  // Trino's textual rendering (CAST(x AS VARCHAR)); NULL renders as "NULL".
  std::string ToString() const;
  // Numeric view for comparisons across numeric types (decimals scaled).
  double AsDouble() const;

  // Total order used for sorting and DISTINCT on values of the same type; NULLs compare
  // equal to each other and greater than non-NULLs.
  static int Compare(const Value& a, const Value& b);
  bool operator==(const Value& o) const { return Compare(*this, o) == 0; }

 private:
  Type type_;
  bool is_null_ = true;
  int64_t i_ = 0;
  int128_t i128_ = 0;
  double d_ = 0;
  std::string s_;
};

}  // namespace sql
