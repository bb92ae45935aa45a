// Everything a service handler knows about the request it is serving: who is calling, in
// which region and account, the raw HTTP request and response (for streaming handlers), and
// the request body already unwrapped from any aws-chunked framing and verified against its
// signature or hash. One per request; used on the handler's thread only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/time.h"
#include "platform/auth/context_keys.h"
#include "platform/auth/policy.h"
#include "platform/aws/credential_provider.h"
#include "platform/aws/principal.h"
#include "platform/http/request.h"
#include "platform/http/response_writer.h"

namespace aws {

class RequestContext {
 public:
  RequestContext(http::Request& request, http::ResponseWriter& response)
      : request_(request), response_(response) {}

  http::Request& http_request() { return request_; }
  const http::Request& http_request() const { return request_; }
  http::ResponseWriter& response() { return response_; }

  // The entity body: de-chunked (aws-chunked) and verified (chunk signatures, payload hash)
  // as it is read. Throws http::BodyError or aws::ApiError on a verification failure.
  http::BodyReader& body() { return body_ ? *body_ : *request_.body; }
  void set_body(http::BodyReader* body) { body_ = body; }
  // Trailing headers of an aws-chunked body (x-amz-checksum-*), available after the body has
  // been read to its end.
  std::optional<std::string> trailer(std::string_view name) const;
  void set_trailers(const std::map<std::string, std::string>* trailers) { trailers_ = trailers; }

  // Decoded query parameters, in request order.
  const std::vector<std::pair<std::string, std::string>>& query() const { return query_; }
  std::optional<std::string> query_param(std::string_view name) const;
  void set_query(std::vector<std::pair<std::string, std::string>> q) { query_ = std::move(q); }

  const std::string& request_id() const { return request_id_; }
  const std::string& region() const { return region_; }
  const std::string& account_id() const { return account_id_; }
  const Principal& principal() const { return principal_; }
  const std::string& operation() const { return operation_; }
  base::TimePoint received_at() const { return received_at_; }

  // For streaming handlers: encodes `output`'s header and status members with the operation's
  // protocol, sets them on the response (`status`, when non-zero, overrides the operation's
  // success status; S3 answers 206 for a range) and sends the head. The handler then writes
  // the body with response().Write and ends it with response().End.
  void BeginStreamingOutput(const base::Json& output, std::optional<uint64_t> content_length,
                            int status = 0);
  using OutputEncoder = std::function<void(const base::Json& output, int status,
                                           http::ResponseWriter& response)>;
  void set_output_encoder(OutputEncoder encoder) { output_encoder_ = std::move(encoder); }

  // The path the request was routed by: its own, or the path-style form of a virtual-hosted
  // S3 request ("/bucket/key" for Host bucket.localhost, path "/key").
  const std::string& routed_path() const { return routed_path_; }
  void set_routed_path(std::string path) { routed_path_ = std::move(path); }

  // Authorizes `action` on `resource` for the caller as the dispatcher authorizes operations:
  // identity policies, the service's resource policy for `input` (S3: input["Bucket"]'s
  // policy), the session policy. `keys`, when set, adds condition keys. Throws the protocol's
  // AccessDenied ApiError. Handlers call it for what their operation's own action does not
  // cover (the source of a copy, each key of a batch delete).
  using KeysFn = std::function<void(auth::ContextKeys&)>;
  void Authorize(const std::string& action, const std::string& resource, const base::Json& input,
                 const KeysFn& keys = {}) const;
  using Authorizer =
      std::function<void(const RequestContext&, const std::string& action,
                         const std::string& resource, const base::Json& input, const KeysFn& keys)>;
  void set_authorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

  // The credential provider, for raw handlers that authenticate a request themselves (S3
  // browser POST uploads sign a policy document, not the request).
  CredentialProvider* credentials() const { return credentials_; }
  void set_credentials(CredentialProvider* provider) { credentials_ = provider; }
  // The session policy of the caller's temporary credentials, if any.
  const std::shared_ptr<const auth::Policy>& session_policy() const { return session_policy_; }
  void set_session_policy(std::shared_ptr<const auth::Policy> p) { session_policy_ = std::move(p); }

  // arn:aws:<service>:<region>:<account>:<resource>. Global services pass an empty region.
  std::string Arn(std::string_view service, std::string_view resource,
                  bool regional = true) const;

  void set_request_id(std::string id) { request_id_ = std::move(id); }
  void set_region(std::string region) { region_ = std::move(region); }
  void set_account_id(std::string id) { account_id_ = std::move(id); }
  void set_principal(Principal p) { principal_ = std::move(p); }
  void set_operation(std::string op) { operation_ = std::move(op); }
  void set_received_at(base::TimePoint t) { received_at_ = t; }

 private:
  http::Request& request_;
  http::ResponseWriter& response_;
  http::BodyReader* body_ = nullptr;
  const std::map<std::string, std::string>* trailers_ = nullptr;
  std::vector<std::pair<std::string, std::string>> query_;
  std::string request_id_;
  std::string region_;
  std::string account_id_;
  Principal principal_;
  std::string operation_;
  base::TimePoint received_at_{};
  OutputEncoder output_encoder_;
  std::string routed_path_;
  Authorizer authorizer_;
  CredentialProvider* credentials_ = nullptr;
  std::shared_ptr<const auth::Policy> session_policy_;
};

}  // namespace aws
