#include "engines/sql/function/cast.h"

#include <cmath>
#include <limits>

#include "engines/sql/common/date_time.h"
#include "engines/sql/common/error.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/function/function_set.h"

namespace sql {

namespace {

std::string TypeUpper(const Type& t) {
  std::string s = t.ToString();
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t.id() == TypeId::kInteger) return "INT";
  return s;
}

[[noreturn]] void BadCast(const std::string& text, const Type& to) {
  throw ExecutionError("INVALID_CAST_ARGUMENT",
                       "Cannot cast '" + text + "' to " + TypeUpper(to));
}

[[noreturn]] void OutOfRange(const std::string& text, const Type& to) {
  throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE",
                       "Out of range for " + to.ToString() + ": " + text);
}

// Per-row cast with error capture for try mode.
template <class F>
void ForEachValid(const Vector& in, size_t count, Vector& out, bool try_mode, F&& f) {
  for (size_t i = 0; i < count; i++) {
    if (!out.IsValid(i)) continue;
    size_t src = in.is_constant() ? 0 : i;
    if (try_mode) {
      try {
        f(i, src);
      } catch (const ExecutionError&) {
        out.SetNull(i);
      }
    } else {
      f(i, src);
    }
  }
}

int64_t CheckIntRange(int128_t v, const Type& to, const std::string& text) {
  if (v < IntegerMin(to.id()) || v > IntegerMax(to.id())) OutOfRange(text, to);
  return static_cast<int64_t>(v);
}

int64_t DoubleToInt(double d, const Type& to) {
  if (std::isnan(d)) BadCast(DoubleToString(d), to);
  double r = std::round(d);  // half away from zero
  if (r < static_cast<double>(IntegerMin(to.id())) ||
      r >= -static_cast<double>(IntegerMin(to.id()))) {
    OutOfRange(DoubleToString(d), to);
  }
  return static_cast<int64_t>(r);
}

int128_t DoubleToDecimal(double d, const Type& to) {
  if (!std::isfinite(d)) BadCast(DoubleToString(d), to);
  long double scaled = static_cast<long double>(d) * static_cast<long double>(Pow10(to.scale()));
  long double r = std::roundl(scaled);
  long double max = static_cast<long double>(DecimalMax(to.precision()));
  if (r > max || r < -max) OutOfRange(DoubleToString(d), to);
  return static_cast<int128_t>(r);
}

std::string ToText(const Vector& in, size_t src) { return in.GetValue(src).ToString(); }

bool ParseBoolean(std::string_view s, bool* out) {
  std::string t;
  for (char c : s) {
    if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (t == "true" || t == "t" || t == "1") {
    *out = true;
    return true;
  }
  if (t == "false" || t == "f" || t == "0") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

bool CastSupported(const Type& from, const Type& to) {
  if (from == to || from.id() == TypeId::kUnknown) return true;
  if (to.id() == TypeId::kUnknown) return false;
  if (from.IsString() || to.IsString()) return true;
  if (from.IsNumeric() && to.IsNumeric()) return true;
  if ((from.id() == TypeId::kBoolean && to.IsNumeric()) ||
      (from.IsNumeric() && to.id() == TypeId::kBoolean)) {
    return true;
  }
  if (from.IsTemporal() && to.IsTemporal()) return true;
  if (from.id() == TypeId::kVarbinary || to.id() == TypeId::kVarbinary) return false;
  return false;
}

void CastVector(const Vector& in, size_t count, const Type& to, Vector& out, bool try_mode) {
  const Type& from = in.type();
  size_t n = in.is_constant() ? 1 : count;
  out.Initialize(to, std::max<size_t>(n, kVectorSize));
  if (in.has_nulls()) {
    uint8_t* v = out.MutableValidity();
    for (size_t i = 0; i < n; i++) v[i] = in.IsValid(i);
  }
  if (from.id() == TypeId::kUnknown) {
    uint8_t* v = out.MutableValidity();
    for (size_t i = 0; i < n; i++) v[i] = 0;
    if (in.is_constant()) out.set_constant(true);
    return;
  }
  PhysicalType fp = from.physical(), tp = to.physical();
  if (from == to) {
    out.CopyRange(in, 0, n, 0);
    if (in.is_constant()) out.set_constant(true);
    return;
  }
  auto finish = [&] {
    if (in.is_constant()) out.set_constant(true);
  };
  // ---- to VARCHAR ----
  if (to.IsString()) {
    if (from.IsString()) {
      out.CopyRange(in, 0, n, 0);
      return finish();
    }
    auto* r = out.data<std::string_view>();
    ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) {
      if (from.id() == TypeId::kBoolean) {
        r[i] = in.data<uint8_t>()[s] ? "true" : "false";
      } else if (from.IsInteger()) {
        char buf[32];
        int len = std::snprintf(buf, sizeof(buf), "%lld",
                                static_cast<long long>(in.data<int64_t>()[s]));
        r[i] = out.AddString(std::string_view(buf, len));
      } else {
        r[i] = out.AddString(ToText(in, s));
      }
    });
    return finish();
  }
  // ---- from VARCHAR ----
  if (from.IsString()) {
    const auto* a = in.data<std::string_view>();
    ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) {
      std::string_view text = a[s];
      switch (to.id()) {
        case TypeId::kBoolean: {
          bool b;
          if (!ParseBoolean(text, &b)) BadCast(std::string(text), to);
          out.data<uint8_t>()[i] = b;
          break;
        }
        case TypeId::kTinyint:
        case TypeId::kSmallint:
        case TypeId::kInteger:
        case TypeId::kBigint: {
          auto v = ParseInt64(text);
          if (!v) BadCast(std::string(text), to);
          out.data<int64_t>()[i] = CheckIntRange(*v, to, std::string(text));
          break;
        }
        case TypeId::kReal:
        case TypeId::kDouble: {
          auto v = ParseDouble(text);
          if (!v) BadCast(std::string(text), to);
          out.data<double>()[i] = to.id() == TypeId::kReal ? static_cast<float>(*v) : *v;
          break;
        }
        case TypeId::kDecimal: {
          auto d = ParseDecimal(text);
          if (!d) BadCast(std::string(text), to);
          auto v = Rescale(d->unscaled, d->scale, to.scale());
          if (!v || *v > DecimalMax(to.precision()) || *v < -DecimalMax(to.precision())) {
            BadCast(std::string(text), to);
          }
          StoreDecimal(out, i, *v);
          break;
        }
        case TypeId::kDate: {
          auto v = ParseDate(text);
          if (!v) {
            auto ts = ParseTimestamp(text);
            if (!ts) BadCast(std::string(text), to);
            v = FloorDiv(*ts, kMicrosPerDay);
          }
          out.data<int64_t>()[i] = *v;
          break;
        }
        case TypeId::kTimestamp: {
          auto v = ParseTimestamp(text);
          if (!v) BadCast(std::string(text), to);
          out.data<int64_t>()[i] = *v;
          break;
        }
        default:
          BadCast(std::string(text), to);
      }
    });
    return finish();
  }
  // ---- temporal ----
  if (from.IsTemporal() && to.IsTemporal()) {
    const int64_t* a = in.data<int64_t>();
    int64_t* r = out.data<int64_t>();
    for (size_t i = 0; i < n; i++) {
      r[i] = from.id() == TypeId::kDate ? a[i] * kMicrosPerDay : FloorDiv(a[i], kMicrosPerDay);
    }
    return finish();
  }
  if (from.id() == TypeId::kBoolean) {
    const uint8_t* a = in.data<uint8_t>();
    for (size_t i = 0; i < n; i++) {
      if (tp == PhysicalType::kDouble) {
        out.data<double>()[i] = a[i];
      } else if (to.id() == TypeId::kDecimal) {
        StoreDecimal(out, i, a[i] * Pow10(to.scale()));
      } else {
        out.data<int64_t>()[i] = a[i];
      }
    }
    return finish();
  }
  if (to.id() == TypeId::kBoolean) {
    ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) {
      if (fp == PhysicalType::kDouble) {
        out.data<uint8_t>()[i] = in.data<double>()[s] != 0;
      } else if (from.id() == TypeId::kDecimal) {
        out.data<uint8_t>()[i] = LoadDecimal(in, s) != 0;
      } else {
        out.data<uint8_t>()[i] = in.data<int64_t>()[s] != 0;
      }
    });
    return finish();
  }
  if (!from.IsNumeric() || !to.IsNumeric()) {
    throw ExecutionError("TYPE_MISMATCH",
                         "Cannot cast " + from.ToString() + " to " + to.ToString());
  }
  // ---- numeric to numeric ----
  if (from.IsInteger()) {
    const int64_t* a = in.data<int64_t>();
    if (to.IsInteger()) {
      int64_t lo = IntegerMin(to.id()), hi = IntegerMax(to.id());
      int64_t* r = out.data<int64_t>();
      ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) {
        if (a[s] < lo || a[s] > hi) OutOfRange(std::to_string(a[s]), to);
        r[i] = a[s];
      });
    } else if (to.IsFloating()) {
      double* r = out.data<double>();
      for (size_t i = 0; i < n; i++) {
        r[i] = to.id() == TypeId::kReal ? static_cast<float>(a[i]) : static_cast<double>(a[i]);
      }
    } else {
      int128_t f = Pow10(to.scale());
      int128_t max = DecimalMax(to.precision());
      ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) {
        int128_t v = static_cast<int128_t>(a[s]) * f;
        if (v > max || v < -max) OutOfRange(std::to_string(a[s]), to);
        StoreDecimal(out, i, v);
      });
    }
    return finish();
  }
  if (from.IsFloating()) {
    const double* a = in.data<double>();
    if (to.IsInteger()) {
      int64_t* r = out.data<int64_t>();
      ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) { r[i] = DoubleToInt(a[s], to); });
    } else if (to.IsFloating()) {
      double* r = out.data<double>();
      for (size_t i = 0; i < n; i++) {
        r[i] = to.id() == TypeId::kReal ? static_cast<double>(static_cast<float>(a[i])) : a[i];
      }
    } else {
      ForEachValid(in, n, out, try_mode,
                   [&](size_t i, size_t s) { StoreDecimal(out, i, DoubleToDecimal(a[s], to)); });
    }
    return finish();
  }
  // from decimal
  int fs = from.scale();
  if (to.IsInteger()) {
    int64_t* r = out.data<int64_t>();
    ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) {
      int128_t v = DivideRoundHalfUp(LoadDecimal(in, s), Pow10(fs));
      r[i] = CheckIntRange(v, to, DecimalToString(LoadDecimal(in, s), fs));
    });
  } else if (to.IsFloating()) {
    double* r = out.data<double>();
    double f = static_cast<double>(Pow10(fs));
    for (size_t i = 0; i < n; i++) {
      double v = static_cast<double>(LoadDecimal(in, i)) / f;
      r[i] = to.id() == TypeId::kReal ? static_cast<float>(v) : v;
    }
  } else {
    int128_t max = DecimalMax(to.precision());
    ForEachValid(in, n, out, try_mode, [&](size_t i, size_t s) {
      auto v = Rescale(LoadDecimal(in, s), fs, to.scale());
      if (!v || *v > max || *v < -max) {
        OutOfRange(DecimalToString(LoadDecimal(in, s), fs), to);
      }
      StoreDecimal(out, i, *v);
    });
  }
  finish();
}

Value CastValue(const Value& v, const Type& to, bool try_mode) {
  if (v.is_null()) return Value::Null(to);
  if (v.type() == to) return v;
  Vector in;
  in.SetConstantValue(v);
  Vector out;
  CastVector(in, 1, to, out, try_mode);
  return out.GetValue(0);
}

}  // namespace sql
