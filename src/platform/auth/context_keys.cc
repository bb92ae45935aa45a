#include "platform/auth/context_keys.h"

#include <cstdint>

#include "base/strings.h"

namespace auth {

namespace {

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t ContextKeys::Hash::operator()(std::string_view key) const {
  // FNV-1a over the lower-cased bytes, so that keys differing only in case collide.
  uint64_t h = 1469598103934665603ull;
  for (char c : key) {
    h ^= static_cast<unsigned char>(AsciiLower(c));
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h);
}

bool ContextKeys::Equal::operator()(std::string_view a, std::string_view b) const {
  return base::EqualsIgnoreCase(a, b);
}

void ContextKeys::Set(std::string_view key, std::vector<std::string> values) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    keys_.emplace(std::string(key), std::move(values));
  } else {
    it->second = std::move(values);
  }
}

void ContextKeys::Add(std::string_view key, std::string_view value) {
  auto it = keys_.find(key);
  if (it == keys_.end()) it = keys_.emplace(std::string(key), std::vector<std::string>()).first;
  it->second.emplace_back(value);
}

void ContextKeys::Erase(std::string_view key) {
  auto it = keys_.find(key);
  if (it != keys_.end()) keys_.erase(it);
}

const std::vector<std::string>* ContextKeys::Find(std::string_view key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace auth
