#include "engines/sql/parser/lexer.h"

#include <algorithm>
#include <cctype>

#include "engines/sql/common/error.h"

namespace sql {

std::string FormatSyntaxError(std::string_view text, int line, int column,
                              std::string_view what) {
  std::string msg = "line " + std::to_string(line) + ":" + std::to_string(column) + ": ";
  msg += what;
  // Find the source line.
  int l = 1;
  size_t start = 0;
  for (size_t i = 0; i < text.size() && l < line; i++) {
    if (text[i] == '\n') {
      l++;
      start = i + 1;
    }
  }
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  std::string_view src = text.substr(start, end - start);
  if (src.size() > 200) {
    // The column may lie past the line's end (an unterminated literal reported where the text
    // ends): the window then shows the line's last 200 bytes.
    size_t from = column > 100 ? std::min(static_cast<size_t>(column - 100), src.size() - 200) : 0;
    src = src.substr(from, 200);
    column -= static_cast<int>(from);
  }
  msg += "\n";
  msg += src;
  msg += "\n";
  for (int i = 1; i < column; i++) msg += (i - 1 < static_cast<int>(src.size()) && src[i - 1] == '\t') ? '\t' : ' ';
  msg += "^";
  return msg;
}

namespace {

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80 || c == '$'; }

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1;
  size_t line_start = 0;
  // Errors name the line and column of `at` itself: a literal that spans lines is reported
  // where it starts, after the scan has moved past its newlines.
  auto fail = [&](size_t at, std::string_view what) {
    std::string_view before = text.substr(0, at);
    int at_line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    size_t newline = before.rfind('\n');
    size_t at_line_start = newline == std::string_view::npos ? 0 : newline + 1;
    int col = static_cast<int>(at - at_line_start) + 1;
    throw ParserError(FormatSyntaxError(text, at_line, col, what), at_line, col);
  };
  while (i < text.size()) {
    unsigned char c = text[i];
    if (c == '\n') {
      line++;
      i++;
      line_start = i;
      continue;
    }
    if (std::isspace(c)) {
      i++;
      continue;
    }
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      while (i < text.size() && text[i] != '\n') i++;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t start = i;
      i += 2;
      while (i + 1 < text.size() && !(text[i] == '*' && text[i + 1] == '/')) {
        if (text[i] == '\n') {
          line++;
          line_start = i + 1;
        }
        i++;
      }
      if (i + 1 >= text.size()) fail(start, "unterminated comment");
      i += 2;
      continue;
    }
    Token tok;
    tok.line = line;
    tok.column = static_cast<int>(i - line_start) + 1;
    tok.offset = i;
    if (IsIdentStart(c)) {
      size_t s = i;
      while (i < text.size() && IsIdentChar(text[i])) i++;
      tok.kind = TokenKind::kIdentifier;
      tok.text.reserve(i - s);
      for (size_t k = s; k < i; k++) {
        unsigned char ch = text[k];
        tok.text += (ch < 0x80) ? static_cast<char>(std::tolower(ch)) : static_cast<char>(ch);
      }
    } else if (std::isdigit(c) || (c == '.' && i + 1 < text.size() && std::isdigit(
                                                     static_cast<unsigned char>(text[i + 1])))) {
      size_t s = i;
      bool dot = false, exp = false;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) i++;
      if (i < text.size() && text[i] == '.') {
        dot = true;
        i++;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) i++;
      }
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        size_t save = i;
        i++;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) i++;
        if (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
          exp = true;
          while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) i++;
        } else {
          i = save;
        }
      }
      if (i < text.size() && IsIdentStart(static_cast<unsigned char>(text[i]))) {
        fail(i, "invalid number literal");
      }
      tok.kind = exp ? TokenKind::kDouble : (dot ? TokenKind::kDecimal : TokenKind::kInteger);
      tok.text = std::string(text.substr(s, i - s));
    } else if (c == '\'') {
      size_t start = i;
      i++;
      tok.kind = TokenKind::kString;
      while (true) {
        if (i >= text.size()) fail(start, "unterminated string literal");
        if (text[i] == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            tok.text += '\'';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (text[i] == '\n') {
          line++;
          line_start = i + 1;
        }
        tok.text += text[i++];
      }
    } else if (c == '"' || c == '`') {
      char close = static_cast<char>(c);
      size_t start = i;
      i++;
      tok.kind = TokenKind::kQuotedIdentifier;
      while (true) {
        if (i >= text.size()) fail(start, "unterminated quoted identifier");
        if (text[i] == close) {
          if (i + 1 < text.size() && text[i + 1] == close) {
            tok.text += close;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        tok.text += text[i++];
      }
    } else {
      tok.kind = TokenKind::kOperator;
      static const char* kTwo[] = {"||", "<=", ">=", "<>", "!=", "==", "=>", "->", "::"};
      bool matched = false;
      if (i + 1 < text.size()) {
        for (const char* t : kTwo) {
          if (text[i] == t[0] && text[i + 1] == t[1]) {
            tok.text = t;
            i += 2;
            matched = true;
            break;
          }
        }
      }
      if (!matched) {
        static const std::string_view kOne = "(),.;+-*/%=<>[]?:&|^~!";
        if (kOne.find(static_cast<char>(c)) == std::string_view::npos) {
          fail(i, std::string("unexpected character '") + static_cast<char>(c) + "'");
        }
        tok.text = std::string(1, static_cast<char>(c));
        i++;
      }
    }
    out.push_back(std::move(tok));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.line = line;
  end.column = static_cast<int>(i - line_start) + 1;
  end.offset = i;
  out.push_back(end);
  return out;
}

}  // namespace sql
