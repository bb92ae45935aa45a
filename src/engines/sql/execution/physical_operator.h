// Physical operators: the executable form of a plan. Each operator pulls chunks from its
// children (Next) and produces chunks of at most kVectorSize rows; blocking operators
// (aggregation, join build, sort, window) consume their input on first call. An operator
// tree is built for one execution and used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engines/sql/common/vector.h"
#include "engines/sql/execution/exec_context.h"

namespace sql {

class PhysicalOperator {
 public:
  explicit PhysicalOperator(std::vector<Type> types) : types_(std::move(types)) {}
  virtual ~PhysicalOperator() = default;
  const std::vector<Type>& types() const { return types_; }
  // Fills `out` with the next rows; returns false when exhausted (out then has no rows).
  virtual bool Next(DataChunk& out) = 0;

 protected:
  std::vector<Type> types_;
};

using PhysicalPtr = std::unique_ptr<PhysicalOperator>;

}  // namespace sql
