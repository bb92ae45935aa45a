// Date and time functions: current_date/current_timestamp, date_trunc, date_add, date_diff,
// extraction (year .. second, day_of_week, day_of_year, quarter, week), date_format,
// date_parse (MySQL format specifiers), from_iso8601_*, to_unixtime, from_unixtime,
// last_day_of_month.
#include <chrono>
#include <cmath>

#include "engines/sql/common/date_time.h"
#include "engines/sql/function/function_set.h"

namespace sql {

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void CurrentDateKernel(const BoundFunction&, std::vector<Vector>&, size_t count, Vector& out) {
  int64_t d = FloorDiv(NowMicros(), kMicrosPerDay);
  for (size_t i = 0; i < count; i++) out.data<int64_t>()[i] = d;
}
void CurrentTimestampKernel(const BoundFunction&, std::vector<Vector>&, size_t count, Vector& out) {
  int64_t t = NowMicros() / 1000 * 1000;
  for (size_t i = 0; i < count; i++) out.data<int64_t>()[i] = t;
}

template <int kWhich>
std::optional<BoundFunction> ResolveNow(const std::vector<FunctionArg>& args, std::string*) {
  if (!args.empty()) return std::nullopt;
  BoundFunction f = kWhich == 0
                        ? MakeFunction("current_date", &CurrentDateKernel, Type::Date(), {})
                        : MakeFunction("current_timestamp", &CurrentTimestampKernel, Type::Timestamp(), {});
  f.deterministic = false;
  return f;
}

int64_t ToMicros(const Vector& v, size_t i) {
  int64_t x = v.data<int64_t>()[Idx(v, i)];
  return v.type().id() == TypeId::kDate ? x * kMicrosPerDay : x;
}

enum class Unit { kMillisecond, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

std::optional<Unit> ParseUnit(std::string_view s) {
  std::string u;
  for (char c : s) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!u.empty() && u.back() == 's') u.pop_back();
  if (u == "millisecond") return Unit::kMillisecond;
  if (u == "second") return Unit::kSecond;
  if (u == "minute") return Unit::kMinute;
  if (u == "hour") return Unit::kHour;
  if (u == "day") return Unit::kDay;
  if (u == "week") return Unit::kWeek;
  if (u == "month") return Unit::kMonth;
  if (u == "quarter") return Unit::kQuarter;
  if (u == "year") return Unit::kYear;
  return std::nullopt;
}

Unit UnitArg(const Vector& v, size_t i) {
  auto u = ParseUnit(v.data<std::string_view>()[Idx(v, i)]);
  if (!u) ThrowInvalidArgument("'" + std::string(v.data<std::string_view>()[Idx(v, i)]) + "' is not a valid unit");
  return *u;
}

int64_t TruncMicros(int64_t t, Unit u) {
  int64_t days = FloorDiv(t, kMicrosPerDay);
  switch (u) {
    case Unit::kMillisecond:
      return FloorDiv(t, 1000) * 1000;
    case Unit::kSecond:
      return FloorDiv(t, kMicrosPerSecond) * kMicrosPerSecond;
    case Unit::kMinute:
      return FloorDiv(t, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
    case Unit::kHour:
      return FloorDiv(t, 3600 * kMicrosPerSecond) * 3600 * kMicrosPerSecond;
    case Unit::kDay:
      return days * kMicrosPerDay;
    case Unit::kWeek:
      return (days - (DayOfWeek(days) - 1)) * kMicrosPerDay;
    case Unit::kMonth: {
      CivilDate c = CivilFromDays(days);
      return DaysFromCivil(c.year, c.month, 1) * kMicrosPerDay;
    }
    case Unit::kQuarter: {
      CivilDate c = CivilFromDays(days);
      return DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1) * kMicrosPerDay;
    }
    case Unit::kYear: {
      CivilDate c = CivilFromDays(days);
      return DaysFromCivil(c.year, 1, 1) * kMicrosPerDay;
    }
  }
  return t;
}

void DateTruncKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  bool date = fn.return_type.id() == TypeId::kDate;
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    Unit u = UnitArg(args[0], i);
    if (date && u < Unit::kDay) ThrowInvalidArgument("Unit is not valid for a date");
    int64_t t = TruncMicros(ToMicros(args[1], i), u);
    out.data<int64_t>()[i] = date ? FloorDiv(t, kMicrosPerDay) : t;
  }
}

int64_t AddUnits(int64_t micros, Unit u, int64_t n) {
  switch (u) {
    case Unit::kMillisecond:
      return micros + n * 1000;
    case Unit::kSecond:
      return micros + n * kMicrosPerSecond;
    case Unit::kMinute:
      return micros + n * 60 * kMicrosPerSecond;
    case Unit::kHour:
      return micros + n * 3600 * kMicrosPerSecond;
    case Unit::kDay:
      return micros + n * kMicrosPerDay;
    case Unit::kWeek:
      return micros + n * 7 * kMicrosPerDay;
    case Unit::kMonth:
      return AddMonthsToMicros(micros, n);
    case Unit::kQuarter:
      return AddMonthsToMicros(micros, n * 3);
    case Unit::kYear:
      return AddMonthsToMicros(micros, n * 12);
  }
  return micros;
}

void DateAddKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  bool date = fn.return_type.id() == TypeId::kDate;
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    Unit u = UnitArg(args[0], i);
    if (date && u < Unit::kDay) ThrowInvalidArgument("Unit is not valid for a date");
    int64_t n = args[1].data<int64_t>()[Idx(args[1], i)];
    int64_t t = AddUnits(ToMicros(args[2], i), u, n);
    out.data<int64_t>()[i] = date ? FloorDiv(t, kMicrosPerDay) : t;
  }
}

int64_t MonthsBetween(int64_t a, int64_t b) {
  // Whole months from a to b (truncated toward zero), Trino/Joda style.
  CivilDate ca = CivilFromDays(FloorDiv(a, kMicrosPerDay));
  CivilDate cb = CivilFromDays(FloorDiv(b, kMicrosPerDay));
  int64_t months = (cb.year - ca.year) * 12 + (cb.month - ca.month);
  int64_t shifted = AddMonthsToMicros(a, months);
  if (months > 0 && shifted > b) months--;
  if (months < 0 && shifted < b) months++;
  return months;
}

void DateDiffKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    Unit u = UnitArg(args[0], i);
    int64_t a = ToMicros(args[1], i), b = ToMicros(args[2], i);
    int64_t d = b - a;
    int64_t r = 0;
    switch (u) {
      case Unit::kMillisecond:
        r = d / 1000;
        break;
      case Unit::kSecond:
        r = d / kMicrosPerSecond;
        break;
      case Unit::kMinute:
        r = d / (60 * kMicrosPerSecond);
        break;
      case Unit::kHour:
        r = d / (3600 * kMicrosPerSecond);
        break;
      case Unit::kDay:
        r = d / kMicrosPerDay;
        break;
      case Unit::kWeek:
        r = d / (7 * kMicrosPerDay);
        break;
      case Unit::kMonth:
        r = MonthsBetween(a, b);
        break;
      case Unit::kQuarter:
        r = MonthsBetween(a, b) / 3;
        break;
      case Unit::kYear:
        r = MonthsBetween(a, b) / 12;
        break;
    }
    out.data<int64_t>()[i] = r;
  }
}

bool IsTemporalArg(const FunctionArg& a) { return a.type.IsTemporal() || a.type.id() == TypeId::kUnknown; }
bool IsStringArg(const FunctionArg& a) { return a.type.IsString() || a.type.id() == TypeId::kUnknown; }

std::optional<BoundFunction> ResolveDateTrunc(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 2 || !IsStringArg(args[0]) || !IsTemporalArg(args[1])) {
    *error = "Unexpected parameters for function date_trunc";
    return std::nullopt;
  }
  Type t = args[1].type.id() == TypeId::kUnknown ? Type::Timestamp() : args[1].type;
  return MakeFunction("date_trunc", &DateTruncKernel, t, {Type::Varchar(), t});
}

std::optional<BoundFunction> ResolveDateAdd(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 3 || !IsStringArg(args[0]) ||
      !(args[1].type.IsInteger() || args[1].type.id() == TypeId::kUnknown) || !IsTemporalArg(args[2])) {
    *error = "Unexpected parameters for function date_add";
    return std::nullopt;
  }
  Type t = args[2].type.id() == TypeId::kUnknown ? Type::Timestamp() : args[2].type;
  return MakeFunction("date_add", &DateAddKernel, t, {Type::Varchar(), Type::Bigint(), t});
}

std::optional<BoundFunction> ResolveDateDiff(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 3 || !IsStringArg(args[0]) || !IsTemporalArg(args[1]) || !IsTemporalArg(args[2])) {
    *error = "Unexpected parameters for function date_diff";
    return std::nullopt;
  }
  Type t = args[1].type.id() == TypeId::kUnknown ? args[2].type : args[1].type;
  if (t.id() == TypeId::kUnknown) t = Type::Timestamp();
  if (args[2].type.IsTemporal() && args[2].type != t) t = Type::Timestamp();
  return MakeFunction("date_diff", &DateDiffKernel, Type::Bigint(), {Type::Varchar(), t, t});
}

// ---- field extraction ----
enum class Field { kYear, kQuarter, kMonth, kWeek, kDay, kDayOfWeek, kDayOfYear, kHour, kMinute, kSecond, kMillisecond, kYearOfWeek };

int64_t IsoWeek(int64_t days) {
  int dow = DayOfWeek(days);
  int64_t thursday = days - dow + 4;
  CivilDate c = CivilFromDays(thursday);
  int64_t jan1 = DaysFromCivil(c.year, 1, 1);
  return (thursday - jan1) / 7 + 1;
}

template <Field kField>
void ExtractKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    int64_t t = ToMicros(args[0], i);
    int64_t days = FloorDiv(t, kMicrosPerDay);
    int64_t rem = t - days * kMicrosPerDay;
    int64_t r = 0;
    if constexpr (kField == Field::kYear || kField == Field::kMonth || kField == Field::kDay || kField == Field::kQuarter) {
      CivilDate c = CivilFromDays(days);
      if (kField == Field::kYear) r = c.year;
      if (kField == Field::kMonth) r = c.month;
      if (kField == Field::kDay) r = c.day;
      if (kField == Field::kQuarter) r = (c.month - 1) / 3 + 1;
    } else if constexpr (kField == Field::kDayOfWeek) {
      r = DayOfWeek(days);
    } else if constexpr (kField == Field::kDayOfYear) {
      r = DayOfYear(days);
    } else if constexpr (kField == Field::kWeek) {
      r = IsoWeek(days);
    } else if constexpr (kField == Field::kYearOfWeek) {
      r = CivilFromDays(days - DayOfWeek(days) + 4).year;
    } else if constexpr (kField == Field::kHour) {
      r = rem / (3600 * kMicrosPerSecond);
    } else if constexpr (kField == Field::kMinute) {
      r = rem / (60 * kMicrosPerSecond) % 60;
    } else if constexpr (kField == Field::kSecond) {
      r = rem / kMicrosPerSecond % 60;
    } else {
      r = rem / 1000 % 1000;
    }
    out.data<int64_t>()[i] = r;
  }
}

template <Field kField>
std::optional<BoundFunction> ResolveExtract(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1 || !IsTemporalArg(args[0])) {
    *error = "Unexpected parameters (" + (args.empty() ? std::string() : args[0].type.ToString()) +
             ") for a date field function";
    return std::nullopt;
  }
  Type t = args[0].type.id() == TypeId::kUnknown ? Type::Timestamp() : args[0].type;
  if (t.id() == TypeId::kDate && kField >= Field::kHour && kField != Field::kYearOfWeek) {
    *error = "Cannot extract a time field from a date";
    return std::nullopt;
  }
  return MakeFunction("extract", &ExtractKernel<kField>, Type::Bigint(), {t});
}

// ---- MySQL-style format strings ----
std::string FormatMySql(int64_t micros, std::string_view fmt) {
  static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                  "August", "September", "October", "November", "December"};
  static const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  CivilDate c = CivilFromDays(days);
  int hour = static_cast<int>(rem / (3600 * kMicrosPerSecond));
  int minute = static_cast<int>(rem / (60 * kMicrosPerSecond) % 60);
  int second = static_cast<int>(rem / kMicrosPerSecond % 60);
  int micro = static_cast<int>(rem % kMicrosPerSecond);
  std::string out;
  char buf[32];
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%' || i + 1 >= fmt.size()) {
      out += fmt[i];
      continue;
    }
    char f = fmt[++i];
    switch (f) {
      case 'Y': std::snprintf(buf, sizeof(buf), "%04lld", static_cast<long long>(c.year)); out += buf; break;
      case 'y': std::snprintf(buf, sizeof(buf), "%02lld", static_cast<long long>(c.year % 100)); out += buf; break;
      case 'm': std::snprintf(buf, sizeof(buf), "%02d", c.month); out += buf; break;
      case 'c': out += std::to_string(c.month); break;
      case 'd': std::snprintf(buf, sizeof(buf), "%02d", c.day); out += buf; break;
      case 'e': out += std::to_string(c.day); break;
      case 'H': std::snprintf(buf, sizeof(buf), "%02d", hour); out += buf; break;
      case 'k': out += std::to_string(hour); break;
      case 'h': case 'I': std::snprintf(buf, sizeof(buf), "%02d", hour % 12 == 0 ? 12 : hour % 12); out += buf; break;
      case 'l': out += std::to_string(hour % 12 == 0 ? 12 : hour % 12); break;
      case 'i': std::snprintf(buf, sizeof(buf), "%02d", minute); out += buf; break;
      case 's': case 'S': std::snprintf(buf, sizeof(buf), "%02d", second); out += buf; break;
      case 'f': std::snprintf(buf, sizeof(buf), "%06d", micro); out += buf; break;
      case 'p': out += hour < 12 ? "AM" : "PM"; break;
      case 'T': std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d", hour, minute, second); out += buf; break;
      case 'r': std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d %s", hour % 12 == 0 ? 12 : hour % 12, minute, second, hour < 12 ? "AM" : "PM"); out += buf; break;
      case 'M': out += kMonths[c.month - 1]; break;
      case 'b': out += std::string(kMonths[c.month - 1]).substr(0, 3); break;
      case 'W': out += kDays[DayOfWeek(days) - 1]; break;
      case 'a': out += std::string(kDays[DayOfWeek(days) - 1]).substr(0, 3); break;
      case 'j': std::snprintf(buf, sizeof(buf), "%03d", DayOfYear(days)); out += buf; break;
      case '%': out += '%'; break;
      default: out += f; break;
    }
  }
  return out;
}

std::optional<int64_t> ParseMySql(std::string_view text, std::string_view fmt) {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micro = 0;
  bool pm = false, has_ampm = false;
  size_t t = 0;
  auto num = [&](int max_digits, int64_t* out) {
    int64_t v = 0;
    int n = 0;
    bool neg = false;
    if (t < text.size() && text[t] == '-' && max_digits > 4) {
      neg = true;
      t++;
    }
    while (t < text.size() && n < max_digits && std::isdigit(static_cast<unsigned char>(text[t]))) {
      v = v * 10 + (text[t++] - '0');
      n++;
    }
    *out = neg ? -v : v;
    return n > 0;
  };
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%' || i + 1 >= fmt.size()) {
      if (t >= text.size() || text[t] != fmt[i]) return std::nullopt;
      t++;
      continue;
    }
    char f = fmt[++i];
    bool ok = true;
    switch (f) {
      case 'Y': ok = num(4, &year); break;
      case 'y': ok = num(2, &year); year += year < 70 ? 2000 : 1900; break;
      case 'm': case 'c': ok = num(2, &month); break;
      case 'd': case 'e': ok = num(2, &day); break;
      case 'H': case 'k': ok = num(2, &hour); break;
      case 'h': case 'I': case 'l': ok = num(2, &hour); break;
      case 'i': ok = num(2, &minute); break;
      case 's': case 'S': ok = num(2, &second); break;
      case 'f': {
        int64_t v = 0;
        int n = 0;
        while (t < text.size() && n < 6 && std::isdigit(static_cast<unsigned char>(text[t]))) {
          v = v * 10 + (text[t++] - '0');
          n++;
        }
        for (; n < 6; n++) v *= 10;
        micro = v;
        break;
      }
      case 'p':
        if (text.substr(t, 2) == "PM" || text.substr(t, 2) == "pm") pm = true;
        else if (text.substr(t, 2) != "AM" && text.substr(t, 2) != "am") return std::nullopt;
        has_ampm = true;
        t += 2;
        break;
      case 'T':
        ok = num(2, &hour) && t < text.size() && text[t++] == ':' && num(2, &minute) &&
             t < text.size() && text[t++] == ':' && num(2, &second);
        break;
      case '%':
        ok = t < text.size() && text[t++] == '%';
        break;
      default:
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
  }
  if (t != text.size()) return std::nullopt;
  if (has_ampm) {
    if (hour == 12) hour = 0;
    if (pm) hour += 12;
  }
  if (!IsValidCivil(year, static_cast<int>(month), static_cast<int>(day)) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  return DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day)) * kMicrosPerDay +
         (hour * 3600 + minute * 60 + second) * kMicrosPerSecond + micro;
}

void DateFormatKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    out.data<std::string_view>()[i] =
        out.AddString(FormatMySql(ToMicros(args[0], i), args[1].data<std::string_view>()[Idx(args[1], i)]));
  }
}

void DateParseKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    std::string_view s = args[0].data<std::string_view>()[Idx(args[0], i)];
    auto t = ParseMySql(s, args[1].data<std::string_view>()[Idx(args[1], i)]);
    if (!t) ThrowInvalidArgument("Invalid format: \"" + std::string(s) + "\"");
    out.data<int64_t>()[i] = *t;
  }
}

std::optional<BoundFunction> ResolveDateFormat(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 2 || !IsTemporalArg(args[0]) || !IsStringArg(args[1])) {
    *error = "Unexpected parameters for function date_format";
    return std::nullopt;
  }
  Type t = args[0].type.id() == TypeId::kUnknown ? Type::Timestamp() : args[0].type;
  return MakeFunction("date_format", &DateFormatKernel, Type::Varchar(), {t, Type::Varchar()});
}

std::optional<BoundFunction> ResolveDateParse(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 2 || !IsStringArg(args[0]) || !IsStringArg(args[1])) {
    *error = "Unexpected parameters for function date_parse";
    return std::nullopt;
  }
  return MakeFunction("date_parse", &DateParseKernel, Type::Timestamp(), {Type::Varchar(), Type::Varchar()});
}

template <bool kDate>
void Iso8601Kernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    std::string_view s = args[0].data<std::string_view>()[Idx(args[0], i)];
    std::string text(s);
    // Strip a zone offset "+hh:mm" (values are stored as UTC instants).
    int64_t offset_micros = 0;
    if (!kDate && text.size() > 6) {
      size_t p = text.size() - 6;
      if ((text[p] == '+' || text[p] == '-') && text[p + 3] == ':' && text.find('T') != std::string::npos) {
        int h = std::atoi(text.substr(p + 1, 2).c_str()), m = std::atoi(text.substr(p + 4, 2).c_str());
        offset_micros = (h * 3600 + m * 60) * kMicrosPerSecond * (text[p] == '+' ? 1 : -1);
        text = text.substr(0, p);
      }
    }
    if (kDate) {
      auto d = ParseDate(text);
      if (!d) ThrowInvalidArgument("Invalid format: \"" + text + "\"");
      out.data<int64_t>()[i] = *d;
    } else {
      auto t = ParseTimestamp(text);
      if (!t) ThrowInvalidArgument("Invalid format: \"" + text + "\"");
      out.data<int64_t>()[i] = *t - offset_micros;
    }
  }
}

template <bool kDate>
std::optional<BoundFunction> ResolveIso8601(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1 || !IsStringArg(args[0])) {
    *error = "Unexpected parameters for function from_iso8601";
    return std::nullopt;
  }
  return MakeFunction("from_iso8601", &Iso8601Kernel<kDate>, kDate ? Type::Date() : Type::Timestamp(), {Type::Varchar()});
}

void ToUnixtimeKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (!valid || valid[i]) out.data<double>()[i] = static_cast<double>(ToMicros(args[0], i)) / kMicrosPerSecond;
  }
}

void FromUnixtimeKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  UnaryLoop<double, int64_t>(args[0], count, out, [](double s) {
    if (!std::isfinite(s) || std::fabs(s) > 1e13) ThrowInvalidArgument("Invalid unix time");
    return static_cast<int64_t>(std::floor(s * 1000)) * 1000;
  });
}

std::optional<BoundFunction> ResolveToUnixtime(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1 || !IsTemporalArg(args[0])) {
    *error = "Unexpected parameters for function to_unixtime";
    return std::nullopt;
  }
  Type t = args[0].type.id() == TypeId::kUnknown ? Type::Timestamp() : args[0].type;
  return MakeFunction("to_unixtime", &ToUnixtimeKernel, Type::Double(), {t});
}

std::optional<BoundFunction> ResolveFromUnixtime(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1 || !(args[0].type.IsNumeric() || args[0].type.id() == TypeId::kUnknown)) {
    *error = "Unexpected parameters for function from_unixtime";
    return std::nullopt;
  }
  return MakeFunction("from_unixtime", &FromUnixtimeKernel, Type::Timestamp(), {Type::Double()});
}

void LastDayKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (valid && !valid[i]) continue;
    int64_t days = FloorDiv(ToMicros(args[0], i), kMicrosPerDay);
    CivilDate c = CivilFromDays(days);
    out.data<int64_t>()[i] = DaysFromCivil(c.year, c.month, DaysInMonth(c.year, c.month));
  }
}

std::optional<BoundFunction> ResolveLastDay(const std::vector<FunctionArg>& args, std::string* error) {
  if (args.size() != 1 || !IsTemporalArg(args[0])) {
    *error = "Unexpected parameters for function last_day_of_month";
    return std::nullopt;
  }
  Type t = args[0].type.id() == TypeId::kUnknown ? Type::Date() : args[0].type;
  return MakeFunction("last_day_of_month", &LastDayKernel, Type::Date(), {t});
}

}  // namespace

void RegisterDateTimeFunctions(ScalarFunctionMap& m) {
  m["current_date"] = &ResolveNow<0>;
  m["current_timestamp"] = &ResolveNow<1>;
  m["now"] = &ResolveNow<1>;
  m["date_trunc"] = &ResolveDateTrunc;
  m["date_add"] = &ResolveDateAdd;
  m["date_diff"] = &ResolveDateDiff;
  m["year"] = &ResolveExtract<Field::kYear>;
  m["quarter"] = &ResolveExtract<Field::kQuarter>;
  m["month"] = &ResolveExtract<Field::kMonth>;
  m["week"] = &ResolveExtract<Field::kWeek>;
  m["week_of_year"] = &ResolveExtract<Field::kWeek>;
  m["year_of_week"] = &ResolveExtract<Field::kYearOfWeek>;
  m["yow"] = &ResolveExtract<Field::kYearOfWeek>;
  m["day"] = &ResolveExtract<Field::kDay>;
  m["day_of_month"] = &ResolveExtract<Field::kDay>;
  m["day_of_week"] = &ResolveExtract<Field::kDayOfWeek>;
  m["dow"] = &ResolveExtract<Field::kDayOfWeek>;
  m["day_of_year"] = &ResolveExtract<Field::kDayOfYear>;
  m["doy"] = &ResolveExtract<Field::kDayOfYear>;
  m["hour"] = &ResolveExtract<Field::kHour>;
  m["minute"] = &ResolveExtract<Field::kMinute>;
  m["second"] = &ResolveExtract<Field::kSecond>;
  m["millisecond"] = &ResolveExtract<Field::kMillisecond>;
  m["date_format"] = &ResolveDateFormat;
  m["date_parse"] = &ResolveDateParse;
  m["from_iso8601_timestamp"] = &ResolveIso8601<false>;
  m["from_iso8601_date"] = &ResolveIso8601<true>;
  m["to_unixtime"] = &ResolveToUnixtime;
  m["from_unixtime"] = &ResolveFromUnixtime;
  m["last_day_of_month"] = &ResolveLastDay;
}

}  // namespace sql
