// The binder resolves names and types in a parsed query and produces a logical plan: tables
// and views from the catalog, columns (including correlated references to enclosing
// queries), functions and aggregates with Trino's implicit coercions, GROUP BY / HAVING /
// ORDER BY semantics, and subqueries as expressions. Errors are BinderError naming the
// expression. A Binder binds one statement on one thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engines/sql/binder/bound_expression.h"
#include "engines/sql/catalog/catalog.h"
#include "engines/sql/parser/ast.h"
#include "engines/sql/planner/logical_operator.h"

namespace sql {

// Resolves table functions such as read_csv('dir/*.csv') to table definitions.
using TableFunctionResolver = std::function<std::shared_ptr<const TableDefinition>(
    const std::string& name, const std::vector<Value>& args)>;

struct BinderContext {
  Catalog* catalog = nullptr;
  // Asked for external tables before the catalog's own resolver (may be empty).
  TableResolver resolver;
  TableFunctionResolver table_function;
  uint32_t next_table_index = 0;
  int view_depth = 0;
};

struct BoundQuery {
  LogicalPtr plan;
  std::vector<std::string> names;
};

class Binder {
 public:
  explicit Binder(BinderContext* context, Binder* parent = nullptr);
  ~Binder();

  BoundQuery BindQuery(const Query& query);
  // Binds an expression over no tables (VALUES rows, LIMIT, properties).
  BoundExprPtr BindConstantExpression(const ParsedExpr& expr);
  // Binds an expression over one table's columns (UPDATE/DELETE predicates): the columns
  // get bindings (table_index, i).
  BoundExprPtr BindTableExpression(const ParsedExpr& expr, uint32_t table_index,
                                   const std::vector<ColumnDef>& columns);

  // Values captured from enclosing queries (parameter slots in order).
  std::vector<BoundExprPtr>& correlated() { return correlated_; }

  // Inserts a cast of `e` to `type` (folding constants); throws BinderError on a missing
  // cast.
  static BoundExprPtr CastTo(BoundExprPtr e, const Type& type, bool try_cast = false);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  BinderContext* context_;
  Binder* parent_;
  std::vector<BoundExprPtr> correlated_;
  friend struct Impl;
};

// Splits a conjunction into its conjuncts.
void SplitConjunction(BoundExprPtr e, std::vector<BoundExprPtr>* out);
// AND of the given conjuncts (nullptr when empty).
BoundExprPtr MakeConjunction(std::vector<BoundExprPtr> conjuncts);

}  // namespace sql
