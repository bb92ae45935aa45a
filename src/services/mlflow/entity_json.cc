#include "services/mlflow/entity_json.h"

namespace mlflow {

void WriteKeyValues(JsonWriter& w, std::string_view name, const std::vector<KeyValue>& kvs) {
  if (kvs.empty()) return;
  w.Key(name).BeginArray();
  for (const KeyValue& kv : kvs) {
    w.BeginObject().Key("key").String(kv.key).Key("value").String(kv.value).EndObject();
  }
  w.EndArray();
}

void WriteExperiment(JsonWriter& w, const Experiment& e) {
  w.BeginObject()
      .Key("experiment_id")
      .String(e.experiment_id)
      .Key("name")
      .String(e.name)
      .Key("artifact_location")
      .String(e.artifact_location)
      .Key("lifecycle_stage")
      .String(e.lifecycle_stage)
      .Key("last_update_time")
      .Int(e.last_update_time)
      .Key("creation_time")
      .Int(e.creation_time);
  WriteKeyValues(w, "tags", e.tags);
  w.EndObject();
}

void WriteRunInfo(JsonWriter& w, const RunInfo& info) {
  w.BeginObject()
      .Key("run_uuid")
      .String(info.run_id)
      .Key("experiment_id")
      .String(info.experiment_id)
      .Key("run_name")
      .String(info.run_name)
      .Key("user_id")
      .String(info.user_id)
      .Key("status")
      .String(info.status);
  if (info.start_time) w.Key("start_time").Int(*info.start_time);
  if (info.end_time) w.Key("end_time").Int(*info.end_time);
  w.Key("artifact_uri")
      .String(info.artifact_uri)
      .Key("lifecycle_stage")
      .String(info.lifecycle_stage)
      .Key("run_id")
      .String(info.run_id)
      .EndObject();
}

void WriteMetric(JsonWriter& w, const Metric& m) {
  w.BeginObject()
      .Key("key")
      .String(m.key)
      .Key("value")
      .Double(m.value)
      .Key("timestamp")
      .Int(m.timestamp)
      .Key("step")
      .Int(m.step)
      .EndObject();
}

void WriteRun(JsonWriter& w, const Run& run) {
  w.BeginObject().Key("info");
  WriteRunInfo(w, run.info);
  w.Key("data").BeginObject();
  if (!run.metrics.empty()) {
    w.Key("metrics").BeginArray();
    for (const Metric& m : run.metrics) WriteMetric(w, m);
    w.EndArray();
  }
  WriteKeyValues(w, "params", run.params);
  WriteKeyValues(w, "tags", run.tags);
  w.EndObject().Key("inputs").BeginObject();
  if (!run.inputs.empty()) {
    w.Key("dataset_inputs").BeginArray();
    for (const DatasetInput& in : run.inputs) {
      w.BeginObject();
      WriteKeyValues(w, "tags", in.tags);
      w.Key("dataset")
          .BeginObject()
          .Key("name")
          .String(in.dataset.name)
          .Key("digest")
          .String(in.dataset.digest)
          .Key("source_type")
          .String(in.dataset.source_type)
          .Key("source")
          .String(in.dataset.source);
      if (in.dataset.schema) w.Key("schema").String(*in.dataset.schema);
      if (in.dataset.profile) w.Key("profile").String(*in.dataset.profile);
      w.EndObject().EndObject();
    }
    w.EndArray();
  }
  w.EndObject().EndObject();
}

void WriteModelVersion(JsonWriter& w, const ModelVersion& v) {
  w.BeginObject()
      .Key("name")
      .String(v.name)
      .Key("version")
      .String(v.version)
      .Key("creation_timestamp")
      .Int(v.creation_timestamp)
      .Key("last_updated_timestamp")
      .Int(v.last_updated_timestamp);
  if (!v.user_id.empty()) w.Key("user_id").String(v.user_id);
  w.Key("current_stage").String(v.current_stage);
  if (v.description) w.Key("description").String(*v.description);
  w.Key("source").String(v.source);
  if (!v.run_id.empty()) w.Key("run_id").String(v.run_id);
  w.Key("status").String(v.status);
  if (v.status_message) w.Key("status_message").String(*v.status_message);
  WriteKeyValues(w, "tags", v.tags);
  if (!v.run_link.empty()) w.Key("run_link").String(v.run_link);
  if (!v.aliases.empty()) {
    w.Key("aliases").BeginArray();
    for (const std::string& a : v.aliases) w.String(a);
    w.EndArray();
  }
  w.EndObject();
}

void WriteRegisteredModel(JsonWriter& w, const RegisteredModel& m) {
  w.BeginObject()
      .Key("name")
      .String(m.name)
      .Key("creation_timestamp")
      .Int(m.creation_timestamp)
      .Key("last_updated_timestamp")
      .Int(m.last_updated_timestamp);
  if (m.description) w.Key("description").String(*m.description);
  if (!m.latest_versions.empty()) {
    w.Key("latest_versions").BeginArray();
    for (const ModelVersion& v : m.latest_versions) WriteModelVersion(w, v);
    w.EndArray();
  }
  WriteKeyValues(w, "tags", m.tags);
  if (!m.aliases.empty()) {
    w.Key("aliases").BeginArray();
    for (const ModelAlias& a : m.aliases) {
      w.BeginObject().Key("alias").String(a.alias).Key("version").String(a.version).EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteFileInfo(JsonWriter& w, const FileInfo& f) {
  w.BeginObject().Key("path").String(f.path).Key("is_dir").Bool(f.is_dir);
  if (f.file_size) w.Key("file_size").Int(*f.file_size);
  w.EndObject();
}

}  // namespace mlflow
