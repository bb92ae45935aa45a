#include "platform/aws/sigv4/verifier.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "base/crypto.h"
#include "base/strings.h"
#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/aws_chunked_reader.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/content_sha256_reader.h"
#include "platform/aws/sigv4/payload_error.h"

namespace aws::sigv4 {
namespace {

AuthErrorDetails BaseDetails(const RequestSignature& signature) {
  AuthErrorDetails details;
  details.presigned = signature.presigned;
  details.access_key_id = signature.access_key_id;
  return details;
}

// S3 requires every x-amz-* header present to be signed; returns the ones that are not.
std::string UnsignedAmzHeaders(const http::Headers& headers,
                               const std::vector<std::string>& signed_headers) {
  std::vector<std::string> names;
  for (const auto& [name, value] : headers.entries()) {
    std::string lower = base::ToLower(name);
    if (!lower.starts_with("x-amz-")) continue;
    if (std::find(signed_headers.begin(), signed_headers.end(), lower) != signed_headers.end()) {
      continue;
    }
    if (std::find(names.begin(), names.end(), lower) == names.end()) names.push_back(lower);
  }
  return base::Join(names, ", ");
}

void CheckTime(const RequestSignature& signature, base::TimePoint now,
               std::chrono::seconds max_skew) {
  auto fail = [&](AuthFailure kind, const char* message,
                  std::optional<base::TimePoint> expires_at = std::nullopt) {
    AuthErrorDetails details = BaseDetails(signature);
    details.request_date = signature.amz_date;
    details.request_time = signature.request_time;
    details.server_time = now;
    details.max_skew = max_skew;
    details.expires_at = expires_at;
    throw AuthError(kind, message, std::move(details));
  };
  if (!signature.presigned) {
    auto skew =
        signature.request_time > now ? signature.request_time - now : now - signature.request_time;
    if (skew > max_skew) {
      fail(AuthFailure::kRequestTimeTooSkewed,
           "The difference between the request time and the current time is too large.");
    }
    return;
  }
  if (signature.request_time - now > max_skew) {
    fail(AuthFailure::kNotYetValid, "Request is not valid yet.");
  }
  base::TimePoint expires_at =
      signature.request_time + signature.expires.value_or(std::chrono::seconds(0));
  if (now > expires_at) fail(AuthFailure::kExpired, "Request has expired.", expires_at);
}

std::optional<uint64_t> DecodedLength(const http::Headers& headers) {
  std::optional<std::string_view> value = headers.Get("x-amz-decoded-content-length");
  if (!value) return std::nullopt;
  bool digits =
      !value->empty() && value->size() <= 19 &&
      std::all_of(value->begin(), value->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    throw PayloadError(PayloadError::Reason::kInvalidDecodedLength,
                       "x-amz-decoded-content-length must be a non-negative integer.");
  }
  return std::stoull(std::string(*value));
}

std::vector<std::string> DeclaredTrailers(const http::Headers& headers) {
  std::vector<std::string> names;
  for (std::string_view field : headers.GetAll("x-amz-trailer")) {
    for (const std::string& part : base::Split(field, ',')) {
      std::string name = base::ToLower(base::Trim(part));
      if (!name.empty()) names.push_back(std::move(name));
    }
  }
  return names;
}

}  // namespace

std::unique_ptr<http::BodyReader> VerifiedRequest::WrapBody(http::BodyReader* raw,
                                                            const http::Headers& headers) const {
  AwsChunkedReader::Options options;
  switch (payload.mode) {
    case PayloadMode::kUnsigned:
    case PayloadMode::kWholeBody:
      return nullptr;
    case PayloadMode::kSha256:
      return std::make_unique<ContentSha256Reader>(raw, payload.value);
    case PayloadMode::kStreamingSigned:
      options.variant = AwsChunkedReader::Variant::kSigned;
      break;
    case PayloadMode::kStreamingSignedTrailer:
      options.variant = AwsChunkedReader::Variant::kSignedTrailer;
      break;
    case PayloadMode::kStreamingUnsignedTrailer:
      options.variant = AwsChunkedReader::Variant::kUnsignedTrailer;
      break;
  }
  if (options.variant != AwsChunkedReader::Variant::kUnsignedTrailer) {
    options.chain.emplace(signing_key, amz_date, scope, seed_signature);
  }
  options.decoded_length = DecodedLength(headers);
  options.declared_trailers = DeclaredTrailers(headers);
  return std::make_unique<AwsChunkedReader>(raw, std::move(options));
}

VerifiedRequest Verifier::Verify(const http::Request& request, const RequestSignature& signature,
                                 std::string_view secret, const PayloadHash& payload,
                                 base::TimePoint now) {
  if (payload.needs_body()) {
    throw std::invalid_argument("the payload hash of the whole body has not been set");
  }
  bool s3 = UsesS3Rules(signature.service);
  if (s3) {
    std::string unsigned_headers = UnsignedAmzHeaders(request.headers, signature.signed_headers);
    if (!unsigned_headers.empty()) {
      AuthErrorDetails details = BaseDetails(signature);
      details.headers_not_signed = unsigned_headers;
      throw AuthError(AuthFailure::kHeadersNotSigned,
                      "There were headers present in the request which were not signed",
                      std::move(details));
    }
  }
  CheckTime(signature, now, options_.max_skew);

  std::string scope = signature.Scope();
  std::string canonical = CanonicalRequest(request, signature.signed_headers, payload.value,
                                           PathStyleFor(signature.service), signature.presigned);
  std::string string_to_sign = StringToSign(signature.amz_date, scope, canonical);
  std::shared_ptr<const SigningKey> key =
      keys_.Get(secret, signature.date, signature.region, signature.service);
  std::string expected = key->SignHex(string_to_sign);
  if (!base::ConstantTimeEqual(expected, signature.signature)) {
    AuthErrorDetails details = BaseDetails(signature);
    details.canonical_request = std::move(canonical);
    details.string_to_sign = std::move(string_to_sign);
    details.signature_provided = signature.signature;
    throw AuthError(AuthFailure::kSignatureDoesNotMatch,
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your key and signing method.",
                    std::move(details));
  }
  VerifiedRequest verified;
  verified.access_key_id = signature.access_key_id;
  verified.session_token = signature.session_token;
  verified.payload = payload;
  verified.signing_key = key->raw();
  verified.amz_date = signature.amz_date;
  verified.scope = std::move(scope);
  verified.seed_signature = signature.signature;
  return verified;
}

}  // namespace aws::sigv4
