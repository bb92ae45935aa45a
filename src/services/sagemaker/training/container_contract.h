// The SageMaker training container contract for one host of a job: the files of
// /opt/ml/input/config (hyperparameters.json, resourceconfig.json, inputdataconfig.json and
// the job's other configuration documents), the SM_* environment the sagemaker-training
// toolkit gives a script (SM_MODEL_DIR, SM_CHANNELS, SM_CHANNEL_<NAME>, SM_HPS, SM_HP_<NAME>,
// SM_HOSTS, SM_CURRENT_HOST, SM_NUM_CPUS, SM_USER_ARGS, SM_TRAINING_ENV, ...), the
// torch.distributed rendezvous variables of torch_distributed/pytorchddp jobs, and the
// command: the script with `--name value` arguments (script mode), an image's `train`
// (custom images), or the built-in algorithm. Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/sagemaker/images/image_catalog.h"
#include "services/sagemaker/training/job_plan.h"

namespace sagemaker {

struct TorchRendezvous {
  std::string master_addr;
  int master_port = 0;
};

struct ContractInputs {
  const JobPlan* plan = nullptr;
  const TrainingImage* image = nullptr;
  std::string job_arn;
  std::string region;
  std::vector<std::string> hosts;  // algo-1..algo-N
  size_t host_index = 0;
  int num_cpus = 1;
  int num_gpus = 0;
  // sagemaker_submit_directory (an S3 URI), or /opt/ml/code.
  std::string module_dir = "/opt/ml/code";
  // The executable of built-in algorithms (the unistudio binary).
  std::string algorithm_executable;
  std::string python = "/usr/bin/python3";
  // Directories put after /opt/ml/code on PYTHONPATH.
  std::vector<std::string> python_path;
  std::optional<TorchRendezvous> torch;
};

struct HostContract {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::string working_dir = "/opt/ml/code";
  // File name under /opt/ml/input/config -> content.
  std::map<std::string, std::string> config_files;
};

// Whether the job asks for torch.distributed across its hosts.
bool WantsTorchDistributed(const JobPlan& plan);

HostContract BuildHostContract(const ContractInputs& in);

}  // namespace sagemaker
