// A CreateTrainingJob request checked and normalized into what the service runs: channels,
// output and checkpoint locations, resources, stopping conditions, spot settings, metric
// definitions and hyperparameters. Parsing enforces what the service model cannot express
// (unique channel names, known instance types, consistent stopping conditions, checkpoint
// paths inside /opt/ml, compilable metric regexes) and refuses what UniStudio does not run
// (Pipe mode, file-system channels, heterogeneous clusters) with a ValidationException.
// Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "services/sagemaker/common/api_support.h"

namespace sagemaker {

struct MetricDefinition {
  std::string name;
  std::string regex;
};

struct ChannelPlan {
  std::string name;
  base::Json s3_data_source;
  std::string content_type;
  std::string distribution = "FullyReplicated";
  std::string input_mode = "File";
  std::string compression = "None";
  std::string record_wrapper = "None";
};

struct JobPlan {
  std::string name;
  base::Json request;  // the request as given, without Tags
  std::string image_uri;
  std::string role_arn;
  std::map<std::string, std::string> hyperparameters;
  std::map<std::string, std::string> environment;
  std::vector<ChannelPlan> channels;
  std::vector<MetricDefinition> metric_definitions;
  std::vector<std::string> container_entrypoint;
  std::vector<std::string> container_arguments;
  S3Location output;
  std::string instance_type;
  int instance_count = 1;
  int64_t max_runtime_s = 86400;
  std::optional<int64_t> max_wait_s;
  bool spot = false;
  bool network_isolation = false;
  std::optional<S3Location> checkpoint_s3;
  std::string checkpoint_local_path = "/opt/ml/checkpoints";
  std::optional<S3Location> profiler_s3;
  int64_t profiling_interval_ms = 500;
  bool profiling = false;
  std::string tuning_job;  // the parent tuning job's name, if any
};

// Throws ValidationError naming the first problem.
JobPlan ParseJobPlan(const base::Json& request);

// The sagemaker_program hyperparameter (decoded), or empty.
std::string ProgramOf(const JobPlan& plan);

}  // namespace sagemaker
