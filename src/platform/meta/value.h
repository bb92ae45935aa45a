// A value bound to, or read from, a metadata-store statement: NULL, a 64-bit integer, a
// double, text, or a blob. Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace meta {

struct Blob {
  std::string bytes;
};

using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline Value Null() { return std::monostate{}; }
inline Value Text(std::string_view s) { return std::string(s); }
inline Value Int(int64_t v) { return v; }

}  // namespace meta
