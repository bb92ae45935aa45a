// Conversions between SQL types (CAST / TRY_CAST and the binder's implicit coercions),
// following Trino: numeric casts round half away from zero and check ranges, text parses
// strictly. Pure functions; thread-safe.
#pragma once

#include "engines/sql/common/types.h"
#include "engines/sql/common/value.h"
#include "engines/sql/common/vector.h"

namespace sql {

// True when a CAST from `from` to `to` exists.
bool CastSupported(const Type& from, const Type& to);

// Casts `count` rows of `in` into `out` (re-initialized as `to`). NULL stays NULL. On a bad
// value throws ExecutionError, or with `try_mode` yields NULL for that row.
void CastVector(const Vector& in, size_t count, const Type& to, Vector& out, bool try_mode);

// Casts a single value (constant folding, INSERT coercion).
Value CastValue(const Value& v, const Type& to, bool try_mode = false);

}  // namespace sql
