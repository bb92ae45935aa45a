#include "engines/sql/function/like_matcher.h"

#include "engines/sql/common/error.h"

namespace sql {

namespace {

size_t Utf8Len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 6) return 2;
  if ((c >> 4) == 14) return 3;
  if ((c >> 3) == 30) return 4;
  return 1;
}

}  // namespace

LikeMatcher::LikeMatcher(std::string_view pattern, char escape, bool has_escape) {
  for (size_t i = 0; i < pattern.size(); i++) {
    char c = pattern[i];
    if (has_escape && c == escape) {
      if (i + 1 >= pattern.size() ||
          (pattern[i + 1] != '%' && pattern[i + 1] != '_' && pattern[i + 1] != escape)) {
        throw ExecutionError("INVALID_FUNCTION_ARGUMENT",
                             "Escape character must be followed by '%', '_' or the escape "
                             "character itself");
      }
      c = pattern[++i];
      if (pieces_.empty() || pieces_.back().kind != Kind::kLiteral) {
        pieces_.push_back({Kind::kLiteral, ""});
      }
      pieces_.back().literal += c;
      continue;
    }
    if (c == '%') {
      if (pieces_.empty() || pieces_.back().kind != Kind::kAnyRun) {
        pieces_.push_back({Kind::kAnyRun, ""});
      }
    } else if (c == '_') {
      pieces_.push_back({Kind::kAnyOne, ""});
    } else {
      if (pieces_.empty() || pieces_.back().kind != Kind::kLiteral) {
        pieces_.push_back({Kind::kLiteral, ""});
      }
      pieces_.back().literal += c;
    }
  }
  if (pieces_.empty()) {
    exact_ = true;
  } else if (pieces_.size() == 1 && pieces_[0].kind == Kind::kLiteral) {
    exact_ = true;
    literal_ = pieces_[0].literal;
  } else if (pieces_.size() == 2 && pieces_[0].kind == Kind::kLiteral &&
             pieces_[1].kind == Kind::kAnyRun) {
    simple_prefix_ = true;
    literal_ = pieces_[0].literal;
  } else if (pieces_.size() == 3 && pieces_[0].kind == Kind::kAnyRun &&
             pieces_[1].kind == Kind::kLiteral && pieces_[2].kind == Kind::kAnyRun) {
    simple_contains_ = true;
    literal_ = pieces_[1].literal;
  }
}

bool LikeMatcher::Matches(std::string_view text) const {
  if (exact_) return text == literal_;
  if (simple_prefix_) return text.substr(0, literal_.size()) == literal_;
  if (simple_contains_) return text.find(literal_) != std::string_view::npos;
  // Iterative matching with backtracking to the last '%'.
  size_t p = 0, t = 0;
  size_t star_p = std::string::npos, star_t = 0;
  while (true) {
    if (p < pieces_.size()) {
      const Piece& piece = pieces_[p];
      if (piece.kind == Kind::kAnyRun) {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (piece.kind == Kind::kAnyOne && t < text.size()) {
        t += Utf8Len(static_cast<unsigned char>(text[t]));
        if (t > text.size()) t = text.size();
        p++;
        continue;
      }
      if (piece.kind == Kind::kLiteral && text.substr(t, piece.literal.size()) == piece.literal) {
        t += piece.literal.size();
        p++;
        continue;
      }
    } else if (t == text.size()) {
      return true;
    }
    if (star_p == std::string::npos || star_t >= text.size()) return false;
    star_t += Utf8Len(static_cast<unsigned char>(text[star_t]));
    t = star_t;
    p = star_p;
  }
}

}  // namespace sql
