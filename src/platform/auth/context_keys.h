// The request context keys a policy's conditions and variables read: a map from key name
// ("aws:SourceIp", "s3:prefix") to the list of string values the request carries for it.
// Key names compare case-insensitively, as IAM's do; values are kept exactly.
//
// The dispatcher fills one ContextKeys per request and then only reads it; concurrent reads
// are safe, but writes need external synchronization.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace auth {

class ContextKeys {
 public:
  // Replaces the values of `key`. An empty list makes the key present with no value, which
  // conditions treat as absent.
  void Set(std::string_view key, std::vector<std::string> values);
  // Appends one value to `key` (multivalued keys such as aws:TagKeys).
  void Add(std::string_view key, std::string_view value);
  void Erase(std::string_view key);
  // The values of `key` in any letter case, or nullptr when the request does not carry it.
  // Does not allocate for keys of up to 128 bytes.
  const std::vector<std::string>* Find(std::string_view key) const;

  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

 private:
  struct Hash : std::hash<std::string_view> {
    using is_transparent = void;
  };
  using Map = std::unordered_map<std::string, std::vector<std::string>, Hash, std::equal_to<>>;

  // Keys are stored lower-cased.
  Map keys_;
};

}  // namespace auth
