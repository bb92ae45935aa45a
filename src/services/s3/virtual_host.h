// Virtual-hosted-style S3 addressing: a request whose Host is `<bucket>.<base domain>` (by
// default `<bucket>.localhost`) or `<bucket>.s3.<anything>` names its bucket in the host, and
// is routed as the path-style request `/<bucket><path>`. Hosts that are IP addresses, equal to
// a base domain, or whose first label is not a valid bucket name address no bucket. Immutable
// after construction; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/request.h"

namespace s3 {

class VirtualHost {
 public:
  explicit VirtualHost(std::vector<std::string> base_domains);

  // The bucket a Host header value (with or without a port) names, if any.
  std::optional<std::string> BucketOf(std::string_view host) const;
  // The path-style path of a virtual-hosted request, or nullopt for a path-style request.
  std::optional<std::string> RoutePath(const http::Request& request) const;

 private:
  std::vector<std::string> base_domains_;  // lower case
};

}  // namespace s3
