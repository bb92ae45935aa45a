#include "services/sagemaker/training/job_plan.h"

#include <re2/re2.h>

#include <filesystem>
#include <set>

#include "engines/runner/instance_type.h"
#include "services/sagemaker/training/hyperparameters.h"

namespace sagemaker {
namespace {

using base::Json;

std::vector<std::string> Strings(const Json& list) {
  std::vector<std::string> out;
  for (const Json& v : list) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

S3Location RequireS3(const std::string& uri, const std::string& what) {
  std::optional<S3Location> loc = ParseS3Uri(uri);
  if (!loc) throw ValidationError(what + " must be an s3:// URI: " + uri);
  return *loc;
}

void CheckInputMode(const std::string& mode, const std::string& where) {
  if (mode == "Pipe") {
    throw ValidationError(where + ": Pipe input mode is not supported; use File or FastFile.");
  }
}

}  // namespace

JobPlan ParseJobPlan(const Json& request) {
  JobPlan plan;
  plan.name = Str(request, "TrainingJobName");
  plan.request = request;
  plan.request.erase("Tags");
  const Json& algorithm = Obj(request, "AlgorithmSpecification");
  if (!Str(algorithm, "AlgorithmName").empty()) {
    throw ValidationError(
        "AlgorithmSpecification.AlgorithmName (algorithm resources) is not supported; give a "
        "TrainingImage.");
  }
  plan.image_uri = Str(algorithm, "TrainingImage");
  if (plan.image_uri.empty()) {
    throw ValidationError("AlgorithmSpecification.TrainingImage is required.");
  }
  const std::string input_mode = Str(algorithm, "TrainingInputMode", "File");
  CheckInputMode(input_mode, "AlgorithmSpecification.TrainingInputMode");
  plan.container_entrypoint = Strings(Arr(algorithm, "ContainerEntrypoint"));
  plan.container_arguments = Strings(Arr(algorithm, "ContainerArguments"));
  for (const Json& def : Arr(algorithm, "MetricDefinitions")) {
    MetricDefinition m{Str(def, "Name"), Str(def, "Regex")};
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(m.regex, options);
    if (!re.ok()) {
      throw ValidationError("MetricDefinitions " + m.name + " has an invalid Regex: " +
                            re.error());
    }
    if (re.NumberOfCapturingGroups() < 1) {
      throw ValidationError("MetricDefinitions " + m.name +
                            " needs a capturing group around the value in its Regex.");
    }
    plan.metric_definitions.push_back(std::move(m));
  }
  plan.role_arn = Str(request, "RoleArn");

  for (const auto& [k, v] : Obj(request, "HyperParameters").items()) {
    plan.hyperparameters[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  for (const auto& [k, v] : Obj(request, "Environment").items()) {
    plan.environment[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }

  std::set<std::string> names;
  for (const Json& c : Arr(request, "InputDataConfig")) {
    ChannelPlan channel;
    channel.name = Str(c, "ChannelName");
    if (!names.insert(channel.name).second) {
      throw ValidationError("Channel names must be unique; " + channel.name +
                            " appears more than once in InputDataConfig.");
    }
    const Json& source = Obj(c, "DataSource");
    if (!source.contains("S3DataSource")) {
      throw ValidationError("Channel " + channel.name +
                            ": only S3DataSource data sources are supported.");
    }
    channel.s3_data_source = source["S3DataSource"];
    std::string type = Str(channel.s3_data_source, "S3DataType");
    if (type != "S3Prefix" && type != "ManifestFile") {
      throw ValidationError("Channel " + channel.name + ": S3DataType " + type +
                            " is not supported; use S3Prefix or ManifestFile.");
    }
    RequireS3(Str(channel.s3_data_source, "S3Uri"), "Channel " + channel.name + " S3Uri");
    channel.distribution = Str(channel.s3_data_source, "S3DataDistributionType", "FullyReplicated");
    channel.content_type = Str(c, "ContentType");
    channel.input_mode = Str(c, "InputMode", input_mode);
    CheckInputMode(channel.input_mode, "Channel " + channel.name);
    channel.compression = Str(c, "CompressionType", "None");
    channel.record_wrapper = Str(c, "RecordWrapperType", "None");
    plan.channels.push_back(std::move(channel));
  }

  plan.output = RequireS3(Str(Obj(request, "OutputDataConfig"), "S3OutputPath"),
                          "OutputDataConfig.S3OutputPath");

  const Json& resources = Obj(request, "ResourceConfig");
  if (!Arr(resources, "InstanceGroups").empty()) {
    throw ValidationError("ResourceConfig.InstanceGroups (heterogeneous clusters) is not supported.");
  }
  plan.instance_type = Str(resources, "InstanceType");
  if (plan.instance_type.empty()) throw ValidationError("ResourceConfig.InstanceType is required.");
  if (runner::FindInstanceType(plan.instance_type) == nullptr) {
    throw ValidationError("Instance type " + plan.instance_type + " is not supported.");
  }
  plan.instance_count = static_cast<int>(OptInt(resources, "InstanceCount").value_or(1));
  if (plan.instance_count < 1) throw ValidationError("ResourceConfig.InstanceCount must be >= 1.");

  const Json& stopping = Obj(request, "StoppingCondition");
  plan.max_runtime_s = OptInt(stopping, "MaxRuntimeInSeconds").value_or(86400);
  plan.max_wait_s = OptInt(stopping, "MaxWaitTimeInSeconds");
  plan.spot = Bool(request, "EnableManagedSpotTraining");
  if (plan.spot) {
    if (!plan.max_wait_s) {
      throw ValidationError(
          "StoppingCondition.MaxWaitTimeInSeconds is required with EnableManagedSpotTraining.");
    }
    if (*plan.max_wait_s < plan.max_runtime_s) {
      throw ValidationError(
          "Invalid MaxWaitTimeInSeconds. It must be greater than or equal to "
          "MaxRuntimeInSeconds.");
    }
  } else if (plan.max_wait_s) {
    throw ValidationError(
        "Invalid MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining is "
        "set to true.");
  }
  plan.network_isolation = Bool(request, "EnableNetworkIsolation");

  if (request.contains("CheckpointConfig")) {
    const Json& cc = request["CheckpointConfig"];
    plan.checkpoint_s3 = RequireS3(Str(cc, "S3Uri"), "CheckpointConfig.S3Uri");
    std::string local = Str(cc, "LocalPath", "/opt/ml/checkpoints");
    std::string normal = std::filesystem::path(local).lexically_normal().string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    bool inside = normal.starts_with("/opt/ml/") && normal.size() > 8;
    for (const char* reserved : {"/opt/ml/input", "/opt/ml/model", "/opt/ml/output",
                                 "/opt/ml/code"}) {
      std::string r = reserved;
      if (normal == r || normal.starts_with(r + "/")) inside = false;
    }
    if (!inside) {
      throw ValidationError("CheckpointConfig.LocalPath must be a directory under /opt/ml "
                            "outside input, model, output and code: " + local);
    }
    plan.checkpoint_local_path = normal;
  }

  if (request.contains("ProfilerConfig")) {
    const Json& pc = request["ProfilerConfig"];
    plan.profiling = !Bool(pc, "DisableProfiler");
    std::string uri = Str(pc, "S3OutputPath");
    if (!uri.empty()) plan.profiler_s3 = RequireS3(uri, "ProfilerConfig.S3OutputPath");
    if (auto interval = OptInt(pc, "ProfilingIntervalInMilliseconds")) {
      if (*interval != 100 && *interval != 200 && *interval != 500 && *interval != 1000 &&
          *interval != 5000 && *interval != 60000) {
        throw ValidationError(
            "ProfilingIntervalInMilliseconds must be one of 100, 200, 500, 1000, 5000, 60000.");
      }
      plan.profiling_interval_ms = *interval;
    }
    if (plan.profiling && !plan.profiler_s3) plan.profiler_s3 = plan.output;
  }
  return plan;
}

std::string ProgramOf(const JobPlan& plan) {
  auto it = plan.hyperparameters.find("sagemaker_program");
  if (it == plan.hyperparameters.end()) return "";
  Json decoded = DecodeHyperparameter(it->second);
  return decoded.is_string() ? decoded.get<std::string>() : it->second;
}

}  // namespace sagemaker
