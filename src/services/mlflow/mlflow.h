// MLflow for UniStudio: managed tracking servers as SageMaker resources, and each server's
// MLflow REST API (tracking, model registry, the mlflow-artifacts proxy) and a small web UI,
// served at http://HOST:PORT/_mlflow/<server>/ — the URI users give `mlflow.set_tracking_uri`.
//
//   mlflow::Mlflow ml(store, objects, iam, {account_id, region});
//   ml.RegisterTrackingServerOperations(sagemaker_service);   // Create/Describe/...Server
//   ... route every request whose path starts with /_mlflow/ to ml.Handle(req, res) ...
//
// Each server is its own namespace of experiments, runs and registered models; artifacts go to
// its ArtifactStoreUri in the project's S3 through the storage engine. MLflow routes
// authenticate (Basic with an access key, Bearer tokens and a session cookie from
// CreatePresignedMlflowTrackingServerUrl, SigV4 with signing name sagemaker-mlflow) and
// authorize sagemaker-mlflow:<Action> on the server's ARN themselves; a stopped server answers
// 503. Errors are MLflow's {"error_code", "message"} bodies. Handle and set_listen_url are
// thread-safe; registration and set_model_registration_sink happen before serving.
#pragma once

#include <memory>
#include <string>

#include "engines/storage/object_store.h"
#include "platform/aws/credential_provider.h"
#include "platform/aws/service.h"
#include "platform/http/request.h"
#include "platform/http/response_writer.h"
#include "platform/meta/store.h"
#include "services/mlflow/model_registration_sink.h"

namespace mlflow {

struct MlflowOptions {
  std::string account_id;
  std::string region;
  // "http://127.0.0.1:8750": the base of URLs given to clients whose requests carry no Host;
  // set_listen_url replaces it once the listener is bound.
  std::string listen_url;
};

class Mlflow {
 public:
  Mlflow(meta::Store& store, storage::ObjectStore& objects, aws::CredentialProvider& credentials,
         MlflowOptions options);
  ~Mlflow();
  Mlflow(const Mlflow&) = delete;
  Mlflow& operator=(const Mlflow&) = delete;

  // Adds the *MlflowTrackingServer operations to the server's one `sagemaker` service.
  void RegisterTrackingServerOperations(aws::Service& sagemaker);
  // Serves a request whose path starts with /_mlflow/.
  void Handle(http::Request& request, http::ResponseWriter& response);
  // Where AutomaticModelRegistration sends new model versions (not owned; may be null).
  void set_model_registration_sink(ModelRegistrationSink* sink);
  // The listener's bound address, known only once it listens (a configured port 0 picks
  // one). Thread-safe: requests may already be served.
  void set_listen_url(const std::string& url);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlflow
