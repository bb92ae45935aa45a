#include "services/s3/cors_rules.h"

#include <algorithm>

#include "base/strings.h"
#include "platform/aws/api_error.h"

namespace s3 {
namespace {

bool WildcardMatch(std::string_view pattern, std::string_view value) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return base::EqualsIgnoreCase(pattern, value);
  std::string_view head = pattern.substr(0, star);
  std::string_view tail = pattern.substr(star + 1);
  return value.size() >= head.size() + tail.size() &&
         base::EqualsIgnoreCase(value.substr(0, head.size()), head) &&
         base::EqualsIgnoreCase(value.substr(value.size() - tail.size()), tail);
}

std::vector<std::string> Strings(const base::Json& rule, const char* name) {
  std::vector<std::string> out;
  auto it = rule.find(name);
  if (it == rule.end() || !it->is_array()) return out;
  for (const base::Json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

CorsRules CorsRules::FromJson(const base::Json& rules) {
  CorsRules out;
  if (!rules.is_array() || rules.empty() || rules.size() > 100) {
    throw aws::ApiError(400, "MalformedXML",
                        "The XML you provided was not well-formed or did not validate against "
                        "our published schema");
  }
  for (const base::Json& r : rules) {
    Rule rule;
    rule.origins = Strings(r, "AllowedOrigins");
    rule.methods = Strings(r, "AllowedMethods");
    for (std::string& h : Strings(r, "AllowedHeaders")) rule.headers.push_back(base::ToLower(h));
    rule.expose_headers = Strings(r, "ExposeHeaders");
    if (auto it = r.find("MaxAgeSeconds"); it != r.end() && it->is_number_integer()) {
      rule.max_age_seconds = it->get<int>();
    }
    if (rule.origins.empty() || rule.methods.empty()) {
      throw aws::ApiError(400, "MalformedXML",
                          "Each CORSRule must name at least one AllowedOrigin and AllowedMethod");
    }
    for (const std::string& m : rule.methods) {
      if (m != "GET" && m != "PUT" && m != "POST" && m != "DELETE" && m != "HEAD") {
        throw aws::ApiError(
            400, "InvalidRequest",
            "Found unsupported HTTP method in CORS config. Unsupported method is " + m);
      }
    }
    for (const std::string& o : rule.origins) {
      if (std::count(o.begin(), o.end(), '*') > 1) {
        throw aws::ApiError(400, "InvalidRequest",
                            "AllowedOrigin \"" + o + "\" can not have more than one wildcard.");
      }
    }
    for (const std::string& h : rule.headers) {
      if (std::count(h.begin(), h.end(), '*') > 1) {
        throw aws::ApiError(400, "InvalidRequest",
                            "AllowedHeader \"" + h + "\" can not have more than one wildcard.");
      }
    }
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

const CorsRules::Rule* CorsRules::Match(std::string_view origin, std::string_view method,
                                        const std::vector<std::string>& request_headers) const {
  for (const Rule& rule : rules_) {
    bool origin_ok = std::any_of(rule.origins.begin(), rule.origins.end(),
                                 [&](const std::string& o) { return WildcardMatch(o, origin); });
    if (!origin_ok) continue;
    if (std::find(rule.methods.begin(), rule.methods.end(), method) == rule.methods.end()) continue;
    bool headers_ok =
        std::all_of(request_headers.begin(), request_headers.end(), [&](const std::string& h) {
          return std::any_of(rule.headers.begin(), rule.headers.end(),
                             [&](const std::string& p) { return WildcardMatch(p, h); });
        });
    if (headers_ok) return &rule;
  }
  return nullptr;
}

void CorsRules::AddHeaders(const Rule& rule, std::string_view origin, bool preflight,
                           const std::vector<std::string>& request_headers, http::Headers& out) {
  bool any_origin = std::find(rule.origins.begin(), rule.origins.end(), "*") != rule.origins.end();
  out.Set("Access-Control-Allow-Origin", any_origin ? "*" : std::string(origin));
  if (!any_origin) out.Set("Access-Control-Allow-Credentials", "true");
  out.Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  if (preflight) {
    out.Set("Access-Control-Allow-Methods", base::Join(rule.methods, ", "));
    if (!request_headers.empty()) {
      out.Set("Access-Control-Allow-Headers", base::Join(request_headers, ", "));
    }
    if (rule.max_age_seconds) {
      out.Set("Access-Control-Max-Age", std::to_string(*rule.max_age_seconds));
    }
  }
  if (!rule.expose_headers.empty()) {
    out.Set("Access-Control-Expose-Headers", base::Join(rule.expose_headers, ", "));
  }
}

}  // namespace s3
