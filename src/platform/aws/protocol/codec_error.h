// The failures the codec internals raise. InputError: the request cannot be decoded (a body
// that does not parse, a value of the wrong type); codec.cc turns it into the protocol's error
// code. OutputError: a handler's output document does not fit the operation's output shape;
// EncodeOutput logs it and answers InternalFailure. Internal to the protocol library.
#pragma once

#include <string>

#include "base/error.h"

namespace aws::protocol::detail {

class InputError : public base::Error {
 public:
  enum class Kind {
    kMalformed,  // the body's syntax (JSON, XML, form encoding) or nesting beyond the limit
    kType,       // a value that does not fit its shape ("abc" for an integer)
  };
  InputError(Kind kind, const std::string& message) : base::Error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class OutputError : public base::Error {
 public:
  using base::Error::Error;
};

// Nesting limit of decoded and encoded documents (JSON objects/arrays, XML elements, shapes).
inline constexpr int kMaxDepth = 100;

}  // namespace aws::protocol::detail
