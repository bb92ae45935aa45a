// The tracking endpoints: experiments, runs, metrics, and the run artifact listing.
#include "services/mlflow/api_routes.h"
#include "services/mlflow/artifact_repository.h"
#include "services/mlflow/entity_json.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/tracking_store.h"
#include "services/mlflow/validation.h"

namespace mlflow {
namespace {

// MLflow refuses log-batch requests over 1 MB.
constexpr size_t kMaxBatchRequestBytes = 1000000;

std::vector<KeyValue> KeyValues(const RequestFields& f, std::string_view member) {
  std::vector<KeyValue> out;
  for (const base::Json& kv : f.Objects(member)) {
    out.push_back(
        KeyValue{JsonString(kv, "key").value_or(""), JsonString(kv, "value").value_or("")});
  }
  return out;
}

Metric MetricOf(const base::Json& m, const std::string& fallback_key = "") {
  Metric out;
  out.key = JsonString(m, "key").value_or(fallback_key);
  std::optional<double> value = JsonDouble(m, "value");
  std::optional<int64_t> timestamp = JsonInt64(m, "timestamp");
  if (!value) {
    throw InvalidParameter("Got invalid value None for metric '" + out.key +
                           "'. Please specify value as a valid double (64-bit floating point)");
  }
  if (!timestamp) {
    throw InvalidParameter("Got invalid timestamp None for metric '" + out.key +
                           "'. Timestamp must be a nonnegative long (64-bit integer) ");
  }
  out.value = *value;
  out.timestamp = *timestamp;
  out.step = JsonInt64(m, "step").value_or(0);
  return out;
}

void WriteExperiments(JsonWriter& out, const ExperimentPage& page) {
  if (!page.experiments.empty()) {
    out.Key("experiments").BeginArray();
    for (const Experiment& e : page.experiments) WriteExperiment(out, e);
    out.EndArray();
  }
  if (!page.next_page_token.empty()) out.Key("next_page_token").String(page.next_page_token);
}

}  // namespace

void AddTrackingRoutes(ApiRoutes& routes, TrackingStore& tracking, ArtifactRepository& artifacts) {
  // --- Experiments ---
  routes.Json(
      "POST", "/mlflow/experiments/create", "CreateExperiment", [&](ApiCall& c, JsonWriter& out) {
        std::string id = tracking.CreateExperiment(c.server.id, c.fields.RequiredString("name"),
                                                   c.fields.String("artifact_location"),
                                                   KeyValues(c.fields, "tags"));
        out.Key("experiment_id").String(id);
      });
  auto search_experiments = [&](ApiCall& c, JsonWriter& out) {
    ExperimentSearch s;
    s.filter = c.fields.String("filter").value_or("");
    s.max_results = c.fields.Int64("max_results");
    s.order_by = c.fields.Strings("order_by");
    s.page_token = c.fields.String("page_token").value_or("");
    s.view = ParseViewType(c.fields.String("view_type"), "view_type");
    WriteExperiments(out, tracking.SearchExperiments(c.server.id, s));
  };
  routes.Json("POST", "/mlflow/experiments/search", "SearchExperiments", search_experiments);
  routes.Json("GET", "/mlflow/experiments/search", "SearchExperiments", search_experiments);
  // MLflow 1.x clients list experiments.
  routes.Json("GET", "/mlflow/experiments/list", "SearchExperiments",
              [&](ApiCall& c, JsonWriter& out) {
                ExperimentSearch s;
                s.max_results = c.fields.Int64("max_results").value_or(kMaxSearchResults);
                s.page_token = c.fields.String("page_token").value_or("");
                s.view = ParseViewType(c.fields.String("view_type"), "view_type");
                WriteExperiments(out, tracking.SearchExperiments(c.server.id, s));
              });
  routes.Json("GET", "/mlflow/experiments/get", "GetExperiment", [&](ApiCall& c, JsonWriter& out) {
    out.Key("experiment");
    WriteExperiment(out,
                    tracking.GetExperiment(c.server.id, c.fields.RequiredString("experiment_id")));
  });
  routes.Json("GET", "/mlflow/experiments/get-by-name", "GetExperimentByName",
              [&](ApiCall& c, JsonWriter& out) {
                out.Key("experiment");
                WriteExperiment(out, tracking.GetExperimentByName(
                                         c.server.id, c.fields.RequiredString("experiment_name")));
              });
  routes.Json("POST", "/mlflow/experiments/delete", "DeleteExperiment",
              [&](ApiCall& c, JsonWriter&) {
                tracking.DeleteExperiment(c.server.id, c.fields.RequiredString("experiment_id"));
              });
  routes.Json("POST", "/mlflow/experiments/restore", "RestoreExperiment",
              [&](ApiCall& c, JsonWriter&) {
                tracking.RestoreExperiment(c.server.id, c.fields.RequiredString("experiment_id"));
              });
  routes.Json("POST", "/mlflow/experiments/update", "UpdateExperiment",
              [&](ApiCall& c, JsonWriter&) {
                std::string id = c.fields.RequiredString("experiment_id");
                if (std::optional<std::string> name = c.fields.String("new_name")) {
                  tracking.RenameExperiment(c.server.id, id, *name);
                } else {
                  tracking.GetExperiment(c.server.id, id);
                }
              });
  routes.Json("POST", "/mlflow/experiments/set-experiment-tag", "SetExperimentTag",
              [&](ApiCall& c, JsonWriter&) {
                if (!c.fields.Has("value")) throw MissingParameter("value");
                tracking.SetExperimentTag(
                    c.server.id, c.fields.RequiredString("experiment_id"),
                    KeyValue{c.fields.RequiredString("key"), *c.fields.String("value")});
              });
  routes.Json("POST", "/mlflow/experiments/delete-experiment-tag", "DeleteExperimentTag",
              [&](ApiCall& c, JsonWriter&) {
                tracking.DeleteExperimentTag(c.server.id, c.fields.RequiredString("experiment_id"),
                                             c.fields.RequiredString("key"));
              });

  // --- Runs ---
  routes.Json("POST", "/mlflow/runs/create", "CreateRun", [&](ApiCall& c, JsonWriter& out) {
    NewRun r;
    r.experiment_id = c.fields.String("experiment_id").value_or("");
    r.user_id = c.fields.String("user_id").value_or("");
    r.run_name = c.fields.String("run_name");
    r.start_time = c.fields.Int64("start_time");
    r.tags = KeyValues(c.fields, "tags");
    out.Key("run");
    WriteRun(out, tracking.CreateRun(c.server.id, r));
  });
  routes.Json("POST", "/mlflow/runs/update", "UpdateRun", [&](ApiCall& c, JsonWriter& out) {
    RunUpdate u{c.fields.String("status"), c.fields.Int64("end_time"), c.fields.String("run_name")};
    out.Key("run_info");
    WriteRunInfo(out, tracking.UpdateRun(c.server.id, c.fields.RunId(), u));
  });
  routes.Json("POST", "/mlflow/runs/delete", "DeleteRun", [&](ApiCall& c, JsonWriter&) {
    tracking.DeleteRun(c.server.id, c.fields.RequiredString("run_id"));
  });
  routes.Json("POST", "/mlflow/runs/restore", "RestoreRun", [&](ApiCall& c, JsonWriter&) {
    tracking.RestoreRun(c.server.id, c.fields.RequiredString("run_id"));
  });
  routes.Json("GET", "/mlflow/runs/get", "GetRun", [&](ApiCall& c, JsonWriter& out) {
    out.Key("run");
    WriteRun(out, tracking.GetRun(c.server.id, c.fields.RunId()));
  });
  routes.Json("POST", "/mlflow/runs/search", "SearchRuns", [&](ApiCall& c, JsonWriter& out) {
    RunSearchRequest s;
    s.experiment_ids = c.fields.Strings("experiment_ids");
    s.filter = c.fields.String("filter").value_or("");
    s.view = ParseViewType(c.fields.String("run_view_type"), "run_view_type");
    s.max_results = c.fields.Int64("max_results");
    s.order_by = c.fields.Strings("order_by");
    s.page_token = c.fields.String("page_token").value_or("");
    RunPage page = tracking.SearchRuns(c.server.id, s);
    if (!page.runs.empty()) {
      out.Key("runs").BeginArray();
      for (const Run& r : page.runs) WriteRun(out, r);
      out.EndArray();
    }
    if (!page.next_page_token.empty()) out.Key("next_page_token").String(page.next_page_token);
  });
  routes.Json("POST", "/mlflow/runs/log-metric", "LogMetric", [&](ApiCall& c, JsonWriter&) {
    std::string run_id = c.fields.RunId();
    std::string key = c.fields.RequiredString("key");
    LogBatch b;
    base::Json m = {{"key", key}};
    if (auto v = c.fields.Double("value")) m["value"] = *v;
    if (auto t = c.fields.Int64("timestamp")) m["timestamp"] = *t;
    if (auto s = c.fields.Int64("step")) m["step"] = *s;
    b.metrics.push_back(MetricOf(m));
    tracking.LogBatch(c.server.id, run_id, b);
  });
  routes.Json("POST", "/mlflow/runs/log-parameter", "LogParam", [&](ApiCall& c, JsonWriter&) {
    std::string run_id = c.fields.RunId();
    if (!c.fields.Has("value")) throw MissingParameter("value");
    LogBatch b;
    b.params.push_back(KeyValue{c.fields.RequiredString("key"), *c.fields.String("value")});
    tracking.LogBatch(c.server.id, run_id, b);
  });
  routes.Json("POST", "/mlflow/runs/set-tag", "SetTag", [&](ApiCall& c, JsonWriter&) {
    std::string run_id = c.fields.RunId();
    if (!c.fields.Has("value")) throw MissingParameter("value");
    LogBatch b;
    b.tags.push_back(KeyValue{c.fields.RequiredString("key"), *c.fields.String("value")});
    tracking.LogBatch(c.server.id, run_id, b);
  });
  routes.Json("POST", "/mlflow/runs/delete-tag", "DeleteTag", [&](ApiCall& c, JsonWriter&) {
    tracking.DeleteTag(c.server.id, c.fields.RunId(), c.fields.RequiredString("key"));
  });
  routes.Json("POST", "/mlflow/runs/log-batch", "LogBatch", [&](ApiCall& c, JsonWriter&) {
    size_t size = c.body_size;
    if (size > kMaxBatchRequestBytes) {
      throw InvalidParameter("Batched logging API requests must be at most " +
                             std::to_string(kMaxBatchRequestBytes) +
                             " bytes, got a request of size " + std::to_string(size) + ".");
    }
    std::string run_id = c.fields.RunId();
    LogBatch b;
    for (const base::Json& m : c.fields.Objects("metrics")) b.metrics.push_back(MetricOf(m));
    b.params = KeyValues(c.fields, "params");
    b.tags = KeyValues(c.fields, "tags");
    tracking.LogBatch(c.server.id, run_id, b);
  });
  routes.Json("POST", "/mlflow/runs/log-inputs", "LogInputs", [&](ApiCall& c, JsonWriter&) {
    std::string run_id = c.fields.RequiredString("run_id");
    std::vector<DatasetInput> inputs;
    for (const base::Json& d : c.fields.Objects("datasets")) {
      DatasetInput in;
      if (auto tags = d.find("tags"); tags != d.end() && tags->is_array()) {
        for (const base::Json& t : *tags) {
          in.tags.push_back(
              KeyValue{JsonString(t, "key").value_or(""), JsonString(t, "value").value_or("")});
        }
      }
      auto ds = d.find("dataset");
      if (ds == d.end() || !ds->is_object()) throw MissingParameter("datasets.dataset");
      in.dataset = Dataset{JsonString(*ds, "name").value_or(""),
                           JsonString(*ds, "digest").value_or(""),
                           JsonString(*ds, "source_type").value_or(""),
                           JsonString(*ds, "source").value_or(""),
                           JsonString(*ds, "schema"),
                           JsonString(*ds, "profile")};
      inputs.push_back(std::move(in));
    }
    tracking.LogInputs(c.server.id, run_id, inputs);
  });
  routes.Json("POST", "/mlflow/runs/log-model", "LogModel", [&](ApiCall& c, JsonWriter&) {
    tracking.LogModel(c.server.id, c.fields.RequiredString("run_id"),
                      c.fields.RequiredString("model_json"));
  });
  routes.Json("GET", "/mlflow/metrics/get-history", "GetMetricHistory",
              [&](ApiCall& c, JsonWriter& out) {
                std::string key = c.fields.RequiredString("metric_key");
                std::string quoted_key = JsonQuote(key);
                bool any = false;
                std::string next = tracking.VisitMetricHistory(
                    c.server.id, c.fields.RunId(), key, c.fields.Int64("max_results"),
                    c.fields.String("page_token").value_or(""),
                    [&](int64_t step, int64_t timestamp, double value) {
                      if (!any) out.Key("metrics").BeginArray();
                      any = true;
                      out.BeginObject().Key("key").Raw(quoted_key).Key("value").Double(value);
                      out.Key("timestamp").Int(timestamp).Key("step").Int(step).EndObject();
                    });
                if (any) out.EndArray();
                if (!next.empty()) out.Key("next_page_token").String(next);
              });
  routes.Json("GET", "/mlflow/artifacts/list", "ListArtifacts", [&](ApiCall& c, JsonWriter& out) {
    Run run = tracking.GetRun(c.server.id, c.fields.RunId());
    std::string path = SafeArtifactPath(c.fields.String("path").value_or(""));
    while (!path.empty() && path.back() == '/') path.pop_back();
    ArtifactLocation root =
        ArtifactRepository::Resolve(c.server.artifact_store_uri, run.info.artifact_uri);
    std::vector<FileInfo> files = artifacts.List(root.Child(path));
    out.Key("root_uri").String(run.info.artifact_uri);
    if (!files.empty()) {
      out.Key("files").BeginArray();
      for (FileInfo& f : files) {
        if (!path.empty()) f.path = path + "/" + f.path;
        WriteFileInfo(out, f);
      }
      out.EndArray();
    }
  });
}

}  // namespace mlflow
