// The error SigV4 authentication raises when a request's signature is missing a part, cannot be
// parsed, uses an unsupported scheme, is out of its time window, or does not match. The kind
// tells the dispatcher which wire error each protocol answers with (S3's SignatureDoesNotMatch,
// IAM's IncompleteSignature...); the details carry the fields some error bodies include, such as
// S3's CanonicalRequest and StringToSign. An AuthError is an immutable value: safe to share
// between threads once thrown.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "base/error.h"
#include "base/time.h"

namespace aws::sigv4 {

enum class AuthFailure {
  // A required part is missing or garbled: an Authorization component, a presigned
  // X-Amz-* parameter, or `host`/the date header absent from SignedHeaders.
  kIncompleteSignature,
  // Not AWS4-HMAC-SHA256: Signature Version 2, Signature Version 4A (ECDSA), or another scheme.
  kUnsupportedAlgorithm,
  // Both an Authorization header and presigned query parameters.
  kConflictingAuth,
  // The Credential is not AKID/YYYYMMDD/region/service/aws4_request, or its date is not the
  // request's date.
  kMalformedCredential,
  // Header form without an X-Amz-Date or Date header.
  kMissingDate,
  // A request date that is not in its format.
  kInvalidDate,
  // X-Amz-Expires is not a number of seconds between 0 and 604800 (7 days).
  kInvalidExpires,
  // Header form: the request time is more than the allowed skew from the server clock.
  kRequestTimeTooSkewed,
  // Presigned: the URL's X-Amz-Date + X-Amz-Expires is in the past.
  kExpired,
  // Presigned: X-Amz-Date lies further in the future than the allowed skew.
  kNotYetValid,
  // S3: x-amz-* headers are present that SignedHeaders does not name.
  kHeadersNotSigned,
  // S3 header form without x-amz-content-sha256.
  kMissingContentSha256,
  // x-amz-content-sha256 is neither a hex SHA-256 nor a known payload mode.
  kInvalidContentSha256,
  // A payload signing mode this server does not implement (the ECDSA streaming modes).
  kUnsupportedPayloadSigning,
  // The signature computed with the caller's secret differs from the one sent.
  kSignatureDoesNotMatch,
};

// Fields some protocols put in their error bodies. Only the ones that apply are set.
struct AuthErrorDetails {
  bool presigned = false;  // the failure concerns the query-string (presigned) form
  std::string access_key_id;
  // kSignatureDoesNotMatch: what the server signed, for S3's CanonicalRequest/StringToSign.
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature_provided;
  // Time failures: the request date as sent ("20150830T123600Z"), the server clock, the allowed
  // skew, and for presigned URLs the moment the URL expired.
  std::string request_date;
  std::optional<base::TimePoint> request_time;
  std::optional<base::TimePoint> server_time;
  std::optional<std::chrono::seconds> max_skew;
  std::optional<base::TimePoint> expires_at;
  // kHeadersNotSigned: the unsigned header names, separated by ", ".
  std::string headers_not_signed;
};

class AuthError : public base::Error {
 public:
  AuthError(AuthFailure kind, const std::string& message, AuthErrorDetails details = {})
      : base::Error(message), kind_(kind), details_(std::move(details)) {}

  AuthFailure kind() const { return kind_; }
  const AuthErrorDetails& details() const { return details_; }

 private:
  AuthFailure kind_;
  AuthErrorDetails details_;
};

}  // namespace aws::sigv4
