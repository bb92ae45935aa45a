#include "platform/aws/protocol/shape.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdio>

namespace aws::protocol {

namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads the 4 hex digits of a Java `\uXXXX` escape at s[pos] ('\\'), or -1.
long JavaUnicodeEscape(std::string_view s, size_t pos) {
  if (pos + 6 > s.size() || s[pos] != '\\' || s[pos + 1] != 'u') return -1;
  for (size_t i = pos + 2; i < pos + 6; ++i) {
    if (!IsHex(s[i])) return -1;
  }
  return std::strtol(std::string(s.substr(pos + 2, 4)).c_str(), nullptr, 16);
}

// Java regular expressions write code points as `\uXXXX` (supplementary ones as a surrogate
// pair); RE2 writes `\x{XXXXX}`. Other syntax is shared or rejected by RE2 at compile time.
std::string TranslateJavaPattern(std::string_view java) {
  std::string out;
  out.reserve(java.size());
  for (size_t i = 0; i < java.size(); ++i) {
    if (java[i] == '\\' && i + 1 < java.size() && java[i + 1] != 'u') {
      out.append(java.substr(i, 2));
      ++i;
      continue;
    }
    long cp = JavaUnicodeEscape(java, i);
    if (cp < 0) {
      out += java[i];
      continue;
    }
    i += 5;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      long low = JavaUnicodeEscape(java, i + 1);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 6;
      }
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "\\x{%lX}", cp);
    out += buf;
  }
  return out;
}

}  // namespace

Shape::Shape(std::string name, ShapeType type) : name_(std::move(name)), type_(type) {}

Shape::~Shape() = default;

bool Shape::is_scalar() const {
  return type_ != ShapeType::kStructure && type_ != ShapeType::kList && type_ != ShapeType::kMap;
}

const Member* Shape::FindMember(std::string_view name) const {
  auto it = std::find_if(members_.begin(), members_.end(),
                         [&](const Member& m) { return m.name == name; });
  return it == members_.end() ? nullptr : &*it;
}

const Member* Shape::payload() const {
  return payload_index_ < 0 ? nullptr : &members_[static_cast<size_t>(payload_index_)];
}

const re2::RE2* Shape::CompiledPattern() const {
  if (pattern_.empty()) return nullptr;
  std::call_once(pattern_once_, [this] {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(TranslateJavaPattern(pattern_), options);
    if (re->ok()) compiled_pattern_ = std::move(re);
  });
  return compiled_pattern_.get();
}

}  // namespace aws::protocol
