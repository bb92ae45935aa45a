// Helpers for exact decimal arithmetic on 128-bit unscaled values and for rendering and
// parsing numbers the way Trino does. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engines/sql/common/types.h"

namespace sql {

// 10^n for 0 <= n <= 38.
int128_t Pow10(int n);
// Largest absolute unscaled value of a DECIMAL with `precision` digits.
inline int128_t DecimalMax(int precision) { return Pow10(precision) - 1; }

// Renders an unscaled decimal with `scale` fractional digits ("-12.50").
std::string DecimalToString(int128_t unscaled, int scale);
std::string Int128ToString(int128_t v);

// Parses a decimal literal ("12.5", "-0.25", "1e3" is not accepted). Returns the unscaled
// value, precision and scale of the literal as written, or nullopt when it does not fit 38
// digits.
struct ParsedDecimal {
  int128_t unscaled;
  int precision;
  int scale;
};
std::optional<ParsedDecimal> ParseDecimal(std::string_view text);

// Rescales `v` from scale `from` to scale `to`, rounding half away from zero when scale
// shrinks. Returns nullopt on overflow of 38 digits.
std::optional<int128_t> Rescale(int128_t v, int from, int to);

// Divides rounding half away from zero (Trino's decimal division and casts).
int128_t DivideRoundHalfUp(int128_t a, int128_t b);

// The shortest text that reads back as the same double ("1.5", "1.0E10", "NaN").
std::string DoubleToString(double v);
// A REAL rendered from its float value.
std::string RealToString(float v);

// Parses an integer with optional sign and surrounding spaces; nullopt when the text is not
// an integer or overflows int64.
std::optional<int64_t> ParseInt64(std::string_view text);
// Parses a double (decimal or scientific, "NaN", "Infinity"); nullopt on bad text.
std::optional<double> ParseDouble(std::string_view text);

}  // namespace sql
