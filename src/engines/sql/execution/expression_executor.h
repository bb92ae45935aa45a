// Evaluates bound expressions over a DataChunk, a vector at a time: kernels run over whole
// vectors, CASE / AND / OR / COALESCE evaluate their later branches only on the rows that
// need them (so `x <> 0 AND 10 / x > 1` never divides by zero), TRY turns row errors into
// NULLs, and subqueries run through the context (cached per distinct correlated values).
// One executor per operator instance; not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "engines/sql/binder/bound_expression.h"
#include "engines/sql/execution/exec_context.h"

namespace sql {

class ExpressionExecutor {
 public:
  explicit ExpressionExecutor(ExecContext* ctx) : ctx_(ctx) {}
  ~ExpressionExecutor();

  // result gets input.size() rows (or a constant vector).
  void Execute(const BoundExpr& expr, DataChunk& input, Vector& result);
  // Writes the indexes of rows where `predicate` is TRUE to sel; returns their count.
  size_t Select(const BoundExpr& predicate, DataChunk& input, uint32_t* sel);

  // Evaluates an expression without inputs (constant folding).
  static Value EvaluateConstant(const BoundExpr& expr, ExecContext* ctx);

 private:
  void Eval(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);
  void EvalSubset(const BoundExpr& e, DataChunk& in, const std::vector<uint32_t>& rows, Vector& out);
  void EvalFunction(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);
  void EvalConjunction(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);
  void EvalCase(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);
  void EvalCoalesce(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);
  void EvalInList(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);
  void EvalSubquery(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);
  void EvalTry(const BoundExpr& e, DataChunk& in, size_t count, Vector& out);

  struct SubqueryCache;
  ExecContext* ctx_;
  std::map<const BoundExpr*, std::shared_ptr<SubqueryCache>> subquery_cache_;
};

}  // namespace sql
