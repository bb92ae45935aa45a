#include "platform/aws/protocol/input_validator.h"

#include <re2/re2.h>

#include <cmath>

#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/json_document.h"

namespace aws::protocol::detail {

using base::Json;

namespace {

std::string MemberPath(const std::string& parent, const std::string& name) {
  std::string part = name;
  if (!part.empty() && part[0] >= 'A' && part[0] <= 'Z') part[0] = static_cast<char>(part[0] + 32);
  return parent.empty() ? part : parent + "." + part;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e18) return std::to_string(static_cast<int64_t>(v));
  return Json(v).dump();
}

class Validator {
 public:
  std::vector<std::string> Take() { return std::move(violations_); }

  void Structure(const Shape& shape, const Json& value, const std::string& path, int depth) {
    if (shape.is_document() || !value.is_object() || depth > kMaxDepth) return;
    for (const Member& m : shape.members()) {
      std::string member_path = MemberPath(path, m.name);
      auto it = value.find(m.name);
      if (it == value.end() || it->is_null()) {
        if (m.required) Fail(*m.shape, nullptr, member_path, "Member must not be null");
        continue;
      }
      Value(*m.shape, *it, member_path, depth + 1);
    }
  }

 private:
  void Value(const Shape& shape, const Json& value, const std::string& path, int depth) {
    switch (shape.type()) {
      case ShapeType::kStructure:
        Structure(shape, value, path, depth);
        return;
      case ShapeType::kList:
        if (!value.is_array()) return;
        Length(shape, value, value.size(), path);
        for (size_t i = 0; i < value.size(); ++i) {
          Value(*shape.element().shape, value[i], path + "." + std::to_string(i + 1) + ".member",
                depth + 1);
        }
        return;
      case ShapeType::kMap:
        if (!value.is_object()) return;
        Length(shape, value, value.size(), path);
        for (const auto& [key, item] : value.items()) {
          Value(*shape.key().shape, Json(key), path, depth + 1);
          Value(*shape.value().shape, item, path + "." + key, depth + 1);
        }
        return;
      case ShapeType::kString:
        if (!value.is_string()) return;
        String(shape, value, path);
        return;
      case ShapeType::kBlob:
        if (!value.is_string()) return;
        Length(shape, value, value.get_ref<const std::string&>().size(), path);
        return;
      case ShapeType::kInteger:
      case ShapeType::kLong:
      case ShapeType::kFloat:
      case ShapeType::kDouble:
        if (!value.is_number()) return;
        Range(shape, value, path);
        return;
      case ShapeType::kBoolean:
      case ShapeType::kTimestamp:
        return;
    }
  }

  void String(const Shape& shape, const Json& value, const std::string& path) {
    const auto& s = value.get_ref<const std::string&>();
    Length(shape, value, CodePoints(s), path);
    const auto& values = shape.enum_values();
    if (!values.empty() && std::find(values.begin(), values.end(), s) == values.end()) {
      std::string set;
      for (const std::string& v : values) set += (set.empty() ? "" : ", ") + v;
      Fail(shape, &value, path, "Member must satisfy enum value set: [" + set + "]");
    }
    if (const re2::RE2* re = shape.CompiledPattern(); re != nullptr && !RE2::FullMatch(s, *re)) {
      Fail(shape, &value, path,
           "Member must satisfy regular expression pattern: " + shape.pattern());
    }
  }

  void Length(const Shape& shape, const Json& value, size_t length, const std::string& path) {
    auto n = static_cast<double>(length);
    if (shape.min() && n < *shape.min()) {
      Fail(shape, &value, path,
           "Member must have length greater than or equal to " + Number(*shape.min()));
    }
    if (shape.max() && n > *shape.max()) {
      Fail(shape, &value, path,
           "Member must have length less than or equal to " + Number(*shape.max()));
    }
  }

  void Range(const Shape& shape, const Json& value, const std::string& path) {
    double v = value.get<double>();
    if (shape.min() && v < *shape.min()) {
      Fail(shape, &value, path,
           "Member must have value greater than or equal to " + Number(*shape.min()));
    }
    if (shape.max() && v > *shape.max()) {
      Fail(shape, &value, path,
           "Member must have value less than or equal to " + Number(*shape.max()));
    }
  }

  // Sensitive values are never echoed, nor blobs (bytes, possibly many).
  void Fail(const Shape& shape, const Json* value, const std::string& path,
            const std::string& constraint) {
    std::string shown;
    if (value == nullptr) {
      shown = "null ";
    } else if (!shape.sensitive() && shape.type() != ShapeType::kBlob) {
      shown = "'" + (value->is_string() ? value->get<std::string>() : DumpJson(*value)) + "' ";
    }
    violations_.push_back("Value " + shown + "at '" + path +
                          "' failed to satisfy constraint: " + constraint);
  }

  std::vector<std::string> violations_;
};

}  // namespace

std::vector<std::string> ValidateInput(const Shape& shape, const Json& input) {
  Validator validator;
  validator.Structure(shape, input, "", 0);
  return validator.Take();
}

std::string ValidationMessage(const std::vector<std::string>& violations) {
  std::string message = std::to_string(violations.size()) +
                        (violations.size() == 1 ? " validation error" : " validation errors") +
                        " detected: ";
  for (size_t i = 0; i < violations.size(); ++i) {
    if (i > 0) message += "; ";
    message += violations[i];
  }
  return message;
}

}  // namespace aws::protocol::detail
