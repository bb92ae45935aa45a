// The SageMaker module of UniStudio: training jobs, hyperparameter tuning jobs, the model
// registry, resource tags and the training-image catalog, built over the metadata store, the object
// store, IAM and the CloudWatch Logs store. The server builds one `sagemaker` aws::Service shared
// with the other modules that speak the same model (MLflow tracking servers) and hands it to
// RegisterOperations:
//
//   sagemaker::SageMaker sm(meta, objects, iam, log_store, {.data_dir = dir, ...});
//   sm.RegisterOperations(sagemaker_service);
//   ... once listening: sm.set_endpoint_url("http://127.0.0.1:8750");
//
// Thread-safe. The destructor stops the jobs still running (they are reported Failed).
#pragma once

#include <memory>
#include <string>

#include "engines/storage/object_store.h"
#include "platform/aws/service.h"
#include "platform/meta/store.h"
#include "services/iam/iam.h"
#include "services/logs/log_store.h"
#include "services/sagemaker/training/training_jobs.h"

namespace sagemaker {

class SageMaker {
 public:
  // `options.data_dir` also holds the registered images (<data_dir>/images).
  SageMaker(meta::Store& meta, storage::ObjectStore& objects, iam::Iam& iam, logs::LogStore& logs,
            TrainingOptions options);
  ~SageMaker();
  SageMaker(const SageMaker&) = delete;
  SageMaker& operator=(const SageMaker&) = delete;

  void RegisterOperations(aws::Service& service);
  // Where training jobs reach UniStudio (AWS_ENDPOINT_URL); set once the server listens.
  void set_endpoint_url(const std::string& url);

  TrainingJobs& training_jobs();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace sagemaker
