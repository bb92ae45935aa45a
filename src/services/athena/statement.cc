#include "services/athena/statement.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "base/strings.h"
#include "engines/sql/common/error.h"
#include "engines/sql/parser/lexer.h"

namespace athena {
namespace {

enum class TokenKind { kWord, kString, kQuotedName, kNumber, kSymbol, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // words upper-cased; strings and quoted names unescaped
  size_t begin = 0;  // byte offsets in the statement
  size_t end = 0;
  int line = 1;
  int column = 1;
};

// Splits a statement into tokens. In Hive DDL strings take Hive's backslash escapes ('\t',
// '\001', '\''); in Trino statements a backslash is an ordinary character.
class Tokenizer {
 public:
  Tokenizer(std::string_view text, bool hive_escapes) : text_(text), hive_escapes_(hive_escapes) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.begin = i_;
      t.line = line_;
      t.column = static_cast<int>(i_ - line_start_) + 1;
      if (i_ >= text_.size()) {
        t.end = i_;
        out.push_back(t);
        return out;
      }
      unsigned char c = static_cast<unsigned char>(text_[i_]);
      if (c == '\'') {
        t.kind = TokenKind::kString;
        t.text = ReadString(t);
      } else if (c == '`' || c == '"') {
        t.kind = TokenKind::kQuotedName;
        t.text = ReadQuoted(static_cast<char>(c), t);
      } else if (std::isdigit(c)) {
        t.kind = TokenKind::kNumber;
        while (i_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[i_])) || text_[i_] == '.')) {
          i_++;
        }
        t.text = std::string(text_.substr(t.begin, i_ - t.begin));
      } else if (std::isalpha(c) || c == '_' || c >= 0x80) {
        t.kind = TokenKind::kWord;
        while (i_ < text_.size()) {
          unsigned char d = static_cast<unsigned char>(text_[i_]);
          if (!(std::isalnum(d) || d == '_' || d >= 0x80)) break;
          i_++;
        }
        t.text = base::ToUpper(text_.substr(t.begin, i_ - t.begin));
      } else {
        t.kind = TokenKind::kSymbol;
        t.text = std::string(1, static_cast<char>(c));
        i_++;
      }
      t.end = i_;
      out.push_back(std::move(t));
    }
  }

 private:
  [[noreturn]] void Fail(const Token& at, const std::string& what) {
    throw sql::ParserError(sql::FormatSyntaxError(text_, at.line, at.column, what), at.line,
                           at.column);
  }

  void Advance() {
    if (text_[i_] == '\n') {
      line_++;
      line_start_ = i_ + 1;
    }
    i_++;
  }

  void SkipSpaceAndComments() {
    while (i_ < text_.size()) {
      if (std::isspace(static_cast<unsigned char>(text_[i_]))) {
        Advance();
      } else if (text_.substr(i_, 2) == "--") {
        while (i_ < text_.size() && text_[i_] != '\n') i_++;
      } else if (text_.substr(i_, 2) == "/*") {
        while (i_ < text_.size() && text_.substr(i_, 2) != "*/") Advance();
        i_ = std::min(text_.size(), i_ + 2);
      } else {
        return;
      }
    }
  }

  std::string ReadString(const Token& t) {
    std::string out;
    i_++;
    while (true) {
      if (i_ >= text_.size()) Fail(t, "unterminated string literal");
      char c = text_[i_];
      if (c == '\'') {
        if (i_ + 1 < text_.size() && text_[i_ + 1] == '\'') {
          out += '\'';
          i_ += 2;
          continue;
        }
        i_++;
        return out;
      }
      if (hive_escapes_ && c == '\\' && i_ + 1 < text_.size()) {
        char e = text_[i_ + 1];
        i_ += 2;
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int k = 0; k < 2 && i_ < text_.size() && text_[i_] >= '0' && text_[i_] <= '7'; k++) {
            v = v * 8 + (text_[i_++] - '0');
          }
          out += static_cast<char>(v);
        } else {
          out += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
        }
        continue;
      }
      Advance();
      out += c;
    }
  }

  std::string ReadQuoted(char quote, const Token& t) {
    std::string out;
    i_++;
    while (true) {
      if (i_ >= text_.size()) Fail(t, "unterminated quoted identifier");
      char c = text_[i_];
      if (c == quote) {
        if (i_ + 1 < text_.size() && text_[i_ + 1] == quote) {
          out += quote;
          i_ += 2;
          continue;
        }
        i_++;
        return out;
      }
      Advance();
      out += c;
    }
  }

  std::string_view text_;
  bool hive_escapes_;
  size_t i_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

// The first words of a statement, upper-cased, past spaces and comments; a symbol ends them.
std::vector<std::string> LeadingWords(std::string_view text, size_t n) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size() && words.size() < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      i++;
    } else if (text.substr(i, 2) == "--") {
      while (i < text.size() && text[i] != '\n') i++;
    } else if (text.substr(i, 2) == "/*") {
      size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else if (std::isalpha(c) || c == '_') {
      size_t b = i;
      while (i < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
        i++;
      }
      words.push_back(base::ToUpper(text.substr(b, i - b)));
    } else {
      break;
    }
  }
  return words;
}

class Parser {
 public:
  Parser(std::string_view text, bool hive_escapes)
      : text_(text), tokens_(Tokenizer(text, hive_escapes).Run()) {}

  Statement Parse() {
    const Token& first = Peek();
    if (first.kind == TokenKind::kEnd) Fail(first, "empty statement");
    if (first.kind != TokenKind::kWord) Fail(first, Mismatched(first, "statement"));
    const std::string& w = first.text;
    Next();
    Statement s;
    if (w == "CREATE") return Create();
    if (w == "DROP") return Drop();
    if (w == "ALTER") return Alter();
    if (w == "MSCK") {
      Expect("REPAIR");
      Expect("TABLE");
      s.kind = StatementKind::kMsckRepair;
      QualifiedName(s);
      return End(s);
    }
    if (w == "SHOW") return Show();
    if (w == "DESCRIBE" || w == "DESC") {
      s.kind = StatementKind::kDescribe;
      Accept("FORMATTED") || Accept("EXTENDED");
      QualifiedName(s);
      return End(s);
    }
    if (w == "INSERT") return Insert();
    if (w == "UNLOAD") return Unload();
    Fail(first, Mismatched(first,
                           "'ALTER', 'CREATE', 'DESCRIBE', 'DROP', 'EXPLAIN', "
                           "'INSERT', 'MSCK', 'SELECT', 'SHOW', 'UNLOAD', 'WITH'"));
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) pos_++;
    return t;
  }
  bool IsWord(const Token& t, std::string_view w) const {
    return t.kind == TokenKind::kWord && t.text == w;
  }
  bool IsSymbol(const Token& t, std::string_view s) const {
    return t.kind == TokenKind::kSymbol && t.text == s;
  }
  bool Accept(std::string_view word) {
    if (!IsWord(Peek(), word)) return false;
    Next();
    return true;
  }
  bool AcceptSymbol(std::string_view s) {
    if (!IsSymbol(Peek(), s)) return false;
    Next();
    return true;
  }
  void Expect(std::string_view word) {
    if (!Accept(word)) Fail(Peek(), Mismatched(Peek(), "'" + std::string(word) + "'"));
  }
  void ExpectSymbol(std::string_view s) {
    if (!AcceptSymbol(s)) Fail(Peek(), Mismatched(Peek(), "'" + std::string(s) + "'"));
  }

  std::string Mismatched(const Token& t, const std::string& expected) const {
    std::string shown =
        t.kind == TokenKind::kEnd ? "<EOF>" : std::string(text_.substr(t.begin, t.end - t.begin));
    return "mismatched input '" + shown + "'. Expecting: " + expected;
  }

  [[noreturn]] void Fail(const Token& at, const std::string& what) const {
    throw sql::ParserError(sql::FormatSyntaxError(text_, at.line, at.column, what), at.line,
                           at.column);
  }

  // The text from `offset` on with everything before it blanked (newlines kept).
  std::string QueryFrom(size_t offset) const {
    std::string out(text_);
    for (size_t i = 0; i < offset && i < out.size(); i++) {
      if (out[i] != '\n') out[i] = ' ';
    }
    return out;
  }

  Statement End(Statement& s) {
    AcceptSymbol(";");
    if (Peek().kind != TokenKind::kEnd) Fail(Peek(), Mismatched(Peek(), "<EOF>"));
    return std::move(s);
  }

  std::string Identifier(const char* what) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedName) {
      Next();
      return base::ToLower(t.text);
    }
    Fail(t, Mismatched(t, what));
  }

  void QualifiedName(Statement& s) {
    std::string first = Identifier("a table name");
    if (AcceptSymbol(".")) {
      std::string second = Identifier("a table name");
      if (AcceptSymbol(".")) {  // catalog.database.table
        s.database = second;
        s.name = Identifier("a table name");
      } else {
        s.database = first;
        s.name = second;
      }
    } else {
      s.name = first;
    }
  }

  std::string StringLiteral(const char* what) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kString) Fail(t, Mismatched(t, what));
    Next();
    return t.text;
  }

  bool IfNotExists() {
    if (!IsWord(Peek(), "IF")) return false;
    Next();
    Expect("NOT");
    Expect("EXISTS");
    return true;
  }
  bool IfExists() {
    if (!IsWord(Peek(), "IF")) return false;
    Next();
    Expect("EXISTS");
    return true;
  }

  // ('key' = 'value', ...)
  std::map<std::string, std::string> StringProperties() {
    std::map<std::string, std::string> out;
    ExpectSymbol("(");
    if (AcceptSymbol(")")) return out;
    do {
      std::string key = StringLiteral("a property name");
      ExpectSymbol("=");
      out[key] = StringLiteral("a property value");
    } while (AcceptSymbol(","));
    ExpectSymbol(")");
    return out;
  }

  // A column type: words, numbers and <...>, (...) groups up to ',' ')' or COMMENT at depth 0.
  std::string ColumnType() {
    const Token& start = Peek();
    if (start.kind != TokenKind::kWord) Fail(start, Mismatched(start, "a column type"));
    size_t end = start.end;
    int depth = 0;
    while (true) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kEnd) Fail(t, Mismatched(t, "')'"));
      if (depth == 0 && (IsSymbol(t, ",") || IsSymbol(t, ")") || IsWord(t, "COMMENT"))) break;
      if (IsSymbol(t, "<") || IsSymbol(t, "(")) depth++;
      if (IsSymbol(t, ">") || IsSymbol(t, ")")) depth--;
      end = t.end;
      Next();
    }
    std::string type;
    for (char c : text_.substr(start.begin, end - start.begin)) {
      if (!std::isspace(static_cast<unsigned char>(c))) type += c;
    }
    return base::ToLower(type);
  }

  std::vector<HiveColumn> Columns() {
    std::vector<HiveColumn> out;
    ExpectSymbol("(");
    do {
      HiveColumn c;
      c.name = Identifier("a column name");
      c.type = ColumnType();
      if (Accept("COMMENT")) c.comment = StringLiteral("a comment");
      out.push_back(std::move(c));
    } while (AcceptSymbol(","));
    ExpectSymbol(")");
    return out;
  }

  Statement Create() {
    Statement s;
    if (Accept("OR")) Expect("REPLACE");
    if (Accept("DATABASE") || Accept("SCHEMA")) {
      s.kind = StatementKind::kCreateDatabase;
      s.if_not_exists = IfNotExists();
      s.name = Identifier("a database name");
      while (Peek().kind != TokenKind::kEnd && !IsSymbol(Peek(), ";")) {
        if (Accept("COMMENT")) {
          s.comment = StringLiteral("a comment");
        } else if (Accept("LOCATION")) {
          s.location = StringLiteral("a location");
        } else if (Accept("WITH")) {
          Expect("DBPROPERTIES");
          s.table_properties = StringProperties();
        } else {
          Fail(Peek(), Mismatched(Peek(), "'COMMENT', 'LOCATION', 'WITH'"));
        }
      }
      return End(s);
    }
    bool external = Accept("EXTERNAL");
    if (!Accept("TABLE")) {
      Fail(Peek(), Mismatched(Peek(), external ? "'TABLE'"
                                               : "'DATABASE', 'EXTERNAL', "
                                                 "'SCHEMA', 'TABLE'"));
    }
    s.if_not_exists = IfNotExists();
    QualifiedName(s);
    if (!external) return CreateTableAs(s);
    s.kind = StatementKind::kCreateExternalTable;
    s.columns = Columns();
    while (Peek().kind != TokenKind::kEnd && !IsSymbol(Peek(), ";")) {
      if (Accept("COMMENT")) {
        s.comment = StringLiteral("a comment");
      } else if (Accept("PARTITIONED")) {
        Expect("BY");
        s.partition_columns = Columns();
      } else if (Accept("ROW")) {
        Expect("FORMAT");
        RowFormat(s);
      } else if (Accept("WITH")) {
        Expect("SERDEPROPERTIES");
        for (auto& [k, v] : StringProperties()) s.serde_properties[k] = v;
      } else if (Accept("STORED")) {
        Expect("AS");
        if (Accept("INPUTFORMAT")) {
          s.input_format = StringLiteral("an input format class");
          Expect("OUTPUTFORMAT");
          s.output_format = StringLiteral("an output format class");
        } else {
          const Token& t = Peek();
          if (t.kind != TokenKind::kWord) Fail(t, Mismatched(t, "a file format"));
          s.stored_as = t.text;
          Next();
        }
      } else if (Accept("LOCATION")) {
        s.location = StringLiteral("a location");
      } else if (Accept("TBLPROPERTIES")) {
        s.table_properties = StringProperties();
      } else {
        Fail(Peek(), Mismatched(Peek(),
                                "'COMMENT', 'LOCATION', 'PARTITIONED', 'ROW', "
                                "'STORED', 'TBLPROPERTIES', 'WITH'"));
      }
    }
    return End(s);
  }

  void RowFormat(Statement& s) {
    if (Accept("SERDE")) {
      s.serde = StringLiteral("a SerDe class");
      if (Accept("WITH")) {
        Expect("SERDEPROPERTIES");
        for (auto& [k, v] : StringProperties()) s.serde_properties[k] = v;
      }
      return;
    }
    Expect("DELIMITED");
    s.row_format_delimited = true;
    while (true) {
      if (Accept("FIELDS")) {
        Expect("TERMINATED");
        Expect("BY");
        s.serde_properties["field.delim"] = StringLiteral("a delimiter");
        s.serde_properties["serialization.format"] = s.serde_properties["field.delim"];
        if (Accept("ESCAPED")) {
          Expect("BY");
          s.serde_properties["escape.delim"] = StringLiteral("an escape character");
        }
      } else if (Accept("COLLECTION")) {
        Expect("ITEMS");
        Expect("TERMINATED");
        Expect("BY");
        s.serde_properties["collection.delim"] = StringLiteral("a delimiter");
      } else if (Accept("MAP")) {
        Expect("KEYS");
        Expect("TERMINATED");
        Expect("BY");
        s.serde_properties["mapkey.delim"] = StringLiteral("a delimiter");
      } else if (Accept("LINES")) {
        Expect("TERMINATED");
        Expect("BY");
        s.serde_properties["line.delim"] = StringLiteral("a delimiter");
      } else if (Accept("NULL")) {
        Expect("DEFINED");
        Expect("AS");
        s.serde_properties["serialization.null.format"] = StringLiteral("a NULL marker");
      } else {
        return;
      }
    }
  }

  // WITH (key = value | ARRAY['a', 'b'], ...)
  void WithProperties(Statement& s) {
    ExpectSymbol("(");
    do {
      std::string key = Identifier("a property name");
      ExpectSymbol("=");
      std::vector<std::string> values;
      if (Accept("ARRAY")) {
        ExpectSymbol("[");
        if (!AcceptSymbol("]")) {
          do {
            values.push_back(StringLiteral("a string"));
          } while (AcceptSymbol(","));
          ExpectSymbol("]");
        }
      } else if (Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kWord) {
        values.push_back(Next().text);
      } else {
        values.push_back(StringLiteral("a property value"));
      }
      s.with_properties[key] = std::move(values);
    } while (AcceptSymbol(","));
    ExpectSymbol(")");
  }

  Statement CreateTableAs(Statement& s) {
    s.kind = StatementKind::kCreateTableAs;
    if (IsSymbol(Peek(), "(")) {
      Fail(Peek(),
           "Only external table creation is supported (CREATE EXTERNAL TABLE or "
           "CREATE TABLE ... AS SELECT)");
    }
    if (Accept("WITH")) WithProperties(s);
    Expect("AS");
    size_t begin = Peek().begin;
    // WITH NO DATA / WITH DATA trail the query; the engine does not take them.
    size_t end = text_.size();
    size_t n = tokens_.size();
    size_t last = n >= 2 && IsSymbol(tokens_[n - 2], ";") ? n - 2 : n - 1;
    if (last >= 3 && IsWord(tokens_[last - 1], "DATA") && IsWord(tokens_[last - 3], "WITH") &&
        IsWord(tokens_[last - 2], "NO")) {
      s.with_no_data = true;
      end = tokens_[last - 3].begin;
    } else if (last >= 2 && IsWord(tokens_[last - 1], "DATA") &&
               IsWord(tokens_[last - 2], "WITH")) {
      end = tokens_[last - 2].begin;
    }
    s.query = QueryFrom(begin).substr(0, end);
    return s;
  }

  Statement Insert() {
    Statement s;
    s.kind = StatementKind::kInsertInto;
    Expect("INTO");
    QualifiedName(s);
    if (IsSymbol(Peek(), "(") && !IsWord(Peek(1), "SELECT") && !IsWord(Peek(1), "WITH")) {
      Next();
      do {
        s.insert_columns.push_back(Identifier("a column name"));
      } while (AcceptSymbol(","));
      ExpectSymbol(")");
    }
    s.query = QueryFrom(Peek().begin);
    return s;
  }

  Statement Unload() {
    Statement s;
    s.kind = StatementKind::kUnload;
    const Token& open = Peek();
    ExpectSymbol("(");
    int depth = 1;
    size_t close_begin = 0;
    while (depth > 0) {
      const Token& t = Next();
      if (t.kind == TokenKind::kEnd) Fail(open, "unbalanced parentheses");
      if (IsSymbol(t, "(")) depth++;
      if (IsSymbol(t, ")")) depth--;
      close_begin = t.begin;
    }
    s.query = QueryFrom(open.end).substr(0, close_begin);
    Expect("TO");
    s.location = StringLiteral("an s3:// location");
    if (Accept("WITH")) WithProperties(s);
    return End(s);
  }

  Statement Drop() {
    Statement s;
    if (Accept("DATABASE") || Accept("SCHEMA")) {
      s.kind = StatementKind::kDropDatabase;
      s.if_exists = IfExists();
      s.name = Identifier("a database name");
      if (Accept("CASCADE")) {
        s.cascade = true;
      } else {
        Accept("RESTRICT");
      }
      return End(s);
    }
    Accept("EXTERNAL");
    Expect("TABLE");
    s.kind = StatementKind::kDropTable;
    s.if_exists = IfExists();
    QualifiedName(s);
    return End(s);
  }

  PartitionSpec Partition() {
    PartitionSpec p;
    ExpectSymbol("(");
    do {
      std::string key = Identifier("a partition key");
      ExpectSymbol("=");
      const Token& v = Peek();
      if (v.kind != TokenKind::kString && v.kind != TokenKind::kNumber) {
        Fail(v, Mismatched(v, "a partition value"));
      }
      Next();
      p.values.emplace_back(key, v.text);
    } while (AcceptSymbol(","));
    ExpectSymbol(")");
    return p;
  }

  Statement Alter() {
    Statement s;
    Expect("TABLE");
    QualifiedName(s);
    if (Accept("ADD")) {
      s.kind = StatementKind::kAddPartitions;
      s.if_not_exists = IfNotExists();
      while (Accept("PARTITION")) {
        PartitionSpec p = Partition();
        if (Accept("LOCATION")) p.location = StringLiteral("a location");
        s.partitions.push_back(std::move(p));
      }
    } else if (Accept("DROP")) {
      s.kind = StatementKind::kDropPartitions;
      s.if_exists = IfExists();
      do {
        Expect("PARTITION");
        s.partitions.push_back(Partition());
      } while (AcceptSymbol(","));
    } else {
      Fail(Peek(), Mismatched(Peek(), "'ADD', 'DROP'"));
    }
    if (s.partitions.empty()) Fail(Peek(), Mismatched(Peek(), "'PARTITION'"));
    return End(s);
  }

  Statement Show() {
    Statement s;
    if (Accept("DATABASES") || Accept("SCHEMAS")) {
      s.kind = StatementKind::kShowDatabases;
      if (Accept("LIKE")) s.pattern = StringLiteral("a pattern");
      return End(s);
    }
    if (Accept("TABLES")) {
      s.kind = StatementKind::kShowTables;
      if (Accept("IN") || Accept("FROM")) s.database = Identifier("a database name");
      if (Accept("LIKE") || Peek().kind == TokenKind::kString) {
        s.pattern = StringLiteral("a pattern");
      }
      return End(s);
    }
    if (Accept("COLUMNS")) {
      s.kind = StatementKind::kShowColumns;
      if (!Accept("IN")) Expect("FROM");
      QualifiedName(s);
      if (Accept("IN") || Accept("FROM")) s.database = Identifier("a database name");
      return End(s);
    }
    if (Accept("PARTITIONS")) {
      s.kind = StatementKind::kShowPartitions;
      QualifiedName(s);
      return End(s);
    }
    if (Accept("CREATE")) {
      Expect("TABLE");
      s.kind = StatementKind::kShowCreateTable;
      QualifiedName(s);
      return End(s);
    }
    Fail(Peek(), Mismatched(Peek(),
                            "'COLUMNS', 'CREATE', 'DATABASES', 'PARTITIONS', "
                            "'SCHEMAS', 'TABLES'"));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Statement ParseStatement(std::string_view text) {
  std::vector<std::string> words = LeadingWords(text, 2);
  std::string first = words.empty() ? "" : words[0];
  std::string second = words.size() > 1 ? words[1] : "";
  Statement s;
  if (first == "SELECT" || first == "WITH" || first == "VALUES" || first == "TABLE" ||
      (first.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos &&
       text[text.find_first_not_of(" \t\r\n")] == '(')) {
    s.query = std::string(text);
    return s;
  }
  if (first == "EXPLAIN") {  // the engine parses EXPLAIN itself
    s.kind = StatementKind::kExplain;
    s.query = std::string(text);
    return s;
  }
  bool hive =
      first == "ALTER" || first == "MSCK" || first == "SHOW" || first == "DESCRIBE" ||
      first == "DESC" || first == "DROP" ||
      (first == "CREATE" && (second == "EXTERNAL" || second == "DATABASE" || second == "SCHEMA"));
  return Parser(text, hive).Parse();
}

std::string BindParameters(std::string_view text, const std::vector<std::string>& parameters) {
  std::vector<size_t> placeholders;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    size_t end = i + 1;
    if (c == '\'' || c == '"') {
      // A literal or quoted identifier; a doubled quote stays inside it.
      while (end < text.size()) {
        if (text[end] == c && end + 1 < text.size() && text[end + 1] == c) {
          end += 2;
        } else if (text[end++] == c) {
          break;
        }
      }
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      end = std::min(text.size(), text.find('\n', i));
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t close = text.find("*/", i + 2);
      end = close == std::string_view::npos ? text.size() : close + 2;
    } else if (c == '?') {
      placeholders.push_back(i);
    }
    i = end;
  }
  if (placeholders.size() != parameters.size()) {
    throw sql::BinderError("INVALID_PARAMETER_USAGE",
                           "Incorrect number of parameters: expected " +
                               std::to_string(placeholders.size()) + " but found " +
                               std::to_string(parameters.size()));
  }
  std::string out;
  size_t from = 0;
  for (size_t k = 0; k < placeholders.size(); k++) {
    out.append(text.substr(from, placeholders[k] - from));
    out += parameters[k];
    from = placeholders[k] + 1;
  }
  out.append(text.substr(from));
  return out;
}

const char* StatementType(StatementKind kind) {
  switch (kind) {
    case StatementKind::kQuery:
    case StatementKind::kCreateTableAs:
    case StatementKind::kInsertInto:
    case StatementKind::kUnload:
      return "DML";
    case StatementKind::kExplain:
    case StatementKind::kShowDatabases:
    case StatementKind::kShowTables:
    case StatementKind::kShowColumns:
    case StatementKind::kShowPartitions:
    case StatementKind::kShowCreateTable:
    case StatementKind::kDescribe:
      return "UTILITY";
    default:
      return "DDL";
  }
}

}  // namespace athena
