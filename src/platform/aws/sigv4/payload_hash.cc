#include "platform/aws/sigv4/payload_hash.h"

#include <algorithm>

#include "base/crypto.h"
#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/canonical_request.h"

namespace aws::sigv4 {
namespace {

bool IsHexSha256(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

[[noreturn]] void Fail(AuthFailure kind, const std::string& message,
                       const RequestSignature& signature) {
  AuthErrorDetails details;
  details.presigned = signature.presigned;
  details.access_key_id = signature.access_key_id;
  throw AuthError(kind, message, std::move(details));
}

}  // namespace

std::string HashPayload(std::string_view body) { return base::HexEncode(base::Sha256(body)); }

PayloadHash PayloadHash::Resolve(const http::Request& request, const RequestSignature& signature) {
  std::optional<std::string_view> header = request.headers.Get("x-amz-content-sha256");
  bool s3 = UsesS3Rules(signature.service);
  if (!header) {
    if (!s3) return PayloadHash{PayloadMode::kWholeBody, ""};
    if (signature.presigned) return PayloadHash{PayloadMode::kUnsigned, "UNSIGNED-PAYLOAD"};
    Fail(AuthFailure::kMissingContentSha256,
         "Missing required header for this request: x-amz-content-sha256", signature);
  }
  std::string value(*header);
  PayloadMode mode;
  if (value == "UNSIGNED-PAYLOAD") {
    mode = PayloadMode::kUnsigned;
  } else if (value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") {
    mode = PayloadMode::kStreamingSigned;
  } else if (value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") {
    mode = PayloadMode::kStreamingSignedTrailer;
  } else if (value == "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
    mode = PayloadMode::kStreamingUnsignedTrailer;
  } else if (value == "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD" ||
             value == "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER") {
    Fail(AuthFailure::kUnsupportedPayloadSigning,
         "x-amz-content-sha256 " + value +
             " (Signature Version 4A streaming) is not supported; use "
             "STREAMING-AWS4-HMAC-SHA256-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.",
         signature);
  } else if (IsHexSha256(value)) {
    mode = PayloadMode::kSha256;
  } else {
    Fail(AuthFailure::kInvalidContentSha256,
         "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a "
         "valid sha256 value.",
         signature);
  }
  if (signature.presigned &&
      (mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer)) {
    Fail(AuthFailure::kInvalidContentSha256,
         "x-amz-content-sha256 " + value +
             " requires the Authorization header; a presigned URL has no seed signature.",
         signature);
  }
  return PayloadHash{mode, std::move(value)};
}

}  // namespace aws::sigv4
