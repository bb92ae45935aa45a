// The MLflow REST endpoints of a tracking server, by method and path below /api/2.0 (or
// /ajax-api/2.0): "/mlflow/runs/create", "/mlflow-artifacts/artifacts/<path>", ... Each route
// names the IAM action it is authorized with and either answers a JSON document (the request's
// members already read into ApiCall::fields) or, for artifact transfers, reads the body and
// writes the whole response itself. Built at startup, read-only afterwards; Find is
// thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/request.h"
#include "platform/http/response_writer.h"
#include "services/mlflow/json_writer.h"
#include "services/mlflow/request_authenticator.h"
#include "services/mlflow/request_fields.h"
#include "services/mlflow/tracking_servers.h"

namespace mlflow {

// One call of a route.
struct ApiCall {
  const TrackingServerRecord& server;
  http::Request& request;
  http::ResponseWriter& response;
  // The request's members (JSON routes).
  RequestFields fields;
  // For prefix routes: the rest of the path after the route's path, still percent-encoded.
  std::string tail;
  // "http://<host>/_mlflow/<server>", as the client addressed the server.
  std::string base_url;
  // For JSON routes: the size of the body the members were read from.
  size_t body_size = 0;
  // For streaming routes: the body to read (checked against a SigV4 signature if it has one).
  http::BodyReader* body = nullptr;
  Caller caller;
};

using JsonRouteFn = std::function<void(ApiCall&, JsonWriter& out)>;
using StreamRouteFn = std::function<void(ApiCall&)>;

struct ApiRoute {
  std::string action;
  // The URL carries its own authorization (signed multipart part URLs).
  bool self_authorized = false;
  JsonRouteFn json;      // writes the members of the response object
  StreamRouteFn stream;  // writes the whole response
};

class ApiRoutes {
 public:
  // A JSON route; with `prefix`, it serves every path below `path` + "/".
  void Json(const std::string& method, const std::string& path, const std::string& action,
            JsonRouteFn fn, bool prefix = false);
  // A streaming route; with `prefix`, it serves every path below `path` + "/".
  ApiRoute& Stream(const std::string& method, const std::string& path, bool prefix,
                   const std::string& action, StreamRouteFn fn);

  // The route for `method` and `path` (below /api/2.0), with `*tail` set for prefix routes;
  // null when none. `*path_known` tells whether some route has this path (405 vs 404).
  const ApiRoute* Find(std::string_view method, std::string_view path, std::string* tail,
                       bool* path_known) const;

 private:
  std::map<std::string, std::map<std::string, ApiRoute>, std::less<>> exact_;   // path -> method
  std::map<std::string, std::map<std::string, ApiRoute>, std::less<>> prefix_;  // path + "/"
};

// The routes of each part of the API (tracking_routes.cc, registry_routes.cc,
// artifact_routes.cc).
class TrackingStore;
class ModelRegistry;
class ArtifactRepository;
struct ModelVersion;

void AddTrackingRoutes(ApiRoutes& routes, TrackingStore& tracking, ArtifactRepository& artifacts);
// `on_version_created` runs after each model version is created (AutomaticModelRegistration).
void AddRegistryRoutes(
    ApiRoutes& routes, ModelRegistry& registry,
    std::function<void(const TrackingServerRecord&, const ModelVersion&)> on_version_created);
// `signing_secret` signs the part URLs multipart uploads hand out.
void AddArtifactRoutes(ApiRoutes& routes, ArtifactRepository& artifacts,
                       std::string signing_secret);

// The response of a JSON route that answers an empty object.
inline void NoMembers(ApiCall&, JsonWriter&) {}

}  // namespace mlflow
