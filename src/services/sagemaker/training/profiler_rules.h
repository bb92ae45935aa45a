// SageMaker's built-in profiler rules (ProfilerRuleConfigurations) evaluated on the CPU and
// memory samples the system profiler (system_profiler.h) takes of each host. Each
// configuration names its rule in RuleParameters["rule_to_invoke"] (else by its
// RuleConfigurationName) and may override its parameters:
//
//   CPUBottleneck       threshold=50, cpu_threshold=90, gpu_threshold=10, patience=1000:
//                       after skipping `patience` samples of a host, the share of samples with
//                       CPU above cpu_threshold while GPU utilization is below gpu_threshold
//                       (it is 0 without GPUs) exceeds `threshold` percent
//   OverallSystemUsage  reports the CPU and memory percentiles of each host; finds no issue
//   LowGPUUtilization, GPUMemoryIncrease, LoadBalancing, BatchSize
//                       GPU rules: no issue for a job given no GPU; Error otherwise, as GPU
//                       utilization is not sampled
//   ProfilerReport      runs CPUBottleneck, LowGPUUtilization and OverallSystemUsage (their
//                       parameters given as "<rule>_<parameter>") and finds what they find
//
// Rules that need framework metrics (StepOutlier, Dataloader, MaxInitializationTime,
// IOBottleneck) and every rule of a job without profiling report Error with an explanation.
// The first sample of a host measures no CPU use and is left out. Rules report InProgress
// until the job ends. Not thread-safe; the owner serializes calls.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "services/sagemaker/training/rule_evaluation.h"
#include "services/sagemaker/training/system_profiler.h"

namespace sagemaker {

class ProfilerRules {
 public:
  // `configurations` is the request's ProfilerRuleConfigurations list; `profiling` whether
  // the job samples its hosts.
  ProfilerRules(const base::Json& configurations, bool profiling);

  void Add(const std::string& host, const SystemSample& sample);
  // Gives every rule its verdict; `gpus` is what each host was given.
  void Finish(int gpus, int64_t now_ms);
  // ProfilerRuleEvaluationStatuses; `now_ms` dates the statuses of rules still in progress.
  base::Json Statuses(int64_t now_ms) const;
  bool empty() const { return rules_.empty(); }

  struct Verdict {
    std::string status;  // IssuesFound, NoIssuesFound, Error
    std::string details;
  };
  // One rule's verdict on the samples so far, by rule name and parameters.
  Verdict Check(const std::string& rule, const std::map<std::string, std::string>& parameters,
                int gpus) const;

 private:

  bool profiling_;
  std::vector<RuleEvaluation> rules_;
  std::map<std::string, std::vector<SystemSample>> samples_;  // by host, the first left out
  std::map<std::string, int> seen_;
};

}  // namespace sagemaker
