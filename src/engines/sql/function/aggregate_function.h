// Aggregate functions (count, sum, avg, min, max, stddev/variance, approx_distinct,
// approx_percentile, arbitrary, bool_and/or, count_if, min_by/max_by, ...). Each is a set of
// vectorized callbacks over fixed-size states that the hash aggregate lays out in its own
// memory: update takes one state pointer per row, so grouped and ungrouped aggregation use
// the same code. Resolution is thread-safe; a state is touched by one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engines/sql/common/string_heap.h"
#include "engines/sql/common/types.h"
#include "engines/sql/common/vector.h"

namespace sql {

struct AggregateFunction;

using AggInit = void (*)(const AggregateFunction& fn, uint8_t* state);
// Folds `count` rows of `args` into states[i] (one pointer per row). Rows where any argument
// is NULL are skipped unless the function wants NULLs (count(*), arbitrary...).
using AggUpdate = void (*)(const AggregateFunction& fn, std::vector<Vector>& args, size_t count,
                           uint8_t** states, StringHeap& heap);
using AggCombine = void (*)(const AggregateFunction& fn, const uint8_t* src, uint8_t* dst,
                            StringHeap& heap);
using AggFinalize = void (*)(const AggregateFunction& fn, uint8_t* state, Vector& out, size_t row);
using AggDestroy = void (*)(uint8_t* state);

struct AggregateFunction {
  std::string name;
  Type return_type;
  std::vector<Type> arg_types;
  size_t state_size = 0;
  AggInit init = nullptr;
  AggUpdate update = nullptr;
  AggCombine combine = nullptr;
  AggFinalize finalize = nullptr;
  AggDestroy destroy = nullptr;  // states that own memory
  std::shared_ptr<const void> data;
};

// Resolves an aggregate by name and argument types (after which the binder casts the
// arguments to arg_types). Returns nullopt with `error` when no overload fits.
std::optional<AggregateFunction> ResolveAggregate(const std::string& name,
                                                  const std::vector<Type>& args,
                                                  std::string* error);
bool IsAggregateFunction(const std::string& name);

}  // namespace sql
