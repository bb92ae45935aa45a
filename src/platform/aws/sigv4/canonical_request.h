// The SigV4 canonical request and string to sign, built exactly as AWS builds them, shared by
// the verifier and the signer. The canonical URI differs by service: S3 signs the path as sent
// (already URI-encoded once, not normalized); every other service signs the path with its dot
// and empty segments removed and each segment URI-encoded again ("double encoding"), as botocore
// and the AWS SDKs do. The query string is decoded and re-encoded per RFC 3986, then sorted by
// encoded name and value. Header values are trimmed with inner whitespace runs collapsed, and
// repeated headers are joined with commas. All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/http/request.h"

namespace aws::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// How the canonical URI spells the request path.
enum class PathStyle {
  kAsSent,      // S3: the raw path exactly as it arrived
  kNormalized,  // others: dot/empty segments removed, then every byte but [A-Za-z0-9-._~/]
                // percent-encoded again
};

// Whether the credential scope's service follows S3's signing rules: the path as sent, a
// mandatory x-amz-content-sha256, UNSIGNED-PAYLOAD for presigned URLs. S3 and S3 Control both
// sign with the name "s3".
bool UsesS3Rules(std::string_view service);

// kAsSent for S3, else kNormalized.
PathStyle PathStyleFor(std::string_view service);

// The canonical URI of a raw (percent-encoded, as sent) request path.
std::string CanonicalUri(std::string_view raw_path, PathStyle style);

// Splits a raw query string into decoded (name, value) pairs in order; a parameter without '='
// has an empty value. Never fails: an invalid %-escape stays literal, '+' stays '+'.
std::vector<std::pair<std::string, std::string>> DecodeQuery(std::string_view raw_query);

// The canonical query string of a raw query. With `presigned`, X-Amz-Signature is left out.
std::string CanonicalQueryString(std::string_view raw_query, bool presigned);

// "name:value\n" for each of `signed_headers` (lower-case names), in the given order, with the
// request's values for that name trimmed, whitespace-collapsed and comma-joined.
std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_headers);

// The whole canonical request: method, URI, query, headers, signed header list, payload hash.
std::string CanonicalRequest(const http::Request& request,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash, PathStyle style, bool presigned);

// "YYYYMMDD/region/service/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of canonical_request>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

}  // namespace aws::sigv4
