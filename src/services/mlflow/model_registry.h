// The MLflow model registry over the metadata store, one namespace per tracking server:
// registered models (tags, descriptions, aliases), their numbered versions (tags, stages
// None/Staging/Production/Archived with archive_existing_versions, descriptions), searches
// with MLflow's filter language, and where a version's files are. A version created from a
// `runs:/<run>/<path>` or `models:/<name>/<version|stage>` / `models:/<name>@<alias>` source
// records the location those resolve to in the same server, which get-download-uri returns.
// Errors are MlflowError with MLflow's codes and messages. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/meta/store.h"
#include "services/mlflow/entities.h"

namespace mlflow {

struct NewModelVersion {
  std::string name;
  std::string source;
  std::string run_id;
  std::vector<KeyValue> tags;
  std::string run_link;
  std::optional<std::string> description;
};

struct RegistrySearch {
  std::string filter;
  std::optional<int64_t> max_results;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct RegisteredModelPage {
  std::vector<RegisteredModel> models;
  std::string next_page_token;
};

struct ModelVersionPage {
  std::vector<ModelVersion> versions;
  std::string next_page_token;
};

class ModelRegistry {
 public:
  explicit ModelRegistry(meta::Store& store) : store_(store) {}

  RegisteredModel CreateRegisteredModel(int64_t server, const std::string& name,
                                        const std::vector<KeyValue>& tags,
                                        const std::optional<std::string>& description);
  RegisteredModel GetRegisteredModel(int64_t server, const std::string& name);
  RegisteredModel RenameRegisteredModel(int64_t server, const std::string& name,
                                        const std::string& new_name);
  RegisteredModel UpdateRegisteredModel(int64_t server, const std::string& name,
                                        const std::optional<std::string>& description);
  void DeleteRegisteredModel(int64_t server, const std::string& name);
  RegisteredModelPage SearchRegisteredModels(int64_t server, const RegistrySearch& search);
  // The newest version in each of `stages` (all four when empty), in stage order.
  std::vector<ModelVersion> GetLatestVersions(int64_t server, const std::string& name,
                                              const std::vector<std::string>& stages);
  void SetRegisteredModelTag(int64_t server, const std::string& name, const KeyValue& tag);
  void DeleteRegisteredModelTag(int64_t server, const std::string& name, const std::string& key);

  ModelVersion CreateModelVersion(int64_t server, const NewModelVersion& version);
  ModelVersion GetModelVersion(int64_t server, const std::string& name, const std::string& version);
  ModelVersion UpdateModelVersion(int64_t server, const std::string& name,
                                  const std::string& version,
                                  const std::optional<std::string>& description);
  ModelVersion TransitionStage(int64_t server, const std::string& name, const std::string& version,
                               const std::string& stage, bool archive_existing_versions);
  void DeleteModelVersion(int64_t server, const std::string& name, const std::string& version);
  ModelVersionPage SearchModelVersions(int64_t server, const RegistrySearch& search);
  std::string GetDownloadUri(int64_t server, const std::string& name, const std::string& version);
  void SetModelVersionTag(int64_t server, const std::string& name, const std::string& version,
                          const KeyValue& tag);
  void DeleteModelVersionTag(int64_t server, const std::string& name, const std::string& version,
                             const std::string& key);

  void SetAlias(int64_t server, const std::string& name, const std::string& alias,
                const std::string& version);
  void DeleteAlias(int64_t server, const std::string& name, const std::string& alias);
  ModelVersion GetVersionByAlias(int64_t server, const std::string& name, const std::string& alias);

 private:
  meta::Store& store_;
};

// "staging" -> "Staging"; INVALID_PARAMETER_VALUE for anything but the four stages.
std::string CanonicalStage(const std::string& stage);

}  // namespace mlflow
