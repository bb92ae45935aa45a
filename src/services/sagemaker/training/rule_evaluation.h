// One configured Debugger or Profiler rule (an entry of DebugRuleConfigurations or
// ProfilerRuleConfigurations) with its evaluation status as DescribeTrainingJob reports it,
// and the parsing of the request's list and the building of the *RuleEvaluationStatuses list
// that both rule families share. Plain data and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/json.h"

namespace sagemaker {

struct RuleEvaluation {
  std::string configuration_name;
  // RuleParameters["rule_to_invoke"], else the configuration's name.
  std::string rule;
  // RuleParameters with string values.
  std::map<std::string, std::string> parameters;
  std::string status = "InProgress";  // InProgress, IssuesFound, NoIssuesFound, Error
  std::string details;
  int64_t modified_ms = 0;
};

std::vector<RuleEvaluation> ParseRuleConfigurations(const base::Json& configurations);

// A numeric rule parameter, or `fallback` when absent or not a number.
double RuleParameter(const std::map<std::string, std::string>& parameters, const std::string& name,
                     double fallback);

// The statuses list; rules not yet modified are dated `unmodified_ms`.
base::Json RuleEvaluationStatuses(const std::vector<RuleEvaluation>& rules,
                                  int64_t unmodified_ms);

}  // namespace sagemaker
