#include "services/mlflow/search_filter.h"

#include <charconv>
#include <optional>
#include <tuple>

#include "base/strings.h"
#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

enum class Tok { kWord, kString, kDoubleQuoted, kBacktick, kOp, kLParen, kRParen, kComma, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // unquoted contents for quoted tokens
  std::string raw;   // as written
};

bool IsWordChar(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '=':
    case '!':
    case '<':
    case '>':
    case '(':
    case ')':
    case '\'':
    case '"':
    case '`':
    case ',':
      return false;
    default:
      return true;
  }
}

class Lexer {
 public:
  Lexer(std::string_view what, std::string_view text) : what_(what), text_(text) {}

  std::vector<Token> All() {
    std::vector<Token> out;
    while (true) {
      out.push_back(Next());
      if (out.back().kind == Tok::kEnd) return out;
    }
  }

 private:
  Token Next() {
    while (pos_ < text_.size() &&
           std::string_view(" \t\r\n").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    Token t;
    if (pos_ >= text_.size()) return t;
    size_t start = pos_;
    char c = text_[pos_];
    if (c == '\'' || c == '"' || c == '`') {
      t.kind = c == '\'' ? Tok::kString : c == '"' ? Tok::kDoubleQuoted : Tok::kBacktick;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          throw InvalidParameter("Invalid " + std::string(what_) + " '" + std::string(text_) +
                                 "': unterminated quoted text " + std::string(text_.substr(start)));
        }
        if (text_[pos_] == c) {
          // A doubled quote inside a quoted string stands for the quote itself.
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == c) {
            t.text.push_back(c);
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        t.text.push_back(text_[pos_++]);
      }
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      t.kind = Tok::kOp;
      while (pos_ < text_.size() &&
             std::string_view("=!<>").find(text_[pos_]) != std::string_view::npos) {
        ++pos_;
      }
      t.text = std::string(text_.substr(start, pos_ - start));
    } else if (c == '(' || c == ')' || c == ',') {
      t.kind = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : Tok::kComma;
      ++pos_;
      t.text = std::string(1, c);
    } else {
      t.kind = Tok::kWord;
      while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
      t.text = std::string(text_.substr(start, pos_ - start));
    }
    t.raw = std::string(text_.substr(start, pos_ - start));
    return t;
  }

  std::string_view what_;
  std::string_view text_;
  size_t pos_ = 0;
};

bool IsKeyword(const Token& t, std::string_view word) {
  return t.kind == Tok::kWord && base::EqualsIgnoreCase(t.text, word);
}

EntityType ResolveEntity(const std::string& name) {
  static const std::pair<std::string_view, EntityType> kNames[] = {
      {"metric", EntityType::kMetric},
      {"metrics", EntityType::kMetric},
      {"parameter", EntityType::kParam},
      {"parameters", EntityType::kParam},
      {"param", EntityType::kParam},
      {"params", EntityType::kParam},
      {"tag", EntityType::kTag},
      {"tags", EntityType::kTag},
      {"attribute", EntityType::kAttribute},
      {"attributes", EntityType::kAttribute},
      {"attr", EntityType::kAttribute},
      {"run", EntityType::kAttribute},
      {"dataset", EntityType::kDataset},
      {"datasets", EntityType::kDataset},
  };
  for (const auto& [n, type] : kNames) {
    if (name == n) return type;
  }
  throw InvalidParameter("Invalid entity type '" + name +
                         "'. Valid values are ['metric', 'parameter', 'tag', 'attribute', "
                         "'dataset']");
}

std::optional<double> NumberOf(std::string_view text) {
  double v = 0;
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  const char* end = t.data() + t.size();
  auto [p, ec] = std::from_chars(t.data(), end, v);
  if (t.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

bool IsQuoted(Tok kind) {
  return kind == Tok::kString || kind == Tok::kDoubleQuoted || kind == Tok::kBacktick;
}

class Parser {
 public:
  // `what` names the text in error messages: "filter" or "order_by clause".
  Parser(std::string_view what, std::string_view text, std::vector<Token> tokens)
      : what_(what), text_(text), tokens_(std::move(tokens)) {}

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool AtEnd() const { return Peek().kind == Tok::kEnd; }

  [[noreturn]] void Fail(const std::string& what) const {
    throw InvalidParameter("Invalid " + std::string(what_) + " '" + std::string(text_) +
                           "': " + what);
  }

  // <identifier>: entity.key, `entity`.key, entity.`key`, entity."key", or a bare attribute.
  std::pair<EntityType, std::string> Identifier() {
    const Token& first = Take();
    std::string entity;
    std::string rest;
    bool dotted = false;
    if (first.kind == Tok::kWord) {
      size_t dot = first.text.find('.');
      if (dot == std::string::npos) return {EntityType::kAttribute, first.text};
      entity = first.text.substr(0, dot);
      rest = first.text.substr(dot + 1);
      dotted = true;
    } else if (first.kind == Tok::kBacktick || first.kind == Tok::kDoubleQuoted) {
      if (Peek().kind == Tok::kWord && !Peek().text.empty() && Peek().text.front() == '.') {
        entity = first.text;
        rest = Take().text.substr(1);
        dotted = true;
      } else {
        return {EntityType::kAttribute, first.text};
      }
    } else {
      Fail(first.kind == Tok::kEnd ? std::string("expected an identifier at the end")
                                   : "expected an identifier, found '" + first.raw + "'");
    }
    EntityType type = ResolveEntity(entity);
    if (dotted && rest.empty()) {
      const Token& key = Take();
      if (!IsQuoted(key.kind)) {
        Fail("expected a key after '" + entity + ".', found '" + key.raw + "'");
      }
      rest = key.text;
    }
    return {type, rest};
  }

  Comparison ComparisonClause() {
    Comparison c;
    std::tie(c.type, c.key) = Identifier();
    const Token& op = Take();
    if (op.kind == Tok::kOp) {
      c.op_text = op.text;
      if (op.text == "=")
        c.op = Comparator::kEq;
      else if (op.text == "!=")
        c.op = Comparator::kNe;
      else if (op.text == "<")
        c.op = Comparator::kLt;
      else if (op.text == "<=")
        c.op = Comparator::kLe;
      else if (op.text == ">")
        c.op = Comparator::kGt;
      else if (op.text == ">=")
        c.op = Comparator::kGe;
      else
        Fail("invalid comparator '" + op.text + "'");
    } else if (IsKeyword(op, "LIKE")) {
      c.op = Comparator::kLike;
      c.op_text = "LIKE";
    } else if (IsKeyword(op, "ILIKE")) {
      c.op = Comparator::kILike;
      c.op_text = "ILIKE";
    } else if (IsKeyword(op, "IN")) {
      c.op = Comparator::kIn;
      c.op_text = "IN";
    } else if (IsKeyword(op, "NOT") && IsKeyword(Peek(), "IN")) {
      Take();
      c.op = Comparator::kNotIn;
      c.op_text = "NOT IN";
    } else {
      Fail(op.kind == Tok::kEnd ? "expected a comparator after '" + c.key + "'"
                                : "expected a comparator, found '" + op.raw + "'");
    }
    c.value = Value(c.op_text);
    return c;
  }

  FilterValue Value(const std::string& after) {
    const Token& t = Take();
    FilterValue v;
    switch (t.kind) {
      case Tok::kString:
      case Tok::kDoubleQuoted:
        v.kind = FilterValue::Kind::kString;
        v.text = t.text;
        return v;
      case Tok::kWord:
        if (auto n = NumberOf(t.text)) {
          v.kind = FilterValue::Kind::kNumber;
          v.number = *n;
          v.text = t.text;
          return v;
        }
        Fail("expected a number or a quoted string after '" + after + "', found '" + t.raw + "'");
      case Tok::kLParen:
        v.kind = FilterValue::Kind::kList;
        while (true) {
          const Token& item = Take();
          if (item.kind != Tok::kString && item.kind != Tok::kDoubleQuoted) {
            Fail("expected a quoted string in the list, found '" + item.raw + "'");
          }
          v.list.push_back(item.text);
          const Token& sep = Take();
          if (sep.kind == Tok::kRParen) break;
          if (sep.kind != Tok::kComma)
            Fail("expected ',' or ')' in the list, found '" + sep.raw + "'");
        }
        return v;
      case Tok::kEnd:
        Fail("expected a value after '" + after + "'");
      default:
        Fail("expected a value after '" + after + "', found '" + t.raw + "'");
    }
  }

 private:
  std::string_view what_;
  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<Comparison> ParseFilter(std::string_view filter) {
  std::vector<Comparison> out;
  if (base::Trim(filter).empty()) return out;
  Parser p("filter", filter, Lexer("filter", filter).All());
  while (true) {
    out.push_back(p.ComparisonClause());
    if (p.AtEnd()) return out;
    const Token& t = p.Take();
    if (!IsKeyword(t, "AND")) {
      throw InvalidParameter("Invalid clause(s) in filter string: '" + t.raw + "'");
    }
    if (p.AtEnd()) throw InvalidParameter("Invalid clause(s) in filter string: '" + t.raw + "'");
  }
}

OrderKey ParseOrderBy(std::string_view clause) {
  auto invalid = [&] {
    return InvalidParameter("Invalid order_by clause '" + std::string(clause) +
                            "'. Could not be parsed.");
  };
  std::vector<Token> tokens = Lexer("order_by clause", clause).All();
  if (tokens.front().kind == Tok::kEnd) throw invalid();
  Parser p("order_by clause", clause, tokens);
  OrderKey key;
  std::tie(key.type, key.key) = p.Identifier();
  if (!p.AtEnd()) {
    const Token& dir = p.Take();
    if (IsKeyword(dir, "ASC")) {
      key.ascending = true;
    } else if (IsKeyword(dir, "DESC")) {
      key.ascending = false;
    } else if (dir.kind == Tok::kWord) {
      throw InvalidParameter("Invalid ordering key in order_by clause '" + std::string(clause) +
                             "'.");
    } else {
      throw invalid();
    }
    if (!p.AtEnd()) throw invalid();
  }
  return key;
}

std::string_view EntityName(EntityType type) {
  switch (type) {
    case EntityType::kMetric:
      return "metric";
    case EntityType::kParam:
      return "parameter";
    case EntityType::kTag:
      return "tag";
    case EntityType::kAttribute:
      return "attribute";
    case EntityType::kDataset:
      return "dataset";
  }
  return "attribute";
}

std::string LikeToGlob(std::string_view pattern) {
  std::string out;
  for (char c : pattern) {
    switch (c) {
      case '%':
        out.push_back('*');
        break;
      case '_':
        out.push_back('?');
        break;
      case '*':
        out.append("[*]");
        break;
      case '?':
        out.append("[?]");
        break;
      case '[':
        out.append("[[]");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace mlflow
