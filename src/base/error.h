// The project's base exception types. Engines and services derive their own typed errors
// from base::Error; the AWS layer maps what reaches it to wire errors (DESIGN.md §5).
#pragma once

#include <stdexcept>
#include <string>

namespace base {

// Any error the project raises on purpose. `what()` is safe to show a client: it never holds
// a stack trace or an absolute path.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Input that could not be parsed (JSON, XML, form bodies, dates, numbers).
class ParseError : public Error {
 public:
  using Error::Error;
};

// A file-system or system-call failure. The message names the operation, not the path.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace base
