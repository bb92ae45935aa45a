// The hook behind a tracking server's AutomaticModelRegistration: when a model version is
// created in the MLflow registry of a server that has the flag on, the module calls the sink
// with what SageMaker's model registry needs to copy it into a model package group (the group
// is named after the registered model). The SageMaker service implements the sink and the
// server wires it in (Mlflow::set_model_registration_sink). Calls come from request threads
// after the version is committed; implementations must be thread-safe, and a failure they
// throw is logged without failing the MLflow call.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "services/mlflow/entities.h"

namespace mlflow {

struct ModelVersionRegistered {
  std::string account_id;
  std::string region;
  std::string tracking_server_name;
  std::string tracking_server_arn;
  std::string role_arn;  // the tracking server's role
  std::string model_name;
  std::string version;
  std::string source;
  // The version's files as an S3 URI in the project's storage (empty when they are not in S3).
  std::string model_data_uri;
  std::string run_id;
  std::optional<std::string> description;
  std::vector<KeyValue> tags;
};

class ModelRegistrationSink {
 public:
  virtual ~ModelRegistrationSink() = default;
  virtual void OnModelVersionCreated(const ModelVersionRegistered& version) = 0;
};

}  // namespace mlflow
