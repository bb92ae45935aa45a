#include "services/glue/dq_ruleset_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "base/strings.h"

namespace glue {

namespace {

// What a rule type takes: how many quoted parameters, which kind of expression, and whether
// `with threshold` and `where` may follow.
enum class Takes { kNothing, kNumber, kValues };

struct RuleType {
  const char* name;
  size_t min_parameters;
  size_t max_parameters;
  Takes expression;
  bool threshold;
  bool where;
};

constexpr size_t kMany = 32;

constexpr RuleType kRuleTypes[] = {
    {"ColumnCount", 0, 0, Takes::kNumber, false, false},
    {"ColumnExists", 1, 1, Takes::kNothing, false, false},
    {"ColumnLength", 1, 1, Takes::kNumber, true, true},
    {"ColumnValues", 1, 1, Takes::kValues, true, true},
    {"Completeness", 1, 1, Takes::kNumber, false, true},
    {"CustomSql", 1, 1, Takes::kNumber, false, false},
    {"DistinctValuesCount", 1, 1, Takes::kNumber, false, true},
    {"IsComplete", 1, 1, Takes::kNothing, false, true},
    {"IsPrimaryKey", 1, kMany, Takes::kNothing, false, true},
    {"IsUnique", 1, 1, Takes::kNothing, false, true},
    {"Mean", 1, 1, Takes::kNumber, false, true},
    {"RowCount", 0, 0, Takes::kNumber, false, true},
    {"StandardDeviation", 1, 1, Takes::kNumber, false, true},
    {"Sum", 1, 1, Takes::kNumber, false, true},
    {"Uniqueness", 1, 1, Takes::kNumber, false, true},
};

const RuleType* FindRuleType(std::string_view name) {
  for (const RuleType& t : kRuleTypes) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

enum class TokenKind { kWord, kString, kNumber, kPunct, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // words and punctuation as written; strings unquoted
  size_t begin = 0;  // source offsets of the token
  size_t end = 0;
  bool space_before = false;  // whitespace or a comment separates it from the previous token
};

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  std::vector<Token> Tokenize() {
    std::vector<Token> out;
    while (true) {
      bool space = SkipSpace();
      Token t = Next();
      t.space_before = space;
      out.push_back(t);
      if (t.kind == TokenKind::kEnd) return out;
    }
  }

  // "line L, column C" of a source offset (both from 1).
  static std::string Where(std::string_view src, size_t offset) {
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < offset && i < src.size(); ++i) {
      if (src[i] == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }

 private:
  [[noreturn]] void Fail(size_t at, const std::string& what) const {
    throw DqSyntaxError("Invalid DQDL at " + Where(src_, at) + ": " + what);
  }

  bool SkipSpace() {
    bool any = false;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        pos_++;
      } else if (c == '#') {
        while (pos_ < src_.size() && src_[pos_] != '\n') pos_++;
      } else {
        break;
      }
      any = true;
    }
    return any;
  }

  Token Next() {
    Token t;
    t.begin = pos_;
    if (pos_ >= src_.size()) {
      t.end = pos_;
      return t;
    }
    char c = src_[pos_];
    if (c == '"') {
      t.kind = TokenKind::kString;
      t.text = QuotedString();
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && pos_ + 1 < src_.size() &&
                std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))) {
      t.kind = TokenKind::kNumber;
      size_t start = pos_;
      while (pos_ < src_.size() &&
             (std::isdigit(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '.')) {
        pos_++;
      }
      if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
        size_t mark = pos_++;
        if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) pos_++;
        if (pos_ < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_]))) {
          while (pos_ < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_]))) {
            pos_++;
          }
        } else {
          pos_ = mark;
        }
      }
      t.text = std::string(src_.substr(start, pos_ - start));
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = TokenKind::kWord;
      size_t start = pos_;
      while (pos_ < src_.size() &&
             (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_')) {
        pos_++;
      }
      t.text = std::string(src_.substr(start, pos_ - start));
    } else {
      t.kind = TokenKind::kPunct;
      static constexpr std::string_view kTwo[] = {"!=", ">=", "<=", "<>"};
      static constexpr std::string_view kOne = "[](),=<>+-";
      std::string_view rest = src_.substr(pos_);
      for (std::string_view two : kTwo) {
        if (rest.starts_with(two)) t.text = std::string(two);
      }
      if (t.text.empty() && kOne.find(c) != std::string_view::npos) t.text = std::string(1, c);
      if (t.text.empty()) Fail(pos_, "unexpected character '" + std::string(1, c) + "'");
      if (t.text == "<>") t.text = "!=";
      pos_ += rest.starts_with("<>") ? 2 : t.text.size();
    }
    t.end = pos_;
    return t;
  }

  // A "..." literal. \" stands for a quote; every other backslash stays as written, so that
  // regular expressions (`matches "[a-z]+\.com"`) and SQL keep theirs.
  std::string QuotedString() {
    size_t start = pos_++;
    std::string out;
    while (pos_ < src_.size()) {
      char c = src_[pos_++];
      if (c == '"') return out;
      if (c == '\\' && pos_ < src_.size()) {
        char e = src_[pos_++];
        if (e != '"') out += c;
        out += e;
      } else {
        out += c;
      }
    }
    Fail(start, "unterminated string");
  }

  std::string_view src_;
  size_t pos_ = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src), tokens_(Lexer(src).Tokenize()) {}

  DqRuleset Document() {
    ExpectWord("Rules", "expected 'Rules = [' at the start of the ruleset");
    ExpectPunct("=", "expected '=' after 'Rules'");
    ExpectPunct("[", "expected '[' to open the list of rules");
    DqRuleset out;
    if (IsPunct("]")) Fail(Peek(), "the ruleset has no rules");
    while (true) {
      out.rules.push_back(Rule());
      if (IsPunct(",")) {
        pos_++;
        continue;
      }
      ExpectPunct("]", "expected ',' or ']' after a rule");
      break;
    }
    if (Peek().kind != TokenKind::kEnd) Fail(Peek(), "unexpected text after the closing ']'");
    return out;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool IsPunct(std::string_view p, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kPunct && Peek(ahead).text == p;
  }
  bool IsWord(std::string_view w, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kWord && Peek(ahead).text == w;
  }

  [[noreturn]] void Fail(const Token& at, const std::string& what) const {
    std::string found = at.kind == TokenKind::kEnd      ? "the end of the ruleset"
                        : at.kind == TokenKind::kString ? "\"" + at.text + "\""
                                                        : "'" + at.text + "'";
    throw DqSyntaxError("Invalid DQDL at " + Lexer::Where(src_, at.begin) + ": " + what +
                        " (found " + found + ")");
  }
  void ExpectPunct(std::string_view p, const std::string& what) {
    if (!IsPunct(p)) Fail(Peek(), what);
    pos_++;
  }
  void ExpectWord(std::string_view w, const std::string& what) {
    if (!IsWord(w)) Fail(Peek(), what);
    pos_++;
  }

  // The source of tokens [first, pos_) with each gap of whitespace shown as one space.
  std::string TextSince(size_t first) const {
    std::string out;
    for (size_t i = first; i < pos_; ++i) {
      if (i > first && tokens_[i].space_before) out += ' ';
      out += src_.substr(tokens_[i].begin, tokens_[i].end - tokens_[i].begin);
    }
    return out;
  }

  // rule := operand (('and' | 'or') operand)*, where a composite's operands are parenthesized.
  DqRule Rule(int depth = 0) {
    if (depth > 64) Fail(Peek(), "rules are nested too deeply");
    size_t first = pos_;
    if (!IsPunct("(")) return Leaf();
    std::vector<DqRule> operands;
    operands.push_back(Parenthesized(depth));
    std::string joiner;
    while (IsWord("and") || IsWord("AND") || IsWord("or") || IsWord("OR")) {
      std::string word = base::ToLower(Peek().text);
      if (!joiner.empty() && word != joiner) {
        Fail(Peek(), "mixing 'and' and 'or' needs parentheses around each group");
      }
      joiner = word;
      pos_++;
      if (!IsPunct("(")) {
        Fail(Peek(), "each rule joined by '" + joiner + "' must be in parentheses");
      }
      operands.push_back(Parenthesized(depth));
    }
    if (joiner.empty()) return std::move(operands.front());
    DqRule out;
    out.kind = joiner == "and" ? DqRule::Kind::kAnd : DqRule::Kind::kOr;
    out.operands = std::move(operands);
    out.text = TextSince(first);
    return out;
  }

  DqRule Parenthesized(int depth) {
    ExpectPunct("(", "expected '('");
    DqRule r = Rule(depth + 1);
    ExpectPunct(")", "expected ')' to close the rule");
    return r;
  }

  DqRule Leaf() {
    size_t first = pos_;
    const Token& name = Peek();
    if (name.kind != TokenKind::kWord) Fail(name, "expected a rule type");
    const RuleType* type = FindRuleType(name.text);
    if (!type) Fail(name, "unknown rule type " + name.text);
    pos_++;
    DqRule r;
    r.type = type->name;
    while (Peek().kind == TokenKind::kString && r.parameters.size() < type->max_parameters) {
      r.parameters.push_back(Peek().text);
      pos_++;
    }
    if (r.parameters.size() < type->min_parameters) {
      Fail(Peek(), r.type + " needs " +
                       (type->min_parameters == 1 ? std::string("a quoted column name")
                                                  : "quoted parameters"));
    }
    if (r.type == "CustomSql") CheckStatement(r.parameters.front());
    if (type->expression != Takes::kNothing) {
      r.expression = Expression(type->expression, r.type);
    }
    while (true) {
      if (IsWord("with")) {
        if (!type->threshold) Fail(Peek(), r.type + " does not take 'with threshold'");
        if (r.threshold) Fail(Peek(), "the rule already has a threshold");
        pos_++;
        ExpectWord("threshold", "expected 'threshold' after 'with'");
        r.threshold = Expression(Takes::kNumber, "the threshold");
      } else if (IsWord("where")) {
        if (!type->where) Fail(Peek(), r.type + " does not take a 'where' clause");
        if (r.where) Fail(Peek(), "the rule already has a 'where' clause");
        pos_++;
        if (Peek().kind != TokenKind::kString || Peek().text.empty()) {
          Fail(Peek(), "expected a quoted SQL condition after 'where'");
        }
        if (Peek().text.find(';') != std::string::npos) {
          Fail(Peek(), "a 'where' condition is one SQL expression");
        }
        r.where = Peek().text;
        pos_++;
      } else {
        break;
      }
    }
    r.text = TextSince(first);
    return r;
  }

  // CustomSql runs one SELECT (or WITH ... SELECT) statement.
  void CheckStatement(const std::string& sql) {
    std::string head;
    for (char c : sql) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (head.empty()) continue;
        break;
      }
      head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    size_t semicolon = sql.find(';');
    bool trailing_only = semicolon == std::string::npos ||
                         sql.find_first_not_of(" \t\r\n;", semicolon) == std::string::npos;
    if ((head != "select" && head != "with") || !trailing_only) {
      Fail(tokens_[pos_ - 1], "CustomSql takes one SELECT statement");
    }
  }

  DqExpression Expression(Takes takes, const std::string& what) {
    DqExpression e;
    const Token& t = Peek();
    bool negated = false;
    if (IsWord("not")) {
      negated = true;
      pos_++;
    }
    if (IsWord("between")) {
      pos_++;
      e.op = negated ? DqOperator::kNotBetween : DqOperator::kBetween;
      e.values.push_back(Value(takes, what));
      ExpectWord("and", "expected 'and' between the bounds of 'between'");
      e.values.push_back(Value(takes, what));
    } else if (IsWord("in")) {
      pos_++;
      e.op = negated ? DqOperator::kNotIn : DqOperator::kIn;
      ExpectPunct("[", "expected '[' to open the list after 'in'");
      while (true) {
        e.values.push_back(Value(takes, what, true));
        if (IsPunct(",")) {
          pos_++;
          continue;
        }
        ExpectPunct("]", "expected ',' or ']' in the list");
        break;
      }
    } else if (IsWord("matches")) {
      if (takes != Takes::kValues) Fail(Peek(), what + " cannot use 'matches'");
      pos_++;
      e.op = negated ? DqOperator::kNotMatches : DqOperator::kMatches;
      if (Peek().kind != TokenKind::kString) Fail(Peek(), "expected a quoted regular expression");
      e.values.push_back({DqValue::Kind::kString, 0, Peek().text});
      pos_++;
    } else if (!negated && Peek().kind == TokenKind::kPunct &&
               (t.text == "=" || t.text == "!=" || t.text == ">" || t.text == ">=" ||
                t.text == "<" || t.text == "<=")) {
      pos_++;
      static const std::pair<std::string_view, DqOperator> kOps[] = {
          {"=", DqOperator::kEq},  {"!=", DqOperator::kNe}, {">", DqOperator::kGt},
          {">=", DqOperator::kGe}, {"<", DqOperator::kLt},  {"<=", DqOperator::kLe}};
      for (const auto& [text, op] : kOps) {
        if (t.text == text) e.op = op;
      }
      bool equality = e.op == DqOperator::kEq || e.op == DqOperator::kNe;
      e.values.push_back(Value(takes, what, equality));
    } else {
      std::string needed =
          what + " needs an expression such as '> 10', 'between 1 and 5' or 'in [..]'";
      Fail(Peek(), negated ? "expected 'between', 'in' or 'matches' after 'not'" : needed);
    }
    return e;
  }

  // A literal: a number; or, for row values, a string, now() (optionally shifted by a
  // duration) and, where `keywords`, NULL, EMPTY and WHITESPACES_ONLY.
  DqValue Value(Takes takes, const std::string& what, bool keywords = false) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kNumber || (IsPunct("-") && Peek(1).kind == TokenKind::kNumber)) {
      return Number();
    }
    if (takes == Takes::kValues) {
      if (t.kind == TokenKind::kString) {
        pos_++;
        return {DqValue::Kind::kString, 0, t.text};
      }
      if (keywords && t.kind == TokenKind::kWord) {
        static const std::pair<std::string_view, DqValue::Kind> kKeywords[] = {
            {"NULL", DqValue::Kind::kNull},
            {"EMPTY", DqValue::Kind::kEmpty},
            {"WHITESPACES_ONLY", DqValue::Kind::kWhitespacesOnly}};
        for (const auto& [word, kind] : kKeywords) {
          if (t.text == word || t.text == base::ToLower(word)) {
            pos_++;
            return {kind, 0, std::string(word)};
          }
        }
      }
      if (IsWord("now")) return Now();
      if (IsPunct("(") && IsWord("now", 1)) {
        pos_++;
        DqValue v = Now();
        if (IsPunct("+") || IsPunct("-")) {
          double sign = Peek().text == "-" ? -1 : 1;
          pos_++;
          if (Peek().kind != TokenKind::kNumber) Fail(Peek(), "expected a duration such as 3 days");
          double amount = Number().number;
          v.number = sign * amount * DurationUnit();
        }
        ExpectPunct(")", "expected ')' after the duration");
        return v;
      }
    }
    Fail(t, takes == Takes::kNumber ? what + " compares with numbers" : "expected a value");
  }

  DqValue Number() {
    bool negative = IsPunct("-");
    if (negative) pos_++;
    const Token& t = Peek();
    double v = 0;
    auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc() || ptr != t.text.data() + t.text.size() || !std::isfinite(v)) {
      Fail(t, "invalid number");
    }
    pos_++;
    return {DqValue::Kind::kNumber, negative ? -v : v, (negative ? "-" : "") + t.text};
  }

  DqValue Now() {
    pos_++;
    ExpectPunct("(", "expected '()' after now");
    ExpectPunct(")", "expected ')' after 'now('");
    return {DqValue::Kind::kNow, 0, "now()"};
  }

  // The length of a duration unit in seconds.
  double DurationUnit() {
    static const std::pair<std::string_view, double> kUnits[] = {
        {"days", 86400}, {"day", 86400}, {"hours", 3600}, {"hour", 3600},
        {"minutes", 60}, {"minute", 60}, {"seconds", 1},  {"second", 1}};
    for (const auto& [unit, seconds] : kUnits) {
      if (IsWord(unit)) {
        pos_++;
        return seconds;
      }
    }
    Fail(Peek(), "expected a duration unit (days, hours, minutes or seconds)");
  }

  std::string_view src_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

DqRuleset ParseDqRuleset(std::string_view text) { return Parser(text).Document(); }

}  // namespace glue
