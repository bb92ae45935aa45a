#include "platform/http/headers.h"

#include <algorithm>

#include "base/strings.h"

namespace http {

void Headers::Add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string name, std::string value) {
  Remove(name);
  Add(std::move(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
  std::erase_if(entries_, [&](const Entry& e) { return base::EqualsIgnoreCase(e.first, name); });
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& e : entries_) {
    if (base::EqualsIgnoreCase(e.first, name)) return std::string_view(e.second);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::GetAll(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& e : entries_) {
    if (base::EqualsIgnoreCase(e.first, name)) out.emplace_back(e.second);
  }
  return out;
}

}  // namespace http
