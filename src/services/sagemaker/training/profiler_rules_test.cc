#include "services/sagemaker/training/profiler_rules.h"

#include <gtest/gtest.h>

namespace sagemaker {
namespace {

using base::Json;

Json Rule(const std::string& name, Json parameters = Json::object()) {
  parameters["rule_to_invoke"] = name;
  return {{"RuleConfigurationName", name + "-check"},
          {"RuleEvaluatorImage", "rules:latest"},
          {"RuleParameters", parameters}};
}

SystemSample Sample(double cpu, double memory) {
  SystemSample s;
  s.cpu_percent = cpu;
  s.memory_percent = memory;
  return s;
}

// The statuses by configuration name after `samples` of algo-1 (the first one unmeasured).
std::map<std::string, Json> Evaluated(const Json& rules, const std::vector<double>& cpu, int gpus = 0,
                                bool profiling = true) {
  ProfilerRules r(rules, profiling);
  r.Add("algo-1", Sample(0, 0));
  for (size_t i = 0; i < cpu.size(); ++i) r.Add("algo-1", Sample(cpu[i], 10.0 + i));
  EXPECT_EQ(r.Statuses(1000)[0]["RuleEvaluationStatus"], "InProgress");
  r.Finish(gpus, 2000);
  std::map<std::string, Json> out;
  for (const Json& s : r.Statuses(3000)) {
    EXPECT_EQ(s["LastModifiedTime"], 2.0);
    out[s["RuleConfigurationName"]] = s;
  }
  return out;
}

TEST(ProfilerRulesTest, CpuBottleneckCountsBusySamplesAfterPatience) {
  Json rules = Json::array({Rule("CPUBottleneck", {{"patience", "0"}})});
  // 3 of 4 samples above 90%: 75% > 50%.
  auto busy = Evaluated(rules, {95, 99, 50, 97});
  EXPECT_EQ(busy["CPUBottleneck-check"]["RuleEvaluationStatus"], "IssuesFound");
  const std::string details = busy["CPUBottleneck-check"]["StatusDetails"];
  EXPECT_NE(details.find("in 3 of 4 samples (75%"), std::string::npos) << details;
  // 2 of 4: 50% is not more than the threshold.
  auto half = Evaluated(rules, {95, 99, 50, 40});
  EXPECT_EQ(half["CPUBottleneck-check"]["RuleEvaluationStatus"], "NoIssuesFound");
  // Parameters move the lines: skip the two busy samples, or lower the CPU threshold.
  auto patient = Evaluated(Json::array({Rule("CPUBottleneck", {{"patience", "2"}})}), {95, 99, 50, 40});
  EXPECT_EQ(patient["CPUBottleneck-check"]["RuleEvaluationStatus"], "NoIssuesFound");
  EXPECT_NE(patient["CPUBottleneck-check"]["StatusDetails"].get<std::string>().find(
                "in 0 of 2 samples"),
            std::string::npos);
  auto strict = Evaluated(Json::array({Rule("CPUBottleneck",
                                      {{"patience", "0"}, {"cpu_threshold", "30"}})}),
                    {95, 99, 50, 40});
  EXPECT_EQ(strict["CPUBottleneck-check"]["RuleEvaluationStatus"], "IssuesFound");
  // The default patience (1000 samples) leaves a short job nothing to judge.
  auto fresh = Evaluated(Json::array({Rule("CPUBottleneck")}), {99, 99});
  EXPECT_EQ(fresh["CPUBottleneck-check"]["RuleEvaluationStatus"], "NoIssuesFound");
}

TEST(ProfilerRulesTest, GpuRulesAndOverallUsage) {
  Json rules = Json::array({Rule("LowGPUUtilization"), Rule("OverallSystemUsage"),
                            Rule("StepOutlier")});
  auto cpu_only = Evaluated(rules, {10, 20, 30, 40});
  EXPECT_EQ(cpu_only["LowGPUUtilization-check"]["RuleEvaluationStatus"], "NoIssuesFound");
  EXPECT_EQ(cpu_only["OverallSystemUsage-check"]["RuleEvaluationStatus"], "NoIssuesFound");
  const std::string usage = cpu_only["OverallSystemUsage-check"]["StatusDetails"];
  EXPECT_NE(usage.find("algo-1: CPU p50 20%, p95 40%, max 40%; memory p50 11%, max 13%"),
            std::string::npos)
      << usage;
  EXPECT_EQ(cpu_only["StepOutlier-check"]["RuleEvaluationStatus"], "Error");
  // With GPUs, utilization would be needed and is not sampled.
  auto gpu = Evaluated(rules, {10, 20}, 1);
  EXPECT_EQ(gpu["LowGPUUtilization-check"]["RuleEvaluationStatus"], "Error");
}

TEST(ProfilerRulesTest, ProfilerReportGathersTheRules) {
  Json report = Json::array({Rule("ProfilerReport", {{"CPUBottleneck_patience", "0"}})});
  auto busy = Evaluated(report, {99, 99, 99});
  EXPECT_EQ(busy["ProfilerReport-check"]["RuleEvaluationStatus"], "IssuesFound");
  const std::string details = busy["ProfilerReport-check"]["StatusDetails"];
  EXPECT_NE(details.find("CPUBottleneck: IssuesFound"), std::string::npos) << details;
  EXPECT_NE(details.find("LowGPUUtilization: NoIssuesFound"), std::string::npos) << details;
  EXPECT_NE(details.find("OverallSystemUsage: NoIssuesFound"), std::string::npos) << details;
  auto idle = Evaluated(report, {5, 5, 5});
  EXPECT_EQ(idle["ProfilerReport-check"]["RuleEvaluationStatus"], "NoIssuesFound");
}

TEST(ProfilerRulesTest, WithoutProfilingEveryRuleIsAnError) {
  auto off = Evaluated(Json::array({Rule("CPUBottleneck"), Rule("NoSuchRule")}), {99}, 0, false);
  EXPECT_EQ(off["CPUBottleneck-check"]["RuleEvaluationStatus"], "Error");
  EXPECT_NE(off["CPUBottleneck-check"]["StatusDetails"].get<std::string>().find("ProfilerConfig"),
            std::string::npos);
  auto unknown = Evaluated(Json::array({Rule("NoSuchRule")}), {99});
  EXPECT_EQ(unknown["NoSuchRule-check"]["RuleEvaluationStatus"], "Error");
}

}  // namespace
}  // namespace sagemaker
