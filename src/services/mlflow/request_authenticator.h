// Who is calling an MLflow route, and whether they may: the caller authenticates with HTTP
// Basic auth (access key id and secret, as MLFLOW_TRACKING_USERNAME/PASSWORD), a Bearer token
// or session cookie issued by the presigned-URL sign-in, or SigV4 with the signing name
// `sagemaker-mlflow` (header or presigned form); every route's IAM action
// (`sagemaker-mlflow:<Action>`) is then authorized on the tracking server's ARN with the
// caller's identity-based and session policies, as the AWS dispatcher authorizes operations.
// Tokens act for the access key that issued them, so revoking that key, or its permissions,
// revokes them too.
//
// Failures throw MlflowError: UNAUTHENTICATED (401) for a missing, unknown, expired or wrong
// credential or signature; PERMISSION_DENIED (403) for a denied action. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "platform/auth/policy.h"
#include "platform/aws/credential_provider.h"
#include "platform/aws/principal.h"
#include "platform/aws/sigv4/verifier.h"
#include "platform/http/request.h"
#include "services/mlflow/tracking_servers.h"

namespace mlflow {

struct Caller {
  aws::Principal principal;
  std::shared_ptr<const auth::Policy> session_policy;
};

// The cookie a presigned sign-in sets (Path=/_mlflow/<server>/).
inline constexpr std::string_view kSessionCookie = "unistudio_mlflow_session";

class RequestAuthenticator {
 public:
  RequestAuthenticator(aws::CredentialProvider& credentials, TrackingServers& servers)
      : credentials_(credentials), servers_(servers) {}

  // Authenticates `request` for `server`. `body` is the whole request body when the route has
  // read it; for a streaming route it is null, and a SigV4 request whose signature covers the
  // body gets `*checked_body` set to a reader that verifies the body as it is read (throwing
  // MlflowError UNAUTHENTICATED at its end when it does not match, before the reader reports
  // the end), to be read instead of the request's body.
  Caller Authenticate(const http::Request& request, const TrackingServerRecord& server,
                      const std::string* body, std::unique_ptr<http::BodyReader>* checked_body);

  // Authorizes sagemaker-mlflow:<action> on the server for `caller`.
  void Authorize(const Caller& caller, std::string_view action, const TrackingServerRecord& server,
                 const http::Request& request) const;

 private:
  Caller FromAccessKey(const std::string& access_key_id, const char* how);
  Caller SigV4(const http::Request& request, const std::string* body,
               std::unique_ptr<http::BodyReader>* checked_body);

  aws::CredentialProvider& credentials_;
  TrackingServers& servers_;
  aws::sigv4::Verifier verifier_;
};

}  // namespace mlflow
