#include "services/sagemaker/training/metric_extractor.h"

#include <re2/re2.h>

#include <cmath>
#include <cstdlib>

namespace sagemaker {

MetricExtractor::MetricExtractor(const std::vector<MetricDefinition>& definitions) {
  for (const MetricDefinition& d : definitions) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(d.regex, options);
    if (!re->ok() || re->NumberOfCapturingGroups() < 1) continue;
    definitions_.push_back({d.name, std::move(re)});
  }
}

MetricExtractor::~MetricExtractor() = default;

std::vector<MetricValue> MetricExtractor::Extract(std::string_view line) const {
  std::vector<MetricValue> out;
  if (definitions_.empty()) return out;
  std::string escaped;
  if (line.find('\t') != std::string_view::npos) {
    escaped.reserve(line.size() + 16);
    for (char c : line) {
      if (c == '\t') {
        escaped += "#011";
      } else {
        escaped += c;
      }
    }
  }
  for (const Compiled& d : definitions_) {
    std::string captured;
    if (!RE2::PartialMatch(line, *d.regex, &captured) &&
        (escaped.empty() || !RE2::PartialMatch(escaped, *d.regex, &captured)))
      continue;
    const char* begin = captured.c_str();
    char* end = nullptr;
    double value = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(value)) continue;
    out.push_back({d.name, value});
  }
  return out;
}

}  // namespace sagemaker
