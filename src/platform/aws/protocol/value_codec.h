// Scalar values between their wire text (headers, query strings, URI labels, XML text, form
// parameters) and the handler JSON conventions of codec.h, and the timestamp forms of the
// protocols. Internal to the protocol library; stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/time.h"
#include "platform/aws/protocol/shape.h"

namespace aws::protocol::detail {

// Parses a timestamp in any of the wire forms: ISO 8601, RFC 1123 (HTTP date), or epoch
// seconds ("1440938160", "1440938160.5"). nullopt when none fits or the time is outside
// years 1678-2261, the range of base::TimePoint.
std::optional<base::TimePoint> ParseTimestampText(std::string_view text);

// A time as epoch seconds (handler input, json wire bodies): an integer when whole, else a
// number with microseconds.
base::Json TimestampToJson(base::TimePoint t);

// A timestamp given in JSON: epoch seconds, or a string in one of the text forms.
std::optional<base::TimePoint> TimestampFromJson(const base::Json& value);

// A handler's timestamp (epoch seconds or an ISO 8601 string). Throws OutputError.
base::TimePoint TimestampFromOutput(const base::Json& value);

// Renders a time in `format`, or in `fallback` when the format is kDefault.
std::string FormatTimestamp(base::TimePoint t, TimestampFormat format, TimestampFormat fallback);

// Wire text to a handler value, by the shape of `ref`. Blobs are base64 text; jsonvalue
// strings are base64 JSON; strings must be UTF-8. Throws InputError(kType) naming `where`.
base::Json DecodeScalarText(const ShapeRef& ref, std::string_view text, std::string_view where);

// A handler value to wire text; timestamps use the ref's format or `default_format`.
// Throws OutputError naming `where` when the value does not fit the shape.
std::string EncodeScalarText(const ShapeRef& ref, const base::Json& value,
                             TimestampFormat default_format, std::string_view where);

// Checks a JSON number against an integer shape (int32 for integer, int64 for long) and
// returns it as a JSON integer; nullopt when it is not a whole number in range.
std::optional<base::Json> IntegerValue(ShapeType type, const base::Json& number);

// A double for a float shape: finite numbers, or the strings "NaN", "Infinity", "-Infinity".
std::optional<double> FloatValue(const base::Json& value);
// A double as wire JSON: a number, or one of those strings when not finite.
base::Json FloatJson(double value);

// Throws OutputError: the output member `where` holds `value`, which is not a `type`.
[[noreturn]] void OutputMismatch(std::string_view where, ShapeType type, const base::Json& value);

// "a string", "an object"... for messages.
std::string DescribeJson(const base::Json& value);
std::string_view DescribeShapeType(ShapeType type);

}  // namespace aws::protocol::detail
