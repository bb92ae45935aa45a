#include "platform/aws/protocol/json_body.h"

#include <string>

#include "base/crypto.h"
#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/value_codec.h"

namespace aws::protocol::detail {

using base::Json;

namespace {

[[noreturn]] void Mismatch(std::string_view where, ShapeType type, const Json& wire) {
  throw InputError(InputError::Kind::kType, "Expected " + std::string(DescribeShapeType(type)) +
                                                " at '" + std::string(where) + "' but found " +
                                                DescribeJson(wire));
}

void CheckDepth(int depth) {
  if (depth > kMaxDepth) {
    throw InputError(InputError::Kind::kMalformed,
                     "Nesting exceeds " + std::to_string(kMaxDepth) + " levels");
  }
}

Json Decode(const ShapeRef& ref, const Json& wire, std::string_view where, int depth);

void DecodeMembers(const Shape& shape, const Json& wire, bool body_only, int depth, Json* out) {
  for (const Member& m : shape.members()) {
    if (body_only && m.location != Location::kBody) continue;
    auto it = wire.find(m.WireName(m.name));
    if (it == wire.end() || it->is_null()) continue;
    (*out)[m.name] = Decode(m, *it, m.name, depth + 1);
  }
}

Json Decode(const ShapeRef& ref, const Json& wire, std::string_view where, int depth) {
  CheckDepth(depth);
  const Shape& shape = *ref.shape;
  switch (shape.type()) {
    case ShapeType::kStructure: {
      if (shape.is_document()) return wire;
      if (!wire.is_object()) break;
      Json out = Json::object();
      DecodeMembers(shape, wire, false, depth, &out);
      return out;
    }
    case ShapeType::kList: {
      if (!wire.is_array()) break;
      Json out = Json::array();
      for (const Json& item : wire) {
        if (!item.is_null()) out.push_back(Decode(shape.element(), item, where, depth + 1));
      }
      return out;
    }
    case ShapeType::kMap: {
      if (!wire.is_object()) break;
      Json out = Json::object();
      for (const auto& [key, item] : wire.items()) {
        if (!item.is_null()) out[key] = Decode(shape.value(), item, where, depth + 1);
      }
      return out;
    }
    case ShapeType::kString:
      if (!wire.is_string()) break;
      return wire;
    case ShapeType::kInteger:
    case ShapeType::kLong:
      if (auto v = IntegerValue(shape.type(), wire)) return *v;
      break;
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (auto v = FloatValue(wire)) return *v;
      break;
    case ShapeType::kBoolean:
      if (!wire.is_boolean()) break;
      return wire;
    case ShapeType::kTimestamp:
      if (auto t = TimestampFromJson(wire)) return TimestampToJson(*t);
      break;
    case ShapeType::kBlob:
      if (!wire.is_string()) break;
      return DecodeScalarText(ref, wire.get_ref<const std::string&>(), where);
  }
  Mismatch(where, shape.type(), wire);
}

Json Encode(const ShapeRef& ref, const Json& value, std::string_view where, int depth);

Json EncodeMembers(const Shape& shape, const Json& value, bool body_only, int depth) {
  if (!value.is_object()) {
    throw OutputError("output '" + shape.name() + "' must be an object, not " +
                      DescribeJson(value));
  }
  Json out = Json::object();
  for (const Member& m : shape.members()) {
    if (body_only && m.location != Location::kBody) continue;
    auto it = value.find(m.name);
    if (it == value.end() || it->is_null()) continue;
    out[std::string(m.WireName(m.name))] = Encode(m, *it, m.name, depth + 1);
  }
  return out;
}

Json Encode(const ShapeRef& ref, const Json& value, std::string_view where, int depth) {
  if (depth > kMaxDepth)
    throw OutputError("output nesting exceeds the limit at '" + std::string(where) + "'");
  const Shape& shape = *ref.shape;
  switch (shape.type()) {
    case ShapeType::kStructure:
      if (shape.is_document()) return value;
      return EncodeMembers(shape, value, false, depth);
    case ShapeType::kList: {
      if (!value.is_array()) break;
      Json out = Json::array();
      for (const Json& item : value) {
        if (!item.is_null()) out.push_back(Encode(shape.element(), item, where, depth + 1));
      }
      return out;
    }
    case ShapeType::kMap: {
      if (!value.is_object()) break;
      Json out = Json::object();
      for (const auto& [key, item] : value.items()) {
        if (!item.is_null()) out[key] = Encode(shape.value(), item, where, depth + 1);
      }
      return out;
    }
    case ShapeType::kString:
    case ShapeType::kBoolean:
      if (value.type() !=
          (shape.type() == ShapeType::kString ? Json::value_t::string : Json::value_t::boolean)) {
        break;
      }
      return value;
    case ShapeType::kInteger:
    case ShapeType::kLong:
      if (auto v = IntegerValue(shape.type(), value)) return *v;
      break;
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (auto v = FloatValue(value)) return FloatJson(*v);
      break;
    case ShapeType::kTimestamp: {
      base::TimePoint t = TimestampFromOutput(value);
      if (ref.timestamp_format == TimestampFormat::kDefault ||
          ref.timestamp_format == TimestampFormat::kUnixTimestamp) {
        return TimestampToJson(t);
      }
      return FormatTimestamp(t, ref.timestamp_format, TimestampFormat::kIso8601);
    }
    case ShapeType::kBlob:
      if (!value.is_string()) break;
      return base::Base64Encode(value.get_ref<const std::string&>());
  }
  OutputMismatch(where, shape.type(), value);
}

}  // namespace

void DecodeJsonStructure(const Shape& shape, const Json& wire, bool body_only, Json* out) {
  if (!wire.is_object()) Mismatch(shape.name(), ShapeType::kStructure, wire);
  DecodeMembers(shape, wire, body_only, 0, out);
}

Json DecodeJsonValue(const ShapeRef& ref, const Json& wire) {
  return Decode(ref, wire, ref.shape->name(), 0);
}

Json EncodeJsonStructure(const Shape& shape, const Json& value, bool body_only) {
  return EncodeMembers(shape, value, body_only, 0);
}

Json EncodeJsonValue(const ShapeRef& ref, const Json& value) {
  return Encode(ref, value, ref.shape->name(), 0);
}

}  // namespace aws::protocol::detail
