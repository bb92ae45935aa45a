#include "services/sagemaker/tuning/search_strategy.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "services/sagemaker/common/api_support.h"
#include "services/sagemaker/tuning/gaussian_process.h"

namespace sagemaker {
namespace {

constexpr size_t kBayesianWarmup = 3;
constexpr int kRandomCandidates = 2000;
constexpr int kLocalCandidates = 500;

UnitPoint RandomPoint(const ParameterSpace& space, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  UnitPoint p(space.size());
  for (double& v : p) v = unit(rng);
  return space.Snap(p);
}

class RandomSearch : public SearchStrategy {
 public:
  RandomSearch(const ParameterSpace& space, uint64_t seed) : space_(space), rng_(seed) {}
  std::optional<UnitPoint> Next(const std::vector<Trial>&) override {
    return RandomPoint(space_, rng_);
  }

 private:
  const ParameterSpace& space_;
  std::mt19937_64 rng_;
};

class GridSearch : public SearchStrategy {
 public:
  explicit GridSearch(const ParameterSpace& space) : grid_(space.Grid()) {}
  std::optional<UnitPoint> Next(const std::vector<Trial>& trials) override {
    if (trials.size() >= grid_.size()) return std::nullopt;
    return grid_[trials.size()];
  }
  std::optional<size_t> Limit() const override { return grid_.size(); }

 private:
  std::vector<UnitPoint> grid_;
};

class BayesianSearch : public SearchStrategy {
 public:
  BayesianSearch(const ParameterSpace& space, uint64_t seed) : space_(space), rng_(seed) {}

  std::optional<UnitPoint> Next(const std::vector<Trial>& trials) override {
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (const Trial& t : trials) {
      if (t.objective) {
        x.push_back(t.point);
        y.push_back(*t.objective);
      }
    }
    if (y.size() < kBayesianWarmup) return RandomPoint(space_, rng_);
    // Running trials count at the mean of what was observed ("constant liar"), so jobs
    // started together do not all go to the same place.
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
    std::set<UnitPoint> tried;
    for (const Trial& t : trials) {
      tried.insert(t.point);
      if (!t.finished) {
        x.push_back(t.point);
        y.push_back(mean);
      }
    }
    GaussianProcess gp(x, y);
    std::vector<UnitPoint> candidates;
    for (int i = 0; i < kRandomCandidates; ++i) candidates.push_back(RandomPoint(space_, rng_));
    // Around the best points seen.
    std::vector<size_t> order(y.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return y[a] > y[b]; });
    std::normal_distribution<double> step(0.0, 0.05);
    for (int i = 0; i < kLocalCandidates; ++i) {
      UnitPoint p = x[order[static_cast<size_t>(i) % std::min<size_t>(order.size(), 3)]];
      for (double& v : p) v = std::clamp(v + step(rng_), 0.0, 1.0);
      candidates.push_back(space_.Snap(p));
    }
    const UnitPoint* best = nullptr;
    double best_ei = -1;
    for (const UnitPoint& c : candidates) {
      if (tried.count(c)) continue;
      double ei = gp.ExpectedImprovement(c);
      if (ei > best_ei) {
        best_ei = ei;
        best = &c;
      }
    }
    // Every candidate already tried (a small discrete space): any point will do.
    return best ? *best : RandomPoint(space_, rng_);
  }

 private:
  const ParameterSpace& space_;
  std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeSearchStrategy(const std::string& strategy,
                                                   const ParameterSpace& space, uint64_t seed) {
  if (strategy == "Random" || strategy == "Hyperband") {
    return std::make_unique<RandomSearch>(space, seed);
  }
  if (strategy == "Bayesian") return std::make_unique<BayesianSearch>(space, seed);
  if (strategy == "Grid") return std::make_unique<GridSearch>(space);
  throw ValidationError("Strategy must be one of Bayesian, Random, Hyperband or Grid.");
}

}  // namespace sagemaker
