// Arithmetic, comparison, concatenation and LIKE operators, registered as "$add", "$eq", ...
#include <cmath>
#include <cstring>

#include "engines/sql/common/date_time.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/function/function_set.h"
#include "engines/sql/function/like_matcher.h"

namespace sql {

namespace {

[[noreturn]] void Overflow(const std::string& what) {
  throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE", what);
}
[[noreturn]] void DivisionByZero() { throw ExecutionError("DIVISION_BY_ZERO", "Division by zero"); }

enum class ArithOp { kAdd, kSub, kMul, kDiv, kMod };

template <ArithOp op>
int64_t IntOp(int64_t a, int64_t b, int64_t lo, int64_t hi, const char* type) {
  int64_t r;
  if constexpr (op == ArithOp::kAdd) {
    if (__builtin_add_overflow(a, b, &r)) Overflow(std::string(type) + " addition overflow: " + std::to_string(a) + " + " + std::to_string(b));
  } else if constexpr (op == ArithOp::kSub) {
    if (__builtin_sub_overflow(a, b, &r)) Overflow(std::string(type) + " subtraction overflow: " + std::to_string(a) + " - " + std::to_string(b));
  } else if constexpr (op == ArithOp::kMul) {
    if (__builtin_mul_overflow(a, b, &r)) Overflow(std::string(type) + " multiplication overflow: " + std::to_string(a) + " * " + std::to_string(b));
  } else if constexpr (op == ArithOp::kDiv) {
    if (b == 0) DivisionByZero();
    if (b == -1) {
      if (a == lo) Overflow(std::string(type) + " division overflow: " + std::to_string(a) + " / -1");
      return -a;
    }
    return a / b;
  } else {
    if (b == 0) DivisionByZero();
    if (b == -1) return 0;
    return a % b;
  }
  if (r < lo || r > hi) {
    const char* sym = op == ArithOp::kAdd ? " + " : (op == ArithOp::kSub ? " - " : " * ");
    Overflow(std::string(type) + (op == ArithOp::kAdd ? " addition" : op == ArithOp::kSub ? " subtraction" : " multiplication") +
             " overflow: " + std::to_string(a) + sym + std::to_string(b));
  }
  return r;
}

struct IntTypeInfo {
  int64_t lo, hi;
  const char* name;
};

template <ArithOp op>
void IntKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  TypeId id = fn.return_type.id();
  int64_t lo = IntegerMin(id), hi = IntegerMax(id);
  const char* name = id == TypeId::kBigint ? "bigint" : id == TypeId::kInteger ? "integer" : id == TypeId::kSmallint ? "smallint" : "tinyint";
  if (id == TypeId::kBigint && op != ArithOp::kDiv && op != ArithOp::kMod) {
    BinaryLoop<int64_t, int64_t, int64_t>(args[0], args[1], count, out, [&](int64_t a, int64_t b) {
      return IntOp<op>(a, b, lo, hi, name);
    });
    return;
  }
  BinaryLoop<int64_t, int64_t, int64_t>(args[0], args[1], count, out,
                                        [&](int64_t a, int64_t b) { return IntOp<op>(a, b, lo, hi, name); });
}

template <ArithOp op>
void DoubleKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  bool real = fn.return_type.id() == TypeId::kReal;
  BinaryLoop<double, double, double>(args[0], args[1], count, out, [&](double a, double b) {
    double r;
    if constexpr (op == ArithOp::kAdd) r = a + b;
    else if constexpr (op == ArithOp::kSub) r = a - b;
    else if constexpr (op == ArithOp::kMul) r = a * b;
    else if constexpr (op == ArithOp::kDiv) r = a / b;
    else r = std::fmod(a, b);
    return real ? static_cast<double>(static_cast<float>(r)) : r;
  });
}

struct DecimalData {
  int scale_a, scale_b, scale_r;
  int128_t max;
};

template <ArithOp op>
void DecimalKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  const auto& d = fn.Data<DecimalData>();
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    int128_t a = LoadDecimal(args[0], Idx(args[0], i));
    int128_t b = LoadDecimal(args[1], Idx(args[1], i));
    int128_t r;
    if constexpr (op == ArithOp::kAdd || op == ArithOp::kSub) {
      // Both already at result scale.
      r = op == ArithOp::kAdd ? a + b : a - b;
    } else if constexpr (op == ArithOp::kMul) {
      if (__builtin_mul_overflow(a, b, &r)) Overflow("Decimal overflow");
    } else if constexpr (op == ArithOp::kDiv) {
      if (b == 0) DivisionByZero();
      int shift = d.scale_r - d.scale_a + d.scale_b;
      int128_t num;
      if (shift > 38 || __builtin_mul_overflow(a, Pow10(shift), &num)) Overflow("Decimal overflow");
      r = DivideRoundHalfUp(num, b);
    } else {
      if (b == 0) DivisionByZero();
      int s = std::max(d.scale_a, d.scale_b);
      int128_t x = a * Pow10(s - d.scale_a), y = b * Pow10(s - d.scale_b);
      r = x % y;
    }
    if (r > d.max || r < -d.max) Overflow("Decimal overflow");
    StoreDecimal(out, i, r);
  }
}

// DATE/TIMESTAMP +/- INTERVAL.
template <bool kSubtract, bool kSwapped>
void TemporalIntervalKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count,
                            Vector& out) {
  const Vector& tv = args[kSwapped ? 1 : 0];
  const Vector& ivv = args[kSwapped ? 0 : 1];
  bool months = ivv.type().id() == TypeId::kIntervalYearMonth;
  bool date = fn.return_type.id() == TypeId::kDate;
  BinaryLoop<int64_t, int64_t, int64_t>(tv, ivv, count, out, [&](int64_t t, int64_t iv) {
    int64_t delta = kSubtract ? -iv : iv;
    if (months) return date ? AddMonthsToDays(t, delta) : AddMonthsToMicros(t, delta);
    if (date) return t + FloorDiv(delta, 86400000);
    return t + delta * 1000;
  });
}

void TimestampDiffKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  bool date = args[0].type().id() == TypeId::kDate;
  BinaryLoop<int64_t, int64_t, int64_t>(args[0], args[1], count, out, [&](int64_t a, int64_t b) {
    return date ? (a - b) * 86400000 : (a - b) / 1000;
  });
}

template <ArithOp op>
void IntervalKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  BinaryLoop<int64_t, int64_t, int64_t>(args[0], args[1], count, out, [&](int64_t a, int64_t b) {
    return op == ArithOp::kAdd ? a + b : a - b;
  });
}

void IntervalScaleKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  BinaryLoop<int64_t, int64_t, int64_t>(args[0], args[1], count, out,
                                        [&](int64_t a, int64_t b) { return a * b; });
}

Type IntegerResult(const Type& a, const Type& b) {
  auto t = CommonSuperType(a, b);
  return *t;
}

// Resolves arithmetic for numeric arguments.
template <ArithOp op>
std::optional<BoundFunction> ResolveArithmetic(const std::vector<FunctionArg>& args,
                                               std::string* error) {
  static const char* kNames[] = {"+", "-", "*", "/", "%"};
  const char* sym = kNames[static_cast<int>(op)];
  if (args.size() != 2) return std::nullopt;
  Type a = args[0].type, b = args[1].type;
  if (a.id() == TypeId::kUnknown && b.id() == TypeId::kUnknown) a = b = Type::Integer();
  if (a.id() == TypeId::kUnknown) a = b;
  if (b.id() == TypeId::kUnknown) b = a;
  // Temporal arithmetic.
  if constexpr (op == ArithOp::kAdd || op == ArithOp::kSub) {
    if (a.IsTemporal() && b.IsInterval()) {
      return MakeFunction(sym, &TemporalIntervalKernel<op == ArithOp::kSub, false>, a, {a, b});
    }
    if constexpr (op == ArithOp::kAdd) {
      if (a.IsInterval() && b.IsTemporal()) {
        return MakeFunction(sym, &TemporalIntervalKernel<false, true>, b, {a, b});
      }
    }
    if (a.IsInterval() && a == b) return MakeFunction(sym, &IntervalKernel<op>, a, {a, b});
    if constexpr (op == ArithOp::kSub) {
      if (a.IsTemporal() && b.IsTemporal() && a == b && a.id() == TypeId::kTimestamp) {
        return MakeFunction(sym, &TimestampDiffKernel, Type::IntervalDayTime(), {a, b});
      }
    }
  }
  if constexpr (op == ArithOp::kMul) {
    if (a.IsInterval() && b.IsInteger()) {
      return MakeFunction(sym, &IntervalScaleKernel, a, {a, Type::Bigint()});
    }
    if (a.IsInteger() && b.IsInterval()) {
      return MakeFunction(sym, &IntervalScaleKernel, b, {Type::Bigint(), b});
    }
  }
  if (!a.IsNumeric() || !b.IsNumeric()) {
    *error = std::string("Cannot apply operator: ") + a.ToString() + " " + sym + " " + b.ToString();
    return std::nullopt;
  }
  if (a.IsInteger() && b.IsInteger()) {
    Type r = IntegerResult(a, b);
    return MakeFunction(sym, &IntKernel<op>, r, {r, r});
  }
  if (a.IsFloating() || b.IsFloating()) {
    Type r = (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble || !a.IsFloating() ||
              !b.IsFloating())
                 ? Type::Double()
                 : Type::Real();
    if ((a.id() == TypeId::kReal && !b.IsFloating() && b.id() != TypeId::kDecimal) ||
        (b.id() == TypeId::kReal && !a.IsFloating() && a.id() != TypeId::kDecimal)) {
      r = Type::Real();
    }
    if ((a.id() == TypeId::kReal && b.id() == TypeId::kDecimal) ||
        (b.id() == TypeId::kReal && a.id() == TypeId::kDecimal)) {
      r = Type::Real();
    }
    return MakeFunction(sym, &DoubleKernel<op>, r, {r, r});
  }
  // Decimal arithmetic.
  Type da = a.IsInteger() ? DecimalForInteger(a) : a;
  Type db = b.IsInteger() ? DecimalForInteger(b) : b;
  int p1 = da.precision(), s1 = da.scale(), p2 = db.precision(), s2 = db.scale();
  auto data = std::make_shared<DecimalData>();
  Type r;
  std::vector<Type> arg_types{da, db};
  if (op == ArithOp::kAdd || op == ArithOp::kSub) {
    int s = std::max(s1, s2);
    int p = std::min(38, 1 + std::max(p1 - s1, p2 - s2) + s);
    r = Type::Decimal(p, s);
    // Bring both to the result scale (precision widened so the cast never overflows).
    arg_types = {Type::Decimal(std::min(38, p1 - s1 + s), s), Type::Decimal(std::min(38, p2 - s2 + s), s)};
    data->scale_a = data->scale_b = s;
  } else if (op == ArithOp::kMul) {
    r = Type::Decimal(std::min(38, p1 + p2), s1 + s2);
    if (s1 + s2 > 38) {
      *error = "Decimal scale too large";
      return std::nullopt;
    }
  } else if (op == ArithOp::kDiv) {
    int s = std::max(s1, s2);
    int p = std::min(38, p1 - s1 + s2 + s);
    r = Type::Decimal(std::max(p, s > 0 ? s : 1), s);
  } else {
    int s = std::max(s1, s2);
    int p = std::min(38, std::min(p1 - s1, p2 - s2) + s);
    r = Type::Decimal(std::max(p, 1), s);
  }
  data->scale_a = arg_types[0].scale();
  data->scale_b = arg_types[1].scale();
  data->scale_r = r.scale();
  data->max = DecimalMax(r.precision());
  BoundFunction f = MakeFunction(sym, &DecimalKernel<op>, r, arg_types);
  f.data = data;
  return f;
}

void NegateKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  const Type& t = fn.return_type;
  if (t.physical() == PhysicalType::kDouble) {
    UnaryLoop<double, double>(args[0], count, out, [](double a) { return -a; });
  } else if (t.id() == TypeId::kDecimal) {
    const uint8_t* valid = OutValidity(out);
    for (size_t i = 0; i < count; i++) {
      if (!valid || valid[i]) StoreDecimal(out, i, -LoadDecimal(args[0], Idx(args[0], i)));
    }
  } else {
    int64_t lo = IntegerMin(t.id());
    UnaryLoop<int64_t, int64_t>(args[0], count, out, [&](int64_t a) {
      if (a == lo) Overflow("Value -(" + std::to_string(a) + ") is out of range");
      return -a;
    });
  }
}

std::optional<BoundFunction> ResolveNegate(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1) return std::nullopt;
  Type t = args[0].type.id() == TypeId::kUnknown ? Type::Integer() : args[0].type;
  if (!t.IsNumeric() && !t.IsInterval()) {
    *error = "Cannot negate " + t.ToString();
    return std::nullopt;
  }
  return MakeFunction("-", &NegateKernel, t, {t});
}

// ---- comparisons ----
enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

template <CmpOp op, class T>
inline bool Compare(const T& a, const T& b) {
  if constexpr (op == CmpOp::kEq) return a == b;
  if constexpr (op == CmpOp::kNe) return a != b;
  if constexpr (op == CmpOp::kLt) return a < b;
  if constexpr (op == CmpOp::kLe) return a <= b;
  if constexpr (op == CmpOp::kGt) return a > b;
  return a >= b;
}

template <CmpOp op, class T>
void CompareKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  BinaryLoop<T, T, uint8_t>(args[0], args[1], count, out,
                            [](const T& a, const T& b) -> uint8_t { return Compare<op>(a, b); });
}

template <CmpOp op>
std::optional<BoundFunction> ResolveCompare(const std::vector<FunctionArg>& args, std::string* error) {
  static const char* kNames[] = {"=", "<>", "<", "<=", ">", ">="};
  const char* sym = kNames[static_cast<int>(op)];
  if (args.size() != 2) return std::nullopt;
  Type a = args[0].type, b = args[1].type;
  auto common = CommonSuperType(a, b);
  if (!common) {
    *error = std::string("Cannot apply operator: ") + a.ToString() + " " + sym + " " + b.ToString();
    return std::nullopt;
  }
  Type t = common->id() == TypeId::kUnknown ? Type::Boolean() : *common;
  ScalarKernel k = nullptr;
  switch (t.physical()) {
    case PhysicalType::kBool:
      k = &CompareKernel<op, uint8_t>;
      break;
    case PhysicalType::kInt64:
      k = &CompareKernel<op, int64_t>;
      break;
    case PhysicalType::kInt128:
      k = &CompareKernel<op, int128_t>;
      break;
    case PhysicalType::kDouble:
      k = &CompareKernel<op, double>;
      break;
    case PhysicalType::kString:
      k = &CompareKernel<op, std::string_view>;
      break;
  }
  return MakeFunction(sym, k, Type::Boolean(), {t, t});
}

// ---- concatenation ----
void ConcatKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  auto* r = out.data<std::string_view>();
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    size_t len = 0;
    for (auto& a : args) len += a.data<std::string_view>()[Idx(a, i)].size();
    char* p = out.heap().Allocate(len);
    size_t pos = 0;
    for (auto& a : args) {
      std::string_view s = a.data<std::string_view>()[Idx(a, i)];
      if (!s.empty()) std::memcpy(p + pos, s.data(), s.size());
      pos += s.size();
    }
    r[i] = std::string_view(p, len);
  }
}

std::optional<BoundFunction> ResolveConcat(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.empty()) {
    *error = "There must be two or more concatenation arguments";
    return std::nullopt;
  }
  std::vector<Type> types;
  for (const auto& a : args) {
    if (!a.type.IsString() && a.type.id() != TypeId::kUnknown) {
      *error = "Cannot apply operator: concatenation of " + a.type.ToString();
      return std::nullopt;
    }
    types.push_back(Type::Varchar());
  }
  return MakeFunction("concat", &ConcatKernel, Type::Varchar(), types);
}

// ---- LIKE ----
void LikeKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  uint8_t* r = out.data<uint8_t>();
  const auto* s = args[0].data<std::string_view>();
  if (fn.data) {
    const auto& m = fn.Data<LikeMatcher>();
    for (size_t i = 0; i < count; i++) {
      if (!valid || valid[i]) r[i] = m.Matches(s[Idx(args[0], i)]);
    }
    return;
  }
  const auto* p = args[1].data<std::string_view>();
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    char escape = 0;
    bool has_escape = false;
    if (args.size() > 2) {
      std::string_view e = args[2].data<std::string_view>()[Idx(args[2], i)];
      if (e.size() != 1) ThrowInvalidArgument("Escape string must be a single character");
      escape = e[0];
      has_escape = true;
    }
    LikeMatcher m(p[Idx(args[1], i)], escape, has_escape);
    r[i] = m.Matches(s[Idx(args[0], i)]);
  }
}

std::optional<BoundFunction> ResolveLike(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() < 2 || args.size() > 3) return std::nullopt;
  for (const auto& a : args) {
    if (!a.type.IsString() && a.type.id() != TypeId::kUnknown) {
      *error = "LIKE requires varchar arguments, got " + a.type.ToString();
      return std::nullopt;
    }
  }
  std::vector<Type> types(args.size(), Type::Varchar());
  BoundFunction f = MakeFunction("like", &LikeKernel, Type::Boolean(), types);
  bool const_pattern = args[1].constant && !args[1].constant->is_null();
  bool const_escape = args.size() < 3 || (args[2].constant && !args[2].constant->is_null());
  if (const_pattern && const_escape) {
    char escape = 0;
    bool has_escape = false;
    if (args.size() > 2) {
      const std::string& e = args[2].constant->str();
      if (e.size() != 1) {
        *error = "Escape string must be a single character";
        return std::nullopt;
      }
      escape = e[0];
      has_escape = true;
    }
    f.data = std::make_shared<LikeMatcher>(args[1].constant->str(), escape, has_escape);
  }
  return f;
}

// x IS TRUE / IS FALSE / IS UNKNOWN: never NULL.
template <int kWhat>
void IsBoolKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  uint8_t* r = out.data<uint8_t>();
  const Vector& a = args[0];
  for (size_t i = 0; i < count; i++) {
    size_t k = Idx(a, i);
    bool valid = a.IsValid(k);
    if (kWhat == 2) {
      r[i] = !valid;
    } else {
      r[i] = valid && (a.data<uint8_t>()[k] != 0) == (kWhat == 1);
    }
  }
}

template <int kWhat>
std::optional<BoundFunction> ResolveIsBool(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1) return std::nullopt;
  if (args[0].type.id() != TypeId::kBoolean && args[0].type.id() != TypeId::kUnknown) {
    *error = "IS TRUE/FALSE requires a boolean";
    return std::nullopt;
  }
  BoundFunction f = MakeFunction("is", &IsBoolKernel<kWhat>, Type::Boolean(), {Type::Boolean()});
  f.propagates_nulls = false;
  return f;
}

}  // namespace

void RegisterOperatorFunctions(ScalarFunctionMap& m) {
  m["$add"] = &ResolveArithmetic<ArithOp::kAdd>;
  m["$subtract"] = &ResolveArithmetic<ArithOp::kSub>;
  m["$multiply"] = &ResolveArithmetic<ArithOp::kMul>;
  m["$divide"] = &ResolveArithmetic<ArithOp::kDiv>;
  m["$modulo"] = &ResolveArithmetic<ArithOp::kMod>;
  m["mod"] = &ResolveArithmetic<ArithOp::kMod>;
  m["$negate"] = &ResolveNegate;
  m["$eq"] = &ResolveCompare<CmpOp::kEq>;
  m["$ne"] = &ResolveCompare<CmpOp::kNe>;
  m["$lt"] = &ResolveCompare<CmpOp::kLt>;
  m["$le"] = &ResolveCompare<CmpOp::kLe>;
  m["$gt"] = &ResolveCompare<CmpOp::kGt>;
  m["$ge"] = &ResolveCompare<CmpOp::kGe>;
  m["concat"] = &ResolveConcat;
  m["$like"] = &ResolveLike;
  m["$is_true"] = &ResolveIsBool<1>;
  m["$is_false"] = &ResolveIsBool<0>;
  m["$is_unknown"] = &ResolveIsBool<2>;
}

}  // namespace sql
