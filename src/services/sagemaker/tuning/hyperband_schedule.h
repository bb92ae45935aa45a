// The early stopping of the Hyperband tuning strategy, asynchronous Hyperband with eta = 3:
// resource is counted in values of the objective metric a training job emitted (its epochs).
// With r = MinResource and R = MaxResource there are s_max + 1 brackets, s_max =
// floor(log3(R / r)); training jobs are dealt to the brackets in turn, the most aggressive
// first. Bracket b compares its jobs at the rungs r x 3^(b + k) below R: a job reaching a rung
// is stopped unless its value there is in the top third (rounded up) of the values jobs of its
// bracket had at that rung, which is judged once at least three jobs reached it. A job that
// goes on past R epochs is stopped, as SageMaker stops jobs at MaxResource. Objective values
// are oriented so that greater is better. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sagemaker {

class HyperbandSchedule {
 public:
  static constexpr int64_t kEta = 3;

  // 1 <= min_resource <= max_resource.
  HyperbandSchedule(int64_t min_resource, int64_t max_resource);

  size_t brackets() const { return brackets_; }
  // The bracket of the `index`-th training job (0-based) of the tuning job.
  size_t BracketOf(size_t index) const { return index % brackets_; }
  // The resource levels at which jobs of `bracket` are compared.
  std::vector<int64_t> Rungs(size_t bracket) const;

  struct Stop {
    int64_t resource = 0;  // the rung (or MaxResource) where the job stopped
    std::string reason;
  };
  // Job `job` of `bracket` has emitted `series` so far: records its value at every rung it
  // newly reached and returns why it should stop, or nullopt to let it go on.
  std::optional<Stop> Report(const std::string& job, size_t bracket,
                             const std::vector<double>& series);

 private:
  int64_t min_resource_;
  int64_t max_resource_;
  size_t brackets_ = 1;
  std::map<std::pair<size_t, size_t>, std::vector<double>> rung_values_;  // (bracket, rung)
  std::map<std::string, size_t> rungs_passed_;
};

}  // namespace sagemaker
