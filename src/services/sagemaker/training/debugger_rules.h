// SageMaker Debugger rules evaluated on the metrics a job emits (its MetricDefinitions), one
// value per emission counted as a step. Each DebugRuleConfiguration names its rule in
// RuleParameters["rule_to_invoke"] and may override the rule's built-in parameters:
//
//   LossNotDecreasing  num_steps=10, diff_percent=0.1, increase_threshold_percent=5,
//                      tensor_regex (metrics whose name matches; default: training losses,
//                      the metrics named *loss* that are not validation/test ones)
//   Overfit            start_step=0, patience=1, ratio_threshold=0.1 (validation loss above
//                      training loss by more than the ratio for `patience` steps)
//   Overtraining       patience_train=5, patience_validation=10, delta=0.01 (a loss that has
//                      not improved by `delta` for its patience)
//
// A rule reports InProgress until it finds an issue (IssuesFound, which stays) or the job
// ends (NoIssuesFound). Rules that need tensors saved by a debugger hook (VanishingGradient,
// ExplodingTensor, ...) report Error with an explanation rather than a verdict.
// Not thread-safe; the owner serializes calls.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "services/sagemaker/training/rule_evaluation.h"

namespace sagemaker {

using MetricSeries = std::map<std::string, std::vector<double>>;

class DebuggerRules {
 public:
  // `configurations` is the request's DebugRuleConfigurations list.
  explicit DebuggerRules(const base::Json& configurations);

  // Re-evaluates every rule on `series`; `final` when the job has ended. Returns whether a
  // status changed.
  bool Evaluate(const MetricSeries& series, bool final, int64_t now_ms);
  // DebugRuleEvaluationStatuses.
  base::Json Statuses() const;
  bool empty() const { return rules_.empty(); }

 private:
  // Returns the issue found, or empty.
  std::string Check(const RuleEvaluation& rule, const MetricSeries& series) const;

  std::vector<RuleEvaluation> rules_;
};

}  // namespace sagemaker
