// The error the body decorators of this folder throw when the payload that arrives contradicts
// what the signed request promised: a body whose SHA-256 differs from x-amz-content-sha256, an
// aws-chunked frame that is malformed or whose signature does not match, a decoded length that
// differs from x-amz-decoded-content-length, or trailers that are not the declared ones. It is an
// http::BodyError of kind kMalformed, so code that only knows the BodyReader contract still
// handles it; S3 maps reason() to XAmzContentSHA256Mismatch, SignatureDoesNotMatch,
// IncompleteBody, InvalidRequest... An immutable value, safe to share once thrown.
#pragma once

#include <string>
#include <utility>

#include "platform/http/request.h"

namespace aws::sigv4 {

class PayloadError : public http::BodyError {
 public:
  enum class Reason {
    kContentSha256Mismatch,     // the body's SHA-256 is not x-amz-content-sha256
    kChunkSignatureMismatch,    // an aws-chunked chunk signature does not match
    kTrailerSignatureMismatch,  // x-amz-trailer-signature is missing or does not match
    kMalformedChunk,            // broken aws-chunked framing
    kIncompleteBody,            // the body ended inside the aws-chunked framing
    kDecodedLengthMismatch,     // decoded size differs from x-amz-decoded-content-length
    kInvalidDecodedLength,      // x-amz-decoded-content-length is not a number
    kMalformedTrailer,          // a trailer line is malformed, repeated, or not declared
  };

  // `expected` and `actual` are set for kContentSha256Mismatch (the client's and the computed
  // hex digests) and kDecodedLengthMismatch (the declared and the decoded byte counts).
  PayloadError(Reason reason, const std::string& message, std::string expected = "",
               std::string actual = "")
      : http::BodyError(http::BodyError::Kind::kMalformed, message),
        reason_(reason),
        expected_(std::move(expected)),
        actual_(std::move(actual)) {}

  Reason reason() const { return reason_; }
  const std::string& expected() const { return expected_; }
  const std::string& actual() const { return actual_; }

 private:
  Reason reason_;
  std::string expected_;
  std::string actual_;
};

}  // namespace aws::sigv4
