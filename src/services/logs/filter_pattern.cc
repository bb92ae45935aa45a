#include "services/logs/filter_pattern.h"

#include <re2/re2.h>

#include <algorithm>

#include "base/error.h"
#include "base/strings.h"

namespace logs {

FilterPattern::FilterPattern(std::string_view pattern) {
  std::string_view text = base::Trim(pattern);
  if (text.empty()) return;
  if (text.size() >= 2 && text.front() == '%' && text.back() == '%') {
    RE2::Options options;
    options.set_log_errors(false);
    regex_ = std::make_unique<RE2>(text.substr(1, text.size() - 2), options);
    if (!regex_->ok()) throw base::ParseError("invalid regular expression: " + regex_->error());
    return;
  }
  if (text.front() == '{' || text.front() == '[') {
    throw base::ParseError(
        "JSON and space-delimited filter patterns are not supported; use terms, \"phrases\", "
        "?alternatives, -exclusions or a %regular expression%");
  }
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    char kind = 0;
    if (text[i] == '?' || text[i] == '-') kind = text[i++];
    std::string term;
    if (i < text.size() && text[i] == '"') {
      size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) throw base::ParseError("unterminated quoted term");
      term = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t end = i;
      while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
      term = std::string(text.substr(i, end - i));
      i = end;
    }
    if (term.empty()) throw base::ParseError("empty term in filter pattern");
    if (kind == '?') {
      any_of_.push_back(std::move(term));
    } else if (kind == '-') {
      excluded_.push_back(std::move(term));
    } else {
      required_.push_back(std::move(term));
    }
  }
}

FilterPattern::~FilterPattern() = default;
FilterPattern::FilterPattern(FilterPattern&&) noexcept = default;
FilterPattern& FilterPattern::operator=(FilterPattern&&) noexcept = default;

bool FilterPattern::Matches(std::string_view message) const {
  if (regex_) return RE2::PartialMatch(message, *regex_);
  auto contains = [&](const std::string& term) {
    return message.find(term) != std::string_view::npos;
  };
  if (!std::all_of(required_.begin(), required_.end(), contains)) return false;
  if (!any_of_.empty() && std::none_of(any_of_.begin(), any_of_.end(), contains)) return false;
  return std::none_of(excluded_.begin(), excluded_.end(), contains);
}

}  // namespace logs
