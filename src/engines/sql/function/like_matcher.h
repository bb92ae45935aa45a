// Matches text against a SQL LIKE pattern ('%' any run, '_' one character, with an optional
// escape character). Characters are UTF-8 code points. Immutable after construction and
// safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sql {

class LikeMatcher {
 public:
  // Throws ExecutionError when the escape character is followed by anything but %, _ or
  // itself, or ends the pattern.
  LikeMatcher(std::string_view pattern, char escape, bool has_escape);
  bool Matches(std::string_view text) const;

 private:
  enum class Kind { kLiteral, kAnyOne, kAnyRun };
  struct Piece {
    Kind kind;
    std::string literal;
  };
  std::vector<Piece> pieces_;
  bool simple_prefix_ = false;  // "abc%"
  bool simple_contains_ = false;  // "%abc%"
  bool exact_ = false;  // no wildcards
  std::string literal_;
};

}  // namespace sql
