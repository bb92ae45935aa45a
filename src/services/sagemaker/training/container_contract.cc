#include "services/sagemaker/training/container_contract.h"

#include "base/strings.h"
#include "services/sagemaker/training/hyperparameters.h"

namespace sagemaker {
namespace {

using base::Json;

constexpr const char* kGroup = "homogeneousCluster";

// The framework parameters the toolkit consumes itself; the others are passed on in
// SM_FRAMEWORK_PARAMS.
constexpr const char* kToolkitParameters[] = {
    "sagemaker_program",          "sagemaker_submit_directory",
    "sagemaker_enable_cloudwatch_metrics", "sagemaker_container_log_level",
    "sagemaker_job_name",         "sagemaker_region",
    "sagemaker_s3_output"};

std::string FrameworkModule(const std::string& framework) {
  if (framework == "pytorch") return "sagemaker_pytorch_container.training:main";
  if (framework == "tensorflow") return "sagemaker_tensorflow_container.training:main";
  if (framework == "sklearn") return "sagemaker_sklearn_container.training:main";
  if (framework == "huggingface") return "sagemaker_huggingface_pytorch_container.training:main";
  if (framework == "xgboost") return "sagemaker_xgboost_container.training:main";
  return "";
}

bool Truthy(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return base::EqualsIgnoreCase(v.get<std::string>(), "true");
  return false;
}

std::string ProgramFor(const ContractInputs& in, const DecodedHyperparameters& hps) {
  if (auto it = hps.framework.find("sagemaker_program"); it != hps.framework.end()) {
    return PythonStr(*it);
  }
  if (auto it = in.image->env.find("SAGEMAKER_PROGRAM"); it != in.image->env.end()) {
    return it->second;
  }
  return "";
}

}  // namespace

bool WantsTorchDistributed(const JobPlan& plan) {
  DecodedHyperparameters hps = DecodeHyperparameters(plan.hyperparameters);
  for (const char* key : {"sagemaker_torch_distributed_enabled", "sagemaker_pytorch_ddp_enabled",
                          "sagemaker_pytorch_xla_multi_worker_enabled"}) {
    if (auto it = hps.framework.find(key); it != hps.framework.end() && Truthy(*it)) return true;
  }
  return false;
}

HostContract BuildHostContract(const ContractInputs& in) {
  const JobPlan& plan = *in.plan;
  const TrainingImage& image = *in.image;
  DecodedHyperparameters hps = DecodeHyperparameters(plan.hyperparameters);
  const std::string& host = in.hosts.at(in.host_index);
  HostContract out;

  // /opt/ml/input/config.
  Json hyperparameters = Json::object();
  for (const auto& [k, v] : plan.hyperparameters) hyperparameters[k] = v;
  Json resource_config = {
      {"current_host", host},
      {"current_instance_type", plan.instance_type},
      {"current_group_name", kGroup},
      {"hosts", in.hosts},
      {"instance_groups",
       Json::array({{{"instance_group_name", kGroup},
                     {"instance_type", plan.instance_type},
                     {"hosts", in.hosts}}})},
      {"network_interface_name", "lo"}};
  Json input_data_config = Json::object();
  for (const ChannelPlan& c : plan.channels) {
    Json entry = {{"TrainingInputMode", c.input_mode},
                  {"S3DistributionType", c.distribution},
                  {"RecordWrapperType", c.record_wrapper}};
    if (!c.content_type.empty()) entry["ContentType"] = c.content_type;
    input_data_config[c.name] = entry;
  }
  out.config_files["hyperparameters.json"] = hyperparameters.dump();
  out.config_files["resourceconfig.json"] = resource_config.dump();
  out.config_files["inputdataconfig.json"] = input_data_config.dump();
  out.config_files["trainingjobconfig.json"] = plan.request.dump();
  Json metrics = Json::array();
  for (const MetricDefinition& m : plan.metric_definitions)
    metrics.push_back({{"Name", m.name}, {"Regex", m.regex}});
  out.config_files["metric-definition-regex.json"] = metrics.dump();
  for (const auto& [member, file] :
       {std::pair{"CheckpointConfig", "checkpointconfig.json"},
        std::pair{"DebugHookConfig", "debughookconfig.json"},
        std::pair{"ProfilerConfig", "profilerconfig.json"},
        std::pair{"TensorBoardOutputConfig", "tensorboardoutputconfig.json"}}) {
    if (plan.request.contains(member)) out.config_files[file] = plan.request[member].dump();
  }

  // The environment: the image's, the request's, then the toolkit's own.
  std::map<std::string, std::string>& env = out.env;
  for (const auto& [k, v] : image.env) env[k] = v;
  for (const auto& [k, v] : plan.environment) env[k] = v;
  std::string python_path = "/opt/ml/code";
  for (const std::string& p : in.python_path) python_path += ":" + p;
  if (auto it = env.find("PYTHONPATH"); it != env.end() && !it->second.empty())
    python_path += ":" + it->second;
  env["PYTHONPATH"] = python_path;
  env["PYTHONUNBUFFERED"] = "1";
  env["PYTHONDONTWRITEBYTECODE"] = "1";
  env["TRAINING_JOB_NAME"] = plan.name;
  env["TRAINING_JOB_ARN"] = in.job_arn;

  std::string program = ProgramFor(in, hps);
  std::vector<std::string> channels;
  Json channel_dirs = Json::object();
  for (const ChannelPlan& c : plan.channels) {
    channels.push_back(c.name);
    channel_dirs[c.name] = "/opt/ml/input/data/" + c.name;
    env["SM_CHANNEL_" + base::ToUpper(c.name)] = "/opt/ml/input/data/" + c.name;
  }
  std::sort(channels.begin(), channels.end());
  Json framework_params = Json::object();
  for (const auto& [k, v] : hps.framework.items()) {
    if (std::find(std::begin(kToolkitParameters), std::end(kToolkitParameters), k) ==
        std::end(kToolkitParameters))
      framework_params[k] = v;
  }
  std::vector<std::string> user_args = ToCommandArgs(hps.user);
  int log_level = 20;
  if (auto it = hps.framework.find("sagemaker_container_log_level");
      it != hps.framework.end() && it->is_number_integer())
    log_level = it->get<int>();
  const bool is_master = in.host_index == 0;
  std::string module_name = program;
  if (module_name.ends_with(".py")) module_name.resize(module_name.size() - 3);
  Json instance_group = {
      {"instance_group_name", kGroup}, {"instance_type", plan.instance_type}, {"hosts", in.hosts}};

  Json training_env = {
      {"additional_framework_parameters", framework_params},
      {"channel_input_dirs", channel_dirs},
      {"current_host", host},
      {"current_instance_group", kGroup},
      {"current_instance_group_hosts", in.hosts},
      {"current_instance_type", plan.instance_type},
      {"distribution_hosts", Json::array()},
      {"distribution_instance_groups", Json::array()},
      {"framework_module", FrameworkModule(image.framework)},
      {"hosts", in.hosts},
      {"hyperparameters", hps.user},
      {"input_config_dir", "/opt/ml/input/config"},
      {"input_data_config", input_data_config},
      {"input_dir", "/opt/ml/input"},
      {"instance_groups", Json::array({kGroup})},
      {"instance_groups_dict", {{kGroup, instance_group}}},
      {"is_hetero", false},
      {"is_master", is_master},
      {"is_modelparallel_enabled", nullptr},
      {"job_name", plan.name},
      {"log_level", log_level},
      {"master_hostname", in.hosts.front()},
      {"model_dir", "/opt/ml/model"},
      {"module_dir", in.module_dir},
      {"module_name", module_name},
      {"network_interface_name", "lo"},
      {"num_cpus", in.num_cpus},
      {"num_gpus", in.num_gpus},
      {"num_neurons", 0},
      {"output_data_dir", "/opt/ml/output/data"},
      {"output_dir", "/opt/ml/output"},
      {"output_intermediate_dir", "/opt/ml/output/intermediate"},
      {"resource_config", resource_config},
      {"user_entry_point", program}};
  // SM_<PROPERTY> for each property, as the toolkit's to_env_vars writes them.
  for (const auto& [k, v] : training_env.items()) {
    if (k == "hyperparameters" || k == "additional_framework_parameters") continue;
    env["SM_" + base::ToUpper(k)] = EnvValue(v);
  }
  env["SM_HPS"] = CompactJson(hps.user);
  env["SM_FRAMEWORK_PARAMS"] = CompactJson(framework_params);
  env["SM_CHANNELS"] = CompactJson(Json(channels));
  env["SM_USER_ARGS"] = CompactJson(Json(user_args));
  env["SM_TRAINING_ENV"] = CompactJson(training_env);
  for (const auto& [k, v] : hps.user.items()) env["SM_HP_" + base::ToUpper(k)] = EnvValue(v);
  env["SM_REGION"] = in.region;

  if (in.torch) {
    const std::string world = std::to_string(in.hosts.size());
    const std::string rank = std::to_string(in.host_index);
    env["MASTER_ADDR"] = in.torch->master_addr;
    env["MASTER_PORT"] = std::to_string(in.torch->master_port);
    env["WORLD_SIZE"] = world;
    env["RANK"] = rank;
    env["NODE_RANK"] = rank;
    env["GROUP_RANK"] = rank;
    env["LOCAL_RANK"] = "0";
    env["LOCAL_WORLD_SIZE"] = "1";
    env["GLOO_SOCKET_IFNAME"] = "lo";
  }

  // The command.
  if (!plan.container_entrypoint.empty()) {
    out.argv = plan.container_entrypoint;
    out.argv.insert(out.argv.end(), plan.container_arguments.begin(),
                    plan.container_arguments.end());
  } else if (image.kind == ImageKind::kBuiltinXgboost) {
    out.argv = {in.algorithm_executable, "algorithm", "xgboost"};
    out.working_dir = "/opt/ml";
  } else if (image.kind == ImageKind::kCustom && program.empty()) {
    out.argv = {"/opt/ml/code/train"};
    out.argv.insert(out.argv.end(), plan.container_arguments.begin(),
                    plan.container_arguments.end());
  } else if (program.ends_with(".py")) {
    out.argv = {in.python, program};
    out.argv.insert(out.argv.end(), user_args.begin(), user_args.end());
  } else if (program.ends_with(".sh")) {
    out.argv = {"/bin/sh", program};
    out.argv.insert(out.argv.end(), user_args.begin(), user_args.end());
  } else {
    out.argv = {"/opt/ml/code/" + program};
    out.argv.insert(out.argv.end(), user_args.begin(), user_args.end());
  }
  return out;
}

}  // namespace sagemaker
