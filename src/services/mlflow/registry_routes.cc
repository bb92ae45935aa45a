// The model registry endpoints: registered models, model versions, tags, stages and aliases.
#include "services/mlflow/api_routes.h"
#include "services/mlflow/entity_json.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/model_registry.h"

namespace mlflow {
namespace {

std::vector<KeyValue> Tags(const RequestFields& f) {
  std::vector<KeyValue> out;
  for (const base::Json& kv : f.Objects("tags")) {
    out.push_back(
        KeyValue{JsonString(kv, "key").value_or(""), JsonString(kv, "value").value_or("")});
  }
  return out;
}

RegistrySearch SearchOf(const RequestFields& f) {
  RegistrySearch s;
  s.filter = f.String("filter").value_or("");
  s.max_results = f.Int64("max_results");
  s.order_by = f.Strings("order_by");
  s.page_token = f.String("page_token").value_or("");
  return s;
}

void WriteVersions(JsonWriter& out, const std::vector<ModelVersion>& versions) {
  if (versions.empty()) return;
  out.Key("model_versions").BeginArray();
  for (const ModelVersion& v : versions) WriteModelVersion(out, v);
  out.EndArray();
}

}  // namespace

void AddRegistryRoutes(
    ApiRoutes& routes, ModelRegistry& registry,
    std::function<void(const TrackingServerRecord&, const ModelVersion&)> on_version_created) {
  auto model_out = [](JsonWriter& out, const RegisteredModel& m) {
    out.Key("registered_model");
    WriteRegisteredModel(out, m);
  };
  auto version_out = [](JsonWriter& out, const ModelVersion& v) {
    out.Key("model_version");
    WriteModelVersion(out, v);
  };

  routes.Json("POST", "/mlflow/registered-models/create", "CreateRegisteredModel",
              [&registry, model_out](ApiCall& c, JsonWriter& out) {
                model_out(out, registry.CreateRegisteredModel(
                                   c.server.id, c.fields.RequiredString("name"), Tags(c.fields),
                                   c.fields.String("description")));
              });
  routes.Json(
      "POST", "/mlflow/registered-models/rename", "RenameRegisteredModel",
      [&registry, model_out](ApiCall& c, JsonWriter& out) {
        model_out(out, registry.RenameRegisteredModel(c.server.id, c.fields.RequiredString("name"),
                                                      c.fields.RequiredString("new_name")));
      });
  routes.Json(
      "PATCH", "/mlflow/registered-models/update", "UpdateRegisteredModel",
      [&registry, model_out](ApiCall& c, JsonWriter& out) {
        model_out(out, registry.UpdateRegisteredModel(c.server.id, c.fields.RequiredString("name"),
                                                      c.fields.String("description")));
      });
  routes.Json("DELETE", "/mlflow/registered-models/delete", "DeleteRegisteredModel",
              [&registry](ApiCall& c, JsonWriter&) {
                registry.DeleteRegisteredModel(c.server.id, c.fields.RequiredString("name"));
              });
  routes.Json("GET", "/mlflow/registered-models/get", "GetRegisteredModel",
              [&registry, model_out](ApiCall& c, JsonWriter& out) {
                model_out(
                    out, registry.GetRegisteredModel(c.server.id, c.fields.RequiredString("name")));
              });
  routes.Json("GET", "/mlflow/registered-models/search", "SearchRegisteredModels",
              [&registry](ApiCall& c, JsonWriter& out) {
                RegisteredModelPage page =
                    registry.SearchRegisteredModels(c.server.id, SearchOf(c.fields));
                if (!page.models.empty()) {
                  out.Key("registered_models").BeginArray();
                  for (const RegisteredModel& m : page.models) WriteRegisteredModel(out, m);
                  out.EndArray();
                }
                if (!page.next_page_token.empty()) {
                  out.Key("next_page_token").String(page.next_page_token);
                }
              });
  auto latest = [&registry](ApiCall& c, JsonWriter& out) {
    WriteVersions(out, registry.GetLatestVersions(c.server.id, c.fields.RequiredString("name"),
                                                  c.fields.Strings("stages")));
  };
  routes.Json("POST", "/mlflow/registered-models/get-latest-versions", "GetLatestModelVersions",
              latest);
  routes.Json("GET", "/mlflow/registered-models/get-latest-versions", "GetLatestModelVersions",
              latest);
  routes.Json("POST", "/mlflow/registered-models/set-tag", "SetRegisteredModelTag",
              [&registry](ApiCall& c, JsonWriter&) {
                if (!c.fields.Has("value")) throw MissingParameter("value");
                registry.SetRegisteredModelTag(
                    c.server.id, c.fields.RequiredString("name"),
                    KeyValue{c.fields.RequiredString("key"), *c.fields.String("value")});
              });
  routes.Json("DELETE", "/mlflow/registered-models/delete-tag", "DeleteRegisteredModelTag",
              [&registry](ApiCall& c, JsonWriter&) {
                registry.DeleteRegisteredModelTag(c.server.id, c.fields.RequiredString("name"),
                                                  c.fields.RequiredString("key"));
              });
  routes.Json("POST", "/mlflow/registered-models/alias", "SetRegisteredModelAlias",
              [&registry](ApiCall& c, JsonWriter&) {
                registry.SetAlias(c.server.id, c.fields.RequiredString("name"),
                                  c.fields.RequiredString("alias"),
                                  c.fields.RequiredString("version"));
              });
  routes.Json("DELETE", "/mlflow/registered-models/alias", "DeleteRegisteredModelAlias",
              [&registry](ApiCall& c, JsonWriter&) {
                registry.DeleteAlias(c.server.id, c.fields.RequiredString("name"),
                                     c.fields.RequiredString("alias"));
              });
  routes.Json("GET", "/mlflow/registered-models/alias", "GetModelVersionByAlias",
              [&registry, version_out](ApiCall& c, JsonWriter& out) {
                version_out(out,
                            registry.GetVersionByAlias(c.server.id, c.fields.RequiredString("name"),
                                                       c.fields.RequiredString("alias")));
              });

  routes.Json("POST", "/mlflow/model-versions/create", "CreateModelVersion",
              [&registry, version_out, on_version_created](ApiCall& c, JsonWriter& out) {
                NewModelVersion v;
                v.name = c.fields.RequiredString("name");
                v.source = c.fields.RequiredString("source");
                v.run_id = c.fields.String("run_id").value_or("");
                v.tags = Tags(c.fields);
                v.run_link = c.fields.String("run_link").value_or("");
                v.description = c.fields.String("description");
                ModelVersion created = registry.CreateModelVersion(c.server.id, v);
                if (on_version_created) on_version_created(c.server, created);
                version_out(out, created);
              });
  routes.Json("PATCH", "/mlflow/model-versions/update", "UpdateModelVersion",
              [&registry, version_out](ApiCall& c, JsonWriter& out) {
                version_out(
                    out, registry.UpdateModelVersion(c.server.id, c.fields.RequiredString("name"),
                                                     c.fields.RequiredString("version"),
                                                     c.fields.String("description")));
              });
  routes.Json("POST", "/mlflow/model-versions/transition-stage", "TransitionModelVersionStage",
              [&registry, version_out](ApiCall& c, JsonWriter& out) {
                std::optional<bool> archive = c.fields.Bool("archive_existing_versions");
                if (!archive) throw MissingParameter("archive_existing_versions");
                version_out(out,
                            registry.TransitionStage(c.server.id, c.fields.RequiredString("name"),
                                                     c.fields.RequiredString("version"),
                                                     c.fields.RequiredString("stage"), *archive));
              });
  routes.Json("DELETE", "/mlflow/model-versions/delete", "DeleteModelVersion",
              [&registry](ApiCall& c, JsonWriter&) {
                registry.DeleteModelVersion(c.server.id, c.fields.RequiredString("name"),
                                            c.fields.RequiredString("version"));
              });
  routes.Json("GET", "/mlflow/model-versions/get", "GetModelVersion",
              [&registry, version_out](ApiCall& c, JsonWriter& out) {
                version_out(out,
                            registry.GetModelVersion(c.server.id, c.fields.RequiredString("name"),
                                                     c.fields.RequiredString("version")));
              });
  routes.Json("GET", "/mlflow/model-versions/search", "SearchModelVersions",
              [&registry](ApiCall& c, JsonWriter& out) {
                ModelVersionPage page =
                    registry.SearchModelVersions(c.server.id, SearchOf(c.fields));
                WriteVersions(out, page.versions);
                if (!page.next_page_token.empty()) {
                  out.Key("next_page_token").String(page.next_page_token);
                }
              });
  routes.Json("GET", "/mlflow/model-versions/get-download-uri",
              "GetDownloadURIForModelVersionArtifacts", [&registry](ApiCall& c, JsonWriter& out) {
                out.Key("artifact_uri")
                    .String(registry.GetDownloadUri(c.server.id, c.fields.RequiredString("name"),
                                                    c.fields.RequiredString("version")));
              });
  routes.Json("POST", "/mlflow/model-versions/set-tag", "SetModelVersionTag",
              [&registry](ApiCall& c, JsonWriter&) {
                if (!c.fields.Has("value")) throw MissingParameter("value");
                registry.SetModelVersionTag(
                    c.server.id, c.fields.RequiredString("name"),
                    c.fields.RequiredString("version"),
                    KeyValue{c.fields.RequiredString("key"), *c.fields.String("value")});
              });
  routes.Json("DELETE", "/mlflow/model-versions/delete-tag", "DeleteModelVersionTag",
              [&registry](ApiCall& c, JsonWriter&) {
                registry.DeleteModelVersionTag(c.server.id, c.fields.RequiredString("name"),
                                               c.fields.RequiredString("version"),
                                               c.fields.RequiredString("key"));
              });
}

}  // namespace mlflow
