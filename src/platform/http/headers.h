// An ordered list of HTTP header fields with case-insensitive lookup by name. Names keep the
// case they were given; duplicates are kept in order. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;

  // Appends a field, keeping any existing ones of the same name.
  void Add(std::string name, std::string value);
  // Replaces all fields named `name` with one field.
  void Set(std::string name, std::string value);
  void Remove(std::string_view name);
  // The first field named `name`.
  std::optional<std::string_view> Get(std::string_view name) const;
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace http
