#include "services/sagemaker/training/rule_evaluation.h"

#include <cstdlib>

#include "services/sagemaker/common/api_support.h"

namespace sagemaker {

using base::Json;

std::vector<RuleEvaluation> ParseRuleConfigurations(const Json& configurations) {
  std::vector<RuleEvaluation> rules;
  for (const Json& c : configurations) {
    RuleEvaluation r;
    r.configuration_name = Str(c, "RuleConfigurationName");
    for (const auto& [k, v] : Obj(c, "RuleParameters").items()) {
      if (v.is_string()) r.parameters[k] = v.get<std::string>();
    }
    auto invoke = r.parameters.find("rule_to_invoke");
    r.rule = invoke != r.parameters.end() ? invoke->second : r.configuration_name;
    rules.push_back(std::move(r));
  }
  return rules;
}

double RuleParameter(const std::map<std::string, std::string>& parameters, const std::string& name,
                     double fallback) {
  auto it = parameters.find(name);
  if (it == parameters.end()) return fallback;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  return end != it->second.c_str() ? v : fallback;
}

Json RuleEvaluationStatuses(const std::vector<RuleEvaluation>& rules, int64_t unmodified_ms) {
  Json out = Json::array();
  for (const RuleEvaluation& r : rules) {
    Json s = {{"RuleConfigurationName", r.configuration_name},
              {"RuleEvaluationStatus", r.status},
              {"LastModifiedTime", EpochSeconds(r.modified_ms ? r.modified_ms : unmodified_ms)}};
    if (!r.details.empty()) s["StatusDetails"] = r.details;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sagemaker
