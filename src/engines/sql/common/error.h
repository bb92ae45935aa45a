// The SQL engine's typed errors. Every error carries a Trino-style error name
// (SYNTAX_ERROR, COLUMN_NOT_FOUND, DIVISION_BY_ZERO, EXCEEDED_LOCAL_MEMORY_LIMIT, ...) so
// the Athena layer can map it, and a message that is safe to show a client. Errors are
// immutable values and therefore thread-safe.
#pragma once

#include <string>

#include "base/error.h"

namespace sql {

class Error : public base::Error {
 public:
  Error(std::string name, const std::string& message)
      : base::Error(message), name_(std::move(name)) {}
  // The Trino error name, e.g. "DIVISION_BY_ZERO".
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// Text that is not valid SQL; the message names line and column and shows a caret excerpt.
class ParserError : public Error {
 public:
  ParserError(const std::string& message, int line, int column)
      : Error("SYNTAX_ERROR", message), line_(line), column_(column) {}
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

// A statement that parses but means nothing: unknown names, type mismatches, misuse of
// aggregates. `name` is COLUMN_NOT_FOUND, TABLE_NOT_FOUND, FUNCTION_NOT_FOUND,
// TYPE_MISMATCH, ...
class BinderError : public Error {
 public:
  using Error::Error;
};

// A failure while running a query over data (division by zero, overflow, bad cast, memory
// limit, cancellation).
class ExecutionError : public Error {
 public:
  using Error::Error;
};

}  // namespace sql
