// SageMaker hyperparameter tuning jobs: CreateHyperParameterTuningJob,
// DescribeHyperParameterTuningJob, ListHyperParameterTuningJobs,
// StopHyperParameterTuningJob and ListTrainingJobsForHyperParameterTuningJob.
//
// A tuning job runs training jobs (training_jobs.h) named "<tuning job>-<NNN>-<hex>" from its
// TrainingJobDefinition, or from its TrainingJobDefinitions in turn (each with its
// DefinitionName, its own TuningObjective and HyperParameterRanges or the tuning job's, and
// its own search), each with the static hyperparameters, the values its search strategy
// (search_strategy.h) picked and `_tuning_objective_metric`, at most MaxParallelTrainingJobs at
// a time and MaxNumberOfTrainingJobs in all. A job's objective is the last value of the
// objective metric it emitted; BestTrainingJob is the job with the greatest (Maximize) or least
// (Minimize) objective. Early stopping: TrainingJobEarlyStoppingType Auto applies the median
// rule (median_stopping_rule.h); the Hyperband strategy stops jobs at its rungs
// (hyperband_schedule.h). A job stopped early is Stopped, and its Stopping transition says why.
// TargetObjectiveMetricValue ends the search once reached; ResourceLimits.MaxRuntimeInSeconds
// stops the running trainings and ends the tuning job (Completed when a job reported the
// objective). WarmStartConfig seeds the
// search with the trainings of Completed or Stopped parent tuning jobs of the same objective
// and hyperparameter names (IdenticalDataAndAlgorithm also needs the same image and input
// data): they are known observations of the strategy and earlier jobs of the median rule, and
// OverallBestTrainingJob is the best of the parents' and the new trainings.
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
