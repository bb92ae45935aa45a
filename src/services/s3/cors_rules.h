// A bucket's CORS configuration (PutBucketCors) as S3 applies it: the first rule whose allowed
// origins (with at most one `*` wildcard each), methods and headers admit a request answers
// it. Preflight requests (OPTIONS) are answered from the matching rule; actual requests that
// carry an Origin get Access-Control-* response headers when a rule matches. Immutable after
// construction; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "platform/http/headers.h"

namespace s3 {

class CorsRules {
 public:
  struct Rule {
    std::vector<std::string> origins;
    std::vector<std::string> methods;
    std::vector<std::string> headers;  // lower case
    std::vector<std::string> expose_headers;
    std::optional<int> max_age_seconds;
  };

  // From the CORSRules member of a CORSConfiguration. Throws aws::ApiError (MalformedXML,
  // InvalidRequest) for a configuration S3 would refuse.
  static CorsRules FromJson(const base::Json& rules);

  // The rule admitting a request from `origin` with `method` and, for a preflight, the
  // Access-Control-Request-Headers it lists; null if none.
  const Rule* Match(std::string_view origin, std::string_view method,
                    const std::vector<std::string>& request_headers) const;

  // Sets the Access-Control-* headers of a response to `origin` under `rule`.
  static void AddHeaders(const Rule& rule, std::string_view origin, bool preflight,
                         const std::vector<std::string>& request_headers, http::Headers& out);

 private:
  std::vector<Rule> rules_;
};

}  // namespace s3
