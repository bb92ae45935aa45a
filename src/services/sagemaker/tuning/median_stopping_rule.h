// The median stopping rule of tuning jobs with TrainingJobEarlyStoppingType Auto, as SageMaker
// documents it: after each epoch (each value of the objective metric a training job emits), the
// running average of the objective up to that epoch is computed for every earlier training job
// that got that far, and the job is stopped when its current value is worse than the median of
// those averages. The rule decides only once kMedianRuleMinJobs earlier jobs reached the epoch.
// Objective values are oriented so that greater is better. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sagemaker {

inline constexpr size_t kMedianRuleMinJobs = 3;

struct MedianRuleVerdict {
  bool stop = false;
  double median = 0;  // of the running averages, when the rule decided
  size_t jobs = 0;    // how many earlier jobs reached the epoch
};

// `current` is the running job's objective series (one value per epoch); `earlier` the series
// of the training jobs that ended before it.
MedianRuleVerdict ApplyMedianRule(const std::vector<double>& current,
                                  const std::vector<std::vector<double>>& earlier);

}  // namespace sagemaker
