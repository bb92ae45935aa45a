// One shape of an AWS service model (botocore's `shapes` section): its type, its members or
// element shapes, and its constraints. ShapeRef is a use of a shape from a structure member, a
// list element, a map key or value, or an operation's input or output, with the serialization
// traits of that use (member traits override the shape's own, as in botocore).
//
// Shapes are built once by ServiceModel and immutable afterwards, so all methods are safe to
// call from any thread. The compiled pattern is created lazily on first use, under a once-flag.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace aws::protocol {

class Shape;

enum class ShapeType {
  kStructure,
  kList,
  kMap,
  kString,
  kInteger,
  kLong,
  kFloat,
  kDouble,
  kBoolean,
  kTimestamp,
  kBlob,
};

// Where a member travels on a REST request or response; kBody for everything else.
enum class Location { kBody, kUri, kQueryString, kHeader, kHeaders, kStatusCode };

enum class TimestampFormat { kDefault, kIso8601, kUnixTimestamp, kRfc822 };

struct ShapeRef {
  const Shape* shape = nullptr;
  Location location = Location::kBody;
  std::string location_name;  // `locationName` of the use, else of the shape; may be empty
  std::string xml_namespace_uri;
  std::string xml_namespace_prefix;
  TimestampFormat timestamp_format = TimestampFormat::kDefault;
  bool flattened = false;
  bool xml_attribute = false;
  bool jsonvalue = false;
  bool streaming = false;  // a streaming blob payload
  bool idempotency_token = false;
  std::string result_wrapper;  // query protocol output element ("CreateUserResult")

  // The wire name: location_name when present, else `fallback` (the member name).
  std::string_view WireName(std::string_view fallback) const {
    return location_name.empty() ? fallback : std::string_view(location_name);
  }
};

struct Member : ShapeRef {
  std::string name;
  bool required = false;
};

struct ShapeError {
  std::string code;     // the `error.code` trait; empty means the shape name
  int http_status = 0;  // 0 when the model gives none
  bool sender_fault = false;
};

class Shape {
 public:
  Shape(std::string name, ShapeType type);
  ~Shape();
  Shape(const Shape&) = delete;
  Shape& operator=(const Shape&) = delete;

  const std::string& name() const { return name_; }
  ShapeType type() const { return type_; }
  bool is_scalar() const;

  // Structures. Members are in model order.
  const std::vector<Member>& members() const { return members_; }
  const Member* FindMember(std::string_view name) const;
  const Member* payload() const;  // the `payload` member, or null
  bool is_document() const { return document_; }
  bool is_union() const { return union_; }
  bool is_exception() const { return exception_; }
  bool is_event_stream() const { return event_stream_; }
  const ShapeError& error() const { return error_; }

  // Lists and maps.
  const ShapeRef& element() const { return element_; }
  const ShapeRef& key() const { return key_; }
  const ShapeRef& value() const { return value_; }

  // Shape-level traits, also merged into every ShapeRef that uses the shape.
  const std::string& location_name() const { return location_name_; }
  TimestampFormat timestamp_format() const { return timestamp_format_; }
  bool flattened() const { return flattened_; }
  bool sensitive() const { return sensitive_; }

  // Constraints: length (strings, blobs, lists, maps) or value (numbers).
  const std::optional<double>& min() const { return min_; }
  const std::optional<double>& max() const { return max_; }
  const std::vector<std::string>& enum_values() const { return enum_values_; }
  const std::string& pattern() const { return pattern_; }
  // The pattern compiled with RE2 (Java `\uXXXX` escapes translated), or null when the shape
  // has none or RE2 cannot express it (look-around); such patterns are not enforced.
  const re2::RE2* CompiledPattern() const;

 private:
  friend class ServiceModelBuilder;

  std::string name_;
  ShapeType type_;
  std::vector<Member> members_;
  int payload_index_ = -1;
  bool document_ = false;
  bool union_ = false;
  bool exception_ = false;
  bool event_stream_ = false;
  bool flattened_ = false;
  bool sensitive_ = false;
  ShapeError error_;
  ShapeRef element_;
  ShapeRef key_;
  ShapeRef value_;
  std::string location_name_;
  std::string xml_namespace_uri_;
  std::string xml_namespace_prefix_;
  TimestampFormat timestamp_format_ = TimestampFormat::kDefault;
  std::optional<double> min_;
  std::optional<double> max_;
  std::vector<std::string> enum_values_;
  std::string pattern_;
  mutable std::once_flag pattern_once_;
  mutable std::unique_ptr<re2::RE2> compiled_pattern_;
};

}  // namespace aws::protocol
