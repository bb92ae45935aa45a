#include "platform/auth/pattern.h"

#include "platform/auth/policy.h"

namespace auth::internal {

struct Pattern::Piece {
  Kind kind;  // kLiteral, kStar or kAnyChar
  std::string_view text;
};

namespace {

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

[[noreturn]] void BadVariable(std::string_view text) {
  throw PolicyError("Invalid policy variable in \"" + std::string(text) + "\".");
}

}  // namespace

void Pattern::AddLiteral(std::string_view text) {
  if (text.empty()) return;
  // Adjacent literal runs merge, so matching sees as few pieces as possible.
  if (!tokens_.empty() && tokens_.back().kind == Kind::kLiteral &&
      tokens_.back().begin + tokens_.back().size == storage_.size()) {
    tokens_.back().size += static_cast<uint32_t>(text.size());
  } else {
    tokens_.push_back(Token{Kind::kLiteral, false, static_cast<uint32_t>(storage_.size()),
                            static_cast<uint32_t>(text.size())});
  }
  storage_.append(text);
}

void Pattern::AddToken(Kind kind) { tokens_.push_back(Token{kind}); }

void Pattern::AddVariable(std::string_view key, const std::string* fallback) {
  Token t{Kind::kVariable};
  t.begin = static_cast<uint32_t>(storage_.size());
  t.size = static_cast<uint32_t>(key.size());
  storage_.append(key);
  if (fallback != nullptr) {
    t.has_default = true;
    t.default_begin = static_cast<uint32_t>(storage_.size());
    t.default_size = static_cast<uint32_t>(fallback->size());
    storage_.append(*fallback);
  }
  tokens_.push_back(t);
  has_variables_ = true;
}

Pattern Pattern::Compile(std::string_view text, Syntax syntax) {
  Pattern p;
  size_t literal_start = 0;
  size_t i = 0;
  auto flush = [&](size_t end) { p.AddLiteral(text.substr(literal_start, end - literal_start)); };
  while (i < text.size()) {
    char c = text[i];
    if (syntax.wildcards && (c == '*' || c == '?')) {
      flush(i);
      p.AddToken(c == '*' ? Kind::kStar : Kind::kAnyChar);
      literal_start = ++i;
      continue;
    }
    if (!syntax.variables || c != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      ++i;
      continue;
    }
    flush(i);
    // ${ key [, 'default'] }
    size_t j = i + 2;
    while (j < text.size() && IsSpace(text[j])) ++j;
    size_t key_start = j;
    while (j < text.size() && text[j] != '}' && text[j] != ',' && !IsSpace(text[j])) {
      if (text[j] == '$' && j + 1 < text.size() && text[j + 1] == '{') BadVariable(text);
      ++j;
    }
    std::string_view key = text.substr(key_start, j - key_start);
    while (j < text.size() && IsSpace(text[j])) ++j;
    if (key.empty() || j >= text.size()) BadVariable(text);
    std::string fallback;
    bool has_fallback = false;
    if (text[j] == ',') {
      ++j;
      while (j < text.size() && IsSpace(text[j])) ++j;
      if (j >= text.size() || text[j] != '\'') BadVariable(text);
      ++j;
      while (true) {
        if (j >= text.size()) BadVariable(text);
        if (text[j] == '\'') {
          if (j + 1 < text.size() && text[j + 1] == '\'') {  // '' is a quote
            fallback += '\'';
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        fallback += text[j++];
      }
      has_fallback = true;
      while (j < text.size() && IsSpace(text[j])) ++j;
    }
    if (j >= text.size() || text[j] != '}') BadVariable(text);
    if (key == "*" || key == "?" || key == "$") {
      if (has_fallback) BadVariable(text);
      p.AddLiteral(key);
    } else {
      p.AddVariable(key, has_fallback ? &fallback : nullptr);
    }
    literal_start = i = j + 1;
  }
  flush(text.size());
  p.Classify();
  return p;
}

void Pattern::Classify() {
  auto is = [this](size_t i, Kind k) { return tokens_[i].kind == k; };
  size_t n = tokens_.size();
  if (has_variables_) {
    shape_ = Shape::kGeneral;
  } else if (n == 0 || (n == 1 && is(0, Kind::kLiteral))) {
    shape_ = Shape::kLiteral;
  } else if (n == 1 && is(0, Kind::kStar)) {
    shape_ = Shape::kAny;
  } else if (n == 2 && is(0, Kind::kLiteral) && is(1, Kind::kStar)) {
    shape_ = Shape::kPrefix;
  } else {
    shape_ = Shape::kGeneral;
  }
}

bool Pattern::Resolve(const ContextKeys& context, std::vector<Piece>& out) const {
  out.clear();
  for (const Token& t : tokens_) {
    std::string_view text(storage_.data() + t.begin, t.size);
    if (t.kind != Kind::kVariable) {
      out.push_back(Piece{t.kind, text});
      continue;
    }
    // A multivalued key cannot be a variable's value; neither can a missing one.
    const std::vector<std::string>* values = context.Find(text);
    if (values != nullptr && values->size() == 1) {
      out.push_back(Piece{Kind::kLiteral, (*values)[0]});
    } else if (t.has_default) {
      out.push_back(Piece{Kind::kLiteral,
                          std::string_view(storage_.data() + t.default_begin, t.default_size)});
    } else {
      return false;
    }
  }
  return true;
}

// The classic algorithm: remember the last `*` and, on a mismatch, let that star swallow one
// more character and retry from just after it.
template <typename PieceAt>
bool Pattern::Glob(size_t n, PieceAt piece, std::string_view s, bool ignore_case) {
  size_t pi = 0, po = 0, si = 0;
  bool have_star = false;
  size_t star_pi = 0, star_si = 0;
  Piece cur{Kind::kStar, {}};
  auto load = [&] {  // cur = the piece at pi, skipping exhausted literal runs
    while (pi < n) {
      cur = piece(pi);
      if (cur.kind != Kind::kLiteral || po < cur.text.size()) return;
      ++pi;
      po = 0;
    }
  };
  load();
  while (si < s.size()) {
    if (pi < n) {
      if (cur.kind == Kind::kStar) {
        have_star = true;
        star_pi = ++pi;
        star_si = si;
        po = 0;
        load();
        continue;
      }
      if (cur.kind == Kind::kAnyChar) {
        ++pi;
        ++si;
        po = 0;
        load();
        continue;
      }
      char a = cur.text[po];
      char b = s[si];
      if (a == b || (ignore_case && AsciiLower(a) == AsciiLower(b))) {
        ++po;
        ++si;
        if (po == cur.text.size()) load();
        continue;
      }
    }
    if (!have_star) return false;
    si = ++star_si;
    pi = star_pi;
    po = 0;
    load();
  }
  // The subject is consumed: what is left of the pattern may only be stars.
  while (pi < n) {
    if (cur.kind != Kind::kStar) return false;
    ++pi;
    load();
  }
  return true;
}

MatchResult Pattern::Match(std::string_view subject, const ContextKeys& context,
                           bool ignore_case) const {
  auto equal = [ignore_case](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (!ignore_case) return a == b;
    for (size_t i = 0; i < a.size(); ++i) {
      if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    }
    return true;
  };
  auto result = [](bool b) { return b ? MatchResult::kMatch : MatchResult::kNoMatch; };
  // Literal text, for the shapes that have any, is all of storage_.
  switch (shape_) {
    case Shape::kLiteral:
      return result(equal(storage_, subject));
    case Shape::kAny:
      return MatchResult::kMatch;
    case Shape::kPrefix:
      return result(subject.size() >= storage_.size() &&
                    equal(storage_, subject.substr(0, storage_.size())));
    case Shape::kGeneral:
      break;
  }
  bool matched;
  if (!has_variables_) {
    auto token = [this](size_t i) {
      const Token& t = tokens_[i];
      return Piece{t.kind, std::string_view(storage_.data() + t.begin, t.size)};
    };
    matched = Glob(tokens_.size(), token, subject, ignore_case);
  } else {
    thread_local std::vector<Piece> pieces;
    if (!Resolve(context, pieces)) return MatchResult::kUnresolved;
    matched = Glob(
        pieces.size(), [](size_t i) { return pieces[i]; }, subject, ignore_case);
  }
  return matched ? MatchResult::kMatch : MatchResult::kNoMatch;
}

MatchResult Pattern::MatchArn(std::string_view subject, const ContextKeys& context) const {
  constexpr int kComponents = 6;
  // The subject's components: the last one keeps any further colons.
  std::string_view parts[kComponents];
  size_t start = 0;
  for (int c = 0; c < kComponents - 1; ++c) {
    size_t colon = subject.find(':', start);
    if (colon == std::string_view::npos) return MatchResult::kNoMatch;
    parts[c] = subject.substr(start, colon - start);
    start = colon + 1;
  }
  parts[kComponents - 1] = subject.substr(start);

  thread_local std::vector<Piece> resolved;
  thread_local std::vector<Piece> split;
  if (!Resolve(context, resolved)) return MatchResult::kUnresolved;
  // Cut the resolved pattern at its first five colons (in literal text, which includes the
  // values variables resolved to).
  split.clear();
  size_t bounds[kComponents + 1] = {0};
  int component = 0;
  for (const Piece& piece : resolved) {
    if (piece.kind != Kind::kLiteral) {
      split.push_back(piece);
      continue;
    }
    std::string_view rest = piece.text;
    size_t colon;
    while (component < kComponents - 1 && (colon = rest.find(':')) != std::string_view::npos) {
      split.push_back(Piece{Kind::kLiteral, rest.substr(0, colon)});
      bounds[++component] = split.size();
      rest.remove_prefix(colon + 1);
    }
    split.push_back(Piece{Kind::kLiteral, rest});
  }
  if (component != kComponents - 1) return MatchResult::kNoMatch;
  bounds[kComponents] = split.size();
  for (int c = 0; c < kComponents; ++c) {
    const Piece* first = split.data() + bounds[c];
    if (!Glob(
            bounds[c + 1] - bounds[c], [first](size_t i) { return first[i]; }, parts[c], false)) {
      return MatchResult::kNoMatch;
    }
  }
  return MatchResult::kMatch;
}

}  // namespace auth::internal
