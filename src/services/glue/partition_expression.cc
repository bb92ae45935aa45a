#include "services/glue/partition_expression.h"

#include <cerrno>
#include <cstdlib>
#include <optional>

#include "base/strings.h"
#include "engines/sql/common/error.h"
#include "engines/sql/function/like_matcher.h"
#include "services/glue/glue_error.h"

namespace glue {

namespace {

// Hive's name for the partition of NULL values.
constexpr std::string_view kHiveNullPartition = "__HIVE_DEFAULT_PARTITION__";

enum class Tok { kIdent, kString, kNumber, kOp, kLParen, kRParen, kComma, kEnd };

struct Token {
  Tok kind;
  std::string text;  // identifiers lower-cased; strings unquoted; operators as written
  bool quoted = false;
  size_t pos = 0;
};

GlueError Invalid(size_t pos, const std::string& what) {
  return GlueError(ErrorKind::kInvalidInput, "Invalid partition expression at character " +
                                                 std::to_string(pos + 1) + ": " + what);
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      i++;
      continue;
    }
    Token t;
    t.pos = i;
    if (c == '\'') {
      t.kind = Tok::kString;
      i++;
      while (true) {
        if (i >= s.size()) throw Invalid(t.pos, "unterminated string literal");
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            t.text += '\'';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        t.text += s[i++];
      }
    } else if (c == '`' || c == '"') {
      t.kind = Tok::kIdent;
      t.quoted = true;
      size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) throw Invalid(t.pos, "unterminated quoted name");
      t.text = base::ToLower(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if ((c >= '0' && c <= '9') ||
               (c == '-' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') ||
               (c == '.' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9')) {
      t.kind = Tok::kNumber;
      size_t start = i++;
      while (i < s.size() &&
             ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
              ((s[i] == '-' || s[i] == '+') && (s[i - 1] == 'e' || s[i - 1] == 'E')))) {
        i++;
      }
      t.text = std::string(s.substr(start, i - start));
    } else if (c == '(' || c == ')' || c == ',') {
      t.kind = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : Tok::kComma;
      t.text = std::string(1, c);
      i++;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      t.kind = Tok::kOp;
      t.text = std::string(1, c);
      i++;
      if (i < s.size() && (s[i] == '=' || (c == '<' && s[i] == '>'))) t.text += s[i++];
      if (t.text == "!") throw Invalid(t.pos, "unexpected '!'");
    } else if (static_cast<unsigned char>(c) >= 0x80 || c == '_' || c == '$' ||
               (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      t.kind = Tok::kIdent;
      size_t start = i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) >= 0x80 || s[i] == '_' ||
                              s[i] == '$' || (s[i] >= 'a' && s[i] <= 'z') ||
                              (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) {
        i++;
      }
      t.text = base::ToLower(s.substr(start, i - start));
    } else {
      throw Invalid(i, std::string("unexpected character '") + c + "'");
    }
    out.push_back(std::move(t));
  }
  out.push_back(Token{Tok::kEnd, "", false, s.size()});
  return out;
}

bool IsNumericType(std::string_view hive_type) {
  std::string t = base::ToLower(hive_type);
  return t == "tinyint" || t == "smallint" || t == "int" || t == "integer" || t == "bigint" ||
         t == "float" || t == "double" || t == "real" || t.starts_with("decimal");
}

std::optional<double> ParseNumber(std::string_view s) {
  std::string text(base::Trim(s));
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE) return std::nullopt;
  return v;
}

}  // namespace

struct PartitionExpression::Node {
  enum class Kind { kAnd, kOr, kNot, kCompare, kIn, kBetween, kLike, kIsNull, kConstant };
  Kind kind;
  std::vector<std::unique_ptr<Node>> children;
  size_t key = 0;
  bool numeric = false;
  std::string op;                     // kCompare: = <> != < <= > >=
  std::vector<std::string> literals;  // kCompare: 1, kIn: n, kBetween: 2
  std::unique_ptr<sql::LikeMatcher> like;
  bool negated = false;
  bool constant = false;  // kConstant

  // -1, 0, 1; nullopt when the values do not compare (a NULL, or text under a numeric key).
  std::optional<int> Compare(std::string_view value, std::string_view literal) const {
    if (numeric) {
      std::optional<double> a = ParseNumber(value), b = ParseNumber(literal);
      if (!a || !b) return std::nullopt;
      return *a < *b ? -1 : (*a > *b ? 1 : 0);
    }
    int c = value.compare(literal);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }

  bool Eval(const std::vector<std::string>& values) const {
    switch (kind) {
      case Kind::kAnd:
        return children[0]->Eval(values) && children[1]->Eval(values);
      case Kind::kOr:
        return children[0]->Eval(values) || children[1]->Eval(values);
      case Kind::kNot:
        return !children[0]->Eval(values);
      case Kind::kConstant:
        return constant;
      default:
        break;
    }
    const std::string* value = key < values.size() ? &values[key] : nullptr;
    bool is_null = value == nullptr || *value == kHiveNullPartition;
    if (kind == Kind::kIsNull) return is_null != negated;
    if (is_null) return false;
    switch (kind) {
      case Kind::kCompare: {
        std::optional<int> c = Compare(*value, literals[0]);
        if (!c) return false;
        if (op == "=") return *c == 0;
        if (op == "<>" || op == "!=") return *c != 0;
        if (op == "<") return *c < 0;
        if (op == "<=") return *c <= 0;
        if (op == ">") return *c > 0;
        return *c >= 0;
      }
      case Kind::kIn: {
        bool found = false;
        for (const auto& l : literals) {
          std::optional<int> c = Compare(*value, l);
          found = found || (c && *c == 0);
        }
        return found != negated;
      }
      case Kind::kBetween: {
        std::optional<int> lo = Compare(*value, literals[0]);
        std::optional<int> hi = Compare(*value, literals[1]);
        if (!lo || !hi) return false;
        return (*lo >= 0 && *hi <= 0) != negated;
      }
      case Kind::kLike:
        return like->Matches(*value) != negated;
      default:
        return false;
    }
  }
};

namespace {

using Node = PartitionExpression::Node;
using NodePtr = std::unique_ptr<Node>;

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::vector<PartitionKey>& keys)
      : t_(std::move(tokens)), keys_(keys) {}

  NodePtr ParseAll() {
    NodePtr n = ParseOr();
    if (Peek().kind != Tok::kEnd) throw Invalid(Peek().pos, "unexpected '" + Peek().text + "'");
    return n;
  }

 private:
  const Token& Peek() const { return t_[i_]; }
  const Token& Next() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
  bool IsWord(std::string_view w) const {
    return Peek().kind == Tok::kIdent && !Peek().quoted && Peek().text == w;
  }
  bool AcceptWord(std::string_view w) {
    if (!IsWord(w)) return false;
    i_++;
    return true;
  }
  void ExpectWord(std::string_view w) {
    if (!AcceptWord(w)) throw Invalid(Peek().pos, "expected " + base::ToUpper(w));
  }

  static NodePtr Make(Node::Kind kind) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    return n;
  }
  static NodePtr Binary(Node::Kind kind, NodePtr a, NodePtr b) {
    NodePtr n = Make(kind);
    n->children.push_back(std::move(a));
    n->children.push_back(std::move(b));
    return n;
  }

  NodePtr ParseOr() {
    NodePtr left = ParseAnd();
    while (AcceptWord("or")) left = Binary(Node::Kind::kOr, std::move(left), ParseAnd());
    return left;
  }
  NodePtr ParseAnd() {
    NodePtr left = ParseNot();
    while (AcceptWord("and")) left = Binary(Node::Kind::kAnd, std::move(left), ParseNot());
    return left;
  }
  NodePtr ParseNot() {
    if (AcceptWord("not")) {
      NodePtr n = Make(Node::Kind::kNot);
      n->children.push_back(ParseNot());
      return n;
    }
    return ParsePrimary();
  }

  bool IsLiteral(const Token& t) const { return t.kind == Tok::kString || t.kind == Tok::kNumber; }

  std::string Literal() {
    const Token& t = Peek();
    if (!IsLiteral(t)) throw Invalid(t.pos, "expected a literal value");
    Next();
    return t.text;
  }

  // The index of the key a token names.
  size_t Key(const Token& t) {
    for (size_t k = 0; k < keys_.size(); k++) {
      if (base::ToLower(keys_[k].name) == t.text) return k;
    }
    throw GlueError(ErrorKind::kInvalidInput, "Unknown column '" + t.text +
                                                  "' in partition expression: it is not a "
                                                  "partition key of the table");
  }

  NodePtr ParsePrimary() {
    if (Peek().kind == Tok::kLParen) {
      Next();
      NodePtr n = ParseOr();
      if (Peek().kind != Tok::kRParen) throw Invalid(Peek().pos, "expected ')'");
      Next();
      return n;
    }
    if (IsWord("true") || IsWord("false")) {
      NodePtr n = Make(Node::Kind::kConstant);
      n->constant = Next().text == "true";
      return n;
    }
    // literal op key: mirror it into key op' literal.
    if (IsLiteral(Peek())) {
      std::string lit = Literal();
      if (Peek().kind != Tok::kOp) throw Invalid(Peek().pos, "expected a comparison operator");
      std::string op = Next().text;
      if (Peek().kind != Tok::kIdent) throw Invalid(Peek().pos, "expected a partition key");
      size_t key = Key(Next());
      static const std::pair<std::string_view, std::string_view> kMirror[] = {
          {"<", ">"}, {">", "<"}, {"<=", ">="}, {">=", "<="}};
      for (const auto& [from, to] : kMirror) {
        if (op == from) {
          op = to;
          break;
        }
      }
      return Comparison(key, op, lit);
    }
    if (Peek().kind != Tok::kIdent) throw Invalid(Peek().pos, "expected a partition key");
    size_t key = Key(Next());
    if (Peek().kind == Tok::kOp) {
      std::string op = Next().text;
      return Comparison(key, op, Literal());
    }
    if (AcceptWord("is")) {
      NodePtr n = Make(Node::Kind::kIsNull);
      n->key = key;
      n->negated = AcceptWord("not");
      ExpectWord("null");
      return n;
    }
    bool negated = AcceptWord("not");
    if (AcceptWord("in")) {
      NodePtr n = Keyed(Node::Kind::kIn, key, negated);
      if (Peek().kind != Tok::kLParen) throw Invalid(Peek().pos, "expected '(' after IN");
      Next();
      n->literals.push_back(Literal());
      while (Peek().kind == Tok::kComma) {
        Next();
        n->literals.push_back(Literal());
      }
      if (Peek().kind != Tok::kRParen) throw Invalid(Peek().pos, "expected ')'");
      Next();
      return n;
    }
    if (AcceptWord("between")) {
      NodePtr n = Keyed(Node::Kind::kBetween, key, negated);
      n->literals.push_back(Literal());
      ExpectWord("and");
      n->literals.push_back(Literal());
      return n;
    }
    if (AcceptWord("like")) {
      NodePtr n = Keyed(Node::Kind::kLike, key, negated);
      size_t pos = Peek().pos;
      if (Peek().kind != Tok::kString) throw Invalid(pos, "LIKE needs a string pattern");
      try {
        n->like = std::make_unique<sql::LikeMatcher>(Next().text, 0, false);
      } catch (const sql::Error& e) {
        throw Invalid(pos, e.what());
      }
      return n;
    }
    throw Invalid(Peek().pos, "expected an operator after '" + keys_[key].name + "'");
  }

  NodePtr Keyed(Node::Kind kind, size_t key, bool negated) {
    NodePtr n = Make(kind);
    n->key = key;
    n->negated = negated;
    n->numeric = IsNumericType(keys_[key].type);
    return n;
  }

  NodePtr Comparison(size_t key, const std::string& op, std::string literal) {
    NodePtr n = Keyed(Node::Kind::kCompare, key, false);
    n->op = op;
    n->literals.push_back(std::move(literal));
    return n;
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  const std::vector<PartitionKey>& keys_;
};

}  // namespace

PartitionExpression::PartitionExpression(std::unique_ptr<Node> root) : root_(std::move(root)) {}
PartitionExpression::PartitionExpression(PartitionExpression&&) noexcept = default;
PartitionExpression& PartitionExpression::operator=(PartitionExpression&&) noexcept = default;
PartitionExpression::~PartitionExpression() = default;

PartitionExpression PartitionExpression::Parse(std::string_view text,
                                               const std::vector<PartitionKey>& keys) {
  if (base::Trim(text).empty()) {
    NodePtr all = std::make_unique<Node>();
    all->kind = Node::Kind::kConstant;
    all->constant = true;
    return PartitionExpression(std::move(all));
  }
  Parser parser(Tokenize(text), keys);
  return PartitionExpression(parser.ParseAll());
}

bool PartitionExpression::Matches(const std::vector<std::string>& values) const {
  return root_->Eval(values);
}

}  // namespace glue
