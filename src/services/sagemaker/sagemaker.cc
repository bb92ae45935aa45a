#include "services/sagemaker/sagemaker.h"

#include "services/sagemaker/common/tag_store.h"
#include "services/sagemaker/images/image_catalog.h"
#include "services/sagemaker/registry/model_registry.h"
#include "services/sagemaker/tuning/tuning_jobs.h"

namespace sagemaker {

// Declared in the order they depend on each other, so they are destroyed in reverse.
struct SageMaker::Parts {
  Parts(meta::Store& meta, storage::ObjectStore& objects, iam::Iam& iam, logs::LogStore& logs,
        TrainingOptions options)
      : tags(meta),
        images(meta, options.data_dir / "images"),
        registry(meta, tags),
        training(meta, objects, iam, logs, tags, images, std::move(options)),
        tuning(meta, training, tags, images) {}

  TagStore tags;
  ImageCatalog images;
  ModelRegistry registry;
  TrainingJobs training;
  TuningJobs tuning;
};

SageMaker::SageMaker(meta::Store& meta, storage::ObjectStore& objects, iam::Iam& iam,
                     logs::LogStore& logs, TrainingOptions options)
    : parts_(std::make_unique<Parts>(meta, objects, iam, logs, std::move(options))) {}

SageMaker::~SageMaker() = default;

void SageMaker::RegisterOperations(aws::Service& service) {
  parts_->tags.RegisterOperations(service);
  parts_->registry.RegisterOperations(service);
  parts_->training.RegisterOperations(service);
  parts_->tuning.RegisterOperations(service);
}

void SageMaker::set_endpoint_url(const std::string& url) { parts_->training.set_endpoint_url(url); }

TrainingJobs& SageMaker::training_jobs() { return parts_->training; }

}  // namespace sagemaker
