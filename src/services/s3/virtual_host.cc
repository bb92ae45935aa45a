#include "services/s3/virtual_host.h"

#include "base/strings.h"
#include "engines/storage/validation.h"

namespace s3 {

VirtualHost::VirtualHost(std::vector<std::string> base_domains) {
  for (const std::string& d : base_domains) base_domains_.push_back(base::ToLower(d));
}

std::optional<std::string> VirtualHost::BucketOf(std::string_view host) const {
  if (host.empty() || host.front() == '[') return std::nullopt;  // IPv6 literal
  std::string name = base::ToLower(host.substr(0, host.find(':')));
  if (!name.empty() && name.back() == '.') name.pop_back();
  std::optional<std::string> bucket;
  for (const std::string& domain : base_domains_) {
    if (name.size() > domain.size() + 1 && name.ends_with(domain) &&
        name[name.size() - domain.size() - 1] == '.') {
      bucket = name.substr(0, name.size() - domain.size() - 1);
      break;
    }
  }
  if (!bucket) {
    size_t s3 = name.find(".s3.");
    if (s3 == std::string::npos && name.ends_with(".s3")) s3 = name.size() - 3;
    if (s3 != std::string::npos && s3 > 0) bucket = name.substr(0, s3);
  }
  if (!bucket || !storage::IsValidBucketName(*bucket)) return std::nullopt;
  return bucket;
}

std::optional<std::string> VirtualHost::RoutePath(const http::Request& request) const {
  std::optional<std::string_view> host = request.headers.Get("Host");
  if (!host) return std::nullopt;
  std::optional<std::string> bucket = BucketOf(*host);
  if (!bucket) return std::nullopt;
  if (request.path.empty() || request.path == "/") return "/" + *bucket;
  return "/" + *bucket + request.path;
}

}  // namespace s3
