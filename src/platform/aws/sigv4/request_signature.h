// The SigV4 signature a request carries, found either in its `Authorization: AWS4-HMAC-SHA256
// Credential=..., SignedHeaders=..., Signature=...` header or in the presigned query form
// (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
// X-Amz-Signature, X-Amz-Security-Token). The dispatcher extracts it first: the credential scope
// names the target service and the access key whose secret verifies the request. Extraction is
// strict and never crashes on input; anything malformed is an AuthError. A RequestSignature is a
// plain value; Extract is thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "platform/http/request.h"

namespace aws::sigv4 {

// The longest validity a presigned URL may ask for: 7 days.
inline constexpr std::chrono::seconds kMaxPresignedExpiry{604800};

struct RequestSignature {
  bool presigned = false;
  // The credential scope: AKID/date/region/service/aws4_request.
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower-case names, in the order sent
  std::string signature;                    // hex, as sent
  // The request time: X-Amz-Date (header or presigned parameter) or the Date header, and the
  // same instant in the "YYYYMMDDTHHMMSSZ" form the string to sign uses.
  base::TimePoint request_time;
  std::string amz_date;
  std::optional<std::chrono::seconds> expires;  // presigned: X-Amz-Expires
  std::string session_token;                    // X-Amz-Security-Token; empty when absent

  // "YYYYMMDD/region/service/aws4_request".
  std::string Scope() const;

  // The signature of `request`, or nullopt when it carries none (an anonymous request). Reads
  // the method, path, query and headers only. Throws AuthError when a signature is present but
  // malformed, incomplete, or of an unsupported algorithm.
  static std::optional<RequestSignature> Extract(const http::Request& request);
};

}  // namespace aws::sigv4
