// The contract between the binder and scalar function implementations. A function is
// resolved once per call site (ResolveScalarFunction) into a BoundFunction: the vectorized
// kernel, the argument types the binder must cast to, the result type, and optional
// per-call-site data (compiled regexes, scales). Kernels run over whole vectors; they must
// not raise errors for rows that are NULL in the output. Resolution and kernels are
// thread-safe; bind data is immutable.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engines/sql/common/types.h"
#include "engines/sql/common/value.h"
#include "engines/sql/common/vector.h"

namespace sql {

struct BoundFunction;

// Computes `count` rows of `out` from `args`. When the function propagates NULLs the caller
// has already set out's validity (NULL where any argument is NULL) before the call. Args
// may be constant vectors.
using ScalarKernel = void (*)(const BoundFunction& fn, std::vector<Vector>& args, size_t count,
                              Vector& out);

struct BoundFunction {
  std::string name;
  ScalarKernel kernel = nullptr;
  Type return_type;
  std::vector<Type> arg_types;
  std::shared_ptr<const void> data;
  // When true the executor computes NULL-in → NULL-out; otherwise the kernel sees NULL
  // arguments and sets validity itself (coalesce-like functions).
  bool propagates_nulls = true;
  // False for rand(), current_timestamp (no constant folding).
  bool deterministic = true;
  template <class T>
  const T& Data() const {
    return *static_cast<const T*>(data.get());
  }
};

// Per-argument information a resolver may use: the type, and the value when the argument is
// a constant (e.g. a regex pattern or a date_trunc unit).
struct FunctionArg {
  Type type;
  const Value* constant = nullptr;
};

// Resolves `name` for the given arguments. Returns nullopt with `error` set (and
// `error_name` the Trino error name) when no overload matches.
std::optional<BoundFunction> ResolveScalarFunction(const std::string& name,
                                                   const std::vector<FunctionArg>& args,
                                                   std::string* error);

// True when `name` is a registered scalar function.
bool IsScalarFunction(const std::string& name);

}  // namespace sql
