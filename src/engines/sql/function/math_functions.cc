// Math functions: abs, sign, round, ceil, floor, truncate, power, sqrt, cbrt, exp, ln, log2,
// log10, log, pi, e, rand, greatest, least, is_nan, is_finite, width_bucket-free basics.
#include <cmath>
#include <random>

#include "engines/sql/common/numeric.h"
#include "engines/sql/function/cast.h"
#include "engines/sql/function/function_set.h"

namespace sql {

namespace {

Type NumericArg(const FunctionArg& a) {
  return a.type.id() == TypeId::kUnknown ? Type::Double() : a.type;
}

// ---- abs / sign / negation-like ----
void AbsKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  const Type& t = fn.return_type;
  if (t.physical() == PhysicalType::kDouble) {
    UnaryLoop<double, double>(args[0], count, out, [](double a) { return std::fabs(a); });
  } else if (t.id() == TypeId::kDecimal) {
    const uint8_t* valid = OutValidity(out);
    for (size_t i = 0; i < count; i++) {
      if (valid && !valid[i]) continue;
      int128_t v = LoadDecimal(args[0], Idx(args[0], i));
      StoreDecimal(out, i, v < 0 ? -v : v);
    }
  } else {
    int64_t lo = IntegerMin(t.id());
    UnaryLoop<int64_t, int64_t>(args[0], count, out, [&](int64_t a) {
      if (a == lo) {
        throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE",
                             "Value -(" + std::to_string(a) + ") is out of range");
      }
      return a < 0 ? -a : a;
    });
  }
}

std::optional<BoundFunction> ResolveAbs(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1) return std::nullopt;
  Type t = NumericArg(args[0]);
  if (!t.IsNumeric()) {
    *error = "Unexpected parameters (" + t.ToString() + ") for function abs";
    return std::nullopt;
  }
  return MakeFunction("abs", &AbsKernel, t, {t});
}

void SignKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  const Type& t = args[0].type();
  if (t.physical() == PhysicalType::kDouble) {
    UnaryLoop<double, double>(args[0], count, out, [](double a) {
      return std::isnan(a) ? a : static_cast<double>((a > 0) - (a < 0));
    });
  } else if (t.id() == TypeId::kDecimal) {
    const uint8_t* valid = OutValidity(out);
    int128_t one = Pow10(fn.return_type.scale());
    for (size_t i = 0; i < count; i++) {
      if (valid && !valid[i]) continue;
      int128_t v = LoadDecimal(args[0], Idx(args[0], i));
      StoreDecimal(out, i, v > 0 ? one : (v < 0 ? -one : 0));
    }
  } else {
    UnaryLoop<int64_t, int64_t>(args[0], count, out, [](int64_t a) { return (a > 0) - (a < 0); });
  }
}

std::optional<BoundFunction> ResolveSign(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1) return std::nullopt;
  Type t = NumericArg(args[0]);
  if (!t.IsNumeric()) {
    *error = "Unexpected parameters (" + t.ToString() + ") for function sign";
    return std::nullopt;
  }
  return MakeFunction("sign", &SignKernel, t, {t});
}

// ---- rounding ----
enum class RoundMode { kRound, kCeil, kFloor, kTruncate };

double RoundDouble(double v, RoundMode m) {
  switch (m) {
    case RoundMode::kRound:
      return std::round(v);
    case RoundMode::kCeil:
      return std::ceil(v);
    case RoundMode::kFloor:
      return std::floor(v);
    case RoundMode::kTruncate:
      return std::trunc(v);
  }
  return v;
}

int128_t RoundUnscaled(int128_t v, int drop_digits, RoundMode m) {
  if (drop_digits <= 0) return v;
  int128_t f = Pow10(drop_digits);
  int128_t q = v / f, r = v % f;
  switch (m) {
    case RoundMode::kRound:
      if (r != 0 && (r < 0 ? -r : r) * 2 >= f) q += v < 0 ? -1 : 1;
      break;
    case RoundMode::kCeil:
      if (r > 0) q += 1;
      break;
    case RoundMode::kFloor:
      if (r < 0) q -= 1;
      break;
    case RoundMode::kTruncate:
      break;
  }
  return q;
}

struct RoundData {
  RoundMode mode;
  int in_scale;
  bool keep_scale;  // round(decimal, d) keeps the input scale
};

template <RoundMode kMode>
void RoundKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  const Type& t = args[0].type();
  const uint8_t* valid = OutValidity(out);
  bool has_digits = args.size() > 1;
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    int64_t digits = has_digits ? args[1].data<int64_t>()[Idx(args[1], i)] : 0;
    size_t k = Idx(args[0], i);
    if (t.physical() == PhysicalType::kDouble) {
      double v = args[0].data<double>()[k];
      double r;
      if (digits == 0) {
        r = RoundDouble(v, kMode);
      } else if (std::isfinite(v)) {
        double f = std::pow(10.0, static_cast<double>(digits));
        r = RoundDouble(v * f, kMode) / f;
        if (!std::isfinite(r)) r = v;
      } else {
        r = v;
      }
      out.data<double>()[i] = t.id() == TypeId::kReal ? static_cast<float>(r) : r;
    } else if (t.id() == TypeId::kDecimal) {
      int128_t v = LoadDecimal(args[0], k);
      int s = t.scale();
      int128_t r;
      if (has_digits) {
        int drop = static_cast<int>(s - std::max<int64_t>(std::min<int64_t>(digits, s), -38));
        r = RoundUnscaled(v, drop, kMode) * Pow10(std::min(drop, 38));
        if (r > DecimalMax(fn.return_type.precision()) || r < -DecimalMax(fn.return_type.precision())) {
          throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE", "Decimal overflow in round");
        }
      } else {
        r = RoundUnscaled(v, s, kMode);
      }
      StoreDecimal(out, i, r);
    } else {
      int64_t v = args[0].data<int64_t>()[k];
      if (digits < 0 && kMode == RoundMode::kRound) {
        int128_t f = Pow10(static_cast<int>(std::min<int64_t>(-digits, 38)));
        int128_t r = RoundUnscaled(v, static_cast<int>(std::min<int64_t>(-digits, 38)), kMode) * f;
        if (r > IntegerMax(t.id()) || r < IntegerMin(t.id())) {
          throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE", "Value is out of range for round");
        }
        v = static_cast<int64_t>(r);
      }
      out.data<int64_t>()[i] = v;
    }
  }
}

template <RoundMode kMode>
std::optional<BoundFunction> ResolveRound(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.empty() || args.size() > 2) return std::nullopt;
  if (args.size() == 2 && kMode != RoundMode::kRound && kMode != RoundMode::kTruncate) return std::nullopt;
  Type t = NumericArg(args[0]);
  if (!t.IsNumeric()) {
    *error = "Unexpected parameters (" + t.ToString() + ") for function round";
    return std::nullopt;
  }
  Type r = t;
  if (t.id() == TypeId::kDecimal && args.size() == 1) {
    int p = t.precision() - t.scale() + ((kMode == RoundMode::kTruncate) ? 0 : 1);
    r = Type::Decimal(std::max(1, std::min(38, p)), 0);
  } else if (t.id() == TypeId::kDecimal) {
    r = Type::Decimal(std::min(38, t.precision() + 1), t.scale());
  }
  std::vector<Type> types{t};
  if (args.size() == 2) types.push_back(Type::Bigint());
  return MakeFunction("round", &RoundKernel<kMode>, r, types);
}

// ---- double -> double functions ----
template <double (*F)(double)>
void DoubleUnaryKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  UnaryLoop<double, double>(args[0], count, out, [](double a) { return F(a); });
}

double Ln(double a) { return std::log(a); }
double Log10(double a) { return std::log10(a); }
double Log2(double a) { return std::log2(a); }
double Exp(double a) { return std::exp(a); }
double Sqrt(double a) { return std::sqrt(a); }
double Cbrt(double a) { return std::cbrt(a); }
double Sin(double a) { return std::sin(a); }
double Cos(double a) { return std::cos(a); }
double Tan(double a) { return std::tan(a); }
double Asin(double a) { return std::asin(a); }
double Acos(double a) { return std::acos(a); }
double Atan(double a) { return std::atan(a); }
double Degrees(double a) { return a * 180.0 / M_PI; }
double Radians(double a) { return a * M_PI / 180.0; }

template <double (*F)(double)>
std::optional<BoundFunction> ResolveDoubleUnary(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1) return std::nullopt;
  if (!NumericArg(args[0]).IsNumeric()) {
    *error = "Unexpected parameters (" + args[0].type.ToString() + ")";
    return std::nullopt;
  }
  return MakeFunction("math", &DoubleUnaryKernel<F>, Type::Double(), {Type::Double()});
}

void PowerKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  BinaryLoop<double, double, double>(args[0], args[1], count, out,
                                     [](double a, double b) { return std::pow(a, b); });
}
void Atan2Kernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  BinaryLoop<double, double, double>(args[0], args[1], count, out,
                                     [](double a, double b) { return std::atan2(a, b); });
}
void LogBaseKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  BinaryLoop<double, double, double>(args[0], args[1], count, out,
                                     [](double b, double x) { return std::log(x) / std::log(b); });
}

template <ScalarKernel K>
std::optional<BoundFunction> ResolveDoubleBinary(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 2) return std::nullopt;
  for (const auto& a : args) {
    if (!NumericArg(a).IsNumeric()) {
      *error = "Unexpected parameters (" + a.type.ToString() + ")";
      return std::nullopt;
    }
  }
  return MakeFunction("math", K, Type::Double(), {Type::Double(), Type::Double()});
}

template <int kWhich>
void ConstantKernel(const BoundFunction&, std::vector<Vector>&, size_t count, Vector& out) {
  double v = kWhich == 0 ? M_PI : M_E;
  for (size_t i = 0; i < count; i++) out.data<double>()[i] = v;
}

template <int kWhich>
std::optional<BoundFunction> ResolveConstant(const std::vector<FunctionArg>& args, std::string*) {
  if (!args.empty()) return std::nullopt;
  return MakeFunction(kWhich == 0 ? "pi" : "e", &ConstantKernel<kWhich>, Type::Double(), {});
}

void RandKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  thread_local std::mt19937_64 gen(std::random_device{}());
  if (args.empty()) {
    std::uniform_real_distribution<double> d(0.0, 1.0);
    for (size_t i = 0; i < count; i++) out.data<double>()[i] = d(gen);
    return;
  }
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    if (args.size() == 1) {
      int64_t n = args[0].data<int64_t>()[Idx(args[0], i)];
      if (n <= 0) ThrowInvalidArgument("bound must be positive");
      out.data<int64_t>()[i] = std::uniform_int_distribution<int64_t>(0, n - 1)(gen);
    } else {
      int64_t lo = args[0].data<int64_t>()[Idx(args[0], i)];
      int64_t hi = args[1].data<int64_t>()[Idx(args[1], i)];
      if (hi <= lo) ThrowInvalidArgument("upper bound must be greater than lower bound");
      out.data<int64_t>()[i] = std::uniform_int_distribution<int64_t>(lo, hi - 1)(gen);
    }
  }
  (void)fn;
}

std::optional<BoundFunction> ResolveRand(const std::vector<FunctionArg>& args, std::string*) {
  BoundFunction f;
  if (args.empty()) {
    f = MakeFunction("rand", &RandKernel, Type::Double(), {});
  } else if (args.size() <= 2) {
    Type t = Type::Bigint();
    for (const auto& a : args) {
      if (!a.type.IsInteger() && a.type.id() != TypeId::kUnknown) return std::nullopt;
    }
    f = MakeFunction("rand", &RandKernel, t, std::vector<Type>(args.size(), t));
  } else {
    return std::nullopt;
  }
  f.deterministic = false;
  return f;
}

// ---- greatest / least ----
template <bool kGreatest>
void ExtremeKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  PhysicalType p = fn.return_type.physical();
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    size_t best = 0;
    for (size_t a = 1; a < args.size(); a++) {
      size_t x = Idx(args[a], i), y = Idx(args[best], i);
      bool better = false;
      switch (p) {
        case PhysicalType::kBool:
          better = kGreatest ? args[a].data<uint8_t>()[x] > args[best].data<uint8_t>()[y]
                             : args[a].data<uint8_t>()[x] < args[best].data<uint8_t>()[y];
          break;
        case PhysicalType::kInt64:
          better = kGreatest ? args[a].data<int64_t>()[x] > args[best].data<int64_t>()[y]
                             : args[a].data<int64_t>()[x] < args[best].data<int64_t>()[y];
          break;
        case PhysicalType::kInt128:
          better = kGreatest ? args[a].data<int128_t>()[x] > args[best].data<int128_t>()[y]
                             : args[a].data<int128_t>()[x] < args[best].data<int128_t>()[y];
          break;
        case PhysicalType::kDouble: {
          double va = args[a].data<double>()[x], vb = args[best].data<double>()[y];
          if (std::isnan(va)) throw ExecutionError("INVALID_FUNCTION_ARGUMENT", "Invalid argument to greatest/least: NaN");
          better = kGreatest ? va > vb : va < vb;
          break;
        }
        case PhysicalType::kString:
          better = kGreatest ? args[a].data<std::string_view>()[x] > args[best].data<std::string_view>()[y]
                             : args[a].data<std::string_view>()[x] < args[best].data<std::string_view>()[y];
          break;
      }
      if (better) best = a;
    }
    out.CopyRange(args[best], Idx(args[best], i), 1, i);
  }
}

template <bool kGreatest>
std::optional<BoundFunction> ResolveExtreme(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.empty()) return std::nullopt;
  Type t = args[0].type;
  for (size_t i = 1; i < args.size(); i++) {
    auto c = CommonSuperType(t, args[i].type);
    if (!c) {
      *error = "All arguments must have the same type: " + t.ToString() + ", " + args[i].type.ToString();
      return std::nullopt;
    }
    t = *c;
  }
  if (t.id() == TypeId::kUnknown) t = Type::Integer();
  return MakeFunction(kGreatest ? "greatest" : "least", &ExtremeKernel<kGreatest>, t,
                      std::vector<Type>(args.size(), t));
}

template <int kWhat>
void FloatCheckKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  UnaryLoop<double, uint8_t>(args[0], count, out, [](double a) -> uint8_t {
    if (kWhat == 0) return std::isnan(a);
    if (kWhat == 1) return std::isfinite(a);
    return std::isinf(a);
  });
}

template <int kWhat>
std::optional<BoundFunction> ResolveFloatCheck(const std::vector<FunctionArg>& args, std::string*) {
  if (args.size() != 1 || !NumericArg(args[0]).IsNumeric()) return std::nullopt;
  return MakeFunction("is_nan", &FloatCheckKernel<kWhat>, Type::Boolean(), {Type::Double()});
}

}  // namespace

void RegisterMathFunctions(ScalarFunctionMap& m) {
  m["abs"] = &ResolveAbs;
  m["sign"] = &ResolveSign;
  m["round"] = &ResolveRound<RoundMode::kRound>;
  m["ceil"] = &ResolveRound<RoundMode::kCeil>;
  m["ceiling"] = &ResolveRound<RoundMode::kCeil>;
  m["floor"] = &ResolveRound<RoundMode::kFloor>;
  m["truncate"] = &ResolveRound<RoundMode::kTruncate>;
  m["ln"] = &ResolveDoubleUnary<Ln>;
  m["log10"] = &ResolveDoubleUnary<Log10>;
  m["log2"] = &ResolveDoubleUnary<Log2>;
  m["exp"] = &ResolveDoubleUnary<Exp>;
  m["sqrt"] = &ResolveDoubleUnary<Sqrt>;
  m["cbrt"] = &ResolveDoubleUnary<Cbrt>;
  m["sin"] = &ResolveDoubleUnary<Sin>;
  m["cos"] = &ResolveDoubleUnary<Cos>;
  m["tan"] = &ResolveDoubleUnary<Tan>;
  m["asin"] = &ResolveDoubleUnary<Asin>;
  m["acos"] = &ResolveDoubleUnary<Acos>;
  m["atan"] = &ResolveDoubleUnary<Atan>;
  m["degrees"] = &ResolveDoubleUnary<Degrees>;
  m["radians"] = &ResolveDoubleUnary<Radians>;
  m["power"] = &ResolveDoubleBinary<&PowerKernel>;
  m["pow"] = &ResolveDoubleBinary<&PowerKernel>;
  m["atan2"] = &ResolveDoubleBinary<&Atan2Kernel>;
  m["log"] = &ResolveDoubleBinary<&LogBaseKernel>;
  m["pi"] = &ResolveConstant<0>;
  m["e"] = &ResolveConstant<1>;
  m["rand"] = &ResolveRand;
  m["random"] = &ResolveRand;
  m["greatest"] = &ResolveExtreme<true>;
  m["least"] = &ResolveExtreme<false>;
  m["is_nan"] = &ResolveFloatCheck<0>;
  m["is_finite"] = &ResolveFloatCheck<1>;
  m["is_infinite"] = &ResolveFloatCheck<2>;
}

}  // namespace sql
