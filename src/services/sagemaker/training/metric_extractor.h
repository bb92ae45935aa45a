// MetricDefinitions applied to a job's output: each definition's regular expression is
// searched in every line and its first capturing group, read as a number, is a new value of
// that metric. SageMaker matches the lines as CloudWatch shows them, with tabs written
// "#011" (the XGBoost definitions say `#011validation-rmse:`); a line holding tabs is also
// tried in that form, so definitions written either way work. Immutable; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/sagemaker/training/job_plan.h"

namespace re2 {
class RE2;
}

namespace sagemaker {

struct MetricValue {
  std::string name;
  double value = 0;
};

class MetricExtractor {
 public:
  // Definitions whose regex does not compile are ignored (requests are checked earlier).
  explicit MetricExtractor(const std::vector<MetricDefinition>& definitions);
  ~MetricExtractor();

  // The values the definitions find in `line`, in definition order; non-numeric and
  // non-finite captures are dropped.
  std::vector<MetricValue> Extract(std::string_view line) const;
  bool empty() const { return definitions_.empty(); }

 private:
  struct Compiled {
    std::string name;
    std::unique_ptr<re2::RE2> regex;
  };
  std::vector<Compiled> definitions_;
};

}  // namespace sagemaker
