#include "engines/sql/common/numeric.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace sql {

int128_t Pow10(int n) {
  static const auto table = [] {
    struct T {
      int128_t v[39];
    } t;
    t.v[0] = 1;
    for (int i = 1; i < 39; i++) t.v[i] = t.v[i - 1] * 10;
    return t;
  }();
  if (n < 0) return 1;
  if (n > 38) n = 38;
  return table.v[n];
}

std::string Int128ToString(int128_t v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  char buf[64];
  int pos = 63;
  buf[pos] = 0;
  while (u > 0) {
    buf[--pos] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (neg) buf[--pos] = '-';
  return std::string(buf + pos);
}

std::string DecimalToString(int128_t unscaled, int scale) {
  if (scale <= 0) return Int128ToString(unscaled);
  bool neg = unscaled < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(unscaled) : static_cast<unsigned __int128>(unscaled);
  std::string digits = Int128ToString(static_cast<int128_t>(u));
  if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale - digits.size() + 1, '0');
  std::string out;
  out.reserve(digits.size() + 2);
  if (neg) out.push_back('-');
  out.append(digits, 0, digits.size() - scale);
  out.push_back('.');
  out.append(digits, digits.size() - scale, std::string::npos);
  return out;
}

std::optional<ParsedDecimal> ParseDecimal(std::string_view text) {
  size_t i = 0;
  bool neg = false;
  while (i < text.size() && text[i] == ' ') i++;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    neg = text[i] == '-';
    i++;
  }
  int128_t v = 0;
  int digits = 0, scale = 0;
  bool seen_dot = false, any = false;
  for (; i < text.size(); i++) {
    char c = text[i];
    if (c == '.') {
      if (seen_dot) return std::nullopt;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (digits > 0 || c != '0') digits++;
    if (seen_dot) scale++;
    if (digits > 38) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  while (i < text.size() && text[i] == ' ') i++;
  if (!any || i != text.size()) return std::nullopt;
  int precision = std::max(digits, scale);
  if (precision == 0) precision = 1;
  return ParsedDecimal{neg ? -v : v, precision, scale};
}

std::optional<int128_t> Rescale(int128_t v, int from, int to) {
  if (to == from) return v;
  if (to > from) {
    int128_t f = Pow10(to - from);
    int128_t limit = Pow10(38) / f;
    if (v >= limit || v <= -limit) return std::nullopt;
    return v * f;
  }
  return DivideRoundHalfUp(v, Pow10(from - to));
}

int128_t DivideRoundHalfUp(int128_t a, int128_t b) {
  int128_t q = a / b;
  int128_t r = a % b;
  if (r != 0) {
    unsigned __int128 ar = r < 0 ? -static_cast<unsigned __int128>(r) : r;
    unsigned __int128 ab = b < 0 ? -static_cast<unsigned __int128>(b) : b;
    if (ar * 2 >= ab) q += ((a < 0) != (b < 0)) ? -1 : 1;
  }
  return q;
}

namespace {

std::string FormatShortest(double v, int max_digits) {
  char buf[64];
  for (int prec = 1; prec <= max_digits; prec++) {
    std::snprintf(buf, sizeof(buf), "%.*g", prec, v);
    if (max_digits == 17 ? std::strtod(buf, nullptr) == v
                         : std::strtof(buf, nullptr) == static_cast<float>(v)) {
      break;
    }
  }
  return buf;
}

std::string RenderFloating(double v, int max_digits) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  std::string s = FormatShortest(v, max_digits);
  // Normalise to Java's Double.toString shape: plain for 1e-3 <= |v| < 1e7, else d.dddE±n.
  double a = std::fabs(v);
  std::string mantissa = s;
  int exp10 = 0;
  if (auto e = s.find('e'); e != std::string::npos) {
    mantissa = s.substr(0, e);
    exp10 = std::atoi(s.c_str() + e + 1);
  }
  if (a >= 1e-3 && a < 1e7) {
    if (exp10 != 0) {
      // Expand the exponent form into plain digits.
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.*f", std::max(0, -exp10 + 17), v);
      std::string plain = buf;
      // Trim to the shortest that reads back.
      while (plain.size() > 1 && plain.back() == '0') plain.pop_back();
      while (true) {
        if (plain.back() == '.') break;
        std::string shorter = plain.substr(0, plain.size() - 1);
        if (shorter.back() == '.' || shorter.empty()) break;
        bool same = max_digits == 17 ? std::strtod(shorter.c_str(), nullptr) == v
                                     : std::strtof(shorter.c_str(), nullptr) == static_cast<float>(v);
        if (!same) break;
        plain = shorter;
      }
      s = plain;
    }
    if (s.find('.') == std::string::npos) s += ".0";
    if (s.back() == '.') s += '0';
    return s;
  }
  bool neg = mantissa[0] == '-';
  if (neg) mantissa = mantissa.substr(1);
  std::string digits;
  int point = -1;
  for (size_t i = 0; i < mantissa.size(); i++) {
    if (mantissa[i] == '.') {
      point = static_cast<int>(i);
    } else {
      digits += mantissa[i];
    }
  }
  int int_digits = point < 0 ? static_cast<int>(digits.size()) : point;
  exp10 += int_digits - 1;
  size_t frac_len = digits.size() - 1;
  while (frac_len > 0 && digits[frac_len] == '0') frac_len--;
  std::string_view frac = frac_len == 0 ? std::string_view("0") : std::string_view(digits).substr(1, frac_len);
  std::string out;
  out.reserve(frac.size() + 16);
  if (neg) out.push_back('-');
  out.push_back(digits[0]);
  out.push_back('.');
  out.append(frac);
  out.push_back('E');
  out.append(std::to_string(exp10));
  return out;
}

}  // namespace

std::string DoubleToString(double v) { return RenderFloating(v, 17); }
std::string RealToString(float v) { return RenderFloating(v, 9); }

std::optional<int64_t> ParseInt64(std::string_view text) {
  size_t i = 0, n = text.size();
  while (i < n && (text[i] == ' ' || text[i] == '\t')) i++;
  while (n > i && (text[n - 1] == ' ' || text[n - 1] == '\t')) n--;
  bool neg = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) {
    neg = text[i] == '-';
    i++;
  }
  if (i >= n) return std::nullopt;
  uint64_t v = 0;
  for (; i < n; i++) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (std::numeric_limits<uint64_t>::max() - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (neg) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> ParseDouble(std::string_view text) {
  size_t i = 0, n = text.size();
  while (i < n && (text[i] == ' ' || text[i] == '\t')) i++;
  while (n > i && (text[n - 1] == ' ' || text[n - 1] == '\t')) n--;
  if (i >= n || n - i > 400) return std::nullopt;
  std::string s(text.substr(i, n - i));
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity" || s == "+Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return std::nullopt;
    }
  }
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace sql
