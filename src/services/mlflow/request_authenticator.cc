#include "services/mlflow/request_authenticator.h"

#include <vector>

#include "base/crypto.h"
#include "base/strings.h"
#include "base/time.h"
#include "platform/auth/evaluator.h"
#include "platform/aws/auth_principal.h"
#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/payload_error.h"
#include "platform/aws/sigv4/payload_hash.h"
#include "platform/aws/sigv4/request_signature.h"
#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

constexpr std::string_view kSigningName = "sagemaker-mlflow";

MlflowError Unauthenticated(const std::string& message) {
  return MlflowError("UNAUTHENTICATED", message);
}

// The body of a SigV4 request whose signature covers the whole body: hashed as it is read,
// and the signature checked once the last byte is in, before the end is reported.
class DeferredSignatureBody : public http::BodyReader {
 public:
  DeferredSignatureBody(http::BodyReader& raw, const http::Request& request,
                        aws::sigv4::RequestSignature signature, std::string secret,
                        aws::sigv4::Verifier& verifier)
      : raw_(raw),
        request_(request),
        signature_(std::move(signature)),
        secret_(std::move(secret)),
        verifier_(verifier),
        digest_(base::DigestAlgorithm::kSha256) {}

  size_t Read(char* buf, size_t n) override {
    if (done_) return 0;
    size_t got = raw_.Read(buf, n);
    if (got > 0) {
      digest_.Update(std::string_view(buf, got));
      return got;
    }
    done_ = true;
    aws::sigv4::PayloadHash payload{aws::sigv4::PayloadMode::kWholeBody,
                                    base::HexEncode(digest_.Final())};
    try {
      verifier_.Verify(request_, signature_, secret_, payload, base::Now());
    } catch (const aws::sigv4::AuthError& e) {
      throw Unauthenticated(e.what());
    }
    return 0;
  }
  std::optional<uint64_t> ContentLength() const override { return raw_.ContentLength(); }

 private:
  http::BodyReader& raw_;
  const http::Request& request_;
  aws::sigv4::RequestSignature signature_;
  std::string secret_;
  aws::sigv4::Verifier& verifier_;
  base::Digest digest_;
  bool done_ = false;
};

// The value of cookie `name` in each Cookie header field, in order.
std::vector<std::string> CookieValues(const http::Request& request, std::string_view name) {
  std::vector<std::string> out;
  for (std::string_view field : request.headers.GetAll("Cookie")) {
    for (const std::string& part : base::Split(field, ';')) {
      std::string_view kv = base::Trim(part);
      size_t eq = kv.find('=');
      if (eq != std::string_view::npos && kv.substr(0, eq) == name) {
        out.emplace_back(kv.substr(eq + 1));
      }
    }
  }
  return out;
}

bool BodyIsEmpty(const http::Request& request) {
  if (request.method == "GET" || request.method == "HEAD") return true;
  std::optional<uint64_t> length = request.body ? request.body->ContentLength() : std::nullopt;
  return length && *length == 0;
}

}  // namespace

Caller RequestAuthenticator::FromAccessKey(const std::string& access_key_id, const char* how) {
  std::optional<aws::Credentials> creds = credentials_.Lookup(access_key_id);
  if (!creds || !creds->active) {
    throw Unauthenticated(std::string("The ") + how + " does not belong to an active access key.");
  }
  if (creds->expiration && *creds->expiration < base::Now()) {
    throw Unauthenticated(std::string("The ") + how + " belongs to expired credentials.");
  }
  return Caller{creds->principal, creds->session_policy};
}

Caller RequestAuthenticator::Authenticate(const http::Request& request,
                                          const TrackingServerRecord& server,
                                          const std::string* body,
                                          std::unique_ptr<http::BodyReader>* checked_body) {
  std::string_view authorization = request.headers.Get("Authorization").value_or("");
  if (authorization.starts_with("AWS4-") ||
      request.query.find("X-Amz-Signature=") != std::string::npos) {
    return SigV4(request, body, checked_body);
  }
  if (base::EqualsIgnoreCase(authorization.substr(0, 6), "Basic ")) {
    std::optional<std::string> decoded = base::Base64Decode(base::Trim(authorization.substr(6)));
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) throw Unauthenticated("Malformed Basic credentials.");
    std::string key = decoded->substr(0, colon);
    std::string secret = decoded->substr(colon + 1);
    std::optional<aws::Credentials> creds = credentials_.Lookup(key);
    if (!creds || !creds->active || !base::ConstantTimeEqual(creds->secret_access_key, secret)) {
      throw Unauthenticated("The access key id or secret access key is not valid.");
    }
    if (!creds->session_token.empty()) {
      throw Unauthenticated(
          "Temporary credentials need their session token: sign the request "
          "with SigV4 (signing name sagemaker-mlflow) instead.");
    }
    return Caller{creds->principal, creds->session_policy};
  }
  if (base::EqualsIgnoreCase(authorization.substr(0, 7), "Bearer ")) {
    std::optional<TokenGrant> grant =
        servers_.LookupSession(std::string(base::Trim(authorization.substr(7))));
    if (!grant || grant->server_id != server.id) {
      throw Unauthenticated("The bearer token is not valid for this tracking server.");
    }
    return FromAccessKey(grant->access_key_id, "bearer token");
  }
  if (!authorization.empty()) throw Unauthenticated("Unsupported Authorization scheme.");
  for (const std::string& token : CookieValues(request, kSessionCookie)) {
    std::optional<TokenGrant> grant = servers_.LookupSession(token);
    if (grant && grant->server_id == server.id) {
      return FromAccessKey(grant->access_key_id, "session");
    }
  }
  throw Unauthenticated(
      "Authentication required: use Basic auth with an access key id and secret "
      "(MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD), a Bearer token, or SigV4 "
      "(signing name sagemaker-mlflow).");
}

Caller RequestAuthenticator::SigV4(const http::Request& request, const std::string* body,
                                   std::unique_ptr<http::BodyReader>* checked_body) {
  try {
    std::optional<aws::sigv4::RequestSignature> sig =
        aws::sigv4::RequestSignature::Extract(request);
    if (!sig) throw Unauthenticated("Missing SigV4 signature.");
    if (sig->service != kSigningName) {
      throw Unauthenticated("Credential should be scoped to correct service: '" +
                            std::string(kSigningName) + "'.");
    }
    std::optional<aws::Credentials> creds = credentials_.Lookup(sig->access_key_id);
    if (!creds || !creds->active) {
      throw Unauthenticated("The security token included in the request is invalid.");
    }
    if (!base::ConstantTimeEqual(sig->session_token, creds->session_token)) {
      throw Unauthenticated("The security token included in the request is invalid.");
    }
    if (creds->expiration && *creds->expiration < base::Now()) {
      throw Unauthenticated("The security token included in the request is expired.");
    }
    aws::sigv4::PayloadHash payload = aws::sigv4::PayloadHash::Resolve(request, *sig);
    if (payload.needs_body()) {
      if (body != nullptr) {
        payload.SetBody(*body);
      } else if (BodyIsEmpty(request)) {
        payload.SetBody("");
      } else {
        // Verified when the body has been read (DeferredSignatureBody); the caller is known
        // from the key, and nothing is stored before the check passes.
        *checked_body = std::make_unique<DeferredSignatureBody>(
            *request.body, request, *sig, creds->secret_access_key, verifier_);
        return Caller{creds->principal, creds->session_policy};
      }
    }
    aws::sigv4::VerifiedRequest verified =
        verifier_.Verify(request, *sig, creds->secret_access_key, payload, base::Now());
    if (body != nullptr && payload.mode == aws::sigv4::PayloadMode::kSha256 &&
        aws::sigv4::HashPayload(*body) != payload.value) {
      throw Unauthenticated("x-amz-content-sha256 does not match the body.");
    }
    if (body == nullptr && checked_body != nullptr) {
      *checked_body = verified.WrapBody(request.body, request.headers);
    }
    return Caller{creds->principal, creds->session_policy};
  } catch (const aws::sigv4::AuthError& e) {
    throw Unauthenticated(e.what());
  } catch (const aws::sigv4::PayloadError& e) {
    throw Unauthenticated(e.what());
  }
}

void RequestAuthenticator::Authorize(const Caller& caller, std::string_view action,
                                     const TrackingServerRecord& server,
                                     const http::Request& request) const {
  auth::Request r;
  r.action = "sagemaker-mlflow:" + std::string(action);
  r.resource = server.arn;
  r.principal = aws::ToAuthPrincipal(caller.principal);
  const aws::Principal& p = caller.principal;
  base::TimePoint now = base::Now();
  r.context.Set("aws:CurrentTime", {base::FormatIso8601(now)});
  r.context.Set("aws:EpochTime", {std::to_string(base::ToUnixMillis(now) / 1000)});
  r.context.Set("aws:SecureTransport", {"false"});
  r.context.Set("aws:SourceIp", {request.remote_address});
  r.context.Set("aws:PrincipalAccount", {p.account_id});
  r.context.Set("aws:userid", {p.user_id});
  r.context.Set("aws:PrincipalArn",
                {p.type == aws::Principal::Type::kAssumedRole ? p.role_arn : p.arn});
  r.context.Set("aws:PrincipalType", {p.is_root()                                    ? "Account"
                                      : p.type == aws::Principal::Type::kAssumedRole ? "AssumedRole"
                                                                                     : "User"});
  if (p.type == aws::Principal::Type::kUser) r.context.Set("aws:username", {p.user_name});
  for (const base::Json& tag : server.tags) {
    r.context.Set("aws:ResourceTag/" + tag.value("Key", ""), {tag.value("Value", "")});
  }
  std::vector<std::shared_ptr<const auth::Policy>> identity;
  if (!p.is_root() && !p.is_anonymous()) identity = credentials_.IdentityPolicies(p);
  std::vector<const auth::Policy*> pointers;
  for (const auto& policy : identity) pointers.push_back(policy.get());
  auth::Decision d = auth::Authorize(pointers, nullptr, r, caller.session_policy.get());
  if (!d.allowed()) {
    throw MlflowError("PERMISSION_DENIED",
                      "User: " + p.arn + " is not authorized to perform: " + r.action +
                          " on resource: " + r.resource + " because " + d.Describe());
  }
}

}  // namespace mlflow
