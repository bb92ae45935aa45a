#include "services/sagemaker/tuning/median_stopping_rule.h"

#include <algorithm>

namespace sagemaker {

MedianRuleVerdict ApplyMedianRule(const std::vector<double>& current,
                                  const std::vector<std::vector<double>>& earlier) {
  MedianRuleVerdict verdict;
  const size_t epochs = current.size();
  if (epochs == 0) return verdict;
  std::vector<double> averages;
  for (const std::vector<double>& series : earlier) {
    if (series.size() < epochs) continue;
    double sum = 0;
    for (size_t i = 0; i < epochs; ++i) sum += series[i];
    averages.push_back(sum / static_cast<double>(epochs));
  }
  verdict.jobs = averages.size();
  if (averages.size() < kMedianRuleMinJobs) return verdict;
  std::sort(averages.begin(), averages.end());
  const size_t n = averages.size();
  verdict.median = n % 2 ? averages[n / 2] : (averages[n / 2 - 1] + averages[n / 2]) / 2;
  verdict.stop = current.back() < verdict.median;
  return verdict;
}

}  // namespace sagemaker
