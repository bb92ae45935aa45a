// How the MLflow entities are written in REST responses: proto3 JSON with MLflow's field names,
// int64 as numbers, unset optional members and empty repeated members left out, as MLflow's
// own server writes them (message_to_json). Pure functions; thread-safe.
#pragma once

#include "services/mlflow/entities.h"
#include "services/mlflow/json_writer.h"

namespace mlflow {

void WriteExperiment(JsonWriter& w, const Experiment& e);
void WriteRunInfo(JsonWriter& w, const RunInfo& info);
void WriteMetric(JsonWriter& w, const Metric& m);
void WriteRun(JsonWriter& w, const Run& run);
void WriteModelVersion(JsonWriter& w, const ModelVersion& v);
void WriteRegisteredModel(JsonWriter& w, const RegisteredModel& m);
void WriteFileInfo(JsonWriter& w, const FileInfo& f);
// A repeated member `name` of key/value pairs; nothing when `kvs` is empty.
void WriteKeyValues(JsonWriter& w, std::string_view name, const std::vector<KeyValue>& kvs);

}  // namespace mlflow
