#include "engines/sql/common/value.h"

#include <cmath>

#include "engines/sql/common/date_time.h"
#include "engines/sql/common/numeric.h"

namespace sql {

Value Value::Null(Type type) {
  Value v;
  v.type_ = type;
  v.is_null_ = true;
  return v;
}

Value Value::Boolean(bool b) {
  Value v;
  v.type_ = Type::Boolean();
  v.is_null_ = false;
  v.i_ = b ? 1 : 0;
  return v;
}

Value Value::Int(Type type, int64_t i) {
  Value v;
  v.type_ = type;
  v.is_null_ = false;
  v.i_ = i;
  v.i128_ = i;
  return v;
}

Value Value::Decimal(Type type, int128_t unscaled) {
  Value v;
  v.type_ = type;
  v.is_null_ = false;
  v.i128_ = unscaled;
  v.i_ = static_cast<int64_t>(unscaled);
  return v;
}

Value Value::Double(double d) {
  Value v;
  v.type_ = Type::Double();
  v.is_null_ = false;
  v.d_ = d;
  return v;
}

Value Value::Real(float f) {
  Value v;
  v.type_ = Type::Real();
  v.is_null_ = false;
  v.d_ = f;
  return v;
}

Value Value::Varchar(std::string s) {
  Value v;
  v.type_ = Type::Varchar();
  v.is_null_ = false;
  v.s_ = std::move(s);
  return v;
}

double Value::AsDouble() const {
  switch (type_.id()) {
    case TypeId::kReal:
    case TypeId::kDouble:
      return d_;
    case TypeId::kDecimal:
      return static_cast<double>(i128_) / static_cast<double>(Pow10(type_.scale()));
    default:
      return static_cast<double>(i_);
  }
}

std::string Value::ToString() const {
  if (is_null_) return "NULL";
  switch (type_.id()) {
    case TypeId::kUnknown:
      return "NULL";
    case TypeId::kBoolean:
      return i_ ? "true" : "false";
    case TypeId::kTinyint:
    case TypeId::kSmallint:
    case TypeId::kInteger:
    case TypeId::kBigint:
      return std::to_string(i_);
    case TypeId::kReal:
      return RealToString(static_cast<float>(d_));
    case TypeId::kDouble:
      return DoubleToString(d_);
    case TypeId::kDecimal:
      return DecimalToString(i128_, type_.scale());
    case TypeId::kVarchar:
    case TypeId::kVarbinary:
      return s_;
    case TypeId::kDate:
      return FormatDate(i_);
    case TypeId::kTimestamp:
      return FormatTimestamp(i_);
    case TypeId::kIntervalDayTime: {
      int64_t ms = i_;
      std::string sign = ms < 0 ? "-" : "";
      uint64_t a = ms < 0 ? static_cast<uint64_t>(-ms) : static_cast<uint64_t>(ms);
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%s%llu %02llu:%02llu:%02llu.%03llu", sign.c_str(),
                    static_cast<unsigned long long>(a / 86400000),
                    static_cast<unsigned long long>(a / 3600000 % 24),
                    static_cast<unsigned long long>(a / 60000 % 60),
                    static_cast<unsigned long long>(a / 1000 % 60),
                    static_cast<unsigned long long>(a % 1000));
      return buf;
    }
    case TypeId::kIntervalYearMonth: {
      int64_t m = i_;
      std::string sign = m < 0 ? "-" : "";
      if (m < 0) m = -m;
      return sign + std::to_string(m / 12) + "-" + std::to_string(m % 12);
    }
  }
  return "";
}

int Value::Compare(const Value& a, const Value& b) {
  if (a.is_null_ || b.is_null_) {
    if (a.is_null_ && b.is_null_) return 0;
    return a.is_null_ ? 1 : -1;
  }
  PhysicalType pa = a.type_.physical(), pb = b.type_.physical();
  if (pa == PhysicalType::kString || pb == PhysicalType::kString) {
    int c = a.s_.compare(b.s_);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.type_.id() == TypeId::kDecimal || b.type_.id() == TypeId::kDecimal) {
    if (a.type_.IsFloating() || b.type_.IsFloating()) {
      double x = a.AsDouble(), y = b.AsDouble();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    int sa = a.type_.id() == TypeId::kDecimal ? a.type_.scale() : 0;
    int sb = b.type_.id() == TypeId::kDecimal ? b.type_.scale() : 0;
    int128_t x = a.i128_, y = b.i128_;
    int s = std::max(sa, sb);
    x *= Pow10(s - sa);
    y *= Pow10(s - sb);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (pa == PhysicalType::kDouble || pb == PhysicalType::kDouble) {
    double x = a.AsDouble(), y = b.AsDouble();
    if (std::isnan(x) || std::isnan(y)) {
      if (std::isnan(x) && std::isnan(y)) return 0;
      return std::isnan(x) ? 1 : -1;
    }
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  return a.i_ < b.i_ ? -1 : (a.i_ > b.i_ ? 1 : 0);
}

}  // namespace sql
