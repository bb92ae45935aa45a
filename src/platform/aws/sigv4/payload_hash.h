// What a SigV4 request's canonical request says about its body: the x-amz-content-sha256 mode
// (a hex SHA-256 to verify as the body is read, UNSIGNED-PAYLOAD, or one of the aws-chunked
// streaming modes), or, for non-S3 requests without that header, the SHA-256 of the whole body,
// which the dispatcher computes after reading the (small) body. A plain value; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "platform/aws/sigv4/request_signature.h"
#include "platform/http/request.h"

namespace aws::sigv4 {

enum class PayloadMode {
  kSha256,                    // x-amz-content-sha256 is the body's hex SHA-256
  kUnsigned,                  // UNSIGNED-PAYLOAD, or an S3 presigned URL without the header
  kStreamingSigned,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
  kWholeBody,                 // no header, not S3: the hash of the whole body
};

// The lower-case hex SHA-256 of a body, as the canonical request's payload line wants it.
std::string HashPayload(std::string_view body);

struct PayloadHash {
  PayloadMode mode = PayloadMode::kWholeBody;
  // The canonical request's last line. Empty for kWholeBody until SetBody is called.
  std::string value;

  // Reads x-amz-content-sha256 and decides the mode. Throws AuthError: kMissingContentSha256
  // (S3 header form without it), kUnsupportedPayloadSigning (the ECDSA streaming modes),
  // kInvalidContentSha256 (anything else that is not a mode or a hex SHA-256, or a streaming
  // signed mode on a presigned URL, which has no seed signature to chain from).
  static PayloadHash Resolve(const http::Request& request, const RequestSignature& signature);

  // True while the mode is kWholeBody and the body has not been hashed yet.
  bool needs_body() const { return mode == PayloadMode::kWholeBody && value.empty(); }
  // Sets the value of a kWholeBody payload from the whole body.
  void SetBody(std::string_view body) { value = HashPayload(body); }
};

}  // namespace aws::sigv4
