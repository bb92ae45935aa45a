#include "platform/aws/protocol/xml_body.h"

#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/value_codec.h"

namespace aws::protocol::detail {

using base::Json;

namespace {

// "xsi:type" -> "type". Element and attribute names are matched without their prefix, as
// botocore matches them without their namespace.
std::string_view LocalName(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool Named(const pugi::xml_node& node, std::string_view name) {
  return node.type() == pugi::node_element && LocalName(node.name()) == LocalName(name);
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node child : parent.children()) {
    if (Named(child, name)) return child;
  }
  return {};
}

std::string Text(const pugi::xml_node& node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return text;
}

std::string_view NameOr(const ShapeRef& ref, std::string_view fallback) {
  return ref.WireName(fallback);
}

void CheckDepth(int depth) {
  if (depth > kMaxDepth) {
    throw InputError(InputError::Kind::kMalformed,
                     "XML nesting exceeds " + std::to_string(kMaxDepth) + " levels");
  }
}

Json Decode(const ShapeRef& ref, const pugi::xml_node& node, std::string_view where, int depth);

void DecodeEntry(const Shape& map, const pugi::xml_node& entry, std::string_view where, int depth,
                 Json* out) {
  pugi::xml_node key = Child(entry, NameOr(map.key(), "key"));
  pugi::xml_node value = Child(entry, NameOr(map.value(), "value"));
  if (!key) return;
  (*out)[Text(key)] = value ? Decode(map.value(), value, where, depth + 1) : Json("");
}

void DecodeMembers(const Shape& shape, const pugi::xml_node& element, bool body_only, int depth,
                   Json* out) {
  for (const Member& m : shape.members()) {
    if (body_only && m.location != Location::kBody) continue;
    std::string_view wire = m.WireName(m.name);
    const Shape& ms = *m.shape;
    if (m.xml_attribute) {
      for (pugi::xml_attribute attr : element.attributes()) {
        if (LocalName(attr.name()) == LocalName(wire)) {
          (*out)[m.name] = DecodeScalarText(m, attr.value(), m.name);
        }
      }
    } else if (m.flattened && ms.type() == ShapeType::kList) {
      std::string_view alternative = ms.element().location_name;
      Json list = Json::array();
      for (pugi::xml_node child : element.children()) {
        if (Named(child, wire) || (!alternative.empty() && Named(child, alternative))) {
          list.push_back(Decode(ms.element(), child, m.name, depth + 1));
        }
      }
      if (!list.empty()) (*out)[m.name] = std::move(list);
    } else if (m.flattened && ms.type() == ShapeType::kMap) {
      Json map = Json::object();
      for (pugi::xml_node child : element.children()) {
        if (Named(child, wire)) DecodeEntry(ms, child, m.name, depth, &map);
      }
      if (!map.empty()) (*out)[m.name] = std::move(map);
    } else if (pugi::xml_node child = Child(element, wire)) {
      (*out)[m.name] = Decode(m, child, m.name, depth + 1);
    }
  }
}

Json Decode(const ShapeRef& ref, const pugi::xml_node& node, std::string_view where, int depth) {
  CheckDepth(depth);
  const Shape& shape = *ref.shape;
  switch (shape.type()) {
    case ShapeType::kStructure: {
      Json out = Json::object();
      DecodeMembers(shape, node, false, depth, &out);
      return out;
    }
    case ShapeType::kList: {
      Json out = Json::array();
      std::string_view item = NameOr(shape.element(), "member");
      for (pugi::xml_node child : node.children()) {
        if (Named(child, item)) out.push_back(Decode(shape.element(), child, where, depth + 1));
      }
      return out;
    }
    case ShapeType::kMap: {
      Json out = Json::object();
      for (pugi::xml_node child : node.children()) {
        if (Named(child, "entry")) DecodeEntry(shape, child, where, depth, &out);
      }
      return out;
    }
    default:
      return DecodeScalarText(ref, Text(node), where);
  }
}

void Encode(const ShapeRef& ref, std::string_view name, const Json& value, int depth, XmlWriter* w);

void EncodeMembers(const Shape& shape, const Json& value, bool body_only, int depth, XmlWriter* w) {
  if (!value.is_object()) OutputMismatch(shape.name(), ShapeType::kStructure, value);
  for (const Member& m : shape.members()) {
    if (!m.xml_attribute) continue;
    auto it = value.find(m.name);
    if (it == value.end() || it->is_null()) continue;
    w->Attribute(m.WireName(m.name), EncodeScalarText(m, *it, TimestampFormat::kIso8601, m.name));
  }
  for (const Member& m : shape.members()) {
    if (m.xml_attribute || (body_only && m.location != Location::kBody)) continue;
    auto it = value.find(m.name);
    if (it == value.end() || it->is_null()) continue;
    Encode(m, m.WireName(m.name), *it, depth + 1, w);
  }
}

void EncodeEntry(const Shape& map, const std::string& key, const Json& value, int depth,
                 XmlWriter* w) {
  w->Element(NameOr(map.key(), "key"), key);
  Encode(map.value(), NameOr(map.value(), "value"), value, depth + 1, w);
}

void Encode(const ShapeRef& ref, std::string_view name, const Json& value, int depth,
            XmlWriter* w) {
  if (depth > kMaxDepth) throw OutputError("output nesting exceeds the limit");
  const Shape& shape = *ref.shape;
  switch (shape.type()) {
    case ShapeType::kStructure:
      w->Open(name);
      WriteXmlNamespace(ref, w);
      EncodeMembers(shape, value, false, depth, w);
      w->Close(name);
      return;
    case ShapeType::kList: {
      if (!value.is_array()) break;
      if (ref.flattened) {
        std::string_view item = NameOr(shape.element(), name);
        for (const Json& v : value) {
          if (!v.is_null()) Encode(shape.element(), item, v, depth + 1, w);
        }
        return;
      }
      w->Open(name);
      WriteXmlNamespace(ref, w);
      std::string_view item = NameOr(shape.element(), "member");
      for (const Json& v : value) {
        if (!v.is_null()) Encode(shape.element(), item, v, depth + 1, w);
      }
      w->Close(name);
      return;
    }
    case ShapeType::kMap:
      if (!value.is_object()) break;
      if (!ref.flattened) {
        w->Open(name);
        WriteXmlNamespace(ref, w);
      }
      for (const auto& [key, v] : value.items()) {
        if (v.is_null()) continue;
        w->Open(ref.flattened ? name : "entry");
        EncodeEntry(shape, key, v, depth, w);
        w->Close(ref.flattened ? name : "entry");
      }
      if (!ref.flattened) w->Close(name);
      return;
    default:
      w->Open(name);
      WriteXmlNamespace(ref, w);
      w->Text(EncodeScalarText(ref, value, TimestampFormat::kIso8601, name));
      w->Close(name);
      return;
  }
  OutputMismatch(name, shape.type(), value);
}

}  // namespace

void ParseXmlDocument(std::string_view text, pugi::xml_document* doc) {
  pugi::xml_parse_result result =
      doc->load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                       pugi::encoding_utf8);
  if (!result) {
    throw InputError(InputError::Kind::kMalformed,
                     std::string("malformed XML: ") + result.description());
  }
  if (!doc->document_element()) {
    throw InputError(InputError::Kind::kMalformed, "malformed XML: no root element");
  }
}

void DecodeXmlStructure(const Shape& shape, const pugi::xml_node& element, bool body_only,
                        Json* out) {
  DecodeMembers(shape, element, body_only, 0, out);
}

void EncodeXmlMembers(const Shape& shape, const Json& value, bool body_only, XmlWriter* writer) {
  EncodeMembers(shape, value, body_only, 0, writer);
}

void EncodeXmlValue(const ShapeRef& ref, std::string_view name, const Json& value,
                    XmlWriter* writer) {
  Encode(ref, name, value, 0, writer);
}

void WriteXmlNamespace(const ShapeRef& ref, XmlWriter* writer) {
  if (ref.xml_namespace_uri.empty()) return;
  if (ref.xml_namespace_prefix.empty()) {
    writer->Attribute("xmlns", ref.xml_namespace_uri);
  } else {
    writer->Attribute("xmlns:" + ref.xml_namespace_prefix, ref.xml_namespace_uri);
  }
}

}  // namespace aws::protocol::detail
