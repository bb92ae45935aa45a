#include "platform/auth/context_keys.h"

namespace auth {

namespace {

// Key names are ASCII; lowering them without the C library's locale keeps every path (and
// every thread) agreeing on the stored form.
void LowerInto(std::string_view key, char* out) {
  for (char c : key) *out++ = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string Lower(std::string_view key) {
  std::string out(key.size(), '\0');
  LowerInto(key, out.data());
  return out;
}

}  // namespace

void ContextKeys::Set(std::string_view key, std::vector<std::string> values) {
  keys_.insert_or_assign(Lower(key), std::move(values));
}

void ContextKeys::Add(std::string_view key, std::string_view value) {
  keys_[Lower(key)].emplace_back(value);
}

void ContextKeys::Erase(std::string_view key) { keys_.erase(Lower(key)); }

const std::vector<std::string>* ContextKeys::Find(std::string_view key) const {
  // This runs for every condition of every request: lower-case into the stack when it fits.
  char buffer[128];
  std::string heap;
  std::string_view lower;
  if (key.size() <= sizeof buffer) {
    LowerInto(key, buffer);
    lower = std::string_view(buffer, key.size());
  } else {
    heap = Lower(key);
    lower = heap;
  }
  auto it = keys_.find(lower);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace auth
