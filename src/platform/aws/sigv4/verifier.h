// Verifies a request's SigV4 signature against the caller's secret. The dispatcher calls it for
// every AWS request:
//
//   auto signature = RequestSignature::Extract(request);   // nullopt: anonymous
//   ... resolve the service from signature->service, look up signature->access_key_id ...
//   auto payload = PayloadHash::Resolve(request, *signature);
//   if (payload.needs_body()) { body = request.body->ReadAll(limit); payload.SetBody(body); }
//   VerifiedRequest verified = verifier.Verify(request, *signature, secret, payload, base::Now());
//   std::unique_ptr<http::BodyReader> checked = verified.WrapBody(request.body, request.headers);
//   if (checked) request.body = checked.get();             // keep `checked` alive meanwhile
//
// Verify checks the time window (header form: within the allowed skew of the server clock;
// presigned: not expired, not from the future), S3's rule that every x-amz-* header be signed,
// and the signature itself, compared in constant time. Failures throw AuthError. Signing keys
// are cached per (secret, date, region, service), so a typical verification costs one SHA-256
// and one HMAC. A Verifier is thread-safe; share one across the server.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/time.h"
#include "platform/aws/sigv4/payload_hash.h"
#include "platform/aws/sigv4/request_signature.h"
#include "platform/aws/sigv4/signing_key_cache.h"
#include "platform/http/request.h"

namespace aws::sigv4 {

// What a successful verification established, and what the body decorators need.
struct VerifiedRequest {
  std::string access_key_id;
  std::string session_token;  // empty when none was sent
  PayloadHash payload;
  std::string signing_key;  // raw derived key of the request's scope
  std::string amz_date;
  std::string scope;
  std::string seed_signature;  // the request's signature: the first link of an aws-chunked chain

  // The decorator the payload mode calls for, reading from `raw` (not owned): a
  // ContentSha256Reader for kSha256, an AwsChunkedReader for the streaming modes (using
  // x-amz-decoded-content-length and x-amz-trailer from `headers`), or nullptr when the body
  // needs neither (kUnsigned, and kWholeBody, whose hash was checked already). Throws
  // PayloadError(kInvalidDecodedLength) for a malformed x-amz-decoded-content-length.
  std::unique_ptr<http::BodyReader> WrapBody(http::BodyReader* raw,
                                             const http::Headers& headers) const;
};

class Verifier {
 public:
  struct Options {
    std::chrono::seconds max_skew{900};  // 15 minutes, as AWS
    size_t key_cache_capacity = 4096;
  };

  Verifier() : Verifier(Options{}) {}
  explicit Verifier(Options options) : options_(options), keys_(options.key_cache_capacity) {}

  // Verifies `signature` (extracted from `request`) with the secret of its access key, at
  // server time `now`. `payload` must have its value (needs_body() false); otherwise throws
  // std::invalid_argument. Throws AuthError on any failure; kSignatureDoesNotMatch carries the
  // canonical request and string to sign in its details.
  VerifiedRequest Verify(const http::Request& request, const RequestSignature& signature,
                         std::string_view secret, const PayloadHash& payload, base::TimePoint now);

  const SigningKeyCache& key_cache() const { return keys_; }

 private:
  Options options_;
  SigningKeyCache keys_;
};

}  // namespace aws::sigv4
