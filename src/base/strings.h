// Small string utilities used across the project: case, trimming, splitting, and the
// percent-encodings of URLs, forms and SigV4 (RFC 3986).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace base {

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
bool IsValidUtf8(std::string_view s);

// RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) stay; every other
// byte becomes %XX with upper-case hex. With `keep_slash`, '/' also stays (SigV4 paths).
std::string UriEncode(std::string_view s, bool keep_slash = false);
// Decodes %XX sequences; with `plus_is_space`, '+' becomes ' ' (form encoding).
// Returns nullopt on a malformed escape.
std::optional<std::string> UriDecode(std::string_view s, bool plus_is_space = false);

// Splits "a=1&b=&c" into ordered (name, value) pairs, decoding both. Malformed escapes make
// the whole string invalid (nullopt).
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQueryString(
    std::string_view query, bool plus_is_space = false);

// Escapes text for XML element content and attribute values.
std::string XmlEscape(std::string_view s);

}  // namespace base
