// The request context keys a policy's conditions and variables read: a map from key name
// ("aws:SourceIp", "s3:prefix") to the list of string values the request carries for it.
// Key names compare case-insensitively, as IAM's do; values are kept exactly.
//
// The dispatcher fills one ContextKeys per request and then only reads it; concurrent reads
// are safe, but writes need external synchronization.
#pragma once

#include <cstddef>
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
  const std::vector<std::string>* Find(std::string_view key) const;

  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const;
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };

  std::unordered_map<std::string, std::vector<std::string>, Hash, Equal> keys_;
};

}  // namespace auth
