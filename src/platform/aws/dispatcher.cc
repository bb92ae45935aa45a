#include "platform/aws/dispatcher.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

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

// One request on its way through the dispatcher. An asynchronous one lives on the heap until
// its answer is written; it holds its exchange, which holds the request and the response the
// context refers to.
struct Call {
  Call(http::Request& req, http::ResponseWriter& res,
       std::shared_ptr<http::AsyncExchange> async_exchange = nullptr)
      : exchange(std::move(async_exchange)), ctx(req, res) {}

  const std::shared_ptr<http::AsyncExchange> exchange;  // first: destroyed last
  RequestContext ctx;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  const Entry* entry = nullptr;
  std::string op_name = "-";
  std::optional<sigv4::RequestSignature> sig;
  std::optional<sigv4::AuthError> sig_error;
  protocol::WireRequest wire;
  bool body_read = false;
  std::optional<protocol::RouteMatch> route;
  std::optional<ApiError> unknown_operation;
  const Operation* raw = nullptr;  // the raw operation serving a request the model lacks
  const Operation* op = nullptr;
  std::unique_ptr<http::BodyReader> wrapped;
  base::Json input;
};

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
  // Finds the service and operation of `call` (or its raw operation). Touches neither the
  // response nor, except for a query-protocol form body, the request body.
  void Route(Call& call);
  // Everything between routing and the handler: the response's request id, authentication,
  // decoding the input, the service's request hook, authorization.
  void Prepare(Call& call);
  // Runs the handler and writes its answer, on the calling thread.
  void Run(Call& call);
  // Writes the answer to `error` (the exception in flight); rethrows what only the HTTP layer
  // can answer (the client went away, a streamed response cannot be taken back).
  void AnswerError(Call& call);
  // Gives the request its id, time of arrival and account.
  void Begin(Call& call);
  // Encodes the handler's output and writes it as the answer.
  void WriteOutput(Call& call, const base::Json& output);
  // The request's log line and metrics.
  void Record(Call& call);
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
                                    const sigv4::RequestSignature& sig, protocol::WireRequest& wire,
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
  if (entry.service->resource_policy())
    resource_policy = entry.service->resource_policy()(ctx, input);
  const auth::Policy* session = ctx.session_policy().get();

  auth::Decision decision = auth::Authorize(identity_ptrs, resource_policy.get(), request, session);
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

void Dispatcher::Impl::Route(Call& call) {
  http::Request& req = call.ctx.http_request();
  try {
    call.sig = sigv4::RequestSignature::Extract(req);
  } catch (const sigv4::AuthError& e) {
    call.sig_error = e;
  }
  std::string signing_name = call.sig ? call.sig->service : LooseSigningName(req);
  call.wire.method = req.method;
  call.wire.path = RoutedPath(req, signing_name);
  call.wire.query = sigv4::DecodeQuery(req.query);
  call.wire.headers = req.headers;
  call.entry = Resolve(req, call.wire, signing_name, call.body_read);
  try {
    call.route = protocol::ResolveOperation(*call.entry->model, call.wire);
    call.op_name = call.route->operation->name();
    call.op = call.entry->service->Find(call.op_name);
  } catch (const ApiError& e) {
    // A request the model does not describe may be one a raw operation serves.
    call.raw = call.body_read ? nullptr : call.entry->service->FindRaw(req, call.wire.path);
    if (call.raw != nullptr) {
      call.op_name = call.raw->name;
    } else {
      call.unknown_operation = e;
    }
  }
}

void Dispatcher::Impl::Prepare(Call& call) {
  RequestContext& ctx = call.ctx;
  http::Request& req = ctx.http_request();
  const Entry& entry = *call.entry;
  const protocol::ServiceModel& model = *entry.model;
  Protocol proto = model.protocol();
  ctx.set_region(call.sig ? call.sig->region : options.default_region);
  if (proto == Protocol::kRestXml) {
    ctx.response().headers().Set("x-amz-request-id", ctx.request_id());
    ctx.response().headers().Set("x-amz-id-2", base::Base64Encode(ctx.request_id()));
  } else {
    ctx.response().headers().Set("x-amzn-RequestId", ctx.request_id());
  }
  ctx.set_routed_path(call.wire.path);
  ctx.set_query(call.wire.query);
  ctx.set_credentials(&credentials);
  ctx.set_authorizer([this, &entry](const RequestContext& c, const std::string& action,
                                    const std::string& resource, const base::Json& input,
                                    const RequestContext::KeysFn& keys) {
    Authorize(c, entry, action, resource, input, keys);
  });

  // The caller is authenticated before an unknown operation is reported, as AWS does: a
  // tampered request hears about its signature, not about the operation it now names.
  if (call.sig_error) throw AuthFailureError(proto, *call.sig_error);
  if (call.raw != nullptr) {
    ctx.set_operation(call.op_name);
    return;  // raw operations authenticate and authorize themselves
  }
  if (call.route) ctx.set_operation(call.op_name);
  bool streaming = call.route && call.route->operation->input_streaming();
  if (!streaming && !call.body_read) {
    call.wire.body = req.body->ReadAll(options.max_document_bytes);
    call.body_read = true;
  }

  if (call.sig) {
    try {
      Authenticate(ctx, entry, streaming, *call.sig, call.wire, call.wrapped);
    } catch (const sigv4::AuthError& e) {
      throw AuthFailureError(proto, e);
    }
  } else if (proto != Protocol::kRestXml) {
    throw MissingAuthenticationError(proto);
  }
  if (call.unknown_operation) throw *call.unknown_operation;
  const protocol::OperationModel& op_model = *call.route->operation;
  const Operation* op = call.op;
  if (op == nullptr) {
    throw ApiError(501, "NotImplemented",
                   "UniStudio does not implement " + model.name() + " " + call.op_name + " yet.");
  }

  call.input = protocol::DecodeInput(model, op_model, call.wire, &*call.route);
  if (entry.service->request_hook()) entry.service->request_hook()(ctx, call.input);
  if (!op->handler_authorizes && (!op->always_allowed || ctx.principal().is_anonymous())) {
    Authorize(ctx, entry, op->action_fn ? op->action_fn(ctx, call.input) : op->action,
              op->resource ? op->resource(ctx, call.input) : "*", call.input,
              [&](auth::ContextKeys& keys) {
                if (op->condition_keys) op->condition_keys(ctx, call.input, keys);
              });
  }

  ctx.set_output_encoder([&model, &op_model, &ctx](const base::Json& output, int status,
                                                   http::ResponseWriter& res) {
    protocol::WireResponse head = protocol::EncodeOutput(model, op_model, output, ctx.request_id());
    res.SetStatus(status ? status : head.status);
    for (const auto& [k, v] : head.headers.entries()) res.headers().Set(k, v);
  });
}

void Dispatcher::Impl::Run(Call& call) {
  RequestContext& ctx = call.ctx;
  if (call.raw != nullptr) return call.raw->stream_handler(ctx, base::Json::object());
  const Operation& op = *call.op;
  if (op.stream_handler) return op.stream_handler(ctx, call.input);
  base::Json output;
  if (op.async_handler) {
    // This thread may wait: it waits for the reply, then makes the output here.
    std::mutex mu;
    std::condition_variable replied;
    std::function<base::Json()> make_output;
    op.async_handler(ctx, call.input, [&](std::function<base::Json()> out) {
      std::lock_guard lock(mu);
      make_output = std::move(out);
      replied.notify_one();
    });
    std::unique_lock lock(mu);
    replied.wait(lock, [&] { return make_output != nullptr; });
    output = make_output();
  } else {
    output = op.handler(ctx, call.input);
  }
  WriteOutput(call, output);
}

void Dispatcher::Impl::Begin(Call& call) {
  call.ctx.set_request_id(NewRequestId());
  call.ctx.set_received_at(base::Now());
  call.ctx.set_account_id(options.account_id);
}

void Dispatcher::Impl::WriteOutput(Call& call, const base::Json& output) {
  WriteWire(protocol::EncodeOutput(*call.entry->model, *call.route->operation, output,
                                   call.ctx.request_id()),
            call.ctx.response());
}

void Dispatcher::Impl::AnswerError(Call& call) {
  http::ResponseWriter& res = call.ctx.response();
  auto answer = [&](const ApiError& e) {
    // Once a streaming response has begun, the HTTP layer can only cut it short.
    if (res.started()) std::rethrow_exception(std::current_exception());
    const protocol::ServiceModel* model =
        call.entry ? call.entry->model : (fallback ? fallback->model : entries.front().model);
    WriteWire(protocol::EncodeError(*model, e, call.ctx.request_id()), res);
  };
  try {
    throw;
  } catch (const ApiError& e) {
    answer(e);
  } catch (const sigv4::PayloadError& e) {
    answer(PayloadFailureError(call.entry ? call.entry->model->protocol() : Protocol::kRestXml, e));
  } catch (const http::BodyError& e) {
    if (e.kind() == http::BodyError::Kind::kTooLarge) {
      answer(ApiError(413, "RequestEntityTooLarge", "Request entity too large"));
    } else if (e.kind() == http::BodyError::Kind::kMalformed) {
      answer(ApiError(400, "IncompleteBody", e.what()));
    } else {
      throw;  // the client is gone: let the HTTP layer drop the connection
    }
  } catch (const std::exception& e) {
    LOG_ERROR("internal error", {{"request_id", call.ctx.request_id()}, {"error", e.what()}});
    bool xml = call.entry && call.entry->model->protocol() == Protocol::kRestXml;
    answer(ApiError(500, xml ? "InternalError" : "InternalFailure",
                    "We encountered an internal error. Please try again."));
  }
}

void Dispatcher::Impl::Record(Call& call) {
  const http::Request& req = call.ctx.http_request();
  int status = call.ctx.response().status();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - call.started).count();
  std::string service = call.entry ? call.entry->model->name() : "-";
  base::Metrics::Global().RecordRequest(service, call.op_name, status, seconds);
  LOG_INFO("request", {{"method", req.method},
                       {"path", req.path},
                       {"op", service + "." + call.op_name},
                       {"status", std::to_string(status)},
                       {"ms", std::to_string(seconds * 1000)},
                       {"request_id", call.ctx.request_id()}});
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
  Call call(req, res);
  impl_->Begin(call);
  try {
    impl_->Route(call);
    impl_->Prepare(call);
    impl_->Run(call);
  } catch (...) {
    impl_->AnswerError(call);
  }
  impl_->Record(call);
}

bool Dispatcher::HandleAsync(const std::shared_ptr<http::AsyncExchange>& exchange) {
  http::Request& req = exchange->request();
  // Only uploads have asynchronous operations; other requests are spared routing twice.
  if (req.method != "PUT") return false;
  auto call = std::make_shared<Call>(req, exchange->response(), exchange);
  try {
    impl_->Route(*call);
  } catch (...) {
    return false;  // answered on a worker thread, which routes again
  }
  if (call->op == nullptr || !call->op->async_handler || call->sig_error) return false;
  impl_->Begin(*call);
  Impl* impl = impl_.get();
  // Writes the answer and ends the request, on the connection's I/O thread.
  auto finish = [impl](Call& c, const std::function<base::Json()>* make_output) {
    int failure_status = 0;
    try {
      try {
        if (make_output == nullptr) throw;
        impl->WriteOutput(c, (*make_output)());
      } catch (...) {
        impl->AnswerError(c);
      }
    } catch (...) {
      failure_status = 500;
    }
    impl->Record(c);
    c.exchange->Finish(failure_status);
  };
  try {
    impl_->Prepare(*call);
    call->op->async_handler(
        call->ctx, call->input, [call, finish](std::function<base::Json()> output) {
          call->exchange->Post(
              [call, finish, output = std::move(output)] { finish(*call, &output); });
        });
  } catch (...) {
    finish(*call, nullptr);
  }
  return true;
}

}  // namespace aws
