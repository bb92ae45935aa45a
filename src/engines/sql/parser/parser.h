// A hand-written recursive-descent parser (Pratt for expressions) for the Trino dialect the
// engine speaks, plus the SQLite-style DDL the sqllogictest corpus uses. Errors are
// ParserError with "line L:C: ..." and a caret excerpt of the offending line.
// A Parser is single-use and not thread-safe; ParseStatements() may be called from any
// thread.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "engines/sql/parser/ast.h"

namespace sql {

// Parses one or more statements separated by ';'.
std::vector<std::unique_ptr<Statement>> ParseStatements(std::string_view text);
// Parses exactly one statement (a trailing ';' is allowed).
std::unique_ptr<Statement> ParseStatement(std::string_view text);
// Parses a standalone expression (used for partition filters and tests).
ExprPtr ParseExpression(std::string_view text);

}  // namespace sql
