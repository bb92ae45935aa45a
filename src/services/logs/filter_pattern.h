// A CloudWatch Logs filter pattern compiled for matching event messages, as FilterLogEvents
// takes it: an empty pattern matches everything; `%regex%` matches messages the regular
// expression finds anywhere in; otherwise the pattern is a list of terms (words, or "quoted
// phrases") that must all appear, `?term`s of which at least one must appear, and `-term`s
// that must not appear. Matching is case-sensitive, as in CloudWatch. JSON (`{ ... }`) and
// space-delimited (`[ ... ]`) patterns are refused. Immutable once built; Matches may be
// called from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace logs {

class FilterPattern {
 public:
  // Throws base::ParseError naming what is wrong with `pattern`.
  explicit FilterPattern(std::string_view pattern);
  ~FilterPattern();
  FilterPattern(FilterPattern&&) noexcept;
  FilterPattern& operator=(FilterPattern&&) noexcept;

  bool Matches(std::string_view message) const;

 private:
  std::vector<std::string> required_;
  std::vector<std::string> any_of_;
  std::vector<std::string> excluded_;
  std::unique_ptr<re2::RE2> regex_;
};

}  // namespace logs
