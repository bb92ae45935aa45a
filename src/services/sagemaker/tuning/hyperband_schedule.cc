#include "services/sagemaker/tuning/hyperband_schedule.h"

#include <algorithm>
#include <functional>

namespace sagemaker {

HyperbandSchedule::HyperbandSchedule(int64_t min_resource, int64_t max_resource)
    : min_resource_(std::max<int64_t>(1, min_resource)),
      max_resource_(std::max(min_resource_, max_resource)) {
  // s_max = floor(log_eta(R / r)), in integers.
  for (int64_t level = min_resource_ * kEta; level <= max_resource_; level *= kEta) ++brackets_;
}

std::vector<int64_t> HyperbandSchedule::Rungs(size_t bracket) const {
  std::vector<int64_t> rungs;
  int64_t level = min_resource_;
  for (size_t i = 0; i < bracket && level < max_resource_; ++i) level *= kEta;
  for (; level < max_resource_; level *= kEta) rungs.push_back(level);
  return rungs;
}

std::optional<HyperbandSchedule::Stop> HyperbandSchedule::Report(
    const std::string& job, size_t bracket, const std::vector<double>& series) {
  const std::vector<int64_t> rungs = Rungs(bracket);
  size_t& passed = rungs_passed_[job];
  while (passed < rungs.size() && static_cast<int64_t>(series.size()) >= rungs[passed]) {
    const int64_t level = rungs[passed];
    const double value = series[static_cast<size_t>(level) - 1];
    std::vector<double>& values = rung_values_[{bracket, passed}];
    values.push_back(value);
    ++passed;
    if (values.size() < static_cast<size_t>(kEta)) continue;
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    const size_t keep = (sorted.size() + kEta - 1) / kEta;
    if (value < sorted[keep - 1]) {
      return Stop{level, "not in the top " + std::to_string(keep) + " of " +
                             std::to_string(sorted.size()) + " training jobs of bracket " +
                             std::to_string(bracket) + " at " + std::to_string(level) +
                             " epoch(s)"};
    }
  }
  if (static_cast<int64_t>(series.size()) > max_resource_) {
    return Stop{max_resource_, "reached MaxResource (" + std::to_string(max_resource_) + ")"};
  }
  return std::nullopt;
}

}  // namespace sagemaker
