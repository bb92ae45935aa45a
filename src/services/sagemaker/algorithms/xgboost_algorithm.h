// SageMaker's built-in XGBoost algorithm, trained natively through libxgboost's C API. It
// runs inside a job sandbox as `unistudio algorithm xgboost` and follows the container
// contract: hyperparameters from /opt/ml/input/config/hyperparameters.json (num_round,
// objective, eta, max_depth, subsample, eval_metric, early_stopping_rounds, num_class,
// csv_weights, ... as SageMaker documents them), channels `train` (required) and
// `validation` in CSV or LibSVM as their ContentType says, one evaluation line per round as
// SageMaker's container prints it ("[3]\ttrain-rmse:1.23\tvalidation-rmse:1.31"), the model
// in /opt/ml/model/xgboost-model, and on failure a ClientError/AlgorithmError description in
// /opt/ml/output/failure.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "services/sagemaker/training/job_plan.h"

namespace sagemaker {

// The metric definitions SageMaker declares for the built-in XGBoost (train:rmse,
// validation:auc, ...), matching the evaluation lines it prints.
std::vector<MetricDefinition> XgboostMetricDefinitions();

// Trains with the job directory at `ml_root` (/opt/ml in a sandbox). Returns the exit code.
int RunXgboostAlgorithm(const std::filesystem::path& ml_root);

// `unistudio algorithm <name>`: runs a built-in algorithm in the current job sandbox.
int RunAlgorithmCommand(const std::vector<std::string>& args);

}  // namespace sagemaker
