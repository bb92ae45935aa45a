#include "platform/aws/sigv4/signer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/strings.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/request_signature.h"
#include "platform/aws/sigv4/signing_key.h"

namespace aws::sigv4 {
namespace {

// Headers a proxy may add, drop or rewrite, which must therefore stay unsigned.
constexpr std::string_view kUnsignedHeaders[] = {"authorization",
                                                 "connection",
                                                 "expect",
                                                 "keep-alive",
                                                 "proxy-authenticate",
                                                 "proxy-authorization",
                                                 "te",
                                                 "trailer",
                                                 "transfer-encoding",
                                                 "upgrade",
                                                 "user-agent",
                                                 "x-amzn-trace-id"};

std::vector<std::string> HeadersToSign(const http::Headers& headers) {
  if (!headers.Has("Host")) throw base::Error("a request to sign needs a Host header");
  std::vector<std::string> names;
  for (const auto& [name, value] : headers.entries()) {
    std::string lower = base::ToLower(name);
    if (std::find(std::begin(kUnsignedHeaders), std::end(kUnsignedHeaders), lower) !=
        std::end(kUnsignedHeaders)) {
      continue;
    }
    names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string JoinNames(const std::vector<std::string>& names) { return base::Join(names, ";"); }

}  // namespace

Signer::Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string Signer::Sign(http::Request* request, std::string_view payload_hash,
                         base::TimePoint now) const {
  std::string amz_date = base::FormatAmzDate(now);
  std::string date = amz_date.substr(0, 8);
  http::Headers& headers = request->headers;
  headers.Remove("Authorization");
  headers.Remove("Date");
  headers.Set("X-Amz-Date", amz_date);
  if (!credentials_.session_token.empty()) {
    headers.Set("X-Amz-Security-Token", credentials_.session_token);
  }
  if (UsesS3Rules(service_)) headers.Set("x-amz-content-sha256", std::string(payload_hash));
  std::vector<std::string> signed_headers = HeadersToSign(headers);
  std::string scope = CredentialScope(date, region_, service_);
  std::string canonical = CanonicalRequest(*request, signed_headers, payload_hash,
                                           PathStyleFor(service_), /*presigned=*/false);
  std::string signature =
      SignatureHex(DeriveSigningKey(credentials_.secret_access_key, date, region_, service_),
                   StringToSign(amz_date, scope, canonical));
  headers.Set("Authorization",
              std::string(kAlgorithm) + " Credential=" + credentials_.access_key_id + "/" + scope +
                  ", SignedHeaders=" + JoinNames(signed_headers) + ", Signature=" + signature);
  return signature;
}

std::string Signer::Presign(const http::Request& request, base::TimePoint now,
                            std::chrono::seconds expires) const {
  if (expires.count() < 0 || expires > kMaxPresignedExpiry) {
    throw base::Error("a presigned URL expires within 0 to 604800 seconds");
  }
  std::string amz_date = base::FormatAmzDate(now);
  std::string date = amz_date.substr(0, 8);
  std::string scope = CredentialScope(date, region_, service_);
  std::vector<std::string> signed_headers = HeadersToSign(request.headers);
  std::string query = request.query;
  auto add = [&query](std::string_view name, std::string_view value) {
    if (!query.empty()) query += '&';
    query += name;
    query += '=';
    query += base::UriEncode(value);
  };
  add("X-Amz-Algorithm", kAlgorithm);
  add("X-Amz-Credential", credentials_.access_key_id + "/" + scope);
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires.count()));
  add("X-Amz-SignedHeaders", JoinNames(signed_headers));
  if (!credentials_.session_token.empty()) {
    add("X-Amz-Security-Token", credentials_.session_token);
  }
  http::Request presigned;
  presigned.method = request.method;
  presigned.path = request.path;
  presigned.query = query;
  presigned.headers = request.headers;
  std::string_view payload_hash = UsesS3Rules(service_) ? "UNSIGNED-PAYLOAD" : kEmptySha256;
  std::string canonical = CanonicalRequest(presigned, signed_headers, payload_hash,
                                           PathStyleFor(service_), /*presigned=*/true);
  std::string signature =
      SignatureHex(DeriveSigningKey(credentials_.secret_access_key, date, region_, service_),
                   StringToSign(amz_date, scope, canonical));
  add("X-Amz-Signature", signature);
  return request.path + "?" + query;
}

ChunkSignatureChain Signer::ChunkChain(std::string seed_signature, base::TimePoint now) const {
  std::string amz_date = base::FormatAmzDate(now);
  std::string date = amz_date.substr(0, 8);
  return ChunkSignatureChain(
      DeriveSigningKey(credentials_.secret_access_key, date, region_, service_), amz_date,
      CredentialScope(date, region_, service_), std::move(seed_signature));
}

}  // namespace aws::sigv4
