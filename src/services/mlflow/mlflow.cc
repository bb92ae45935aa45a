#include "services/mlflow/mlflow.h"

#include <chrono>
#include <mutex>

#include "base/crypto.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strings.h"
#include "services/mlflow/api_routes.h"
#include "services/mlflow/artifact_repository.h"
#include "services/mlflow/json_writer.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/model_registry.h"
#include "services/mlflow/request_authenticator.h"
#include "services/mlflow/tracking_server_operations.h"
#include "services/mlflow/tracking_servers.h"
#include "services/mlflow/tracking_store.h"
#include "services/mlflow/ui_pages.h"

namespace mlflow {
namespace {

constexpr std::string_view kRoot = "/_mlflow/";
// JSON request bodies are small; log-batch, the largest, is limited to 1 MB by MLflow.
constexpr size_t kMaxJsonBody = 16 << 20;
// Answers longer than this are sent in pieces of about this size (chunked).
constexpr size_t kResponsePieceBytes = 1 << 20;

void SendError(http::ResponseWriter& res, int status, const std::string& code,
               const std::string& message) {
  JsonWriter w;
  w.BeginObject().Key("error_code").String(code).Key("message").String(message).EndObject();
  res.SetStatus(status);
  res.headers().Set("Content-Type", "application/json");
  res.Send(w.str());
}

std::vector<std::pair<std::string, std::string>> DecodeQuery(const http::Request& req) {
  std::optional<std::vector<std::pair<std::string, std::string>>> q =
      base::ParseQueryString(req.query, true);
  if (!q) throw MlflowError("BAD_REQUEST", "Malformed query string.");
  return *q;
}

}  // namespace

struct Mlflow::Impl {
  Impl(meta::Store& store, storage::ObjectStore& objects, aws::CredentialProvider& credentials,
       MlflowOptions opts)
      : options(std::move(opts)),
        servers(store),
        tracking(store),
        registry(store),
        artifacts(objects),
        objects(objects),
        auth(credentials, servers),
        ui(tracking, registry) {
    AddTrackingRoutes(routes, tracking, artifacts);
    AddRegistryRoutes(
        routes, registry,
        [this](const TrackingServerRecord& s, const ModelVersion& v) { Registered(s, v); });
    AddArtifactRoutes(routes, artifacts, servers.signing_secret());
  }

  void Serve(http::Request& req, http::ResponseWriter& res, std::string& op);
  void ServeApi(http::Request& req, http::ResponseWriter& res, const TrackingServerRecord& server,
                std::string_view api_path, const std::string& base_url, std::string& op);
  void ServeSignIn(http::Request& req, http::ResponseWriter& res,
                   const TrackingServerRecord& server);
  void ServeUi(http::Request& req, http::ResponseWriter& res, const TrackingServerRecord& server);
  void Registered(const TrackingServerRecord& server, const ModelVersion& version);
  std::string ListenUrl() {
    std::lock_guard<std::mutex> lock(listen_url_mu);
    return options.listen_url;
  }

  MlflowOptions options;
  TrackingServers servers;
  TrackingStore tracking;
  ModelRegistry registry;
  ArtifactRepository artifacts;
  storage::ObjectStore& objects;
  RequestAuthenticator auth;
  UiPages ui;
  ApiRoutes routes;
  ModelRegistrationSink* sink = nullptr;
  std::mutex listen_url_mu;  // guards options.listen_url
};

void Mlflow::Impl::Registered(const TrackingServerRecord& server, const ModelVersion& v) {
  if (!server.automatic_model_registration || sink == nullptr) return;
  ModelVersionRegistered event;
  event.account_id = options.account_id;
  event.region = options.region;
  event.tracking_server_name = server.name;
  event.tracking_server_arn = server.arn;
  event.role_arn = server.role_arn;
  event.model_name = v.name;
  event.version = v.version;
  event.source = v.source;
  event.run_id = v.run_id;
  event.description = v.description;
  event.tags = v.tags;
  try {
    event.model_data_uri =
        ArtifactRepository::Resolve(server.artifact_store_uri, v.storage_location).S3Uri();
  } catch (const MlflowError&) {
    event.model_data_uri.clear();
  }
  try {
    sink->OnModelVersionCreated(event);
  } catch (const std::exception& e) {
    LOG_WARN(
        "automatic model registration failed",
        {{"server", server.name}, {"model", v.name}, {"version", v.version}, {"error", e.what()}});
  }
}

void Mlflow::Impl::Serve(http::Request& req, http::ResponseWriter& res, std::string& op) {
  std::string_view rest = std::string_view(req.path).substr(kRoot.size());
  size_t slash = rest.find('/');
  std::string name(rest.substr(0, slash));
  std::string_view sub = slash == std::string_view::npos ? "" : rest.substr(slash);
  std::optional<TrackingServerRecord> server = servers.Find(name);
  if (!server) throw NotFound("Tracking server '" + name + "' does not exist.");
  std::string base_url = RequestBaseUrl(req, ListenUrl()) + std::string(kRoot) + name;
  if (sub.empty()) {
    op = "Redirect";
    res.SetStatus(302);
    res.headers().Set("Location", std::string(kRoot) + name + "/");
    res.Send("");
    return;
  }
  if (sub == "/health") {
    op = "Health";
    res.SetStatus(server->stopped() ? 503 : 200);
    res.Send(server->stopped() ? "Stopped" : "OK");
    return;
  }
  if (server->stopped()) {
    throw MlflowError(
        "TEMPORARILY_UNAVAILABLE",
        "Tracking server " + name + " is stopped; start it with StartMlflowTrackingServer.");
  }
  for (std::string_view prefix : {"/api/2.0", "/ajax-api/2.0"}) {
    if (sub.starts_with(prefix) && sub.size() > prefix.size() && sub[prefix.size()] == '/') {
      ServeApi(req, res, *server, sub.substr(prefix.size()), base_url, op);
      return;
    }
  }
  if (sub == "/version") {
    op = "Version";
    res.SetStatus(200);
    res.headers().Set("Content-Type", "text/plain");
    res.Send(server->mlflow_version);
    return;
  }
  if (sub == "/auth") {
    op = "SignIn";
    ServeSignIn(req, res, *server);
    return;
  }
  if (sub == "/" && (req.method == "GET" || req.method == "HEAD")) {
    op = "AccessUI";
    ServeUi(req, res, *server);
    return;
  }
  throw MlflowError("ENDPOINT_NOT_FOUND", "No endpoint at " + std::string(sub) + ".");
}

void Mlflow::Impl::ServeApi(http::Request& req, http::ResponseWriter& res,
                            const TrackingServerRecord& server, std::string_view api_path,
                            const std::string& base_url, std::string& op) {
  std::string tail;
  bool known = false;
  const ApiRoute* route = routes.Find(req.method, api_path, &tail, &known);
  if (route == nullptr) {
    if (known) {
      SendError(res, 405, "BAD_REQUEST",
                "The method " + req.method + " is not allowed for " + std::string(api_path) + ".");
      return;
    }
    throw MlflowError("ENDPOINT_NOT_FOUND",
                      "No API endpoint " + req.method + " " + std::string(api_path) + ".");
  }
  op = route->action;
  ApiCall call{server, req, res, {}, tail, base_url, 0, nullptr, {}};
  if (route->json) {
    std::string body = req.body->ReadAll(kMaxJsonBody);
    if (!route->self_authorized) {
      call.caller = auth.Authenticate(req, server, &body, nullptr);
      auth.Authorize(call.caller, route->action, server, req);
    }
    call.fields = RequestFields::Parse(DecodeQuery(req), body);
    call.body_size = body.size();
    // A large answer (a search page, a metric history) goes out in pieces as it is written,
    // through one reused buffer; a small one in a single Send.
    JsonWriter w;
    w.SpillTo(kResponsePieceBytes, [&res](std::string_view piece) {
      if (!res.started()) {
        res.SetStatus(200);
        res.headers().Set("Content-Type", "application/json");
        res.Begin(std::nullopt);
      }
      res.Write(piece);
    });
    w.BeginObject();
    route->json(call, w);
    w.EndObject();
    if (res.started()) {
      res.Write(w.str());
      res.End();
      return;
    }
    res.SetStatus(200);
    res.headers().Set("Content-Type", "application/json");
    res.Send(w.str());
    return;
  }
  std::unique_ptr<http::BodyReader> checked;
  if (!route->self_authorized) {
    call.caller = auth.Authenticate(req, server, nullptr, &checked);
    auth.Authorize(call.caller, route->action, server, req);
  }
  call.body = checked ? checked.get() : req.body;
  route->stream(call);
}

void Mlflow::Impl::ServeSignIn(http::Request& req, http::ResponseWriter& res,
                               const TrackingServerRecord& server) {
  std::string token;
  for (const auto& [k, v] : DecodeQuery(req)) {
    if (k == "authToken") token = v;
  }
  std::optional<TokenGrant> grant = token.empty() ? std::nullopt : servers.RedeemUrlToken(token);
  if (!grant || grant->server_id != server.id) {
    throw MlflowError("UNAUTHENTICATED",
                      "The sign-in URL is invalid, expired or already used; create a new one "
                      "with CreatePresignedMlflowTrackingServerUrl.");
  }
  std::string session = servers.IssueToken(server.id, "session", grant->access_key_id,
                                           grant->session_seconds, grant->session_seconds);
  std::string_view accept = req.headers.Get("Accept").value_or("");
  if (accept.find("application/json") != std::string_view::npos) {
    JsonWriter w;
    w.BeginObject()
        .Key("access_token")
        .String(session)
        .Key("token_type")
        .String("Bearer")
        .Key("expires_in")
        .Int(grant->session_seconds)
        .EndObject();
    res.SetStatus(200);
    res.headers().Set("Content-Type", "application/json");
    res.Send(w.str());
    return;
  }
  std::string path = std::string(kRoot) + server.name + "/";
  res.SetStatus(302);
  res.headers().Set("Set-Cookie", std::string(kSessionCookie) + "=" + session + "; Path=" + path +
                                      "; Max-Age=" + std::to_string(grant->session_seconds) +
                                      "; HttpOnly; SameSite=Lax");
  res.headers().Set("Location", path);
  res.Send("");
}

void Mlflow::Impl::ServeUi(http::Request& req, http::ResponseWriter& res,
                           const TrackingServerRecord& server) {
  Caller caller;
  try {
    caller = auth.Authenticate(req, server, nullptr, nullptr);
  } catch (const MlflowError& e) {
    res.SetStatus(401);
    res.headers().Set("WWW-Authenticate", "Basic realm=\"MLflow " + server.name + "\"");
    res.headers().Set("Content-Type", "text/plain; charset=utf-8");
    res.Send(std::string(e.what()) + "\n");
    return;
  }
  auth.Authorize(caller, "AccessUI", server, req);
  std::string page = ui.Render(server, DecodeQuery(req));
  res.SetStatus(200);
  res.headers().Set("Content-Type", "text/html; charset=utf-8");
  res.Send(page);
}

Mlflow::Mlflow(meta::Store& store, storage::ObjectStore& objects,
               aws::CredentialProvider& credentials, MlflowOptions options)
    : impl_(std::make_unique<Impl>(store, objects, credentials, std::move(options))) {}

Mlflow::~Mlflow() = default;

void Mlflow::RegisterTrackingServerOperations(aws::Service& sagemaker) {
  AddTrackingServerOperations(sagemaker, impl_->servers, impl_->objects,
                              [impl = impl_.get()] { return impl->ListenUrl(); });
}

void Mlflow::set_model_registration_sink(ModelRegistrationSink* sink) { impl_->sink = sink; }

void Mlflow::set_listen_url(const std::string& url) {
  std::lock_guard<std::mutex> lock(impl_->listen_url_mu);
  impl_->options.listen_url = url;
}

void Mlflow::Handle(http::Request& req, http::ResponseWriter& res) {
  auto started = std::chrono::steady_clock::now();
  std::string op = "-";
  std::string request_id = base::Uuid4();
  res.headers().Set("x-request-id", request_id);
  try {
    impl_->Serve(req, res, op);
  } catch (const MlflowError& e) {
    if (res.started()) throw;
    SendError(res, e.http_status(), e.code(), e.what());
  } catch (const http::BodyError& e) {
    if (res.started()) throw;
    if (e.kind() == http::BodyError::Kind::kTooLarge) {
      SendError(res, 400, "INVALID_PARAMETER_VALUE", "The request body is too large.");
    } else if (e.kind() == http::BodyError::Kind::kMalformed) {
      SendError(res, 400, "BAD_REQUEST", e.what());
    } else {
      throw;
    }
  } catch (const std::exception& e) {
    LOG_ERROR("internal error", {{"request_id", request_id}, {"error", e.what()}});
    if (res.started()) throw;
    SendError(res, 500, "INTERNAL_ERROR", "Internal error; please retry.");
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  base::Metrics::Global().RecordRequest("mlflow", op, res.status(), seconds);
  LOG_INFO("request", {{"method", req.method},
                       {"path", req.path},
                       {"op", "mlflow." + op},
                       {"status", std::to_string(res.status())},
                       {"ms", std::to_string(seconds * 1000)},
                       {"request_id", request_id}});
}

}  // namespace mlflow
