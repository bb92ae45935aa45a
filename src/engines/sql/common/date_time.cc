#include "engines/sql/common/date_time.h"

#include <cstdio>

namespace sql {

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {y + (m <= 2), m, d};
}

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

bool IsValidCivil(int64_t y, int m, int d) {
  return y >= -99999 && y <= 99999 && m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

namespace {

// Reads up to `max` digits (at least `min`) at text[*pos].
bool ReadNumber(std::string_view text, size_t* pos, int min, int max, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (*pos < text.size() && n < max && text[*pos] >= '0' && text[*pos] <= '9') {
    v = v * 10 + (text[*pos] - '0');
    (*pos)++;
    n++;
  }
  *out = v;
  return n >= min;
}

bool ParseDatePart(std::string_view text, size_t* pos, int64_t* days) {
  int64_t y, m, d;
  bool neg = false;
  if (*pos < text.size() && text[*pos] == '-') {
    neg = true;
    (*pos)++;
  }
  if (!ReadNumber(text, pos, 1, 6, &y)) return false;
  if (neg) y = -y;
  if (*pos >= text.size() || text[*pos] != '-') return false;
  (*pos)++;
  if (!ReadNumber(text, pos, 1, 2, &m)) return false;
  if (*pos >= text.size() || text[*pos] != '-') return false;
  (*pos)++;
  if (!ReadNumber(text, pos, 1, 2, &d)) return false;
  if (!IsValidCivil(y, static_cast<int>(m), static_cast<int>(d))) return false;
  *days = DaysFromCivil(y, static_cast<int>(m), static_cast<int>(d));
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<int64_t> ParseDate(std::string_view text) {
  text = TrimSpaces(text);
  size_t pos = 0;
  int64_t days;
  if (!ParseDatePart(text, &pos, &days) || pos != text.size()) return std::nullopt;
  return days;
}

std::string FormatDate(int64_t days) {
  CivilDate c = CivilFromDays(days);
  char buf[32];
  if (c.year >= 0 && c.year <= 9999) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month,
                  c.day);
  } else {
    std::snprintf(buf, sizeof(buf), "%lld-%02d-%02d", static_cast<long long>(c.year), c.month,
                  c.day);
  }
  return buf;
}

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  text = TrimSpaces(text);
  size_t pos = 0;
  int64_t days;
  if (!ParseDatePart(text, &pos, &days)) return std::nullopt;
  int64_t micros = days * kMicrosPerDay;
  if (pos == text.size()) return micros;
  if (text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
  pos++;
  int64_t h, mi = 0, s = 0;
  if (!ReadNumber(text, &pos, 1, 2, &h) || h > 23) return std::nullopt;
  if (pos < text.size() && text[pos] == ':') {
    pos++;
    if (!ReadNumber(text, &pos, 2, 2, &mi) || mi > 59) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') {
      pos++;
      if (!ReadNumber(text, &pos, 2, 2, &s) || s > 59) return std::nullopt;
    }
  }
  int64_t frac = 0;
  if (pos < text.size() && text[pos] == '.') {
    pos++;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) {
        frac = frac * 10 + (text[pos] - '0');
        digits++;
      }
      pos++;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 6; digits++) frac *= 10;
  }
  if (pos < text.size() && text[pos] == 'Z') pos++;
  if (pos != text.size()) return std::nullopt;
  return micros + (h * 3600 + mi * 60 + s) * kMicrosPerSecond + frac;
}

std::string FormatTimestamp(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  int64_t secs = rem / kMicrosPerSecond;
  int64_t millis = (rem % kMicrosPerSecond) / 1000;
  char buf[48];
  std::snprintf(buf, sizeof(buf), " %02d:%02d:%02d.%03d", static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                static_cast<int>(millis));
  return FormatDate(days) + buf;
}

int64_t AddMonthsToDays(int64_t days, int64_t months) {
  CivilDate c = CivilFromDays(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = FloorDiv(total, 12);
  int m = static_cast<int>(FloorMod(total, 12)) + 1;
  int d = std::min(c.day, DaysInMonth(y, m));
  return DaysFromCivil(y, m, d);
}

int64_t AddMonthsToMicros(int64_t micros, int64_t months) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  return AddMonthsToDays(days, months) * kMicrosPerDay + rem;
}

int DayOfWeek(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>(FloorMod(days + 3, 7)) + 1;
}

int DayOfYear(int64_t days) {
  CivilDate c = CivilFromDays(days);
  return static_cast<int>(days - DaysFromCivil(c.year, 1, 1)) + 1;
}

}  // namespace sql
