#include "platform/aws/dispatcher.h"

#include <chrono>

#include "base/crypto.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strings.h"
#include "platform/auth/evaluator.h"
#include "platform/aws/auth_errors.h"
#include "platform/aws/auth_principal.h"
#include "platform/aws/protocol/codec.h"
#include "platform/aws/request_id.h"
#include "platform/aws/sigv4/aws_chunked_reader.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/payload_hash.h"
#include "platform/aws/sigv4/request_signature.h"
#include "platform/aws/sigv4/verifier.h"

namespace aws {
namespace {

using protocol::Protocol;

struct Entry {
  std::unique_ptr<Service> service;
  const protocol::ServiceModel* model = nullptr;
};

// The signing name a request's Credential names, found without a full parse: used to pick the
// service whose error shape answers a request whose signature is malformed.
std::string LooseSigningName(const http::Request& req) {
  std::string text(req.headers.Get("Authorization").value_or(""));
  if (text.empty()) {
    for (const auto& [k, v] : sigv4::DecodeQuery(req.query)) {
      if (k == "X-Amz-Credential") text = v;
    }
  }
  std::vector<std::string> parts = base::Split(text, '/');
  return parts.size() >= 5 ? parts[3] : std::string();
}

std::optional<std::string> QueryValue(const protocol::WireRequest& wire, std::string_view name) {
  for (const auto& [k, v] : wire.query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

bool IsFormBody(const http::Request& req) {
  auto type = req.headers.Get("Content-Type");
  return type && base::ToLower(*type).rfind("application/x-www-form-urlencoded", 0) == 0;
}

void FillContextKeys(const RequestContext& ctx, auth::ContextKeys& keys) {
  const Principal& p = ctx.principal();
  base::TimePoint now = ctx.received_at();
  keys.Set("aws:CurrentTime", {base::FormatIso8601(now)});
  keys.Set("aws:EpochTime", {std::to_string(base::ToUnixMillis(now) / 1000)});
  keys.Set("aws:SecureTransport", {"false"});
  keys.Set("aws:SourceIp", {ctx.http_request().remote_address});
  keys.Set("aws:RequestedRegion", {ctx.region()});
  if (p.is_anonymous()) return;
  keys.Set("aws:PrincipalAccount", {p.account_id});
  keys.Set("aws:userid", {p.user_id});
  switch (p.type) {
    case Principal::Type::kRoot:
      keys.Set("aws:PrincipalType", {"Account"});
      keys.Set("aws:PrincipalArn", {p.arn});
      break;
    case Principal::Type::kUser:
      keys.Set("aws:PrincipalType", {"User"});
      keys.Set("aws:PrincipalArn", {p.arn});
      keys.Set("aws:username", {p.user_name});
      break;
    case Principal::Type::kAssumedRole:
      keys.Set("aws:PrincipalType", {"AssumedRole"});
      keys.Set("aws:PrincipalArn", {p.role_arn});
      break;
    case Principal::Type::kAnonymous:
      break;
  }
}

void WriteWire(const protocol::WireResponse& wire, http::ResponseWriter& res) {
  res.SetStatus(wire.status);
  for (const auto& [k, v] : wire.headers.entries()) res.headers().Set(k, v);
  res.Send(wire.body);
}

}  // namespace

struct Dispatcher::Impl {
  DispatcherOptions options;
  CredentialProvider& credentials;
  sigv4::Verifier verifier;
  std::vector<Entry> entries;
  const Entry* fallback = nullptr;  // S3

  Impl(DispatcherOptions o, CredentialProvider& c) : options(std::move(o)), credentials(c) {}

  // The registered service a request is for, reading the body when the query protocol needs
  // its Action from a form body.
  const Entry* Resolve(http::Request& req, protocol::WireRequest& wire,
                       const std::string& signing_name, bool& body_read);
  void Serve(RequestContext& ctx, const Entry*& entry, std::string& op_name);
  // Verifies the signature and sets the caller and its session policy on `ctx`. With
  // `streaming`, the body is left unread and `wrapped` verifies it as the handler reads.
  void Authenticate(RequestContext& ctx, const Entry& entry, bool streaming,
                    const sigv4::RequestSignature& sig, protocol::WireRequest& wire,
                    std::unique_ptr<http::BodyReader>& wrapped);
  // Authorizes `action` on `resource` with the caller's identity and session policies and the
  // service's resource policy for `input`; throws AccessDenied.
  void Authorize(const RequestContext& ctx, const Entry& entry, const std::string& action,
                 const std::string& resource, const base::Json& input,
                 const RequestContext::KeysFn& keys);
  // The routed path of `req`: the request's own, or what a service's route-path hook makes of
  // it (S3 virtual-hosted addressing).
  std::string RoutedPath(const http::Request& req, const std::string& signing_name) const;
};

const Entry* Dispatcher::Impl::Resolve(http::Request& req, protocol::WireRequest& wire,
                                       const std::string& signing_name, bool& body_read) {
  std::vector<const Entry*> candidates;
  for (const Entry& e : entries) {
    if (!signing_name.empty() && e.model->signing_name() == signing_name) candidates.push_back(&e);
  }
  if (candidates.empty()) {
    for (const Entry& e : entries) candidates.push_back(&e);
  }

  if (auto target = req.headers.Get("X-Amz-Target")) {
    std::string_view prefix = target->substr(0, target->rfind('.'));
    for (const Entry* e : candidates) {
      if (e->model->protocol() == Protocol::kJson && e->model->target_prefix() == prefix) return e;
    }
    for (const Entry* e : candidates) {
      if (e->model->protocol() == Protocol::kJson) return e;
    }
  }

  bool has_query_candidate = false;
  for (const Entry* e : candidates) has_query_candidate |= e->model->protocol() == Protocol::kQuery;
  if (has_query_candidate) {
    if (req.method == "POST" && IsFormBody(req) && !body_read) {
      wire.body = req.body->ReadAll(options.max_document_bytes);
      body_read = true;
    }
    std::optional<std::string> action = QueryValue(wire, "Action");
    std::optional<std::string> version = QueryValue(wire, "Version");
    if (!action && body_read) {
      if (auto form = base::ParseQueryString(wire.body, true)) {
        for (const auto& [k, v] : *form) {
          if (k == "Action") action = v;
          if (k == "Version") version = v;
        }
      }
    }
    if (action || body_read) {
      const Entry* first = nullptr;
      for (const Entry* e : candidates) {
        if (e->model->protocol() != Protocol::kQuery) continue;
        if (!first) first = e;
        if (version && e->model->api_version() == *version) return e;
      }
      if (first && (!signing_name.empty() || candidates.size() == 1)) return first;
      if (first && action) return first;
    }
  }

  for (const Entry* e : candidates) {
    if (e->model->protocol() == Protocol::kRestJson || e->model->protocol() == Protocol::kRestXml) {
      if (protocol::MatchRestOperation(*e->model, wire)) return e;
    }
  }
  if (!signing_name.empty() && candidates.size() == 1) return candidates[0];
  return fallback ? fallback : candidates.front();
}

void Dispatcher::Impl::Authenticate(RequestContext& ctx, const Entry& entry, bool streaming,
                                    const sigv4::RequestSignature& sig,
                                    protocol::WireRequest& wire,
                                    std::unique_ptr<http::BodyReader>& wrapped) {
  Protocol proto = entry.model->protocol();
  std::optional<Credentials> creds = credentials.Lookup(sig.access_key_id);
  if (!creds || !creds->active) throw UnknownAccessKeyError(proto, sig.access_key_id);
  if (!creds->session_token.empty() &&
      !base::ConstantTimeEqual(sig.session_token, creds->session_token)) {
    throw InvalidSessionTokenError(proto);
  }
  if (creds->session_token.empty() && !sig.session_token.empty()) {
    throw InvalidSessionTokenError(proto);
  }
  sigv4::PayloadHash payload = sigv4::PayloadHash::Resolve(ctx.http_request(), sig);
  if (payload.needs_body()) payload.SetBody(wire.body);
  sigv4::VerifiedRequest verified =
      verifier.Verify(ctx.http_request(), sig, creds->secret_access_key, payload, base::Now());
  if (creds->expiration && *creds->expiration < base::Now()) throw ExpiredSessionError(proto);
  if (streaming) {
    wrapped = verified.WrapBody(ctx.http_request().body, ctx.http_request().headers);
    if (wrapped) {
      ctx.set_body(wrapped.get());
      if (auto* chunked = dynamic_cast<sigv4::AwsChunkedReader*>(wrapped.get())) {
        ctx.set_trailers(&chunked->trailers());
      }
    }
  } else if (payload.mode == sigv4::PayloadMode::kSha256 &&
             !base::EqualsIgnoreCase(sigv4::HashPayload(wire.body), payload.value)) {
    throw PayloadFailureError(
        proto, sigv4::PayloadError(sigv4::PayloadError::Reason::kContentSha256Mismatch,
                                   "x-amz-content-sha256 does not match the body", payload.value,
                                   sigv4::HashPayload(wire.body)));
  }
  ctx.set_principal(creds->principal);
  ctx.set_session_policy(creds->session_policy);
  ctx.set_region(sig.region);
}

std::string Dispatcher::Impl::RoutedPath(const http::Request& req,
                                         const std::string& signing_name) const {
  for (const Entry& e : entries) {
    if (!e.service->route_path()) continue;
    if (!signing_name.empty() && e.model->signing_name() != signing_name) continue;
    if (std::optional<std::string> path = e.service->route_path()(req)) return std::move(*path);
  }
  return req.path;
}

void Dispatcher::Impl::Authorize(const RequestContext& ctx, const Entry& entry,
                                 const std::string& action, const std::string& resource,
                                 const base::Json& input, const RequestContext::KeysFn& keys) {
  auth::Request request;
  request.action = action;
  request.resource = resource;
  request.principal = ToAuthPrincipal(ctx.principal());
  FillContextKeys(ctx, request.context);
  if (keys) keys(request.context);

  std::vector<std::shared_ptr<const auth::Policy>> identity;
  if (!ctx.principal().is_anonymous() && !ctx.principal().is_root()) {
    identity = credentials.IdentityPolicies(ctx.principal());
  }
  std::vector<const auth::Policy*> identity_ptrs;
  for (const auto& p : identity) identity_ptrs.push_back(p.get());
  std::shared_ptr<const auth::Policy> resource_policy;
  if (entry.service->resource_policy()) resource_policy = entry.service->resource_policy()(ctx, input);
  const auth::Policy* session = ctx.session_policy().get();

  auth::Decision decision =
      auth::Authorize(identity_ptrs, resource_policy.get(), request, session);
  bool allowed = decision.allowed();
  std::string why = decision.Describe();
  if (allowed && resource_policy && entry.service->resource_policy_must_allow()) {
    auth::Decision trust =
        auth::EvaluatePolicy(*resource_policy, request, auth::PolicyKind::kResource);
    if (!trust.allowed()) {
      allowed = false;
      why = "the resource-based policy does not allow it";
    }
  }
  if (!allowed) {
    throw AccessDeniedError(entry.model->protocol(), ctx.principal().arn, request.action,
                            request.resource, why);
  }
}

void Dispatcher::Impl::Serve(RequestContext& ctx, const Entry*& entry, std::string& op_name) {
  http::Request& req = ctx.http_request();
  std::optional<sigv4::RequestSignature> sig;
  std::optional<sigv4::AuthError> sig_error;
  try {
    sig = sigv4::RequestSignature::Extract(req);
  } catch (const sigv4::AuthError& e) {
    sig_error = e;
  }
  std::string signing_name = sig ? sig->service : LooseSigningName(req);

  protocol::WireRequest wire;
  wire.method = req.method;
  wire.path = RoutedPath(req, signing_name);
  wire.query = sigv4::DecodeQuery(req.query);
  wire.headers = req.headers;
  bool body_read = false;
  entry = Resolve(req, wire, signing_name, body_read);
  const protocol::ServiceModel& model = *entry->model;
  Protocol proto = model.protocol();
  ctx.set_region(sig ? sig->region : options.default_region);
  if (proto == Protocol::kRestXml) {
    ctx.response().headers().Set("x-amz-request-id", ctx.request_id());
    ctx.response().headers().Set("x-amz-id-2", base::Base64Encode(ctx.request_id()));
  } else {
    ctx.response().headers().Set("x-amzn-RequestId", ctx.request_id());
  }
  ctx.set_routed_path(wire.path);
  ctx.set_query(wire.query);
  ctx.set_credentials(&credentials);
  ctx.set_authorizer([this, entry](const RequestContext& c, const std::string& action,
                                   const std::string& resource, const base::Json& input,
                                   const RequestContext::KeysFn& keys) {
    Authorize(c, *entry, action, resource, input, keys);
  });

  // The caller is authenticated before an unknown operation is reported, as AWS does: a
  // tampered request hears about its signature, not about the operation it now names.
  if (sig_error) throw AuthFailureError(proto, *sig_error);
  std::optional<protocol::RouteMatch> route;
  std::optional<ApiError> unknown_operation;
  try {
    route = protocol::ResolveOperation(model, wire);
    op_name = route->operation->name();
    ctx.set_operation(op_name);
  } catch (const ApiError& e) {
    // A request the model does not describe may be one a raw operation serves.
    const Operation* raw = body_read ? nullptr : entry->service->FindRaw(req, wire.path);
    if (raw != nullptr) {
      op_name = raw->name;
      ctx.set_operation(op_name);
      raw->stream_handler(ctx, base::Json::object());
      return;
    }
    unknown_operation = e;
  }
  bool streaming = route && route->operation->input_streaming();
  if (!streaming && !body_read) {
    wire.body = req.body->ReadAll(options.max_document_bytes);
    body_read = true;
  }

  std::unique_ptr<http::BodyReader> wrapped;
  if (sig) {
    try {
      Authenticate(ctx, *entry, streaming, *sig, wire, wrapped);
    } catch (const sigv4::AuthError& e) {
      throw AuthFailureError(proto, e);
    }
  } else if (proto != Protocol::kRestXml) {
    throw MissingAuthenticationError(proto);
  }
  if (unknown_operation) throw *unknown_operation;
  const protocol::OperationModel& op_model = *route->operation;
  const Operation* op = entry->service->Find(op_name);
  if (op == nullptr) {
    throw ApiError(501, "NotImplemented",
                   "UniStudio does not implement " + model.name() + " " + op_name + " yet.");
  }

  base::Json input = protocol::DecodeInput(model, op_model, wire, &*route);
  if (entry->service->request_hook()) entry->service->request_hook()(ctx, input);
  if (!op->handler_authorizes && (!op->always_allowed || ctx.principal().is_anonymous())) {
    Authorize(ctx, *entry, op->action_fn ? op->action_fn(ctx, input) : op->action,
              op->resource ? op->resource(ctx, input) : "*", input,
              [&](auth::ContextKeys& keys) {
                if (op->condition_keys) op->condition_keys(ctx, input, keys);
              });
  }

  ctx.set_output_encoder([&model, &op_model, &ctx](const base::Json& output, int status,
                                                   http::ResponseWriter& res) {
    protocol::WireResponse head = protocol::EncodeOutput(model, op_model, output, ctx.request_id());
    res.SetStatus(status ? status : head.status);
    for (const auto& [k, v] : head.headers.entries()) res.headers().Set(k, v);
  });
  if (op->stream_handler) {
    op->stream_handler(ctx, input);
    return;
  }
  base::Json output = op->handler(ctx, input);
  WriteWire(protocol::EncodeOutput(model, op_model, output, ctx.request_id()), ctx.response());
}

Dispatcher::Dispatcher(DispatcherOptions options, CredentialProvider& credentials)
    : impl_(std::make_unique<Impl>(std::move(options), credentials)) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::Register(std::unique_ptr<Service> service) {
  const protocol::ServiceModel* model = protocol::ServiceModel::Find(service->model());
  if (model == nullptr) throw base::Error("no embedded model for service " + service->model());
  impl_->entries.push_back(Entry{std::move(service), model});
  impl_->fallback = nullptr;
  for (const Entry& e : impl_->entries) {
    if (e.model->name() == "s3") impl_->fallback = &e;
  }
}

void Dispatcher::Handle(http::Request& req, http::ResponseWriter& res) {
  auto started = std::chrono::steady_clock::now();
  RequestContext ctx(req, res);
  ctx.set_request_id(NewRequestId());
  ctx.set_received_at(base::Now());
  ctx.set_account_id(impl_->options.account_id);
  const Entry* entry = nullptr;
  std::string op_name = "-";
  auto answer_error = [&](const ApiError& e) {
    // Once a streaming response has begun, the HTTP layer can only cut it short.
    if (res.started()) std::rethrow_exception(std::current_exception());
    const protocol::ServiceModel* model =
        entry ? entry->model
              : (impl_->fallback ? impl_->fallback->model : impl_->entries.front().model);
    WriteWire(protocol::EncodeError(*model, e, ctx.request_id()), res);
  };
  Protocol proto = Protocol::kRestXml;
  try {
    impl_->Serve(ctx, entry, op_name);
  } catch (const ApiError& e) {
    answer_error(e);
  } catch (const sigv4::PayloadError& e) {
    if (entry) proto = entry->model->protocol();
    answer_error(PayloadFailureError(proto, e));
  } catch (const http::BodyError& e) {
    if (e.kind() == http::BodyError::Kind::kTooLarge) {
      answer_error(ApiError(413, "RequestEntityTooLarge", "Request entity too large"));
    } else if (e.kind() == http::BodyError::Kind::kMalformed) {
      answer_error(ApiError(400, "IncompleteBody", e.what()));
    } else {
      throw;  // the client is gone: let the HTTP layer drop the connection
    }
  } catch (const std::exception& e) {
    LOG_ERROR("internal error", {{"request_id", ctx.request_id()}, {"error", e.what()}});
    bool xml = entry && entry->model->protocol() == Protocol::kRestXml;
    answer_error(ApiError(500, xml ? "InternalError" : "InternalFailure",
                          "We encountered an internal error. Please try again."));
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string service = entry ? entry->model->name() : "-";
  base::Metrics::Global().RecordRequest(service, op_name, res.status(), seconds);
  LOG_INFO("request", {{"method", req.method},
                       {"path", req.path},
                       {"op", service + "." + op_name},
                       {"status", std::to_string(res.status())},
                       {"ms", std::to_string(seconds * 1000)},
                       {"request_id", ctx.request_id()}});
}

}  // namespace aws
