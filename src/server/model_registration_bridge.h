// AutomaticModelRegistration of MLflow tracking servers: copies each model version registered
// in a server's MLflow registry into the SageMaker model registry, as SageMaker does for a
// server created with AutomaticModelRegistration=True. The registered model becomes the model
// package group "<model name>-<suffix>" (suffix: the first six hex digits of the SHA-256 of
// the tracking server's name), created on first use; each version becomes the group's next
// model package, PendingManualApproval, whose InferenceSpecification's ModelDataUrl is the
// version's files in S3 and whose CustomerMetadataProperties name the MLflow model, version,
// run, source and tracking server.
//
// It calls the model registry's own operations of the server's `sagemaker` service, as the
// tracking server's role, so the records are exactly those CreateModelPackage(Group) make.
//
//   ModelRegistrationBridge bridge(sagemaker_service);   // after the registry registered
//   mlflow.set_model_registration_sink(&bridge);
//
// Thread-safe: copies are serialized (creating a group is check-then-create).
#pragma once

#include <mutex>
#include <string>

#include "base/json.h"
#include "platform/aws/service.h"
#include "services/mlflow/model_registration_sink.h"

namespace server {

class ModelRegistrationBridge : public mlflow::ModelRegistrationSink {
 public:
  // `sagemaker` must outlive the bridge.
  explicit ModelRegistrationBridge(const aws::Service& sagemaker) : sagemaker_(sagemaker) {}

  // Throws aws::ApiError (or base::Error) when the registry refuses the copy.
  void OnModelVersionCreated(const mlflow::ModelVersionRegistered& version) override;

  // The model package group of `model_name` of tracking server `server_name`. Characters a
  // group name cannot hold become '-', and the name is cut to fit 63 characters.
  static std::string GroupName(const std::string& model_name, const std::string& server_name);

 private:
  base::Json Call(const std::string& operation, const mlflow::ModelVersionRegistered& version,
                  const base::Json& input);

  const aws::Service& sagemaker_;
  std::mutex mu_;
};

}  // namespace server
