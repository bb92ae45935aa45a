#include "services/sagemaker/training/profiler_rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "services/sagemaker/common/api_support.h"

namespace sagemaker {
namespace {

using base::Json;

const std::set<std::string> kGpuRules = {"LowGPUUtilization", "GPUMemoryIncrease",
                                         "LoadBalancing", "BatchSize"};
const std::set<std::string> kFrameworkRules = {"StepOutlier", "Dataloader",
                                               "MaxInitializationTime", "IOBottleneck"};

std::string Format(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t i = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(i, 1, values.size()) - 1];
}

}  // namespace

ProfilerRules::ProfilerRules(const Json& configurations, bool profiling)
    : profiling_(profiling), rules_(ParseRuleConfigurations(configurations)) {}

void ProfilerRules::Add(const std::string& host, const SystemSample& sample) {
  if (seen_[host]++ == 0) return;  // no CPU measure yet
  samples_[host].push_back(sample);
}

ProfilerRules::Verdict ProfilerRules::Check(const std::string& rule,
                                            const std::map<std::string, std::string>& p,
                                            int gpus) const {
  if (!profiling_) {
    return {"Error", "Profiling is disabled for this job; set ProfilerConfig to sample its hosts."};
  }
  if (kFrameworkRules.count(rule)) {
    return {"Error", "Rule " + rule +
                         " needs framework metrics (training steps, data loading or I/O wait), "
                         "which UniStudio's profiler does not collect; it samples CPU and memory."};
  }
  if (kGpuRules.count(rule)) {
    if (gpus == 0) return {"NoIssuesFound", "The job was given no GPU, so no GPU was idle."};
    return {"Error", "Rule " + rule + " needs GPU utilization, which is not sampled here."};
  }
  if (rule == "CPUBottleneck") {
    if (gpus > 0) {
      return {"Error", "CPUBottleneck needs GPU utilization, which is not sampled here."};
    }
    const double threshold = RuleParameter(p, "threshold", 50);
    const double cpu_threshold = RuleParameter(p, "cpu_threshold", 90);
    const size_t patience = static_cast<size_t>(std::max(0.0, RuleParameter(p, "patience", 1000)));
    // Without GPUs, GPU utilization is 0: below any gpu_threshold.
    size_t total = 0, busy = 0;
    std::string worst;
    double worst_share = -1;
    for (const auto& [host, samples] : samples_) {
      size_t host_total = 0, host_busy = 0;
      for (size_t i = patience; i < samples.size(); ++i) {
        ++host_total;
        if (samples[i].cpu_percent > cpu_threshold) ++host_busy;
      }
      total += host_total;
      busy += host_busy;
      double share = host_total ? 100.0 * static_cast<double>(host_busy) /
                                      static_cast<double>(host_total)
                                : 0;
      if (host_total && share > worst_share) {
        worst_share = share;
        worst = host;
      }
    }
    if (total == 0) {
      return {"NoIssuesFound", "No CPU samples after the first " + std::to_string(patience) +
                                   " (patience) to evaluate."};
    }
    const double share = 100.0 * static_cast<double>(busy) / static_cast<double>(total);
    std::string counts = "CPU utilization was above " + Format(cpu_threshold) + "% in " +
                         std::to_string(busy) + " of " + std::to_string(total) + " samples (" +
                         Format(share) + "%; most on " + worst + ") while no GPU was in use";
    if (share > threshold) {
      return {"IssuesFound", counts + ", more than the threshold of " + Format(threshold) +
                                 "%: the CPU is the bottleneck."};
    }
    return {"NoIssuesFound", counts + ", within the threshold of " + Format(threshold) + "%."};
  }
  if (rule == "OverallSystemUsage") {
    std::string details;
    for (const auto& [host, samples] : samples_) {
      std::vector<double> cpu, memory;
      for (const SystemSample& s : samples) {
        cpu.push_back(s.cpu_percent);
        memory.push_back(s.memory_percent);
      }
      if (!details.empty()) details += " ";
      details += host + ": CPU p50 " + Format(Percentile(cpu, 50)) + "%, p95 " +
                 Format(Percentile(cpu, 95)) + "%, max " + Format(Percentile(cpu, 100)) +
                 "%; memory p50 " + Format(Percentile(memory, 50)) + "%, max " +
                 Format(Percentile(memory, 100)) + "% (" + std::to_string(samples.size()) +
                 " samples).";
    }
    return {"NoIssuesFound", details.empty() ? "No samples were taken." : details};
  }
  if (rule == "ProfilerReport") {
    std::string details;
    bool issues = false;
    for (const char* sub : {"CPUBottleneck", "LowGPUUtilization", "OverallSystemUsage"}) {
      std::map<std::string, std::string> params;
      const std::string prefix = std::string(sub) + "_";
      for (const auto& [k, v] : p) {
        if (k.rfind(prefix, 0) == 0) params[k.substr(prefix.size())] = v;
      }
      Verdict v = Check(sub, params, gpus);
      issues = issues || v.status == "IssuesFound";
      if (!details.empty()) details += " ";
      details += std::string(sub) + ": " + v.status + ". " + v.details;
    }
    return {issues ? "IssuesFound" : "NoIssuesFound", details};
  }
  return {"Error", "Unknown profiler rule " + rule + "."};
}

void ProfilerRules::Finish(int gpus, int64_t now_ms) {
  for (RuleEvaluation& r : rules_) {
    if (r.status != "InProgress") continue;
    Verdict v = Check(r.rule, r.parameters, gpus);
    r.status = v.status;
    r.details = TruncateUtf8(v.details, 1024);
    r.modified_ms = now_ms;
  }
}

Json ProfilerRules::Statuses(int64_t now_ms) const {
  return RuleEvaluationStatuses(rules_, now_ms);
}

}  // namespace sagemaker
