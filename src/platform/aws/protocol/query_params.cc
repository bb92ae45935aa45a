#include "platform/aws/protocol/query_params.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>

#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/value_codec.h"

namespace aws::protocol::detail {

using base::Json;

namespace {

// Parameter names deeper than this match no shape of the embedded models; they are ignored,
// which also bounds the recursion over the tree.
constexpr size_t kMaxSegments = 32;

// The parameters as a tree of their dotted names.
struct Node {
  std::optional<std::string> value;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;

  const Node* Find(std::string_view name) const {
    auto it = children.find(name);
    return it == children.end() ? nullptr : it->second.get();
  }

  // The children named by positive integers, in numeric order.
  std::vector<const Node*> Indexed() const {
    std::vector<std::pair<uint32_t, const Node*>> items;
    for (const auto& [name, child] : children) {
      uint32_t index = 0;
      auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
      if (ec == std::errc() && ptr == name.data() + name.size() && index > 0) {
        items.emplace_back(index, child.get());
      }
    }
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const Node*> out;
    for (const auto& item : items) out.push_back(item.second);
    return out;
  }
};

void Insert(Node* root, std::string_view name, const std::string& value) {
  size_t dots = static_cast<size_t>(std::count(name.begin(), name.end(), '.'));
  if (dots + 1 > kMaxSegments) return;
  Node* node = root;
  while (true) {
    size_t dot = name.find('.');
    std::string_view segment = name.substr(0, dot);
    auto it = node->children.find(segment);
    if (it == node->children.end()) {
      it = node->children.emplace(std::string(segment), std::make_unique<Node>()).first;
    }
    node = it->second.get();
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  if (!node->value) node->value = value;
}

std::optional<Json> Decode(const ShapeRef& ref, const Node& node, std::string_view where);

Json DecodeStructure(const Shape& shape, const Node& node) {
  Json out = Json::object();
  for (const Member& m : shape.members()) {
    const Node* child = node.Find(m.WireName(m.name));
    // A flattened list whose element is named serializes under the element's name.
    if (child == nullptr && m.flattened && m.shape->type() == ShapeType::kList &&
        !m.shape->element().location_name.empty()) {
      child = node.Find(m.shape->element().location_name);
    }
    if (child == nullptr) continue;
    if (auto v = Decode(m, *child, m.name)) out[m.name] = std::move(*v);
  }
  return out;
}

bool IsEmptyCollection(const Node& node) { return node.value && node.children.empty(); }

std::optional<Json> Decode(const ShapeRef& ref, const Node& node, std::string_view where) {
  const Shape& shape = *ref.shape;
  switch (shape.type()) {
    case ShapeType::kStructure:
      return DecodeStructure(shape, node);
    case ShapeType::kList: {
      const Node* items = ref.flattened ? &node : node.Find(shape.element().WireName("member"));
      if (items == nullptr) {
        if (IsEmptyCollection(node)) return Json::array();
        return std::nullopt;
      }
      Json out = Json::array();
      for (const Node* item : items->Indexed()) {
        if (auto v = Decode(shape.element(), *item, where)) out.push_back(std::move(*v));
      }
      return out;
    }
    case ShapeType::kMap: {
      const Node* entries = ref.flattened ? &node : node.Find("entry");
      if (entries == nullptr) {
        if (IsEmptyCollection(node)) return Json::object();
        return std::nullopt;
      }
      Json out = Json::object();
      for (const Node* entry : entries->Indexed()) {
        const Node* key = entry->Find(shape.key().WireName("key"));
        const Node* value = entry->Find(shape.value().WireName("value"));
        if (key == nullptr || !key->value || value == nullptr) continue;
        if (auto v = Decode(shape.value(), *value, where)) out[*key->value] = std::move(*v);
      }
      return out;
    }
    default:
      if (!node.value) return std::nullopt;
      return DecodeScalarText(ref, *node.value, where);
  }
}

}  // namespace

Json DecodeQueryParams(const Shape& shape,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  Node root;
  for (const auto& [name, value] : params) Insert(&root, name, value);
  return DecodeStructure(shape, root);
}

}  // namespace aws::protocol::detail
