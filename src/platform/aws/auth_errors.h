// The wire errors of authentication and authorization, per protocol: the same failure is
// `SignatureDoesNotMatch` (403) for IAM, STS and S3 but `InvalidSignatureException` (400) for
// the json services, and so on, as the real services answer. Pure functions.
#pragma once

#include <string>

#include "platform/aws/api_error.h"
#include "platform/aws/protocol/service_model.h"
#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/payload_error.h"

namespace aws {

// The answer to a failed signature check.
ApiError AuthFailureError(protocol::Protocol protocol, const sigv4::AuthError& error);
// No signature on a request that needs one.
ApiError MissingAuthenticationError(protocol::Protocol protocol);
// An access key that does not exist, or is inactive.
ApiError UnknownAccessKeyError(protocol::Protocol protocol, const std::string& access_key_id);
// Temporary credentials presented without their session token, or with another one.
ApiError InvalidSessionTokenError(protocol::Protocol protocol);
ApiError ExpiredSessionError(protocol::Protocol protocol);
// The policy evaluation's implicit or explicit deny; `detail` says why.
ApiError AccessDeniedError(protocol::Protocol protocol, const std::string& principal_arn,
                           const std::string& action, const std::string& resource,
                           const std::string& detail);
// A request body that contradicts its signature (aws-chunked framing, content hash, length).
ApiError PayloadFailureError(protocol::Protocol protocol, const sigv4::PayloadError& error);

}  // namespace aws
