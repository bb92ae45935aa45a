#include "platform/aws/protocol/rest_bindings.h"

#include <string>
#include <vector>

#include "base/strings.h"
#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/value_codec.h"

namespace aws::protocol::detail {

using base::Json;

namespace {

// Splits a header list value ("a, b" or `"a,b", c`) into its items: commas inside double
// quotes do not split, and quoted items lose their quotes and backslash escapes.
std::vector<std::string> SplitHeaderList(std::string_view value) {
  std::vector<std::string> items;
  std::string item;
  bool quoted = false;
  bool was_quoted = false;
  auto finish = [&] {
    std::string_view trimmed = was_quoted ? std::string_view(item) : base::Trim(item);
    items.emplace_back(trimmed);
    item.clear();
    was_quoted = false;
  };
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted) {
      if (c == '\\' && i + 1 < value.size()) {
        item += value[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        item += c;
      }
    } else if (c == '"' && base::Trim(item).empty()) {
      item.clear();
      quoted = was_quoted = true;
    } else if (c == ',') {
      finish();
    } else if (!was_quoted) {
      item += c;
    }
  }
  finish();
  return items;
}

std::string QuoteHeaderListItem(const std::string& item) {
  if (item.find_first_of(",\"") == std::string::npos) return item;
  std::string out = "\"";
  for (char c : item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && base::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

void CheckHeaderName(std::string_view name) {
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ':') {
      throw OutputError("output header name '" + std::string(name) + "' is not a token");
    }
  }
}

void CheckHeaderValue(std::string_view name, std::string_view value) {
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    throw OutputError("output header '" + std::string(name) + "' holds a line break or NUL");
  }
}

void DecodeQueryMember(const Member& m, const Shape& input, const WireRequest& request, Json* out) {
  std::string_view wire = m.WireName(m.name);
  const Shape& shape = *m.shape;
  if (shape.type() == ShapeType::kMap) {
    // A query map takes every parameter no other query member names.
    Json map = Json::object();
    for (const auto& [key, value] : request.query) {
      const Member* other = nullptr;
      for (const Member& o : input.members()) {
        if (o.location == Location::kQueryString && &o != &m && o.WireName(o.name) == key) {
          other = &o;
        }
      }
      if (other != nullptr) continue;
      if (shape.value().shape->type() == ShapeType::kList) {
        map[key].push_back(DecodeScalarText(shape.value().shape->element(), value, m.name));
      } else if (!map.contains(key)) {
        map[key] = DecodeScalarText(shape.value(), value, m.name);
      }
    }
    if (!map.empty()) (*out)[m.name] = std::move(map);
    return;
  }
  Json list = Json::array();
  for (const auto& [key, value] : request.query) {
    if (key != wire) continue;
    if (shape.type() != ShapeType::kList) {
      (*out)[m.name] = DecodeScalarText(m, value, m.name);
      return;
    }
    list.push_back(DecodeScalarText(shape.element(), value, m.name));
  }
  if (!list.empty()) (*out)[m.name] = std::move(list);
}

void DecodeHeaderMember(const Member& m, const WireRequest& request, Json* out) {
  std::vector<std::string_view> values = request.headers.GetAll(m.WireName(m.name));
  if (values.empty()) return;
  if (m.shape->type() != ShapeType::kList) {
    (*out)[m.name] = DecodeScalarText(m, values.front(), m.name);
    return;
  }
  Json list = Json::array();
  for (std::string_view value : values) {
    for (const std::string& item : SplitHeaderList(value)) {
      list.push_back(DecodeScalarText(m.shape->element(), item, m.name));
    }
  }
  (*out)[m.name] = std::move(list);
}

void DecodeHeaderMap(const Member& m, const WireRequest& request, Json* out) {
  std::string prefix = base::ToLower(m.WireName(m.name));
  Json map = Json::object();
  for (const auto& [name, value] : request.headers.entries()) {
    if (!StartsWithIgnoreCase(name, prefix)) continue;
    std::string key = base::ToLower(std::string_view(name).substr(prefix.size()));
    if (!map.contains(key)) map[key] = DecodeScalarText(m.shape->value(), value, m.name);
  }
  if (!map.empty()) (*out)[m.name] = std::move(map);
}

std::string HeaderText(const Member& m, const Json& value) {
  if (m.shape->type() != ShapeType::kList) {
    return EncodeScalarText(m, value, TimestampFormat::kRfc822, m.name);
  }
  if (!value.is_array()) OutputMismatch(m.name, ShapeType::kList, value);
  std::string text;
  for (const Json& item : value) {
    if (item.is_null()) continue;
    if (!text.empty()) text += ",";
    text += QuoteHeaderListItem(
        EncodeScalarText(m.shape->element(), item, TimestampFormat::kRfc822, m.name));
  }
  return text;
}

}  // namespace

void DecodeRestBindings(const Shape& input, const WireRequest& request, const RouteMatch* route,
                        Json* out) {
  for (const Member& m : input.members()) {
    switch (m.location) {
      case Location::kUri:
        if (route != nullptr) {
          if (const std::string* label = route->Label(m.WireName(m.name))) {
            (*out)[m.name] = DecodeScalarText(m, *label, m.name);
          }
        }
        break;
      case Location::kQueryString:
        DecodeQueryMember(m, input, request, out);
        break;
      case Location::kHeader:
        DecodeHeaderMember(m, request, out);
        break;
      case Location::kHeaders:
        DecodeHeaderMap(m, request, out);
        break;
      case Location::kBody:
      case Location::kStatusCode:
        break;
    }
  }
}

void EncodeRestBindings(const Shape& output, const Json& value, WireResponse* response) {
  if (!value.is_object()) return;
  for (const Member& m : output.members()) {
    auto it = value.find(m.name);
    if (it == value.end() || it->is_null()) continue;
    switch (m.location) {
      case Location::kStatusCode: {
        auto status = IntegerValue(ShapeType::kInteger, *it);
        if (!status || status->get<int>() < 100 || status->get<int>() > 599) {
          throw OutputError("output status code member '" + m.name + "' is not an HTTP status");
        }
        response->status = status->get<int>();
        break;
      }
      case Location::kHeader: {
        std::string text = HeaderText(m, *it);
        CheckHeaderValue(m.WireName(m.name), text);
        response->headers.Set(std::string(m.WireName(m.name)), std::move(text));
        break;
      }
      case Location::kHeaders: {
        if (!it->is_object()) OutputMismatch(m.name, ShapeType::kMap, *it);
        for (const auto& [key, v] : it->items()) {
          std::string name = std::string(m.WireName(m.name)) + key;
          std::string text =
              EncodeScalarText(m.shape->value(), v, TimestampFormat::kRfc822, m.name);
          CheckHeaderName(name);
          CheckHeaderValue(name, text);
          response->headers.Set(std::move(name), std::move(text));
        }
        break;
      }
      case Location::kBody:
      case Location::kUri:
      case Location::kQueryString:
        break;
    }
  }
}

}  // namespace aws::protocol::detail
