#include "services/sagemaker/tuning/parameter_space.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "services/sagemaker/common/api_support.h"

namespace sagemaker {
namespace {

using base::Json;

constexpr size_t kMaxParameters = 30;

double Number(const Json& range, const char* member) {
  std::string text = Str(range, member);
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value)) {
    throw ValidationError(std::string(member) + " of the range " + Str(range, "Name") +
                          " must be a number, not \"" + text + "\".");
  }
  return value;
}

std::string FormatDouble(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", value);
  return buf;
}

}  // namespace

ParameterSpace ParameterSpace::Parse(const Json& ranges, const Json& static_hps) {
  ParameterSpace space;
  std::set<std::string> names;
  auto add = [&](ParameterRange r) {
    if (r.name.empty()) throw ValidationError("Every parameter range needs a Name.");
    if (!names.insert(r.name).second) {
      throw ValidationError("The hyperparameter " + r.name + " has more than one range.");
    }
    if (static_hps.is_object() && static_hps.contains(r.name)) {
      throw ValidationError("The hyperparameter " + r.name +
                            " is both static and tunable; give it one or the other.");
    }
    space.ranges_.push_back(std::move(r));
  };
  for (const char* member : {"IntegerParameterRanges", "ContinuousParameterRanges"}) {
    const bool integer = std::string(member) == "IntegerParameterRanges";
    for (const Json& j : Arr(ranges, member)) {
      ParameterRange r;
      r.name = Str(j, "Name");
      r.kind = integer ? ParameterRange::Kind::kInteger : ParameterRange::Kind::kContinuous;
      r.min = Number(j, "MinValue");
      r.max = Number(j, "MaxValue");
      if (integer && (r.min != std::floor(r.min) || r.max != std::floor(r.max))) {
        throw ValidationError("The integer range " + r.name + " has non-integer bounds.");
      }
      if (r.min > r.max) {
        throw ValidationError("MinValue of the range " + r.name + " is greater than MaxValue.");
      }
      std::string scaling = Str(j, "ScalingType", "Auto");
      if (scaling == "Logarithmic") {
        if (r.min <= 0) {
          throw ValidationError("The range " + r.name +
                                " uses Logarithmic scaling, which needs values greater than 0.");
        }
        r.scaling = ParameterRange::Scaling::kLogarithmic;
      } else if (scaling == "ReverseLogarithmic") {
        if (integer) {
          throw ValidationError("ReverseLogarithmic scaling applies to continuous ranges only (" +
                                r.name + ").");
        }
        if (r.min < 0 || r.max >= 1) {
          throw ValidationError("The range " + r.name +
                                " uses ReverseLogarithmic scaling, "
                                "which needs values in [0, 1).");
        }
        r.scaling = ParameterRange::Scaling::kReverseLogarithmic;
      } else if (scaling != "Auto" && scaling != "Linear") {
        throw ValidationError("Unknown ScalingType " + scaling + " of the range " + r.name + ".");
      }
      add(std::move(r));
    }
  }
  for (const Json& j : Arr(ranges, "CategoricalParameterRanges")) {
    ParameterRange r;
    r.name = Str(j, "Name");
    r.kind = ParameterRange::Kind::kCategorical;
    for (const Json& v : Arr(j, "Values")) {
      if (v.is_string()) r.values.push_back(v.get<std::string>());
    }
    if (r.values.empty()) {
      throw ValidationError("The categorical range " + r.name + " has no Values.");
    }
    if (std::set<std::string>(r.values.begin(), r.values.end()).size() != r.values.size()) {
      throw ValidationError("The categorical range " + r.name + " repeats a value.");
    }
    add(std::move(r));
  }
  if (space.ranges_.empty()) {
    throw ValidationError("ParameterRanges must name at least one hyperparameter.");
  }
  if (space.ranges_.size() > kMaxParameters) {
    throw ValidationError("A tuning job can tune at most 30 hyperparameters.");
  }
  return space;
}

double ParameterSpace::ValueOf(const ParameterRange& r, double u) const {
  u = std::clamp(u, 0.0, 1.0);
  double v = r.min + u * (r.max - r.min);
  if (r.scaling == ParameterRange::Scaling::kLogarithmic) {
    v = std::exp(std::log(r.min) + u * (std::log(r.max) - std::log(r.min)));
  } else if (r.scaling == ParameterRange::Scaling::kReverseLogarithmic) {
    // Dense near 1: 1 - v is logarithmic over [1 - max, 1 - min].
    double lo = std::log(1 - r.max), hi = std::log(1 - r.min);
    v = 1 - std::exp(hi + u * (lo - hi));
  }
  v = std::clamp(v, r.min, r.max);
  if (r.kind == ParameterRange::Kind::kInteger) v = std::clamp(std::round(v), r.min, r.max);
  return v;
}

double ParameterSpace::UnitOf(const ParameterRange& r, double v) const {
  if (r.max == r.min) return 0;
  switch (r.scaling) {
    case ParameterRange::Scaling::kLogarithmic:
      return (std::log(v) - std::log(r.min)) / (std::log(r.max) - std::log(r.min));
    case ParameterRange::Scaling::kReverseLogarithmic: {
      double lo = std::log(1 - r.max), hi = std::log(1 - r.min);
      return (std::log(1 - v) - hi) / (lo - hi);
    }
    case ParameterRange::Scaling::kLinear:
      break;
  }
  return (v - r.min) / (r.max - r.min);
}

std::map<std::string, std::string> ParameterSpace::Values(const UnitPoint& point) const {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < ranges_.size(); ++i) {
    const ParameterRange& r = ranges_[i];
    double u = i < point.size() ? point[i] : 0;
    if (r.kind == ParameterRange::Kind::kCategorical) {
      size_t n = r.values.size();
      out[r.name] = r.values[std::min(n - 1, static_cast<size_t>(std::clamp(u, 0.0, 1.0) * n))];
    } else if (r.kind == ParameterRange::Kind::kInteger) {
      out[r.name] = std::to_string(static_cast<int64_t>(ValueOf(r, u)));
    } else {
      out[r.name] = FormatDouble(ValueOf(r, u));
    }
  }
  return out;
}

UnitPoint ParameterSpace::Snap(const UnitPoint& point) const {
  UnitPoint out(ranges_.size(), 0);
  for (size_t i = 0; i < ranges_.size(); ++i) {
    const ParameterRange& r = ranges_[i];
    double u = std::clamp(i < point.size() ? point[i] : 0.0, 0.0, 1.0);
    if (r.kind == ParameterRange::Kind::kCategorical) {
      size_t n = r.values.size();
      size_t k = std::min(n - 1, static_cast<size_t>(u * n));
      out[i] = (static_cast<double>(k) + 0.5) / static_cast<double>(n);
    } else if (r.kind == ParameterRange::Kind::kInteger) {
      out[i] = std::clamp(UnitOf(r, ValueOf(r, u)), 0.0, 1.0);
    } else {
      out[i] = u;
    }
  }
  return out;
}

std::optional<UnitPoint> ParameterSpace::PointOf(
    const std::map<std::string, std::string>& values) const {
  UnitPoint point;
  for (const ParameterRange& r : ranges_) {
    auto it = values.find(r.name);
    if (it == values.end()) return std::nullopt;
    if (r.kind == ParameterRange::Kind::kCategorical) {
      auto k = std::find(r.values.begin(), r.values.end(), it->second);
      if (k == r.values.end()) return std::nullopt;
      point.push_back((static_cast<double>(k - r.values.begin()) + 0.5) /
                      static_cast<double>(r.values.size()));
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
    point.push_back(std::clamp(UnitOf(r, std::clamp(v, r.min, r.max)), 0.0, 1.0));
  }
  return Snap(point);
}

std::vector<UnitPoint> ParameterSpace::Grid() const {
  for (const ParameterRange& r : ranges_) {
    if (r.kind != ParameterRange::Kind::kCategorical) {
      throw ValidationError("Grid search takes categorical parameter ranges only; " + r.name +
                            " is not categorical.");
    }
  }
  std::vector<UnitPoint> out = {UnitPoint()};
  for (const ParameterRange& r : ranges_) {
    std::vector<UnitPoint> next;
    for (const UnitPoint& p : out) {
      for (size_t k = 0; k < r.values.size(); ++k) {
        UnitPoint q = p;
        q.push_back((static_cast<double>(k) + 0.5) / static_cast<double>(r.values.size()));
        next.push_back(std::move(q));
      }
      if (next.size() > 100000) throw ValidationError("The grid has too many combinations.");
    }
    out = std::move(next);
  }
  return out;
}

}  // namespace sagemaker
