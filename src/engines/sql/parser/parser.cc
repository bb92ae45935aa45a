#include "engines/sql/parser/parser.h"

#include <unordered_set>

#include "engines/sql/common/error.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/parser/lexer.h"

namespace sql {

namespace {

// Words that end an expression or clause and therefore cannot be implicit aliases.
const std::unordered_set<std::string>& ReservedWords() {
  static const std::unordered_set<std::string> kWords = {
      "all",       "and",      "as",        "asc",        "between",   "by",
      "case",      "cast",     "create",    "cross",      "cube",      "desc",
      "distinct",  "drop",     "else",      "end",        "escape",    "except",
      "exists",    "extract",  "false",     "fetch",      "for",       "from",
      "full",      "group",    "grouping",  "having",     "in",        "inner",
      "insert",    "intersect", "into",     "is",         "join",      "left",
      "like",      "limit",    "natural",   "not",        "null",      "nulls",
      "offset",    "on",       "or",        "order",      "outer",     "over",
      "right",     "rollup",   "select",    "table",      "then",      "true",
      "union",     "using",    "values",    "when",       "where",     "window",
      "with",      "partition", "rows",     "range",      "unbounded", "preceding",
      "following", "current",  "filter",    "ignore",     "respect",   "lateral",
      "unnest",    "glob",     "regexp",    "match",      "indexed",   "collate"};
  return kWords;
}

// Trino's reserved words: never identifiers unless quoted.
bool IsStrictlyReserved(const std::string& w) {
  static const std::unordered_set<std::string> kWords = {
      "select", "from",   "where",  "group",  "having", "order",    "union", "intersect", "except",
      "join",   "inner",  "left",   "right",  "full",   "cross",    "on",    "using",     "natural",
      "and",    "or",     "not",    "is",     "in",     "between",  "like",  "case",      "when",
      "then",   "else",   "end",    "with",   "values", "null",     "true",  "false",     "exists",
      "distinct", "by",   "as",     "create", "drop",   "insert",   "escape", "cast",     "extract"};
  return kWords.count(w) > 0;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(Tokenize(text)) {}

  std::vector<std::unique_ptr<Statement>> ParseAll() {
    std::vector<std::unique_ptr<Statement>> out;
    while (true) {
      while (AcceptOp(";")) {
      }
      if (Peek().kind == TokenKind::kEnd) break;
      size_t start = Peek().offset;
      auto stmt = ParseStatementInner();
      stmt->text = std::string(text_.substr(start, Peek().offset - start));
      out.push_back(std::move(stmt));
      if (Peek().kind != TokenKind::kEnd && !IsOp(";")) Fail("unexpected token " + Describe(Peek()));
    }
    return out;
  }

  ExprPtr ParseStandaloneExpr() {
    auto e = ParseExpr();
    if (Peek().kind != TokenKind::kEnd) Fail("unexpected token " + Describe(Peek()));
    return e;
  }

 private:
  // ---- token helpers ----
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) pos_++;
    return t;
  }
  bool IsKw(std::string_view kw, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kIdentifier && t.text == kw;
  }
  bool IsOp(std::string_view op, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kOperator && t.text == op;
  }
  bool AcceptKw(std::string_view kw) {
    if (!IsKw(kw)) return false;
    Next();
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(op)) return false;
    Next();
    return true;
  }
  void ExpectKw(std::string_view kw) {
    if (!AcceptKw(kw)) {
      std::string up(kw);
      for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      Fail("expected " + up + " but found " + Describe(Peek()));
    }
  }
  void ExpectOp(std::string_view op) {
    if (!AcceptOp(op)) Fail("expected '" + std::string(op) + "' but found " + Describe(Peek()));
  }
  static std::string Describe(const Token& t) {
    if (t.kind == TokenKind::kEnd) return "end of input";
    if (t.kind == TokenKind::kString) return "'" + t.text + "'";
    return "'" + t.text + "'";
  }
  [[noreturn]] void Fail(const std::string& what) const { FailAt(Peek(), what); }
  [[noreturn]] void FailAt(const Token& t, const std::string& what) const {
    throw ParserError(FormatSyntaxError(text_, t.line, t.column, what), t.line, t.column);
  }
  void Enter() {
    if (++depth_ > 200) Fail("statement is too deeply nested");
  }
  void Leave() { depth_--; }
  struct DepthGuard {
    Parser* p;
    explicit DepthGuard(Parser* parser) : p(parser) { p->Enter(); }
    ~DepthGuard() { p->Leave(); }
  };

  bool IsIdentifierToken(const Token& t) const {
    return t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier;
  }
  std::string ParseIdentifier() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kQuotedIdentifier) {
      Next();
      return t.text;
    }
    if (t.kind == TokenKind::kIdentifier && !IsStrictlyReserved(t.text)) {
      Next();
      return t.text;
    }
    Fail("expected an identifier but found " + Describe(t));
  }
  std::vector<std::string> ParseQualifiedName() {
    std::vector<std::string> parts{ParseIdentifier()};
    while (IsOp(".") && IsIdentifierToken(Peek(1))) {
      Next();
      parts.push_back(ParseIdentifier());
    }
    return parts;
  }
  bool CanBeAlias(const Token& t) const {
    if (t.kind == TokenKind::kQuotedIdentifier) return true;
    if (t.kind == TokenKind::kString) return true;
    return t.kind == TokenKind::kIdentifier && !ReservedWords().count(t.text);
  }

  ExprPtr MakeExpr(ExprKind kind, const Token& at) {
    auto e = std::make_unique<ParsedExpr>();
    e->kind = kind;
    e->line = at.line;
    e->column = at.column;
    e->offset = at.offset;
    return e;
  }
  void Finish(ParsedExpr* e) {
    const Token& prev = tokens_[pos_ > 0 ? pos_ - 1 : 0];
    e->end = prev.offset + std::max<size_t>(prev.text.size(), 1);
    if (prev.kind == TokenKind::kString) e->end += 2;
    if (e->end > text_.size()) e->end = text_.size();
  }

  // ---- statements ----
  std::unique_ptr<Statement> NewStatement(StatementKind kind) {
    auto s = std::make_unique<Statement>();
    s->kind = kind;
    return s;
  }

  std::unique_ptr<Statement> ParseStatementInner() {
    DepthGuard g(this);
    if (IsKw("select") || IsKw("with") || IsKw("values") || IsOp("(")) {
      auto s = NewStatement(StatementKind::kSelect);
      s->query = ParseQuery();
      return s;
    }
    if (AcceptKw("explain")) {
      auto s = NewStatement(StatementKind::kExplain);
      if (AcceptKw("analyze")) s->explain_analyze = true;
      if (AcceptKw("query")) ExpectKw("plan");
      s->explained = ParseStatementInner();
      return s;
    }
    if (IsKw("create")) return ParseCreate();
    if (IsKw("drop")) return ParseDrop();
    if (IsKw("insert") || IsKw("replace")) return ParseInsert();
    if (AcceptKw("delete")) {
      ExpectKw("from");
      auto s = NewStatement(StatementKind::kDelete);
      s->name = ParseQualifiedName();
      if (AcceptKw("where")) s->where = ParseExpr();
      return s;
    }
    if (AcceptKw("update")) {
      auto s = NewStatement(StatementKind::kUpdate);
      s->name = ParseQualifiedName();
      ExpectKw("set");
      do {
        std::string col = ParseIdentifier();
        ExpectOp("=");
        s->assignments.emplace_back(col, ParseExpr());
      } while (AcceptOp(","));
      if (AcceptKw("where")) s->where = ParseExpr();
      return s;
    }
    if (AcceptKw("show")) {
      if (AcceptKw("tables")) {
        auto s = NewStatement(StatementKind::kShowTables);
        if (AcceptKw("from") || AcceptKw("in")) s->name = ParseQualifiedName();
        return s;
      }
      if (AcceptKw("columns")) {
        if (!AcceptKw("from")) ExpectKw("in");
        auto s = NewStatement(StatementKind::kShowColumns);
        s->name = ParseQualifiedName();
        return s;
      }
      Fail("expected TABLES or COLUMNS after SHOW");
    }
    if (AcceptKw("describe") || AcceptKw("desc")) {
      auto s = NewStatement(StatementKind::kShowColumns);
      s->name = ParseQualifiedName();
      return s;
    }
    if (IsKw("reindex") || IsKw("analyze") || IsKw("begin") || IsKw("commit") ||
        IsKw("vacuum")) {
      Next();
      while (Peek().kind != TokenKind::kEnd && !IsOp(";")) Next();
      return NewStatement(StatementKind::kNoOp);
    }
    Fail("unexpected token " + Describe(Peek()) + " at the start of a statement");
  }

  void SkipParenthesized() {
    ExpectOp("(");
    int depth = 1;
    while (depth > 0) {
      if (Peek().kind == TokenKind::kEnd) Fail("unbalanced parentheses");
      if (IsOp("(")) depth++;
      if (IsOp(")")) depth--;
      Next();
    }
  }

  std::vector<Property> ParseProperties() {
    std::vector<Property> props;
    ExpectOp("(");
    do {
      Property p;
      p.name = ParseIdentifier();
      ExpectOp("=");
      p.value = ParseExpr();
      props.push_back(std::move(p));
    } while (AcceptOp(","));
    ExpectOp(")");
    return props;
  }

  std::unique_ptr<Statement> ParseCreate() {
    ExpectKw("create");
    bool or_replace = false;
    if (AcceptKw("or")) {
      ExpectKw("replace");
      or_replace = true;
    }
    AcceptKw("temp") || AcceptKw("temporary") || AcceptKw("external");
    if (AcceptKw("unique") || IsKw("index")) {
      ExpectKw("index");
      auto s = NewStatement(StatementKind::kCreateIndex);
      if (AcceptKw("if")) {
        ExpectKw("not");
        ExpectKw("exists");
        s->if_not_exists = true;
      }
      s->name = ParseQualifiedName();
      ExpectKw("on");
      std::vector<std::string> table = ParseQualifiedName();
      s->insert_columns.clear();
      SkipParenthesized();
      s->query = nullptr;
      s->columns.clear();
      s->properties.clear();
      s->assignments.clear();
      // The indexed table is kept in `insert_columns[0]` for existence checks.
      s->insert_columns.push_back(table.back());
      return s;
    }
    if (AcceptKw("view")) {
      auto s = NewStatement(StatementKind::kCreateView);
      s->or_replace = or_replace;
      if (AcceptKw("if")) {
        ExpectKw("not");
        ExpectKw("exists");
        s->if_not_exists = true;
      }
      s->name = ParseQualifiedName();
      if (IsOp("(")) {
        ExpectOp("(");
        do {
          s->insert_columns.push_back(ParseIdentifier());
        } while (AcceptOp(","));
        ExpectOp(")");
      }
      ExpectKw("as");
      s->query = ParseQuery();
      return s;
    }
    if (IsKw("trigger")) {
      FailAt(Peek(), "triggers are not supported");
    }
    if (IsKw("schema") || IsKw("database")) {
      Next();
      auto s = NewStatement(StatementKind::kNoOp);
      if (AcceptKw("if")) {
        ExpectKw("not");
        ExpectKw("exists");
      }
      ParseQualifiedName();
      return s;
    }
    ExpectKw("table");
    auto s = NewStatement(StatementKind::kCreateTable);
    s->or_replace = or_replace;
    if (AcceptKw("if")) {
      ExpectKw("not");
      ExpectKw("exists");
      s->if_not_exists = true;
    }
    s->name = ParseQualifiedName();
    if (IsOp("(") && !(IsKw("select", 1) || IsKw("with", 1) || IsKw("values", 1))) {
      ExpectOp("(");
      do {
        if (IsKw("primary") || IsKw("unique") || IsKw("constraint") || IsKw("foreign") ||
            IsKw("check")) {
          ParseTableConstraint(s.get());
          continue;
        }
        ColumnDefinition col;
        col.name = ParseIdentifier();
        col.type = ParseType();
        ParseColumnConstraints(&col, s.get());
        s->columns.push_back(std::move(col));
      } while (AcceptOp(","));
      ExpectOp(")");
      if (AcceptKw("comment")) Next();
      if (AcceptKw("with")) s->properties = ParseProperties();
      return s;
    }
    s->kind = StatementKind::kCreateTableAs;
    if (IsOp("(")) {
      // Column aliases are not supported for CTAS; a parenthesised query is.
    }
    if (AcceptKw("with")) s->properties = ParseProperties();
    ExpectKw("as");
    bool paren = false;
    if (IsOp("(") && (IsKw("select", 1) || IsKw("with", 1) || IsKw("values", 1))) {
      // CREATE TABLE t AS (SELECT ...) - the parentheses belong to the query.
      paren = true;
    }
    (void)paren;
    s->query = ParseQuery();
    if (AcceptKw("with")) {
      if (AcceptKw("no")) s->with_no_data = true;
      ExpectKw("data");
    }
    return s;
  }

  void ParseTableConstraint(Statement* s) {
    if (AcceptKw("constraint")) ParseIdentifier();
    if (AcceptKw("primary")) {
      ExpectKw("key");
      ExpectOp("(");
      do {
        std::string name = ParseIdentifier();
        for (auto& c : s->columns) {
          if (c.name == name) c.comment = "primary key";
        }
        AcceptKw("asc") || AcceptKw("desc");
      } while (AcceptOp(","));
      ExpectOp(")");
      return;
    }
    if (AcceptKw("unique") || AcceptKw("check")) {
      SkipParenthesized();
      return;
    }
    if (AcceptKw("foreign")) {
      ExpectKw("key");
      SkipParenthesized();
      ExpectKw("references");
      ParseQualifiedName();
      if (IsOp("(")) SkipParenthesized();
      return;
    }
    Fail("unexpected table constraint");
  }

  void ParseColumnConstraints(ColumnDefinition* col, Statement*) {
    while (true) {
      if (AcceptKw("primary")) {
        ExpectKw("key");
        AcceptKw("asc") || AcceptKw("desc");
        AcceptKw("autoincrement");
        col->comment = "primary key";
      } else if (AcceptKw("not")) {
        ExpectKw("null");
        col->not_null = true;
      } else if (AcceptKw("null")) {
      } else if (AcceptKw("unique")) {
      } else if (AcceptKw("default")) {
        if (IsOp("(")) {
          SkipParenthesized();
        } else {
          ParsePrimary();
        }
      } else if (AcceptKw("check")) {
        SkipParenthesized();
      } else if (AcceptKw("references")) {
        ParseQualifiedName();
        if (IsOp("(")) SkipParenthesized();
      } else if (AcceptKw("collate")) {
        ParseIdentifier();
      } else if (AcceptKw("comment")) {
        if (Peek().kind != TokenKind::kString) Fail("expected a string after COMMENT");
        Next();
      } else {
        return;
      }
    }
  }

  Type ParseType() {
    const Token& at = Peek();
    std::string name = ParseIdentifier();
    if (name == "double" && IsKw("precision")) {
      Next();
      name = "double";
    }
    if (name == "character" && IsKw("varying")) {
      Next();
      name = "varchar";
    }
    if (name == "unsigned" || name == "signed") {
      if (IsKw("integer") || IsKw("int")) Next();
      FailAt(at, "unknown type: " + name);
    }
    std::string args;
    if (IsOp("(")) {
      Next();
      args = "(";
      while (!IsOp(")")) {
        if (Peek().kind == TokenKind::kEnd) Fail("unterminated type arguments");
        args += Next().text;
      }
      Next();
      args += ")";
    }
    if (name == "timestamp" || name == "time") {
      if (AcceptKw("with")) {
        ExpectKw("time");
        ExpectKw("zone");
      } else if (AcceptKw("without")) {
        ExpectKw("time");
        ExpectKw("zone");
      }
    }
    if (name == "array" || name == "map" || name == "row") {
      FailAt(at, "type " + name + " is not supported");
    }
    auto t = ParseTypeName(name + args);
    if (!t) FailAt(at, "unknown type: " + name + args);
    return *t;
  }

  std::unique_ptr<Statement> ParseDrop() {
    ExpectKw("drop");
    auto s = NewStatement(StatementKind::kDrop);
    if (AcceptKw("table")) {
      s->drop_kind = DropKind::kTable;
    } else if (AcceptKw("view")) {
      s->drop_kind = DropKind::kView;
    } else if (AcceptKw("index")) {
      s->drop_kind = DropKind::kIndex;
    } else if (AcceptKw("trigger")) {
      s->drop_kind = DropKind::kTrigger;
    } else if (AcceptKw("schema") || AcceptKw("database")) {
      s->drop_kind = DropKind::kSchema;
    } else {
      Fail("expected TABLE, VIEW or INDEX after DROP");
    }
    if (AcceptKw("if")) {
      ExpectKw("exists");
      s->if_exists = true;
    }
    s->name = ParseQualifiedName();
    AcceptKw("cascade") || AcceptKw("restrict");
    return s;
  }

  std::unique_ptr<Statement> ParseInsert() {
    auto s = NewStatement(StatementKind::kInsert);
    if (AcceptKw("replace")) {
      s->or_replace = true;
    } else {
      ExpectKw("insert");
      if (AcceptKw("or")) {
        if (!AcceptKw("replace")) Fail("only INSERT OR REPLACE is supported");
        s->or_replace = true;
      }
    }
    ExpectKw("into");
    s->name = ParseQualifiedName();
    if (IsOp("(") && !(IsKw("select", 1) || IsKw("with", 1) || IsKw("values", 1))) {
      Next();
      do {
        s->insert_columns.push_back(ParseIdentifier());
      } while (AcceptOp(","));
      ExpectOp(")");
    }
    s->query = ParseQuery();
    return s;
  }

  // ---- queries ----
  std::unique_ptr<Query> ParseQuery() {
    DepthGuard g(this);
    auto q = std::make_unique<Query>();
    if (AcceptKw("with")) {
      AcceptKw("recursive");
      do {
        CommonTableExpr cte;
        cte.name = ParseIdentifier();
        if (AcceptOp("(")) {
          do {
            cte.column_aliases.push_back(ParseIdentifier());
          } while (AcceptOp(","));
          ExpectOp(")");
        }
        ExpectKw("as");
        ExpectOp("(");
        cte.query = ParseQuery();
        ExpectOp(")");
        q->with.push_back(std::move(cte));
      } while (AcceptOp(","));
    }
    q->body = ParseSetOps(0);
    ParseOrderLimit(q.get());
    return q;
  }

  void ParseOrderLimit(Query* q) {
    if (AcceptKw("order")) {
      ExpectKw("by");
      q->order_by = ParseOrderItems();
    }
    // OFFSET n [ROWS], LIMIT n | ALL, FETCH FIRST n ROWS ONLY in either order.
    for (int i = 0; i < 3; i++) {
      if (AcceptKw("offset")) {
        q->offset = ParseExpr();
        AcceptKw("rows") || AcceptKw("row");
      } else if (AcceptKw("limit")) {
        if (AcceptKw("all")) continue;
        q->limit = ParseExpr();
        if (AcceptOp(",")) {
          // LIMIT offset, count (SQLite/MySQL)
          q->offset = std::move(q->limit);
          q->limit = ParseExpr();
        }
      } else if (AcceptKw("fetch")) {
        if (!AcceptKw("first")) ExpectKw("next");
        if (IsKw("row") || IsKw("rows")) {
          auto one = MakeExpr(ExprKind::kLiteral, Peek());
          one->value = Value::Bigint(1);
          q->limit = std::move(one);
        } else {
          q->limit = ParseExpr();
        }
        if (!AcceptKw("rows")) ExpectKw("row");
        if (!AcceptKw("only")) {
          ExpectKw("with");
          Fail("FETCH ... WITH TIES is not supported");
        }
      }
    }
  }

  std::vector<OrderItem> ParseOrderItems() {
    std::vector<OrderItem> items;
    do {
      OrderItem item;
      item.expr = ParseExpr();
      if (AcceptKw("collate")) ParseIdentifier();
      if (AcceptKw("desc")) {
        item.descending = true;
      } else {
        AcceptKw("asc");
      }
      if (AcceptKw("nulls")) {
        if (AcceptKw("first")) {
          item.nulls_first = 1;
        } else {
          ExpectKw("last");
          item.nulls_first = 0;
        }
      }
      items.push_back(std::move(item));
    } while (AcceptOp(","));
    return items;
  }

  // Set operations: INTERSECT binds tighter than UNION/EXCEPT.
  std::unique_ptr<QueryBody> ParseSetOps(int min_prec) {
    auto left = ParseQueryPrimary();
    while (true) {
      int prec;
      SetOpKind op;
      if (IsKw("union")) {
        prec = 1;
        op = SetOpKind::kUnion;
      } else if (IsKw("except") || IsKw("minus")) {
        prec = 1;
        op = SetOpKind::kExcept;
      } else if (IsKw("intersect")) {
        prec = 2;
        op = SetOpKind::kIntersect;
      } else {
        break;
      }
      if (prec < min_prec) break;
      Next();
      bool all = false;
      if (AcceptKw("all")) {
        all = true;
      } else {
        AcceptKw("distinct");
      }
      auto right = ParseSetOps(prec + 1);
      auto node = std::make_unique<QueryBody>();
      node->op = op;
      node->all = all;
      node->left = std::move(left);
      node->right = std::move(right);
      left = std::move(node);
    }
    return left;
  }

  std::unique_ptr<QueryBody> ParseQueryPrimary() {
    DepthGuard g(this);
    auto body = std::make_unique<QueryBody>();
    if (IsOp("(")) {
      Next();
      body->nested = ParseQuery();
      ExpectOp(")");
      return body;
    }
    if (IsKw("values")) {
      body->values = ParseValues();
      return body;
    }
    if (AcceptKw("table")) {
      auto sel = std::make_unique<SelectNode>();
      SelectItem item;
      item.expr = MakeExpr(ExprKind::kStar, Peek());
      sel->items.push_back(std::move(item));
      auto ref = std::make_unique<TableRef>();
      ref->kind = TableRefKind::kBase;
      ref->name = ParseQualifiedName();
      sel->from = std::move(ref);
      body->select = std::move(sel);
      return body;
    }
    if (!IsKw("select")) Fail("expected SELECT but found " + Describe(Peek()));
    body->select = ParseSelect();
    return body;
  }

  std::unique_ptr<TableRef> ParseValues() {
    const Token& at = Peek();
    ExpectKw("values");
    auto ref = std::make_unique<TableRef>();
    ref->kind = TableRefKind::kValues;
    ref->line = at.line;
    ref->column = at.column;
    do {
      std::vector<ExprPtr> row;
      if (IsOp("(")) {
        Next();
        do {
          row.push_back(ParseExpr());
        } while (AcceptOp(","));
        ExpectOp(")");
      } else {
        row.push_back(ParseExpr());
      }
      ref->rows.push_back(std::move(row));
    } while (AcceptOp(","));
    return ref;
  }

  std::unique_ptr<SelectNode> ParseSelect() {
    ExpectKw("select");
    auto sel = std::make_unique<SelectNode>();
    if (AcceptKw("distinct")) {
      sel->distinct = true;
    } else {
      AcceptKw("all");
    }
    do {
      SelectItem item;
      if (IsOp("*")) {
        item.expr = MakeExpr(ExprKind::kStar, Next());
      } else if (IsIdentifierToken(Peek()) && IsOp(".", 1) && IsOp("*", 2)) {
        item.expr = MakeExpr(ExprKind::kStar, Peek());
        item.expr->names.push_back(ParseIdentifier());
        Next();
        Next();
      } else {
        item.expr = ParseExpr();
        if (AcceptKw("as")) {
          if (Peek().kind == TokenKind::kString) {
            item.alias = Next().text;
          } else {
            item.alias = ParseIdentifier();
          }
        } else if (CanBeAlias(Peek())) {
          item.alias = Next().text;
        }
      }
      sel->items.push_back(std::move(item));
    } while (AcceptOp(","));
    if (AcceptKw("from")) sel->from = ParseFrom();
    if (AcceptKw("where")) sel->where = ParseExpr();
    if (AcceptKw("group")) {
      ExpectKw("by");
      if (AcceptKw("distinct")) {
        sel->group_by_distinct = true;
      } else {
        AcceptKw("all");
      }
      do {
        sel->group_by.push_back(ParseGroupingElement());
      } while (AcceptOp(","));
    }
    if (AcceptKw("having")) sel->having = ParseExpr();
    return sel;
  }

  GroupingElement ParseGroupingElement() {
    GroupingElement el;
    auto parse_list = [&](std::vector<ExprPtr>* out) {
      ExpectOp("(");
      if (!IsOp(")")) {
        do {
          out->push_back(ParseExpr());
        } while (AcceptOp(","));
      }
      ExpectOp(")");
    };
    if (IsKw("rollup") && IsOp("(", 1)) {
      Next();
      el.kind = GroupingKind::kRollup;
      parse_list(&el.exprs);
    } else if (IsKw("cube") && IsOp("(", 1)) {
      Next();
      el.kind = GroupingKind::kCube;
      parse_list(&el.exprs);
    } else if (IsKw("grouping") && IsKw("sets", 1)) {
      Next();
      Next();
      el.kind = GroupingKind::kSets;
      ExpectOp("(");
      do {
        std::vector<ExprPtr> set;
        if (IsOp("(")) {
          parse_list(&set);
        } else {
          set.push_back(ParseExpr());
        }
        el.sets.push_back(std::move(set));
      } while (AcceptOp(","));
      ExpectOp(")");
    } else {
      el.exprs.push_back(ParseExpr());
    }
    return el;
  }

  std::unique_ptr<TableRef> ParseFrom() {
    auto left = ParseJoinedTable();
    while (AcceptOp(",")) {
      auto right = ParseJoinedTable();
      auto join = std::make_unique<TableRef>();
      join->kind = TableRefKind::kJoin;
      join->join = JoinKind::kCross;
      join->left = std::move(left);
      join->right = std::move(right);
      left = std::move(join);
    }
    return left;
  }

  std::unique_ptr<TableRef> ParseJoinedTable() {
    DepthGuard g(this);
    auto left = ParseTablePrimary();
    while (true) {
      JoinKind kind;
      bool natural = false;
      const Token& at = Peek();
      if (AcceptKw("natural")) natural = true;
      if (AcceptKw("cross")) {
        ExpectKw("join");
        kind = JoinKind::kCross;
      } else if (AcceptKw("join")) {
        kind = JoinKind::kInner;
      } else if (AcceptKw("inner")) {
        ExpectKw("join");
        kind = JoinKind::kInner;
      } else if (AcceptKw("left")) {
        AcceptKw("outer");
        ExpectKw("join");
        kind = JoinKind::kLeft;
      } else if (AcceptKw("right")) {
        AcceptKw("outer");
        ExpectKw("join");
        kind = JoinKind::kRight;
      } else if (AcceptKw("full")) {
        AcceptKw("outer");
        ExpectKw("join");
        kind = JoinKind::kFull;
      } else {
        if (natural) FailAt(at, "expected JOIN after NATURAL");
        break;
      }
      auto join = std::make_unique<TableRef>();
      join->kind = TableRefKind::kJoin;
      join->line = at.line;
      join->column = at.column;
      join->join = kind;
      join->natural = natural;
      join->left = std::move(left);
      join->right = ParseTablePrimary();
      if (kind != JoinKind::kCross && !natural) {
        if (AcceptKw("on")) {
          join->on = ParseExpr();
        } else if (AcceptKw("using")) {
          ExpectOp("(");
          do {
            join->using_columns.push_back(ParseIdentifier());
          } while (AcceptOp(","));
          ExpectOp(")");
        } else if (kind == JoinKind::kInner) {
          join->join = JoinKind::kCross;  // SQLite allows "a JOIN b" without a condition
        } else {
          Fail("expected ON or USING after the joined table");
        }
      }
      left = std::move(join);
    }
    return left;
  }

  void ParseAlias(TableRef* ref) {
    if (AcceptKw("as")) {
      ref->alias = ParseIdentifier();
    } else if (CanBeAlias(Peek()) && Peek().kind != TokenKind::kString) {
      ref->alias = Next().text;
    } else {
      return;
    }
    if (IsOp("(") && IsIdentifierToken(Peek(1))) {
      Next();
      do {
        ref->column_aliases.push_back(ParseIdentifier());
      } while (AcceptOp(","));
      ExpectOp(")");
    }
  }

  std::unique_ptr<TableRef> ParseTablePrimary() {
    DepthGuard g(this);
    const Token& at = Peek();
    std::unique_ptr<TableRef> ref;
    if (IsOp("(")) {
      if (IsKw("select", 1) || IsKw("with", 1) || IsKw("values", 1) || IsOp("(", 1)) {
        // A parenthesised query, or a parenthesised join: try query first when the next
        // token starts one.
        size_t save = pos_;
        if (IsOp("(", 1)) {
          // Decide by scanning: "((SELECT" is a query; "((t1 JOIN" a join.
          size_t k = 1;
          while (IsOp("(", k)) k++;
          if (!(IsKw("select", k) || IsKw("with", k) || IsKw("values", k))) {
            Next();
            ref = ParseFrom();
            ExpectOp(")");
            ParseAlias(ref.get());
            return ref;
          }
        }
        pos_ = save;
        Next();
        ref = std::make_unique<TableRef>();
        ref->kind = TableRefKind::kSubquery;
        ref->subquery = ParseQuery();
        ExpectOp(")");
      } else {
        Next();
        ref = ParseFrom();
        ExpectOp(")");
        if (ref->kind != TableRefKind::kJoin) ParseAlias(ref.get());
        return ref;
      }
    } else if (IsKw("values")) {
      ref = ParseValues();
    } else if (IsKw("unnest") || (IsKw("lateral") && IsOp("(", 1))) {
      FailAt(at, std::string(Peek().text) + " is not supported");
    } else {
      std::vector<std::string> name = ParseQualifiedName();
      ref = std::make_unique<TableRef>();
      if (IsOp("(")) {
        ref->kind = TableRefKind::kFunction;
        ref->function_name = name.back();
        Next();
        if (!IsOp(")")) {
          do {
            ref->args.push_back(ParseExpr());
          } while (AcceptOp(","));
        }
        ExpectOp(")");
      } else {
        ref->kind = TableRefKind::kBase;
        ref->name = std::move(name);
      }
    }
    ref->line = at.line;
    ref->column = at.column;
    ParseAlias(ref.get());
    if (AcceptKw("not")) ExpectKw("indexed");
    if (AcceptKw("indexed")) {
      ExpectKw("by");
      ParseIdentifier();
    }
    return ref;
  }

  // ---- expressions ----
  ExprPtr ParseExpr() { return ParseOr(); }

  ExprPtr Binary(const std::string& op, ExprPtr l, ExprPtr r, const Token& at) {
    auto e = MakeExpr(ExprKind::kBinary, at);
    e->op = op;
    e->offset = l->offset;
    e->line = l->line;
    e->column = l->column;
    e->children.push_back(std::move(l));
    e->children.push_back(std::move(r));
    Finish(e.get());
    return e;
  }

  ExprPtr ParseOr() {
    DepthGuard g(this);
    auto left = ParseAnd();
    while (IsKw("or")) {
      const Token& at = Next();
      left = Binary("or", std::move(left), ParseAnd(), at);
    }
    return left;
  }

  ExprPtr ParseAnd() {
    auto left = ParseNot();
    while (IsKw("and")) {
      const Token& at = Next();
      left = Binary("and", std::move(left), ParseNot(), at);
    }
    return left;
  }

  ExprPtr ParseNot() {
    DepthGuard g(this);
    if (IsKw("not")) {
      const Token& at = Next();
      auto e = MakeExpr(ExprKind::kUnary, at);
      e->op = "not";
      e->children.push_back(ParseNot());
      Finish(e.get());
      return e;
    }
    return ParsePredicate();
  }

  ExprPtr ParsePredicate() {
    auto left = ParseConcat();
    while (true) {
      const Token& at = Peek();
      if (at.kind == TokenKind::kOperator &&
          (at.text == "=" || at.text == "==" || at.text == "<>" || at.text == "!=" ||
           at.text == "<" || at.text == "<=" || at.text == ">" || at.text == ">=")) {
        Next();
        std::string op = at.text == "==" ? "=" : (at.text == "!=" ? "<>" : at.text);
        if (IsKw("any") || IsKw("some") || IsKw("all")) {
          std::string q = Next().text;
          auto e = MakeExpr(ExprKind::kQuantified, at);
          e->offset = left->offset;
          e->op = op;
          e->quantifier = q == "some" ? "any" : q;
          ExpectOp("(");
          e->subquery = ParseQuery();
          ExpectOp(")");
          e->children.push_back(std::move(left));
          Finish(e.get());
          left = std::move(e);
          continue;
        }
        left = Binary(op, std::move(left), ParseConcat(), at);
        continue;
      }
      if (IsKw("is")) {
        Next();
        bool neg = AcceptKw("not");
        if (AcceptKw("null")) {
          auto e = MakeExpr(ExprKind::kIsNull, at);
          e->offset = left->offset;
          e->negated = neg;
          e->children.push_back(std::move(left));
          Finish(e.get());
          left = std::move(e);
        } else if (AcceptKw("distinct")) {
          ExpectKw("from");
          auto e = MakeExpr(ExprKind::kIsDistinctFrom, at);
          e->offset = left->offset;
          e->negated = neg;
          e->children.push_back(std::move(left));
          e->children.push_back(ParseConcat());
          Finish(e.get());
          left = std::move(e);
        } else if (IsKw("true") || IsKw("false") || IsKw("unknown")) {
          // x IS [NOT] TRUE/FALSE/UNKNOWN
          std::string what = Next().text;
          auto e = MakeExpr(ExprKind::kFunction, at);
          e->offset = left->offset;
          e->name = "$is_" + what;
          e->children.push_back(std::move(left));
          Finish(e.get());
          if (neg) {
            auto n = MakeExpr(ExprKind::kUnary, at);
            n->op = "not";
            n->offset = e->offset;
            n->children.push_back(std::move(e));
            Finish(n.get());
            e = std::move(n);
          }
          left = std::move(e);
        } else {
          // SQLite: "a IS b" means IS NOT DISTINCT FROM.
          auto e = MakeExpr(ExprKind::kIsDistinctFrom, at);
          e->offset = left->offset;
          e->negated = !neg;
          e->children.push_back(std::move(left));
          e->children.push_back(ParseConcat());
          Finish(e.get());
          left = std::move(e);
        }
        continue;
      }
      bool neg = false;
      size_t save = pos_;
      if (IsKw("not") && (IsKw("between", 1) || IsKw("in", 1) || IsKw("like", 1) ||
                          IsKw("glob", 1) || IsKw("regexp", 1))) {
        Next();
        neg = true;
      }
      if (AcceptKw("between")) {
        auto e = MakeExpr(ExprKind::kBetween, at);
        e->offset = left->offset;
        e->negated = neg;
        e->children.push_back(std::move(left));
        e->children.push_back(ParseConcat());
        ExpectKw("and");
        e->children.push_back(ParseConcat());
        Finish(e.get());
        left = std::move(e);
        continue;
      }
      if (AcceptKw("in")) {
        ExpectOp("(");
        if (IsKw("select") || IsKw("with") || IsKw("values")) {
          auto e = MakeExpr(ExprKind::kInSubquery, at);
          e->offset = left->offset;
          e->negated = neg;
          e->subquery = ParseQuery();
          ExpectOp(")");
          e->children.push_back(std::move(left));
          Finish(e.get());
          left = std::move(e);
        } else {
          auto e = MakeExpr(ExprKind::kInList, at);
          e->offset = left->offset;
          e->negated = neg;
          e->children.push_back(std::move(left));
          if (IsOp(")")) FailAt(Peek(), "an IN list must not be empty");
          do {
            e->children.push_back(ParseExpr());
          } while (AcceptOp(","));
          ExpectOp(")");
          Finish(e.get());
          left = std::move(e);
        }
        continue;
      }
      if (AcceptKw("like")) {
        auto e = MakeExpr(ExprKind::kLike, at);
        e->offset = left->offset;
        e->negated = neg;
        e->children.push_back(std::move(left));
        e->children.push_back(ParseConcat());
        if (AcceptKw("escape")) e->children.push_back(ParseConcat());
        Finish(e.get());
        left = std::move(e);
        continue;
      }
      if (IsKw("glob") || IsKw("regexp") || IsKw("match")) {
        FailAt(Peek(), "operator " + Peek().text + " is not supported");
      }
      pos_ = save;
      break;
    }
    return left;
  }

  ExprPtr ParseConcat() {
    auto left = ParseAdditive();
    while (IsOp("||")) {
      const Token& at = Next();
      left = Binary("||", std::move(left), ParseAdditive(), at);
    }
    return left;
  }

  ExprPtr ParseAdditive() {
    auto left = ParseMultiplicative();
    while (IsOp("+") || IsOp("-")) {
      const Token& at = Next();
      left = Binary(at.text, std::move(left), ParseMultiplicative(), at);
    }
    return left;
  }

  ExprPtr ParseMultiplicative() {
    auto left = ParseUnary();
    while (IsOp("*") || IsOp("/") || IsOp("%")) {
      const Token& at = Next();
      left = Binary(at.text, std::move(left), ParseUnary(), at);
    }
    return left;
  }

  ExprPtr ParseUnary() {
    DepthGuard g(this);
    if (IsOp("-") || IsOp("+")) {
      const Token& at = Next();
      // Fold "-<number>" into a literal so that -2147483648 and -9223372036854775808 work.
      if (at.text == "-" && (Peek().kind == TokenKind::kInteger) && !IsPostfixAfterLiteral()) {
        const Token& num = Next();
        auto lit = NumberLiteral(num, true);
        lit->offset = at.offset;
        lit->line = at.line;
        lit->column = at.column;
        return ParsePostfix(std::move(lit));
      }
      auto e = MakeExpr(ExprKind::kUnary, at);
      e->op = at.text;
      e->children.push_back(ParseUnary());
      Finish(e.get());
      return e;
    }
    if (IsOp("~")) FailAt(Peek(), "operator '~' is not supported");
    return ParsePostfix(ParsePrimary());
  }

  bool IsPostfixAfterLiteral() const { return IsOp("[", 1) || IsOp(".", 1); }

  ExprPtr ParsePostfix(ExprPtr e) {
    while (IsOp("[")) {
      const Token& at = Next();
      auto s = MakeExpr(ExprKind::kSubscript, at);
      s->offset = e->offset;
      s->children.push_back(std::move(e));
      s->children.push_back(ParseExpr());
      ExpectOp("]");
      Finish(s.get());
      e = std::move(s);
    }
    if (IsKw("collate")) {
      Next();
      ParseIdentifier();
    }
    return e;
  }

  ExprPtr NumberLiteral(const Token& t, bool negative) {
    auto e = MakeExpr(ExprKind::kLiteral, t);
    std::string text = negative ? "-" + t.text : t.text;
    if (t.kind == TokenKind::kInteger) {
      auto v = ParseInt64(text);
      if (v) {
        if (*v >= INT32_MIN && *v <= INT32_MAX) {
          e->value = Value::Integer(static_cast<int32_t>(*v));
        } else {
          e->value = Value::Bigint(*v);
        }
      } else {
        auto d = ParseDecimal(text);
        if (!d) FailAt(t, "number is too large: " + t.text);
        e->value = Value::Decimal(Type::Decimal(std::max(d->precision, 1), 0), d->unscaled);
      }
    } else if (t.kind == TokenKind::kDecimal) {
      auto d = ParseDecimal(text);
      if (!d) {
        auto dv = ParseDouble(text);
        if (!dv) FailAt(t, "invalid number: " + t.text);
        e->value = Value::Double(*dv);
      } else {
        e->value = Value::Decimal(Type::Decimal(d->precision, d->scale), d->unscaled);
      }
    } else {
      auto dv = ParseDouble(text);
      if (!dv) FailAt(t, "invalid number: " + t.text);
      e->value = Value::Double(*dv);
    }
    Finish(e.get());
    return e;
  }

  ExprPtr ParsePrimary() {
    DepthGuard g(this);
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
      case TokenKind::kDouble:
        Next();
        return NumberLiteral(t, false);
      case TokenKind::kString: {
        Next();
        auto e = MakeExpr(ExprKind::kLiteral, t);
        e->value = Value::Varchar(t.text);
        Finish(e.get());
        return e;
      }
      case TokenKind::kOperator:
        if (t.text == "(") {
          Next();
          if (IsKw("select") || IsKw("with") || IsKw("values")) {
            auto e = MakeExpr(ExprKind::kSubquery, t);
            e->subquery = ParseQuery();
            ExpectOp(")");
            Finish(e.get());
            return e;
          }
          auto inner = ParseExpr();
          if (IsOp(",")) {
            // Row constructors are only supported inside IN lists as single values.
            FailAt(Peek(), "row constructors are not supported");
          }
          ExpectOp(")");
          inner->offset = t.offset;
          Finish(inner.get());
          return inner;
        }
        if (t.text == "?") {
          Next();
          return MakeExpr(ExprKind::kParameter, t);
        }
        Fail("unexpected token " + Describe(t));
      case TokenKind::kEnd:
        Fail("unexpected end of input");
      case TokenKind::kQuotedIdentifier:
      case TokenKind::kIdentifier:
        break;
    }
    if (t.kind == TokenKind::kIdentifier) {
      const std::string& w = t.text;
      if (w == "null") {
        Next();
        auto e = MakeExpr(ExprKind::kLiteral, t);
        e->value = Value::Null();
        Finish(e.get());
        return e;
      }
      if (w == "true" || w == "false") {
        Next();
        auto e = MakeExpr(ExprKind::kLiteral, t);
        e->value = Value::Boolean(w == "true");
        Finish(e.get());
        return e;
      }
      if (w == "case") return ParseCase();
      if ((w == "cast" || w == "try_cast") && IsOp("(", 1)) {
        Next();
        Next();
        auto e = MakeExpr(ExprKind::kCast, t);
        e->try_cast = w == "try_cast";
        e->children.push_back(ParseExpr());
        ExpectKw("as");
        e->cast_type = ParseType();
        ExpectOp(")");
        Finish(e.get());
        return e;
      }
      if (w == "exists" && IsOp("(", 1)) {
        Next();
        Next();
        auto e = MakeExpr(ExprKind::kExists, t);
        e->subquery = ParseQuery();
        ExpectOp(")");
        Finish(e.get());
        return e;
      }
      if (w == "extract" && IsOp("(", 1)) {
        Next();
        Next();
        auto e = MakeExpr(ExprKind::kExtract, t);
        e->name = ParseIdentifier();
        ExpectKw("from");
        e->children.push_back(ParseExpr());
        ExpectOp(")");
        Finish(e.get());
        return e;
      }
      if (w == "interval" && (Peek(1).kind == TokenKind::kString ||
                              ((IsOp("-", 1) || IsOp("+", 1)) &&
                               Peek(2).kind == TokenKind::kString))) {
        Next();
        auto e = MakeExpr(ExprKind::kInterval, t);
        if (AcceptOp("-")) {
          e->negated = true;
        } else {
          AcceptOp("+");
        }
        e->value = Value::Varchar(Next().text);
        e->name = ParseIdentifier();
        if (AcceptKw("to")) e->op = ParseIdentifier();
        Finish(e.get());
        return e;
      }
      if ((w == "date" || w == "timestamp" || w == "time" || w == "decimal" ||
           w == "real" || w == "double" || w == "bigint" || w == "integer" ||
           w == "varchar") &&
          Peek(1).kind == TokenKind::kString) {
        // Typed literal: DATE '2020-01-01' is CAST('2020-01-01' AS DATE).
        Next();
        const Token& s = Next();
        auto e = MakeExpr(ExprKind::kCast, t);
        auto lit = MakeExpr(ExprKind::kLiteral, s);
        lit->value = Value::Varchar(s.text);
        e->children.push_back(std::move(lit));
        auto type = ParseTypeName(w);
        if (!type) FailAt(t, "unknown type: " + w);
        e->cast_type = *type;
        Finish(e.get());
        return e;
      }
      if ((w == "current_date" || w == "current_timestamp" || w == "localtimestamp" ||
           w == "now" || w == "current_time" || w == "localtime") &&
          !IsOp("(", 1)) {
        Next();
        auto e = MakeExpr(ExprKind::kFunction, t);
        e->name = w == "localtimestamp" ? "current_timestamp" : w;
        Finish(e.get());
        return e;
      }
      if (w == "array" && IsOp("[", 1)) {
        Next();
        Next();
        auto e = MakeExpr(ExprKind::kArray, t);
        if (!IsOp("]")) {
          do {
            e->children.push_back(ParseExpr());
          } while (AcceptOp(","));
        }
        ExpectOp("]");
        Finish(e.get());
        return e;
      }
    }
    // Identifier: column reference or function call.
    if (t.kind == TokenKind::kIdentifier && ReservedWords().count(t.text) &&
        !IsOp("(", 1) && t.text != "current" && t.text != "range" && t.text != "filter") {
      Fail("unexpected keyword " + Describe(t));
    }
    std::vector<std::string> names{ParseIdentifier()};
    while (IsOp(".") && IsIdentifierToken(Peek(1))) {
      Next();
      names.push_back(ParseIdentifier());
    }
    if (IsOp("(")) return ParseFunctionCall(t, names.back());
    auto e = MakeExpr(ExprKind::kColumnRef, t);
    e->names = std::move(names);
    Finish(e.get());
    return e;
  }

  ExprPtr ParseCase() {
    const Token& t = Next();
    auto e = MakeExpr(ExprKind::kCase, t);
    if (!IsKw("when")) {
      e->has_operand = true;
      e->children.push_back(ParseExpr());
    }
    if (!IsKw("when")) Fail("expected WHEN but found " + Describe(Peek()));
    while (AcceptKw("when")) {
      e->children.push_back(ParseExpr());
      ExpectKw("then");
      e->children.push_back(ParseExpr());
    }
    if (AcceptKw("else")) {
      e->has_else = true;
      e->children.push_back(ParseExpr());
    }
    ExpectKw("end");
    Finish(e.get());
    return e;
  }

  ExprPtr ParseFunctionCall(const Token& t, const std::string& name) {
    ExpectOp("(");
    auto e = MakeExpr(ExprKind::kFunction, t);
    e->name = name;
    if (name == "substring" || name == "substr") {
      // substring(x FROM a [FOR b])
      if (!IsOp(")")) {
        e->children.push_back(ParseExpr());
        if (AcceptKw("from")) {
          e->children.push_back(ParseExpr());
          if (AcceptKw("for")) e->children.push_back(ParseExpr());
          ExpectOp(")");
          e->name = "substr";
          Finish(e.get());
          return e;
        }
        while (AcceptOp(",")) e->children.push_back(ParseExpr());
      }
      ExpectOp(")");
      e->name = "substr";
      Finish(e.get());
      return e;
    }
    if (name == "position") {
      // position(sub IN str)
      auto sub = ParseConcat();
      ExpectKw("in");
      auto str = ParseConcat();
      ExpectOp(")");
      e->name = "strpos";
      e->children.push_back(std::move(str));
      e->children.push_back(std::move(sub));
      Finish(e.get());
      return e;
    }
    if (name == "trim" && (IsKw("both") || IsKw("leading") || IsKw("trailing") ||
                           (Peek().kind == TokenKind::kString && IsKw("from", 1)) ||
                           IsKw("from"))) {
      std::string mode = "both";
      if (IsKw("both") || IsKw("leading") || IsKw("trailing")) mode = Next().text;
      ExprPtr chars;
      if (!IsKw("from")) chars = ParseConcat();
      ExpectKw("from");
      auto value = ParseExpr();
      ExpectOp(")");
      e->name = mode == "both" ? "trim" : (mode == "leading" ? "ltrim" : "rtrim");
      e->children.push_back(std::move(value));
      if (chars) e->children.push_back(std::move(chars));
      Finish(e.get());
      return e;
    }
    if (IsOp("*")) {
      Next();
      e->star = true;
    } else if (!IsOp(")")) {
      if (AcceptKw("distinct")) {
        e->distinct = true;
      } else {
        AcceptKw("all");
      }
      do {
        e->children.push_back(ParseExpr());
      } while (AcceptOp(","));
      if (AcceptKw("order")) {
        ExpectKw("by");
        e->order_by = ParseOrderItems();
      }
    }
    ExpectOp(")");
    if (IsKw("ignore") && IsKw("nulls", 1)) {
      Next();
      Next();
      e->ignore_nulls = true;
    } else if (IsKw("respect") && IsKw("nulls", 1)) {
      Next();
      Next();
    }
    if (IsKw("filter") && IsOp("(", 1)) {
      Next();
      Next();
      ExpectKw("where");
      e->filter = ParseExpr();
      ExpectOp(")");
    }
    if (AcceptKw("over")) {
      e->over = std::make_unique<WindowSpec>();
      ExpectOp("(");
      if (AcceptKw("partition")) {
        ExpectKw("by");
        do {
          e->over->partition_by.push_back(ParseExpr());
        } while (AcceptOp(","));
      }
      if (AcceptKw("order")) {
        ExpectKw("by");
        e->over->order_by = ParseOrderItems();
      }
      if (IsKw("rows") || IsKw("range") || IsKw("groups")) {
        if (IsKw("groups")) Fail("GROUPS frames are not supported");
        e->over->has_frame = true;
        e->over->unit = Next().text == "rows" ? FrameUnit::kRows : FrameUnit::kRange;
        if (AcceptKw("between")) {
          e->over->start = ParseFrameBound();
          ExpectKw("and");
          e->over->end = ParseFrameBound();
        } else {
          e->over->start = ParseFrameBound();
          e->over->end.kind = FrameBoundKind::kCurrentRow;
        }
      }
      ExpectOp(")");
    }
    Finish(e.get());
    return e;
  }

  FrameBound ParseFrameBound() {
    FrameBound b;
    if (AcceptKw("unbounded")) {
      if (AcceptKw("preceding")) {
        b.kind = FrameBoundKind::kUnboundedPreceding;
      } else {
        ExpectKw("following");
        b.kind = FrameBoundKind::kUnboundedFollowing;
      }
      return b;
    }
    if (AcceptKw("current")) {
      ExpectKw("row");
      b.kind = FrameBoundKind::kCurrentRow;
      return b;
    }
    b.offset = ParseAdditive();
    if (AcceptKw("preceding")) {
      b.kind = FrameBoundKind::kPreceding;
    } else {
      ExpectKw("following");
      b.kind = FrameBoundKind::kFollowing;
    }
    return b;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::vector<std::unique_ptr<Statement>> ParseStatements(std::string_view text) {
  Parser p(text);
  return p.ParseAll();
}

std::unique_ptr<Statement> ParseStatement(std::string_view text) {
  auto all = ParseStatements(text);
  if (all.size() != 1) {
    throw ParserError(all.empty() ? "line 1:1: empty statement"
                                  : "line 1:1: expected exactly one statement",
                      1, 1);
  }
  return std::move(all[0]);
}

ExprPtr ParseExpression(std::string_view text) {
  Parser p(text);
  return p.ParseStandaloneExpr();
}

}  // namespace sql
