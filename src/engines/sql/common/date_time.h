// Calendar arithmetic for DATE (days since 1970-01-01) and TIMESTAMP (microseconds since
// 1970-01-01 00:00:00, no time zone), with Trino's text forms. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sql {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

int64_t DaysFromCivil(int64_t y, int m, int d);
CivilDate CivilFromDays(int64_t days);
bool IsValidCivil(int64_t y, int m, int d);
int DaysInMonth(int64_t y, int m);

// Floor division helpers for negative timestamps.
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// "2024-03-01" (also accepts a trailing time part of zeros being absent only).
std::optional<int64_t> ParseDate(std::string_view text);
std::string FormatDate(int64_t days);
// "2024-03-01 12:34:56.789" with optional fraction, optional time, 'T' separator and
// trailing 'Z' accepted.
std::optional<int64_t> ParseTimestamp(std::string_view text);
// Trino's timestamp(3) rendering: "2024-03-01 12:34:56.789".
std::string FormatTimestamp(int64_t micros);

// Adds months to a date, clamping the day to the month's end (Trino's date_add('month')).
int64_t AddMonthsToDays(int64_t days, int64_t months);
int64_t AddMonthsToMicros(int64_t micros, int64_t months);

// ISO day of week, 1 = Monday .. 7 = Sunday.
int DayOfWeek(int64_t days);
int DayOfYear(int64_t days);

}  // namespace sql
