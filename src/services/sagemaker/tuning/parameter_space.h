// The hyperparameter ranges of a tuning job (ParameterRanges: Integer, Continuous and
// Categorical ranges with Linear, Logarithmic, ReverseLogarithmic or Auto scaling) as a unit
// cube the search strategies work in: every range is one coordinate in [0, 1], mapped to a
// value through its scaling, and every value back. Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"

namespace sagemaker {

struct ParameterRange {
  enum class Kind { kInteger, kContinuous, kCategorical };
  enum class Scaling { kLinear, kLogarithmic, kReverseLogarithmic };
  std::string name;
  Kind kind = Kind::kContinuous;
  Scaling scaling = Scaling::kLinear;
  double min = 0;
  double max = 0;
  std::vector<std::string> values;  // categorical
};

// A point of the space: a coordinate in [0, 1] per range, in range order.
using UnitPoint = std::vector<double>;

class ParameterSpace {
 public:
  // Parses ParameterRanges; throws ValidationError for empty, duplicate or inverted ranges,
  // values that are not numbers, logarithmic scaling over non-positive values,
  // reverse-logarithmic scaling outside [0, 1), more than 30 parameters, or names that are
  // also static hyperparameters.
  static ParameterSpace Parse(const base::Json& ranges, const base::Json& static_hps);

  const std::vector<ParameterRange>& ranges() const { return ranges_; }
  size_t size() const { return ranges_.size(); }

  // The hyperparameter values (as the training job gets them) of a point.
  std::map<std::string, std::string> Values(const UnitPoint& point) const;
  // The point of the values a point maps to: integers and categories snapped, so points
  // that give the same hyperparameters compare equal.
  UnitPoint Snap(const UnitPoint& point) const;
  // The point of hyperparameter values (a finished training job's, to seed a warm-started
  // search): numbers outside a range are clamped to it. nullopt when a range has no value in
  // `values`, a number does not parse, or a categorical value is not among the range's.
  std::optional<UnitPoint> PointOf(const std::map<std::string, std::string>& values) const;
  // Every combination of the categorical values, in order (Grid search); throws
  // ValidationError when a range is not categorical.
  std::vector<UnitPoint> Grid() const;

 private:
  double ValueOf(const ParameterRange& range, double unit) const;
  double UnitOf(const ParameterRange& range, double value) const;

  std::vector<ParameterRange> ranges_;
};

}  // namespace sagemaker
