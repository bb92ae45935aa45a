#include "platform/aws/sigv4/canonical_request.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/strings.h"

namespace aws::sigv4 {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding that keeps an invalid escape as it is, so that any raw query has a
// canonical form (one a client that sent garbage cannot have signed).
std::string LenientDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexDigit(s[i + 1]);
      int lo = HexDigit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Appends `value` with leading/trailing whitespace removed and inner runs collapsed to one space.
void AppendTrimmed(std::string_view value, std::string* out) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) *out += ' ';
    pending_space = false;
    any = true;
    *out += c;
  }
}

// RFC 3986 "remove dot segments", plus removal of empty segments, as botocore does.
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!segment.empty() && segment != ".") {
      out.push_back(segment);
    }
    start = slash + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

}  // namespace

bool UsesS3Rules(std::string_view service) { return service == "s3"; }

PathStyle PathStyleFor(std::string_view service) {
  return UsesS3Rules(service) ? PathStyle::kAsSent : PathStyle::kNormalized;
}

std::string CanonicalUri(std::string_view raw_path, PathStyle style) {
  if (style == PathStyle::kAsSent) return raw_path.empty() ? "/" : std::string(raw_path);
  return base::UriEncode(NormalizePath(raw_path), /*keep_slash=*/true);
}

std::vector<std::pair<std::string, std::string>> DecodeQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t amp = raw_query.find('&', start);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view part = raw_query.substr(start, amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(LenientDecode(part), std::string());
      } else {
        out.emplace_back(LenientDecode(part.substr(0, eq)), LenientDecode(part.substr(eq + 1)));
      }
    }
    start = amp + 1;
  }
  return out;
}

std::string CanonicalQueryString(std::string_view raw_query, bool presigned) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (auto& [name, value] : DecodeQuery(raw_query)) {
    if (presigned && name == "X-Amz-Signature") continue;
    encoded.emplace_back(base::UriEncode(name), base::UriEncode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const std::string& name : signed_headers) {
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [field_name, field_value] : headers.entries()) {
      if (!base::EqualsIgnoreCase(field_name, name)) continue;
      if (!first) out += ',';
      first = false;
      AppendTrimmed(field_value, &out);
    }
    out += '\n';
  }
  return out;
}

std::string CanonicalRequest(const http::Request& request,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash, PathStyle style, bool presigned) {
  std::string out;
  out.reserve(512);
  out += request.method;
  out += '\n';
  out += CanonicalUri(request.path, style);
  out += '\n';
  out += CanonicalQueryString(request.query, presigned);
  out += '\n';
  out += CanonicalHeaders(request.headers, signed_headers);
  out += '\n';
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out += ';';
    out += signed_headers[i];
  }
  out += '\n';
  out += payload_hash;
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 16);
  out += date;
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += "/aws4_request";
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 68);
  out += kAlgorithm;
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += base::HexEncode(base::Sha256(canonical_request));
  return out;
}

}  // namespace aws::sigv4
