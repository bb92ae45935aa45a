// SageMaker hyperparameter tuning jobs: CreateHyperParameterTuningJob,
// DescribeHyperParameterTuningJob, ListHyperParameterTuningJobs,
// StopHyperParameterTuningJob and ListTrainingJobsForHyperParameterTuningJob.
//
// A tuning job runs training jobs (training_jobs.h) named "<tuning job>-<NNN>-<hex>" from its
// TrainingJobDefinition, each with the static hyperparameters, the values its search
// strategy (search_strategy.h) picked for the ParameterRanges and `_tuning_objective_metric`,
// at most MaxParallelTrainingJobs at a time and MaxNumberOfTrainingJobs in all. A job's
// objective is the last value of the objective metric it emitted; BestTrainingJob is the job
// with the greatest (Maximize) or least (Minimize) objective. Early stopping: with
// TrainingJobEarlyStoppingType Auto, a running job whose best objective so far is worse than
// the median of the running averages of the finished jobs at the same step is stopped (the
// median stopping rule, once three jobs finished); the Hyperband strategy stops jobs at rungs
// of MinResource x 3^k metric reports unless they are in the top third at that rung.
// TargetObjectiveMetricValue ends the search once reached.
//
// Records live in the metadata store (module "sagemaker-tuning"); jobs that were in progress
// when the server stopped are reported Failed. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "platform/aws/service.h"
#include "platform/meta/store.h"
#include "services/sagemaker/common/tag_store.h"
#include "services/sagemaker/images/image_catalog.h"
#include "services/sagemaker/training/training_jobs.h"

namespace sagemaker {

class TuningJobs {
 public:
  // Becomes the listener of `training`'s events.
  TuningJobs(meta::Store& meta, TrainingJobs& training, TagStore& tags, ImageCatalog& images);
  ~TuningJobs();
  TuningJobs(const TuningJobs&) = delete;
  TuningJobs& operator=(const TuningJobs&) = delete;

  void RegisterOperations(aws::Service& service);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sagemaker
