// Wall-clock time in the formats the AWS wire protocols use. Times are UTC; the type is
// std::chrono::system_clock::time_point with microsecond-or-better precision.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace base {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

TimePoint Now();
int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(int64_t ms);
// Seconds since the epoch with fractional milliseconds (the json protocols' timestamp form).
double ToUnixSecondsDouble(TimePoint t);

// "20150830T123600Z" (SigV4 X-Amz-Date).
std::string FormatAmzDate(TimePoint t);
std::optional<TimePoint> ParseAmzDate(std::string_view s);
// "2015-08-30T12:36:00.000Z" (ISO 8601 with milliseconds, rest-xml and query timestamps).
std::string FormatIso8601(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff...][Z|+HH:MM]" and "YYYY-MM-DD".
std::optional<TimePoint> ParseIso8601(std::string_view s);
// "Sun, 30 Aug 2015 12:36:00 GMT" (HTTP dates: Last-Modified, Date, If-Modified-Since).
std::string FormatHttpDate(TimePoint t);
std::optional<TimePoint> ParseHttpDate(std::string_view s);

// Days from 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace base
