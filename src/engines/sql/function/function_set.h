// Internal to the function layer: the table of scalar function resolvers, and helpers that
// kernels share for looping over (possibly constant) vectors. Registration happens once,
// before first use; lookups afterwards are read-only and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engines/sql/common/error.h"
#include "engines/sql/function/scalar_function.h"

namespace sql {

using ScalarResolver = std::optional<BoundFunction> (*)(const std::vector<FunctionArg>& args,
                                                        std::string* error);
using ScalarFunctionMap = std::unordered_map<std::string, ScalarResolver>;

void RegisterOperatorFunctions(ScalarFunctionMap& map);
void RegisterMathFunctions(ScalarFunctionMap& map);
void RegisterStringFunctions(ScalarFunctionMap& map);
void RegisterDateTimeFunctions(ScalarFunctionMap& map);

// Builds a BoundFunction with the given kernel and types.
inline BoundFunction MakeFunction(std::string name, ScalarKernel kernel, Type ret,
                                  std::vector<Type> args) {
  BoundFunction f;
  f.name = std::move(name);
  f.kernel = kernel;
  f.return_type = ret;
  f.arg_types = std::move(args);
  return f;
}

// Row validity of the output (nullptr when every row is valid).
inline const uint8_t* OutValidity(const Vector& out) {
  return out.has_nulls() ? out.validity() : nullptr;
}

// Applies f(a) to every valid row.
template <class A, class R, class F>
inline void UnaryLoop(const Vector& a_vec, size_t count, Vector& out, F&& f) {
  const A* a = a_vec.data<A>();
  R* r = out.data<R>();
  const uint8_t* valid = OutValidity(out);
  if (a_vec.is_constant()) {
    if (!valid || valid[0]) {
      R v = f(a[0]);
      for (size_t i = 0; i < count; i++) r[i] = v;
    }
    return;
  }
  if (valid) {
    for (size_t i = 0; i < count; i++) {
      if (valid[i]) r[i] = f(a[i]);
    }
  } else {
    for (size_t i = 0; i < count; i++) r[i] = f(a[i]);
  }
}

// Applies f(a, b) to every valid row; either input may be constant.
template <class A, class B, class R, class F>
inline void BinaryLoop(const Vector& a_vec, const Vector& b_vec, size_t count, Vector& out,
                       F&& f) {
  const A* a = a_vec.data<A>();
  const B* b = b_vec.data<B>();
  R* r = out.data<R>();
  const uint8_t* valid = OutValidity(out);
  bool ac = a_vec.is_constant(), bc = b_vec.is_constant();
  if (valid) {
    for (size_t i = 0; i < count; i++) {
      if (valid[i]) r[i] = f(a[ac ? 0 : i], b[bc ? 0 : i]);
    }
    return;
  }
  if (!ac && !bc) {
    for (size_t i = 0; i < count; i++) r[i] = f(a[i], b[i]);
  } else if (ac && !bc) {
    A av = a[0];
    for (size_t i = 0; i < count; i++) r[i] = f(av, b[i]);
  } else if (!ac && bc) {
    B bv = b[0];
    for (size_t i = 0; i < count; i++) r[i] = f(a[i], bv);
  } else {
    R v = f(a[0], b[0]);
    for (size_t i = 0; i < count; i++) r[i] = v;
  }
}

// Index of row i in a possibly constant vector.
inline size_t Idx(const Vector& v, size_t i) { return v.is_constant() ? 0 : i; }

[[noreturn]] inline void ThrowInvalidArgument(const std::string& msg) {
  throw ExecutionError("INVALID_FUNCTION_ARGUMENT", msg);
}

// Loads a decimal (short or long) as 128-bit.
inline int128_t LoadDecimal(const Vector& v, size_t i) {
  return v.type().physical() == PhysicalType::kInt128 ? v.data<int128_t>()[i]
                                                      : v.data<int64_t>()[i];
}
inline void StoreDecimal(Vector& v, size_t i, int128_t x) {
  if (v.type().physical() == PhysicalType::kInt128) {
    v.data<int128_t>()[i] = x;
  } else {
    v.data<int64_t>()[i] = static_cast<int64_t>(x);
  }
}

}  // namespace sql
