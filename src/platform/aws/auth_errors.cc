#include "platform/aws/auth_errors.h"

#include "base/time.h"

namespace aws {
namespace {

using protocol::Protocol;
using sigv4::AuthFailure;

bool IsJson(Protocol p) { return p == Protocol::kJson || p == Protocol::kRestJson; }
// json services answer authentication failures with 400; rest-json ones with 403.
int JsonAuthStatus(Protocol p) { return p == Protocol::kJson ? 400 : 403; }

}  // namespace

ApiError AuthFailureError(Protocol p, const sigv4::AuthError& e) {
  const sigv4::AuthErrorDetails& d = e.details();
  std::string msg = e.what();
  switch (e.kind()) {
    case AuthFailure::kSignatureDoesNotMatch:
      if (IsJson(p)) {
        return ApiError(JsonAuthStatus(p), "InvalidSignatureException",
                        "The request signature we calculated does not match the signature you "
                        "provided. Check your AWS Secret Access Key and signing method. Consult "
                        "the service documentation for details.");
      } else {
        ApiError err(403, "SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method.");
        if (p == Protocol::kRestXml) {
          err.With("AWSAccessKeyId", d.access_key_id)
              .With("StringToSign", d.string_to_sign)
              .With("SignatureProvided", d.signature_provided)
              .With("CanonicalRequest", d.canonical_request);
        }
        return err;
      }
    case AuthFailure::kRequestTimeTooSkewed: {
      if (IsJson(p)) {
        return ApiError(JsonAuthStatus(p), "InvalidSignatureException",
                        "Signature expired: " + d.request_date + " is now earlier than " +
                            (d.server_time ? base::FormatAmzDate(*d.server_time -
                                                                 std::chrono::minutes(15))
                                           : std::string("the allowed window")) +
                            " (15 min.)");
      }
      ApiError err(403, "RequestTimeTooSkewed",
                   "The difference between the request time and the current time is too large.");
      if (d.request_time) err.With("RequestTime", base::FormatHttpDate(*d.request_time));
      if (d.server_time) err.With("ServerTime", base::FormatIso8601(*d.server_time));
      err.With("MaxAllowedSkewMilliseconds", "900000");
      return err;
    }
    case AuthFailure::kExpired: {
      ApiError err(403, IsJson(p) ? "AccessDeniedException" : "AccessDenied",
                   "Request has expired");
      if (p == Protocol::kRestXml) {
        if (d.expires_at) err.With("Expires", base::FormatIso8601(*d.expires_at));
        if (d.server_time) err.With("ServerTime", base::FormatIso8601(*d.server_time));
      }
      return err;
    }
    case AuthFailure::kNotYetValid:
      return ApiError(403, IsJson(p) ? "AccessDeniedException" : "AccessDenied",
                      "Request is not valid yet");
    case AuthFailure::kMissingDate:
      if (p == Protocol::kRestXml) {
        return ApiError(403, "AccessDenied",
                        "AWS authentication requires a valid Date or x-amz-date header");
      }
      return ApiError(IsJson(p) ? JsonAuthStatus(p) : 400,
                      IsJson(p) ? "IncompleteSignatureException" : "IncompleteSignature", msg);
    case AuthFailure::kUnsupportedAlgorithm:
      if (p == Protocol::kRestXml) {
        return ApiError(400, "InvalidRequest",
                        "The authorization mechanism you have provided is not supported. Please "
                        "use AWS4-HMAC-SHA256.");
      }
      return ApiError(IsJson(p) ? JsonAuthStatus(p) : 400,
                      IsJson(p) ? "IncompleteSignatureException" : "IncompleteSignature", msg);
    case AuthFailure::kMissingContentSha256:
    case AuthFailure::kInvalidContentSha256:
    case AuthFailure::kUnsupportedPayloadSigning:
      if (p == Protocol::kRestXml) return ApiError(400, "InvalidArgument", msg);
      return ApiError(400, IsJson(p) ? "IncompleteSignatureException" : "IncompleteSignature", msg);
    case AuthFailure::kHeadersNotSigned:
      return ApiError(403, "AccessDenied",
                      "There were headers present in the request which were not signed")
          .With("HeadersNotSigned", d.headers_not_signed);
    case AuthFailure::kIncompleteSignature:
    case AuthFailure::kConflictingAuth:
    case AuthFailure::kMalformedCredential:
    case AuthFailure::kInvalidDate:
    case AuthFailure::kInvalidExpires:
      if (p == Protocol::kRestXml) {
        return ApiError(400,
                        d.presigned ? "AuthorizationQueryParametersError"
                                    : "AuthorizationHeaderMalformed",
                        msg);
      }
      return ApiError(IsJson(p) ? JsonAuthStatus(p) : 400,
                      IsJson(p) ? "IncompleteSignatureException" : "IncompleteSignature", msg);
  }
  return ApiError(403, "AccessDenied", msg);
}

ApiError MissingAuthenticationError(Protocol p) {
  if (p == Protocol::kRestXml) return ApiError(403, "AccessDenied", "Access Denied");
  if (IsJson(p)) {
    return ApiError(JsonAuthStatus(p), "MissingAuthenticationTokenException",
                    "Missing Authentication Token");
  }
  return ApiError(403, "MissingAuthenticationToken",
                  "Request is missing Authentication Token");
}

ApiError UnknownAccessKeyError(Protocol p, const std::string& access_key_id) {
  if (p == Protocol::kRestXml) {
    return ApiError(403, "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.")
        .With("AWSAccessKeyId", access_key_id);
  }
  if (IsJson(p)) {
    return ApiError(JsonAuthStatus(p), "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
  }
  return ApiError(403, "InvalidClientTokenId",
                  "The security token included in the request is invalid.");
}

ApiError InvalidSessionTokenError(Protocol p) {
  if (p == Protocol::kRestXml) {
    return ApiError(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
  }
  if (IsJson(p)) {
    return ApiError(JsonAuthStatus(p), "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
  }
  return ApiError(403, "InvalidClientTokenId",
                  "The security token included in the request is invalid.");
}

ApiError ExpiredSessionError(Protocol p) {
  return ApiError(400, IsJson(p) ? "ExpiredTokenException" : "ExpiredToken",
                  p == Protocol::kRestXml ? "The provided token has expired."
                                          : "The security token included in the request is expired");
}

ApiError AccessDeniedError(Protocol p, const std::string& principal_arn, const std::string& action,
                           const std::string& resource, const std::string& detail) {
  std::string who = principal_arn.empty() ? "anonymous" : principal_arn;
  std::string msg = "User: " + who + " is not authorized to perform: " + action +
                    " on resource: " + resource + " because " + detail;
  if (p == Protocol::kRestXml) return ApiError(403, "AccessDenied", "Access Denied");
  if (IsJson(p)) return ApiError(p == Protocol::kJson ? 400 : 403, "AccessDeniedException", msg);
  return ApiError(403, "AccessDenied", msg);
}

ApiError PayloadFailureError(Protocol p, const sigv4::PayloadError& e) {
  using R = sigv4::PayloadError::Reason;
  switch (e.reason()) {
    case R::kContentSha256Mismatch:
      return ApiError(400, "XAmzContentSHA256Mismatch",
                      "The provided 'x-amz-content-sha256' header does not match what was "
                      "computed.")
          .With("ClientComputedContentSHA256", e.expected())
          .With("S3ComputedContentSHA256", e.actual());
    case R::kChunkSignatureMismatch:
    case R::kTrailerSignatureMismatch:
      return ApiError(403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your key and signing method.");
    case R::kIncompleteBody:
    case R::kDecodedLengthMismatch:
      return ApiError(400, "IncompleteBody",
                      "You did not provide the number of bytes specified by the Content-Length "
                      "HTTP header.");
    case R::kMalformedChunk:
    case R::kInvalidDecodedLength:
    case R::kMalformedTrailer:
      return ApiError(400, p == Protocol::kRestXml ? "InvalidRequest" : "SerializationException",
                      e.what());
  }
  return ApiError(400, "InvalidRequest", e.what());
}

}  // namespace aws
