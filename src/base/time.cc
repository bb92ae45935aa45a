#include "base/time.h"

#include <cstdio>
#include <cstring>


namespace base {

TimePoint Now() { return Clock::now(); }

int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

double ToUnixSecondsDouble(TimePoint t) { return static_cast<double>(ToUnixMillis(t)) / 1000.0; }

// Howard Hinnant's civil-date algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

namespace {

struct Parts {
  int64_t year;
  unsigned month, day, hour, minute, second, millis;
  unsigned weekday;  // 0 = Sunday
};

Parts Split(TimePoint t) {
  int64_t ms = ToUnixMillis(t);
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rem = ms - days * 86400000;
  Parts p{};
  CivilFromDays(days, &p.year, &p.month, &p.day);
  p.hour = static_cast<unsigned>(rem / 3600000);
  p.minute = static_cast<unsigned>(rem / 60000 % 60);
  p.second = static_cast<unsigned>(rem / 1000 % 60);
  p.millis = static_cast<unsigned>(rem % 1000);
  p.weekday = static_cast<unsigned>((days % 7 + 7 + 4) % 7);
  return p;
}

TimePoint Join(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
               int64_t micros) {
  int64_t days = DaysFromCivil(y, mo, d);
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + s;
  return TimePoint(std::chrono::seconds(secs)) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::microseconds(micros));
}

bool Digits(std::string_view s, size_t pos, size_t n, unsigned* out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *out = v;
  return true;
}

bool ValidDate(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s) {
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  // Years before 1678 or past 2261 overflow the clock's signed nanosecond count (with room for
  // a UTC offset); no request or record needs them.
  if (y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 ||
      mi > 59 || s > 60) {
    return false;
  }
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(mo == 2 && d == 29 && !leap);
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

}  // namespace

std::string FormatAmzDate(TimePoint t) {
  Parts p = Split(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02uT%02u%02u%02uZ", static_cast<long long>(p.year),
                p.month, p.day, p.hour, p.minute, p.second);
  return buf;
}

std::optional<TimePoint> ParseAmzDate(std::string_view s) {
  unsigned y, mo, d, h, mi, sec;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 4, 2, &mo) || !Digits(s, 6, 2, &d) || !Digits(s, 9, 2, &h) ||
      !Digits(s, 11, 2, &mi) || !Digits(s, 13, 2, &sec) || !ValidDate(y, mo, d, h, mi, sec)) {
    return std::nullopt;
  }
  return Join(y, mo, d, h, mi, sec, 0);
}

std::string FormatIso8601(TimePoint t) {
  Parts p = Split(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                static_cast<long long>(p.year), p.month, p.day, p.hour, p.minute, p.second,
                p.millis);
  return buf;
}

std::optional<TimePoint> ParseIso8601(std::string_view s) {
  unsigned y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  size_t pos = 10;
  int64_t micros = 0;
  int64_t offset_secs = 0;
  if (pos < s.size()) {
    if ((s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') || !Digits(s, pos + 1, 2, &h) ||
        s.size() < pos + 6 || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &mi)) {
      return std::nullopt;
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &sec)) return std::nullopt;
      pos += 3;
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t scale = 100000;
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (scale > 0) micros += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        unsigned oh, om;
        if (!Digits(s, pos + 1, 2, &oh)) return std::nullopt;
        size_t mpos = pos + 3;
        if (mpos < s.size() && s[mpos] == ':') ++mpos;
        if (!Digits(s, mpos, 2, &om)) return std::nullopt;
        offset_secs = (s[pos] == '+' ? 1 : -1) * static_cast<int64_t>(oh * 3600 + om * 60);
        pos = mpos + 2;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  if (!ValidDate(y, mo, d, h, mi, sec)) return std::nullopt;
  return Join(y, mo, d, h, mi, sec, micros) - std::chrono::seconds(offset_secs);
}

std::string FormatHttpDate(TimePoint t) {
  Parts p = Split(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", kWeekdays[p.weekday],
                p.day, kMonths[p.month - 1], static_cast<long long>(p.year), p.hour, p.minute,
                p.second);
  return buf;
}

std::optional<TimePoint> ParseHttpDate(std::string_view s) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  unsigned d, y, h, mi, sec;
  if (s.size() != 29 || s[3] != ',' || !Digits(s, 5, 2, &d) || !Digits(s, 12, 4, &y) ||
      !Digits(s, 17, 2, &h) || !Digits(s, 20, 2, &mi) || !Digits(s, 23, 2, &sec) ||
      s.substr(26) != "GMT") {
    return std::nullopt;
  }
  unsigned mo = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) mo = i + 1;
  }
  if (mo == 0 || !ValidDate(y, mo, d, h, mi, sec)) return std::nullopt;
  return Join(y, mo, d, h, mi, sec, 0);
}

}  // namespace base
