// The plain data of MLflow's tracking and registry APIs (experiments, runs, metrics, registered
// models, model versions, artifact listings) as the stores return them and the REST layer
// encodes them. Field names follow MLflow's protos (service.proto, model_registry.proto).
// Values only; copy and share them freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlflow {

inline constexpr std::string_view kActive = "active";
inline constexpr std::string_view kDeleted = "deleted";

struct KeyValue {
  std::string key;
  std::string value;
};

struct Experiment {
  std::string experiment_id;
  std::string name;
  std::string artifact_location;
  std::string lifecycle_stage;
  int64_t creation_time = 0;
  int64_t last_update_time = 0;
  std::vector<KeyValue> tags;
};

struct Metric {
  std::string key;
  double value = 0;
  int64_t timestamp = 0;
  int64_t step = 0;
};

struct RunInfo {
  std::string run_id;
  std::string run_name;
  std::string experiment_id;
  std::string user_id;
  std::string status;  // RUNNING, SCHEDULED, FINISHED, FAILED, KILLED
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  std::string artifact_uri;
  std::string lifecycle_stage;
};

struct Dataset {
  std::string name;
  std::string digest;
  std::string source_type;
  std::string source;
  std::optional<std::string> schema;
  std::optional<std::string> profile;
};

struct DatasetInput {
  std::vector<KeyValue> tags;
  Dataset dataset;
};

struct Run {
  RunInfo info;
  std::vector<Metric> metrics;  // the latest value of each key
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
  std::vector<DatasetInput> inputs;
};

struct ModelVersion {
  std::string name;
  std::string version;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string user_id;
  std::string current_stage;  // None, Staging, Production, Archived
  std::optional<std::string> description;
  std::string source;
  std::string run_id;
  std::string status = "READY";
  std::optional<std::string> status_message;
  std::vector<KeyValue> tags;
  std::string run_link;
  std::vector<std::string> aliases;
  // Where the version's files are (source with runs:/ and models:/ resolved).
  std::string storage_location;
};

struct ModelAlias {
  std::string alias;
  std::string version;
};

struct RegisteredModel {
  std::string name;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::optional<std::string> description;
  std::vector<ModelVersion> latest_versions;
  std::vector<KeyValue> tags;
  std::vector<ModelAlias> aliases;
};

struct FileInfo {
  std::string path;
  bool is_dir = false;
  std::optional<int64_t> file_size;
};

}  // namespace mlflow
