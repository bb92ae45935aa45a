#include "services/sagemaker/tuning/gaussian_process.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace sagemaker {
namespace {

constexpr double kLengthScales[] = {0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0};

// Solves L z = b for lower-triangular L (row-major n x n).
std::vector<double> ForwardSolve(const std::vector<double>& l, std::vector<double> b) {
  size_t n = b.size();
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < i; ++k) b[i] -= l[i * n + k] * b[k];
    b[i] /= l[i * n + i];
  }
  return b;
}

// Solves L^T z = b.
std::vector<double> BackSolve(const std::vector<double>& l, std::vector<double> b) {
  size_t n = b.size();
  for (size_t i = n; i-- > 0;) {
    for (size_t k = i + 1; k < n; ++k) b[i] -= l[k * n + i] * b[k];
    b[i] /= l[i * n + i];
  }
  return b;
}

double NormalPdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

GaussianProcess::GaussianProcess(std::vector<std::vector<double>> x, std::vector<double> y)
    : x_(std::move(x)), y_(std::move(y)) {
  const double n = static_cast<double>(y_.size());
  y_mean_ = std::accumulate(y_.begin(), y_.end(), 0.0) / n;
  double var = 0;
  for (double v : y_) var += (v - y_mean_) * (v - y_mean_);
  y_scale_ = std::sqrt(var / n);
  if (!(y_scale_ > 1e-12)) y_scale_ = 1;
  for (double& v : y_) v = (v - y_mean_) / y_scale_;
  best_ = *std::max_element(y_.begin(), y_.end());

  double best_likelihood = -std::numeric_limits<double>::infinity();
  double chosen = kLengthScales[3];
  for (double scale : kLengthScales) {
    length_scale_ = scale;
    if (!Factor()) continue;
    double likelihood = LogMarginalLikelihood();
    if (likelihood > best_likelihood) {
      best_likelihood = likelihood;
      chosen = scale;
    }
  }
  length_scale_ = chosen;
  // Points that coincide make K singular; more noise makes it positive definite.
  while (!Factor()) noise_ *= 10;
}

double GaussianProcess::Kernel(const std::vector<double>& a, const std::vector<double>& b) const {
  double d2 = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) d2 += (a[i] - b[i]) * (a[i] - b[i]);
  double r = std::sqrt(5 * d2) / length_scale_;
  return (1 + r + r * r / 3) * std::exp(-r);
}

bool GaussianProcess::Factor() {
  size_t n = y_.size();
  chol_.assign(n * n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j <= i; ++j) {
      double sum = Kernel(x_[i], x_[j]) + (i == j ? noise_ : 0);
      for (size_t k = 0; k < j; ++k) sum -= chol_[i * n + k] * chol_[j * n + k];
      if (i == j) {
        if (!(sum > 0)) return false;
        chol_[i * n + i] = std::sqrt(sum);
      } else {
        chol_[i * n + j] = sum / chol_[j * n + j];
      }
    }
  }
  alpha_ = BackSolve(chol_, ForwardSolve(chol_, y_));
  return true;
}

double GaussianProcess::LogMarginalLikelihood() const {
  size_t n = y_.size();
  double fit = 0, det = 0;
  for (size_t i = 0; i < n; ++i) {
    fit += y_[i] * alpha_[i];
    det += std::log(chol_[i * n + i]);
  }
  return -0.5 * fit - det;
}

GaussianProcess::Prediction GaussianProcess::Predict(const std::vector<double>& point) const {
  size_t n = y_.size();
  std::vector<double> k(n);
  for (size_t i = 0; i < n; ++i) k[i] = Kernel(point, x_[i]);
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += k[i] * alpha_[i];
  std::vector<double> v = ForwardSolve(chol_, k);
  double var = 1.0;
  for (double e : v) var -= e * e;
  var = std::max(var, 1e-12);
  return {y_mean_ + y_scale_ * mean, y_scale_ * std::sqrt(var)};
}

double GaussianProcess::ExpectedImprovement(const std::vector<double>& point, double xi) const {
  Prediction p = Predict(point);
  double mean = (p.mean - y_mean_) / y_scale_;
  double sd = p.stddev / y_scale_;
  double gain = mean - best_ - xi;
  double z = gain / sd;
  return y_scale_ * (gain * NormalCdf(z) + sd * NormalPdf(z));
}

}  // namespace sagemaker
