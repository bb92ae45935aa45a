#include "engines/sql/common/types.h"

#include <algorithm>
#include <limits>

#include "base/strings.h"

namespace sql {

PhysicalType Type::physical() const {
  switch (id_) {
    case TypeId::kBoolean:
      return PhysicalType::kBool;
    case TypeId::kReal:
    case TypeId::kDouble:
      return PhysicalType::kDouble;
    case TypeId::kDecimal:
      return precision_ > 18 ? PhysicalType::kInt128 : PhysicalType::kInt64;
    case TypeId::kVarchar:
    case TypeId::kVarbinary:
      return PhysicalType::kString;
    default:
      return PhysicalType::kInt64;
  }
}

std::string Type::ToString() const {
  switch (id_) {
    case TypeId::kUnknown:
      return "unknown";
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kTinyint:
      return "tinyint";
    case TypeId::kSmallint:
      return "smallint";
    case TypeId::kInteger:
      return "integer";
    case TypeId::kBigint:
      return "bigint";
    case TypeId::kReal:
      return "real";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeId::kVarchar:
      return "varchar";
    case TypeId::kVarbinary:
      return "varbinary";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp(3)";
    case TypeId::kIntervalDayTime:
      return "interval day to second";
    case TypeId::kIntervalYearMonth:
      return "interval year to month";
  }
  return "unknown";
}

namespace {

bool ParseArgs(std::string_view s, int* a, int* b) {
  // s is "(x)" or "(x,y)"
  *a = -1;
  *b = -1;
  s = base::Trim(s);
  if (s.size() < 3 || s.front() != '(' || s.back() != ')') return false;
  auto parts = base::Split(s.substr(1, s.size() - 2), ',');
  if (parts.empty() || parts.size() > 2) return false;
  for (size_t i = 0; i < parts.size(); i++) {
    std::string_view p = base::Trim(parts[i]);
    if (p.empty() || p.size() > 9) return false;
    int v = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    (i == 0 ? *a : *b) = v;
  }
  return true;
}

}  // namespace

std::optional<Type> ParseTypeName(std::string_view raw) {
  std::string name = base::ToLower(base::Trim(raw));
  std::string args;
  if (auto p = name.find('('); p != std::string::npos) {
    args = name.substr(p);
    name = std::string(base::Trim(name.substr(0, p)));
  }
  // Collapse internal whitespace runs.
  std::string norm;
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!norm.empty() && norm.back() != ' ') norm += ' ';
    } else {
      norm += c;
    }
  }
  name = norm;
  int a = -1, b = -1;
  if (!args.empty() && !ParseArgs(args, &a, &b)) return std::nullopt;
  if (name == "decimal" || name == "numeric" || name == "dec") {
    int p = a < 0 ? 38 : a;
    int s = b < 0 ? 0 : b;
    if (p < 1 || p > 38 || s > p) return std::nullopt;
    return Type::Decimal(p, s);
  }
  if (!args.empty() && name != "varchar" && name != "char" && name != "character" &&
      name != "character varying" && name != "nvarchar" && name != "nchar" &&
      name != "varbinary" && name != "timestamp" && name != "int" && name != "integer" &&
      name != "bigint" && name != "smallint" && name != "tinyint" && name != "float") {
    return std::nullopt;
  }
  if (name == "boolean" || name == "bool") return Type::Boolean();
  if (name == "tinyint") return Type::Tinyint();
  if (name == "smallint") return Type::Smallint();
  if (name == "integer" || name == "int" || name == "mediumint" || name == "int4") {
    return Type::Integer();
  }
  if (name == "bigint" || name == "int8" || name == "long") return Type::Bigint();
  if (name == "real" || name == "float4") return Type::Real();
  if (name == "double" || name == "double precision" || name == "float" || name == "float8") {
    return Type::Double();
  }
  if (name == "varchar" || name == "char" || name == "character" ||
      name == "character varying" || name == "text" || name == "string" ||
      name == "nvarchar" || name == "nchar" || name == "clob") {
    return Type::Varchar();
  }
  if (name == "varbinary" || name == "blob" || name == "binary") return Type::Varbinary();
  if (name == "date") return Type::Date();
  if (name == "timestamp" || name == "datetime") return Type::Timestamp();
  return std::nullopt;
}

namespace {

int IntegerRank(TypeId id) {
  switch (id) {
    case TypeId::kTinyint:
      return 1;
    case TypeId::kSmallint:
      return 2;
    case TypeId::kInteger:
      return 3;
    case TypeId::kBigint:
      return 4;
    default:
      return 0;
  }
}

}  // namespace

Type DecimalForInteger(const Type& t) {
  switch (t.id()) {
    case TypeId::kTinyint:
      return Type::Decimal(3, 0);
    case TypeId::kSmallint:
      return Type::Decimal(5, 0);
    case TypeId::kInteger:
      return Type::Decimal(10, 0);
    default:
      return Type::Decimal(19, 0);
  }
}

std::optional<Type> CommonSuperType(const Type& a, const Type& b) {
  if (a == b) return a;
  if (a.id() == TypeId::kUnknown) return b;
  if (b.id() == TypeId::kUnknown) return a;
  if (a.IsInteger() && b.IsInteger()) {
    return IntegerRank(a.id()) >= IntegerRank(b.id()) ? a : b;
  }
  if (a.IsNumeric() && b.IsNumeric()) {
    if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return Type::Double();
    if (a.id() == TypeId::kReal || b.id() == TypeId::kReal) return Type::Real();
    Type da = a.IsInteger() ? DecimalForInteger(a) : a;
    Type db = b.IsInteger() ? DecimalForInteger(b) : b;
    int scale = std::max(da.scale(), db.scale());
    int digits = std::max(da.precision() - da.scale(), db.precision() - db.scale());
    return Type::Decimal(std::min(38, digits + scale), scale);
  }
  if (a.id() == TypeId::kVarchar && b.id() == TypeId::kVarchar) return Type::Varchar();
  if ((a.id() == TypeId::kDate && b.id() == TypeId::kTimestamp) ||
      (a.id() == TypeId::kTimestamp && b.id() == TypeId::kDate)) {
    return Type::Timestamp();
  }
  return std::nullopt;
}

bool CanImplicitlyCast(const Type& from, const Type& to) {
  if (from == to || from.id() == TypeId::kUnknown) return true;
  auto common = CommonSuperType(from, to);
  return common && *common == to;
}

int64_t IntegerMin(TypeId id) {
  switch (id) {
    case TypeId::kTinyint:
      return std::numeric_limits<int8_t>::min();
    case TypeId::kSmallint:
      return std::numeric_limits<int16_t>::min();
    case TypeId::kInteger:
      return std::numeric_limits<int32_t>::min();
    default:
      return std::numeric_limits<int64_t>::min();
  }
}

int64_t IntegerMax(TypeId id) {
  switch (id) {
    case TypeId::kTinyint:
      return std::numeric_limits<int8_t>::max();
    case TypeId::kSmallint:
      return std::numeric_limits<int16_t>::max();
    case TypeId::kInteger:
      return std::numeric_limits<int32_t>::max();
    default:
      return std::numeric_limits<int64_t>::max();
  }
}

}  // namespace sql
