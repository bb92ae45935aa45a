#include "platform/aws/protocol/value_codec.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "base/crypto.h"
#include "base/strings.h"
#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/json_document.h"

namespace aws::protocol::detail {

using base::Json;

namespace {

// base::TimePoint counts nanoseconds in 64 bits, so years 1678 to 2261 fit; timestamps
// outside are refused before any conversion could overflow.
constexpr double kMinEpoch = -9214560000.0;  // 1678-01-01T00:00:00Z
constexpr double kMaxEpoch = 9214646399.0;   // 2261-12-31T23:59:59Z
constexpr int kMinYear = 1678;
constexpr int kMaxYear = 2261;

// False when the four digits at `pos` name a year outside the representable range (text
// that has no digits there is left for the parsers to refuse).
bool YearRepresentable(std::string_view text, size_t pos) {
  int year = 0;
  if (pos + 4 > text.size()) return true;
  for (size_t i = pos; i < pos + 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return true;
    year = year * 10 + (text[i] - '0');
  }
  return year >= kMinYear && year <= kMaxYear;
}

std::optional<base::TimePoint> FromEpochSeconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < kMinEpoch || seconds > kMaxEpoch) return std::nullopt;
  auto micros = static_cast<int64_t>(std::llround(seconds * 1e6));
  return base::TimePoint(
      std::chrono::duration_cast<base::Clock::duration>(std::chrono::microseconds(micros)));
}

int64_t ToMicros(base::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

bool InEpochRange(base::TimePoint t) {
  int64_t micros = ToMicros(t);
  return micros >= static_cast<int64_t>(kMinEpoch) * 1000000 &&
         micros <= static_cast<int64_t>(kMaxEpoch) * 1000000;
}

std::optional<double> ParseDouble(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double value = 0;
  const char* end = text.data() + text.size();
  if (!text.empty() && text.front() == '+') return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

[[noreturn]] void TypeError(std::string_view where, std::string_view expected,
                            std::string_view text) {
  std::string shown(text.substr(0, 64));
  throw InputError(InputError::Kind::kType, "Value '" + shown + "' at '" + std::string(where) +
                                                "' could not be read as " + std::string(expected));
}

}  // namespace

std::optional<base::TimePoint> ParseTimestampText(std::string_view text) {
  text = base::Trim(text);
  // ISO 8601 starts with the year; HTTP dates have it at offset 12 ("Sun, 06 Nov 1994 ...").
  if ((text.size() > 4 && text[4] == '-' && !YearRepresentable(text, 0)) ||
      (text.size() > 3 && text[3] == ',' && !YearRepresentable(text, 12))) {
    return std::nullopt;
  }
  if (auto t = base::ParseIso8601(text)) return InEpochRange(*t) ? t : std::nullopt;
  if (auto t = base::ParseHttpDate(text)) return t;
  if (auto seconds = ParseDouble(text)) return FromEpochSeconds(*seconds);
  return std::nullopt;
}

Json TimestampToJson(base::TimePoint t) {
  int64_t micros = ToMicros(t);
  if (micros % 1000000 == 0) return Json(micros / 1000000);
  return Json(static_cast<double>(micros) / 1e6);
}

std::optional<base::TimePoint> TimestampFromJson(const Json& value) {
  if (value.is_number()) return FromEpochSeconds(value.get<double>());
  if (value.is_string()) return ParseTimestampText(value.get_ref<const std::string&>());
  return std::nullopt;
}

base::TimePoint TimestampFromOutput(const Json& value) {
  auto t = TimestampFromJson(value);
  if (!t) throw OutputError("timestamp must be epoch seconds or ISO 8601, not " + value.dump());
  return *t;
}

std::string FormatTimestamp(base::TimePoint t, TimestampFormat format, TimestampFormat fallback) {
  if (format == TimestampFormat::kDefault) format = fallback;
  switch (format) {
    case TimestampFormat::kRfc822:
      return base::FormatHttpDate(t);
    case TimestampFormat::kUnixTimestamp:
      return TimestampToJson(t).dump();
    case TimestampFormat::kIso8601:
    case TimestampFormat::kDefault:
      break;
  }
  return base::FormatIso8601(t);
}

std::optional<Json> IntegerValue(ShapeType type, const Json& number) {
  int64_t lo = type == ShapeType::kInteger ? std::numeric_limits<int32_t>::min()
                                           : std::numeric_limits<int64_t>::min();
  int64_t hi = type == ShapeType::kInteger ? std::numeric_limits<int32_t>::max()
                                           : std::numeric_limits<int64_t>::max();
  if (number.is_number_unsigned()) {
    auto v = number.get<uint64_t>();
    if (v > static_cast<uint64_t>(hi)) return std::nullopt;
    return Json(static_cast<int64_t>(v));
  }
  if (number.is_number_integer()) {
    auto v = number.get<int64_t>();
    if (v < lo || v > hi) return std::nullopt;
    return Json(v);
  }
  if (number.is_number_float()) {
    double d = number.get<double>();
    // 2^63 is the first double past int64's range.
    if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(lo) ||
        d >= 9223372036854775808.0 || d > static_cast<double>(hi)) {
      return std::nullopt;
    }
    return Json(static_cast<int64_t>(d));
  }
  return std::nullopt;
}

std::optional<double> FloatValue(const Json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s == "NaN" || s == "Infinity" || s == "-Infinity") return ParseDouble(s);
  }
  return std::nullopt;
}

Json FloatJson(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return value;
}

Json DecodeScalarText(const ShapeRef& ref, std::string_view text, std::string_view where) {
  switch (ref.shape->type()) {
    case ShapeType::kString:
      if (ref.jsonvalue) {
        auto decoded = base::Base64Decode(text);
        if (!decoded) TypeError(where, "base64-encoded JSON", text);
        try {
          return ParseJsonDocument(*decoded);
        } catch (const InputError&) {
          TypeError(where, "base64-encoded JSON", text);
        }
      }
      if (!base::IsValidUtf8(text)) TypeError(where, "UTF-8 text", text);
      return std::string(text);
    case ShapeType::kInteger:
    case ShapeType::kLong: {
      auto v = ParseInt64(text);
      std::optional<Json> checked;
      if (v) checked = IntegerValue(ref.shape->type(), Json(*v));
      if (!checked) TypeError(where, DescribeShapeType(ref.shape->type()), text);
      return *checked;
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble: {
      auto v = ParseDouble(text);
      if (!v) TypeError(where, "a number", text);
      return *v;
    }
    case ShapeType::kBoolean:
      if (base::EqualsIgnoreCase(text, "true")) return true;
      if (base::EqualsIgnoreCase(text, "false")) return false;
      TypeError(where, "a boolean", text);
    case ShapeType::kTimestamp: {
      auto t = ParseTimestampText(text);
      if (!t) TypeError(where, "a timestamp", text);
      return TimestampToJson(*t);
    }
    case ShapeType::kBlob: {
      auto bytes = base::Base64Decode(text);
      if (!bytes) TypeError(where, "base64 data", text);
      return std::move(*bytes);
    }
    case ShapeType::kStructure:
    case ShapeType::kList:
    case ShapeType::kMap:
      break;
  }
  TypeError(where, DescribeShapeType(ref.shape->type()), text);
}

std::string EncodeScalarText(const ShapeRef& ref, const Json& value, TimestampFormat default_format,
                             std::string_view where) {
  ShapeType type = ref.shape->type();
  switch (type) {
    case ShapeType::kString:
      if (ref.jsonvalue) return base::Base64Encode(DumpJson(value));
      if (!value.is_string()) break;
      return value.get<std::string>();
    case ShapeType::kInteger:
    case ShapeType::kLong: {
      auto v = IntegerValue(type, value);
      if (!v) break;
      return v->dump();
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble: {
      auto v = FloatValue(value);
      if (!v) break;
      Json j = FloatJson(*v);
      return j.is_string() ? j.get<std::string>() : j.dump();
    }
    case ShapeType::kBoolean:
      if (!value.is_boolean()) break;
      return value.get<bool>() ? "true" : "false";
    case ShapeType::kTimestamp:
      return FormatTimestamp(TimestampFromOutput(value), ref.timestamp_format, default_format);
    case ShapeType::kBlob:
      if (!value.is_string()) break;
      return base::Base64Encode(value.get_ref<const std::string&>());
    case ShapeType::kStructure:
    case ShapeType::kList:
    case ShapeType::kMap:
      break;
  }
  OutputMismatch(where, type, value);
}

void OutputMismatch(std::string_view where, ShapeType type, const Json& value) {
  throw OutputError("output member '" + std::string(where) + "' must be " +
                    std::string(DescribeShapeType(type)) + ", not " + DescribeJson(value));
}

std::string DescribeJson(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    default:
      return "binary";
  }
}

std::string_view DescribeShapeType(ShapeType type) {
  switch (type) {
    case ShapeType::kStructure:
      return "a structure";
    case ShapeType::kList:
      return "a list";
    case ShapeType::kMap:
      return "a map";
    case ShapeType::kString:
      return "a string";
    case ShapeType::kInteger:
      return "an integer";
    case ShapeType::kLong:
      return "a long integer";
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      return "a number";
    case ShapeType::kBoolean:
      return "a boolean";
    case ShapeType::kTimestamp:
      return "a timestamp";
    case ShapeType::kBlob:
      return "a blob";
  }
  return "a value";
}

}  // namespace aws::protocol::detail
