// Splits SQL text into tokens (identifiers, keywords, literals, operators) with their line
// and column, skipping `--` and `/* */` comments. Keywords are not distinguished from
// identifiers here: the parser decides by context. Stateless apart from its input; one
// Lexer per statement text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sql {

enum class TokenKind {
  kIdentifier,        // unquoted word, text lower-cased
  kQuotedIdentifier,  // "Name" or `name`, text as written
  kString,            // 'text' with '' unescaped
  kInteger,           // 123
  kDecimal,           // 1.5, .5, 1.
  kDouble,            // 1e3, 1.5E-2
  kOperator,          // punctuation and operators: ( ) , . ; + - * / % || = <> != < <= > >= [ ] ? :
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string text;
  int line;
  int column;
  size_t offset;
};

// Tokenizes `text`; throws ParserError (with line, column and caret excerpt) on an
// unterminated string, quoted identifier or comment, or an unknown character.
std::vector<Token> Tokenize(std::string_view text);

// Builds the message "line L:C: what" followed by the offending source line and a caret.
std::string FormatSyntaxError(std::string_view text, int line, int column,
                              std::string_view what);

}  // namespace sql
