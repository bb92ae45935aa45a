// A Gaussian-process regression model over points of the unit cube, for Bayesian search:
// a Matern 5/2 kernel whose length scale is chosen by marginal likelihood, fitted to
// standardized observations, predicting a mean and a standard deviation, and the expected
// improvement of a point over the best observation (objectives are maximized). Small dense
// linear algebra (Cholesky); meant for the hundreds of points a tuning job has.
// Thread-compatible.
#pragma once

#include <vector>

namespace sagemaker {

class GaussianProcess {
 public:
  // Fits `y[i]` observed at `x[i]` (equal lengths, at least one point).
  GaussianProcess(std::vector<std::vector<double>> x, std::vector<double> y);

  struct Prediction {
    double mean = 0;
    double stddev = 0;
  };
  // In the units of y.
  Prediction Predict(const std::vector<double>& point) const;
  // E[max(0, f(point) - best_y - xi)] in the units of y.
  double ExpectedImprovement(const std::vector<double>& point, double xi = 0.01) const;

  double length_scale() const { return length_scale_; }

 private:
  double Kernel(const std::vector<double>& a, const std::vector<double>& b) const;
  // Factors K + noise I for the current length scale; false when it is not positive definite.
  bool Factor();
  double LogMarginalLikelihood() const;

  std::vector<std::vector<double>> x_;
  std::vector<double> y_;  // standardized
  double y_mean_ = 0;
  double y_scale_ = 1;
  double best_ = 0;  // standardized
  double length_scale_ = 0.3;
  double noise_ = 1e-4;
  std::vector<double> chol_;   // lower triangle, row-major n x n
  std::vector<double> alpha_;  // (K + noise I)^-1 y
};

}  // namespace sagemaker
