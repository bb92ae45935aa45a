#include "services/sagemaker/training/debugger_rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/strings.h"
#include "services/sagemaker/common/api_support.h"

namespace sagemaker {
namespace {

using base::Json;

bool IsLoss(const std::string& name) { return base::ToLower(name).find("loss") != std::string::npos; }

bool IsValidation(const std::string& name) {
  std::string n = base::ToLower(name);
  return n.find("val") != std::string::npos || n.find("test") != std::string::npos ||
         n.find("eval") != std::string::npos;
}

std::string Format(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

DebuggerRules::DebuggerRules(const Json& configurations)
    : rules_(ParseRuleConfigurations(configurations)) {
  for (RuleEvaluation& r : rules_) {
    if (r.rule != "LossNotDecreasing" && r.rule != "Overfit" && r.rule != "Overtraining") {
      r.status = "Error";
      r.details = "Rule " + r.rule +
                  " needs tensors saved by a debugger hook; UniStudio evaluates rules on emitted "
                  "metrics only (LossNotDecreasing, Overfit, Overtraining).";
    }
  }
}

std::string DebuggerRules::Check(const RuleEvaluation& rule, const MetricSeries& series) const {
  const auto& p = rule.parameters;
  if (rule.rule == "LossNotDecreasing") {
    const size_t num_steps = static_cast<size_t>(std::max(1.0, RuleParameter(p, "num_steps", 10)));
    const double diff_percent = RuleParameter(p, "diff_percent", 0.1);
    const double increase_percent = RuleParameter(p, "increase_threshold_percent", 5);
    std::unique_ptr<RE2> pattern;
    if (auto it = p.find("tensor_regex"); it != p.end() && !it->second.empty())
      pattern = std::make_unique<RE2>(it->second);
    for (const auto& [name, values] : series) {
      bool selected = pattern ? RE2::PartialMatch(name, *pattern) : IsLoss(name) && !IsValidation(name);
      if (!selected) continue;
      double best = values.empty() ? 0 : values.front();
      for (size_t i = 0; i < values.size(); ++i) {
        best = std::min(best, values[i]);
        if (best != 0 && values[i] > best + std::abs(best) * increase_percent / 100) {
          return name + " rose to " + Format(values[i]) + " at step " + std::to_string(i) +
                 ", more than " + Format(increase_percent) + "% above its minimum " +
                 Format(best) + ".";
        }
        if (i >= num_steps && i % num_steps == 0) {
          double before = values[i - num_steps];
          double decrease = before == 0 ? 0 : (before - values[i]) / std::abs(before) * 100;
          if (decrease < diff_percent) {
            return name + " did not decrease by " + Format(diff_percent) + "% over " +
                   std::to_string(num_steps) + " steps (from " + Format(before) + " to " +
                   Format(values[i]) + " at step " + std::to_string(i) + ").";
          }
        }
      }
    }
    return "";
  }
  // Overfit and Overtraining compare the training and validation losses.
  const std::vector<double>* train = nullptr;
  const std::vector<double>* validation = nullptr;
  std::string train_name, validation_name;
  for (const auto& [name, values] : series) {
    if (!IsLoss(name)) continue;
    if (IsValidation(name) && !validation) {
      validation = &values;
      validation_name = name;
    } else if (!IsValidation(name) && !train) {
      train = &values;
      train_name = name;
    }
  }
  if (rule.rule == "Overfit") {
    if (!train || !validation) return "";
    const size_t start = static_cast<size_t>(std::max(0.0, RuleParameter(p, "start_step", 0)));
    const size_t patience = static_cast<size_t>(std::max(1.0, RuleParameter(p, "patience", 1)));
    const double ratio_threshold = RuleParameter(p, "ratio_threshold", 0.1);
    size_t run = 0;
    for (size_t i = start; i < std::min(train->size(), validation->size()); ++i) {
      double t = (*train)[i], v = (*validation)[i];
      double ratio = t == 0 ? 0 : (v - t) / std::abs(t);
      run = ratio > ratio_threshold ? run + 1 : 0;
      if (run >= patience) {
        return validation_name + " exceeded " + train_name + " by more than " +
               Format(ratio_threshold * 100) + "% for " + std::to_string(patience) +
               " step(s) (at step " + std::to_string(i) + ": " + Format(v) + " vs " +
               Format(t) + ").";
      }
    }
    return "";
  }
  // Overtraining.
  const double delta = RuleParameter(p, "delta", 0.01);
  for (const auto& [values, name, patience] :
       {std::tuple{train, train_name, RuleParameter(p, "patience_train", 5)},
        std::tuple{validation, validation_name, RuleParameter(p, "patience_validation", 10)}}) {
    if (!values || values->empty()) continue;
    double best = (*values)[0];
    size_t since = 0;
    for (size_t i = 1; i < values->size(); ++i) {
      if ((*values)[i] < best - delta) {
        best = (*values)[i];
        since = 0;
      } else if (++since >= static_cast<size_t>(std::max(1.0, patience))) {
        return name + " has not improved by " + Format(delta) + " for " +
               std::to_string(since) + " steps (best " + Format(best) + ").";
      }
    }
  }
  return "";
}

bool DebuggerRules::Evaluate(const MetricSeries& series, bool final, int64_t now_ms) {
  bool changed = false;
  for (RuleEvaluation& r : rules_) {
    if (r.status == "Error" || r.status == "IssuesFound" || r.status == "NoIssuesFound") {
      if (r.modified_ms == 0) {
        r.modified_ms = now_ms;
        changed = true;
      }
      continue;
    }
    std::string issue = Check(r, series);
    std::string status = !issue.empty() ? "IssuesFound" : final ? "NoIssuesFound" : "InProgress";
    if (status != r.status || r.modified_ms == 0) {
      r.status = status;
      r.details = issue;
      r.modified_ms = now_ms;
      changed = true;
    }
  }
  return changed;
}

Json DebuggerRules::Statuses() const { return RuleEvaluationStatuses(rules_, 0); }

}  // namespace sagemaker
