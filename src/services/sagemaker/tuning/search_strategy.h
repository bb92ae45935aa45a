// How a tuning job picks the hyperparameters of its next training job: Random (uniform in
// the unit cube, so Logarithmic ranges sample log-uniformly), Grid (every combination of the
// categorical values, in order), Bayesian (a Gaussian process over the finished trials, the
// running ones counted at the mean so parallel jobs spread out, and the candidate of greatest
// expected improvement) and Hyperband (random configurations; its early stopping is the
// tuning job's). Objectives are given so that greater is better. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "services/sagemaker/tuning/parameter_space.h"

namespace sagemaker {

struct Trial {
  UnitPoint point;
  std::optional<double> objective;  // nullopt while running, or when the job had no value
  bool finished = false;
};

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  // The next point to try after `trials` (every trial so far, in order), or nullopt when the
  // strategy has no more points (a finished grid).
  virtual std::optional<UnitPoint> Next(const std::vector<Trial>& trials) = 0;
  // How many trials the strategy can give at most (the grid's size), or nullopt.
  virtual std::optional<size_t> Limit() const { return std::nullopt; }
};

// `strategy` is Random, Bayesian, Hyperband or Grid; throws ValidationError otherwise. The
// strategy refers to `space`, which must outlive it.
std::unique_ptr<SearchStrategy> MakeSearchStrategy(const std::string& strategy,
                                                   const ParameterSpace& space, uint64_t seed);

}  // namespace sagemaker
