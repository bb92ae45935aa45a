#include "engines/sql/optimizer/optimizer.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "engines/sql/binder/binder.h"
#include "engines/sql/execution/expression_executor.h"

namespace sql {

namespace {

// ---------------------------------------------------------------- constant folding
BoundExprPtr Fold(BoundExprPtr e, ExecContext* ctx) {
  for (auto& c : e->children) c = Fold(std::move(c), ctx);
  if (e->kind == BoundExprKind::kConstant || e->kind == BoundExprKind::kTry) return e;
  if (!e->IsFoldable()) return e;
  try {
    Value v = ExpressionExecutor::EvaluateConstant(*e, ctx);
    auto c = MakeConstant(v.is_null() ? Value::Null(e->type) : v, e->text);
    c->type = e->type;
    return c;
  } catch (const ExecutionError&) {
    return e;  // the error surfaces at execution time, if the row is ever evaluated
  }
}

void FoldPlan(LogicalOperator& op, ExecContext* ctx) {
  for (auto& c : op.children) FoldPlan(*c, ctx);
  for (auto& e : op.expressions) {
    if (op.kind != LogicalKind::kWindow) e = Fold(std::move(e), ctx);
  }
  for (auto& g : op.groups) g = Fold(std::move(g), ctx);
  if (op.kind == LogicalKind::kFilter) {
    // Drop TRUE conjuncts; a FALSE/NULL conjunct empties the relation.
    std::vector<BoundExprPtr> kept;
    for (auto& e : op.expressions) {
      if (e->kind == BoundExprKind::kConstant && !e->value.is_null() && e->value.type().id() == TypeId::kBoolean &&
          e->value.boolean()) {
        continue;
      }
      kept.push_back(std::move(e));
    }
    if (kept.empty()) kept.push_back(MakeConstant(Value::Boolean(true), "true"));
    op.expressions = std::move(kept);
  }
}

// ---------------------------------------------------------------- projection inlining
// Projections that only pass columns through (a view's SELECT *, a derived table's column
// list) are removed and their columns referenced directly, so that filters and join
// predicates above them reach the scans. Projections that define a plan's output (the
// topmost one, and any under set operations or DISTINCT, which read columns by position)
// stay. NULL constants (outputs nothing reads) inline too: NULL stays NULL under an outer
// join.
bool IsPassThrough(const LogicalOperator& op) {
  if (op.kind != LogicalKind::kProjection) return false;
  for (const auto& e : op.expressions) {
    bool null_constant = e->kind == BoundExprKind::kConstant && e->value.is_null();
    if (e->kind != BoundExprKind::kColumnRef && !null_constant) return false;
  }
  return true;
}

void MarkOutputProjections(const LogicalOperator& op, std::set<const LogicalOperator*>* out) {
  switch (op.kind) {
    case LogicalKind::kProjection:
      out->insert(&op);
      return;
    case LogicalKind::kAggregate:
    case LogicalKind::kGet:
    case LogicalKind::kValues:
    case LogicalKind::kDummy:
    case LogicalKind::kEmpty:
      return;
    default:
      for (const auto& c : op.children) MarkOutputProjections(*c, out);
  }
}

void Substitute(BoundExprPtr& e, uint32_t table, const std::vector<BoundExprPtr>& exprs);

std::shared_ptr<BoundAggregate> SubstituteAggregate(const BoundAggregate& a, uint32_t table,
                                                    const std::vector<BoundExprPtr>& exprs) {
  auto out = std::make_shared<BoundAggregate>();
  out->name = a.name;
  out->distinct = a.distinct;
  for (const auto& x : a.args) {
    out->args.push_back(x->Copy());
    Substitute(out->args.back(), table, exprs);
  }
  if (a.filter) {
    out->filter = a.filter->Copy();
    Substitute(out->filter, table, exprs);
  }
  return out;
}

std::shared_ptr<BoundWindow> SubstituteWindow(const BoundWindow& w, uint32_t table,
                                              const std::vector<BoundExprPtr>& exprs) {
  auto out = std::make_shared<BoundWindow>(BoundWindow{w.name, {}, {}, {}, w.rows_frame, w.has_frame, w.start,
                                                       w.end, w.start_offset, w.end_offset, w.ignore_nulls,
                                                       w.distinct});
  auto copy = [&](const BoundExprPtr& x) {
    BoundExprPtr c = x->Copy();
    Substitute(c, table, exprs);
    return c;
  };
  for (const auto& x : w.args) out->args.push_back(copy(x));
  for (const auto& x : w.partitions) out->partitions.push_back(copy(x));
  for (const auto& o : w.orders) out->orders.push_back(BoundOrder{copy(o.expr), o.descending, o.nulls_first});
  return out;
}

// Replaces references to `table`'s columns by copies of `exprs` (aggregate and window
// arguments are copied on write: they may be shared with other expressions).
void Substitute(BoundExprPtr& e, uint32_t table, const std::vector<BoundExprPtr>& exprs) {
  if (e->kind == BoundExprKind::kColumnRef && e->binding.table == table) {
    Type t = e->type;
    e = exprs[e->binding.column]->Copy();
    e->type = t;
    return;
  }
  for (auto& c : e->children) Substitute(c, table, exprs);
  if (e->aggregate) e->aggregate = SubstituteAggregate(*e->aggregate, table, exprs);
  if (e->window) e->window = SubstituteWindow(*e->window, table, exprs);
}

void SubstitutePlan(LogicalOperator& op, uint32_t table, const std::vector<BoundExprPtr>& exprs) {
  for (auto& c : op.children) SubstitutePlan(*c, table, exprs);
  for (auto& e : op.expressions) Substitute(e, table, exprs);
  for (auto& e : op.groups) Substitute(e, table, exprs);
  for (auto& e : op.aggregates) Substitute(e, table, exprs);
  for (auto& e : op.pushed_filters) Substitute(e, table, exprs);
  for (auto& o : op.orders) Substitute(o.expr, table, exprs);
  for (auto& c : op.conditions) {
    Substitute(c.left, table, exprs);
    Substitute(c.right, table, exprs);
  }
  for (auto& row : op.rows) {
    for (auto& e : row) Substitute(e, table, exprs);
  }
}

// Finds one removable projection below `op`, unlinks it and returns it.
LogicalPtr UnlinkPassThrough(LogicalOperator& op, const std::set<const LogicalOperator*>& keep) {
  for (auto& c : op.children) {
    if (IsPassThrough(*c) && !keep.count(c.get())) {
      LogicalPtr proj = std::move(c);
      c = std::move(proj->children[0]);
      return proj;
    }
    if (LogicalPtr found = UnlinkPassThrough(*c, keep)) return found;
  }
  return nullptr;
}

void InlineProjections(LogicalOperator& root) {
  while (true) {
    std::set<const LogicalOperator*> keep;
    MarkOutputProjections(root, &keep);
    LogicalPtr proj = UnlinkPassThrough(root, keep);
    if (!proj) return;
    SubstitutePlan(root, proj->table_index, proj->expressions);
  }
}

// ---------------------------------------------------------------- join ordering
struct Relation {
  LogicalPtr op;
  std::vector<ColumnBinding> bindings;
  double rows = 1;
};

double Estimate(const LogicalOperator& op) {
  switch (op.kind) {
    case LogicalKind::kGet:
      return std::max(1.0, op.estimated_rows) * (op.pushed_filters.empty() ? 1.0 : 0.25);
    case LogicalKind::kValues:
      return static_cast<double>(op.rows.size());
    case LogicalKind::kDummy:
      return 1;
    case LogicalKind::kFilter:
      return std::max(1.0, Estimate(*op.children[0]) * std::pow(0.3, static_cast<double>(op.expressions.size())));
    case LogicalKind::kAggregate:
      return op.groups.empty() ? 1 : std::max(1.0, Estimate(*op.children[0]) * 0.5);
    case LogicalKind::kLimit:
      return op.limit >= 0 ? std::min<double>(static_cast<double>(op.limit), Estimate(*op.children[0]))
                           : Estimate(*op.children[0]);
    case LogicalKind::kJoin:
      return std::max(Estimate(*op.children[0]), Estimate(*op.children[1]));
    default:
      return op.children.empty() ? 1000 : Estimate(*op.children[0]);
  }
}

bool IsInnerJoin(const LogicalOperator& op) {
  return op.kind == LogicalKind::kJoin && (op.join_type == JoinType::kInner || op.join_type == JoinType::kCross) &&
         op.conditions.empty();
}

LogicalPtr Reorder(LogicalPtr op);

void Collect(LogicalPtr op, std::vector<Relation>* rels, std::vector<BoundExprPtr>* preds) {
  if (IsInnerJoin(*op)) {
    for (auto& e : op->expressions) preds->push_back(std::move(e));
    Collect(std::move(op->children[0]), rels, preds);
    Collect(std::move(op->children[1]), rels, preds);
    return;
  }
  if (op->kind == LogicalKind::kFilter && IsInnerJoin(*op->children[0])) {
    for (auto& e : op->expressions) preds->push_back(std::move(e));
    Collect(std::move(op->children[0]), rels, preds);
    return;
  }
  Relation r;
  r.op = Reorder(std::move(op));
  r.bindings = r.op->GetColumnBindings();
  r.rows = Estimate(*r.op);
  rels->push_back(std::move(r));
}

// Which relations an expression references (bit set by index); subqueries' correlated
// inputs are ordinary children so they count too.
std::set<size_t> RelationsOf(const BoundExpr& e, const std::vector<Relation>& rels) {
  std::vector<ColumnBinding> refs;
  e.CollectBindings(&refs);
  std::set<size_t> out;
  for (const auto& b : refs) {
    for (size_t i = 0; i < rels.size(); i++) {
      if (std::find(rels[i].bindings.begin(), rels[i].bindings.end(), b) != rels[i].bindings.end()) {
        out.insert(i);
        break;
      }
    }
  }
  return out;
}

bool IsEquiJoinPredicate(const BoundExpr& e) {
  return e.kind == BoundExprKind::kFunction && e.function->name == "=" && e.children.size() == 2;
}

LogicalPtr AddFilter(LogicalPtr op, std::vector<BoundExprPtr> preds) {
  if (preds.empty()) return op;
  if (op->kind == LogicalKind::kFilter) {
    for (auto& p : preds) op->expressions.push_back(std::move(p));
    return op;
  }
  auto f = MakeLogical(LogicalKind::kFilter);
  f->expressions = std::move(preds);
  f->children.push_back(std::move(op));
  f->ResolveTypes();
  return f;
}

LogicalPtr ReorderJoinTree(LogicalPtr root) {
  std::vector<Relation> rels;
  std::vector<BoundExprPtr> preds;
  Collect(std::move(root), &rels, &preds);
  std::vector<std::set<size_t>> pred_rels;
  for (const auto& p : preds) pred_rels.push_back(RelationsOf(*p, rels));
  std::vector<bool> used(preds.size(), false);
  // Single-relation predicates go straight onto their relation.
  for (size_t i = 0; i < preds.size(); i++) {
    if (pred_rels[i].size() == 1 && !preds[i]->HasSubquery()) {
      size_t r = *pred_rels[i].begin();
      std::vector<BoundExprPtr> one;
      one.push_back(std::move(preds[i]));
      rels[r].op = AddFilter(std::move(rels[r].op), std::move(one));
      rels[r].rows = std::max(1.0, rels[r].rows * 0.2);
      used[i] = true;
    }
  }
  std::vector<bool> joined(rels.size(), false);
  // Start with the smallest relation.
  size_t first = 0;
  for (size_t i = 1; i < rels.size(); i++) {
    if (rels[i].rows < rels[first].rows) first = i;
  }
  std::set<size_t> in_tree{first};
  joined[first] = true;
  LogicalPtr tree = std::move(rels[first].op);
  double tree_rows = rels[first].rows;
  for (size_t step = 1; step < rels.size(); step++) {
    // Prefer relations connected to the tree by an equality predicate.
    size_t best = SIZE_MAX;
    bool best_connected = false;
    for (size_t r = 0; r < rels.size(); r++) {
      if (joined[r]) continue;
      bool connected = false;
      for (size_t p = 0; p < preds.size() && !connected; p++) {
        if (used[p] || !IsEquiJoinPredicate(*preds[p]) || !pred_rels[p].count(r)) continue;
        bool rest_in_tree = true;
        for (size_t x : pred_rels[p]) rest_in_tree = rest_in_tree && (x == r || in_tree.count(x));
        connected = rest_in_tree && pred_rels[p].size() >= 2;
      }
      if (best == SIZE_MAX || (connected && !best_connected) ||
          (connected == best_connected && rels[r].rows < rels[best].rows)) {
        best = r;
        best_connected = connected;
      }
    }
    in_tree.insert(best);
    joined[best] = true;
    auto join = MakeLogical(LogicalKind::kJoin);
    join->join_type = JoinType::kInner;
    for (size_t p = 0; p < preds.size(); p++) {
      if (used[p] || preds[p]->HasSubquery()) continue;
      bool inside = true;
      for (size_t x : pred_rels[p]) inside = inside && in_tree.count(x);
      if (inside && pred_rels[p].count(best)) {
        join->expressions.push_back(std::move(preds[p]));
        used[p] = true;
      }
    }
    if (join->expressions.empty()) join->join_type = JoinType::kCross;
    double right_rows = rels[best].rows;
    join->children.push_back(std::move(tree));
    join->children.push_back(std::move(rels[best].op));
    // Keep the smaller input on the build (right) side.
    if (right_rows > tree_rows * 4) std::swap(join->children[0], join->children[1]);
    join->ResolveTypes();
    tree_rows = best_connected ? std::max(tree_rows, right_rows) : tree_rows * right_rows;
    tree = std::move(join);
  }
  std::vector<BoundExprPtr> rest;
  for (size_t p = 0; p < preds.size(); p++) {
    if (!used[p]) rest.push_back(std::move(preds[p]));
  }
  return AddFilter(std::move(tree), std::move(rest));
}

LogicalPtr Reorder(LogicalPtr op) {
  if (IsInnerJoin(*op) || (op->kind == LogicalKind::kFilter && IsInnerJoin(*op->children[0]))) {
    return ReorderJoinTree(std::move(op));
  }
  for (auto& c : op->children) c = Reorder(std::move(c));
  return op;
}

// Subquery plans are optimized too.
void OptimizeSubqueries(BoundExpr& e, QueryState* query);

void VisitExpressions(LogicalOperator& op, QueryState* query) {
  for (auto& c : op.children) VisitExpressions(*c, query);
  for (auto& e : op.expressions) OptimizeSubqueries(*e, query);
  for (auto& e : op.groups) OptimizeSubqueries(*e, query);
  for (auto& e : op.aggregates) OptimizeSubqueries(*e, query);
  for (auto& e : op.pushed_filters) OptimizeSubqueries(*e, query);
}

void OptimizeSubqueries(BoundExpr& e, QueryState* query) {
  if (e.kind == BoundExprKind::kSubquery && e.subquery->plan) {
    e.subquery->plan = Optimize(std::move(e.subquery->plan), query);
  }
  for (auto& c : e.children) OptimizeSubqueries(*c, query);
  if (e.aggregate) {
    for (auto& a : e.aggregate->args) OptimizeSubqueries(*a, query);
  }
}

// ---------------------------------------------------------------- pushdown and pruning
// Moves filters that sit directly on a scan into the scan (applied while decoding, and
// used for partition pruning).
LogicalPtr PushFiltersIntoScans(LogicalPtr op) {
  for (auto& c : op->children) c = PushFiltersIntoScans(std::move(c));
  if (op->kind == LogicalKind::kFilter && op->children[0]->kind == LogicalKind::kGet) {
    LogicalOperator& get = *op->children[0];
    std::vector<BoundExprPtr> kept;
    for (auto& e : op->expressions) {
      if (e->HasSubquery()) {
        kept.push_back(std::move(e));
      } else {
        get.pushed_filters.push_back(std::move(e));
      }
    }
    if (kept.empty()) return std::move(op->children[0]);
    op->expressions = std::move(kept);
  }
  return op;
}

void CollectExprBindings(const BoundExpr& e, std::vector<ColumnBinding>* out) { e.CollectBindings(out); }

void CollectPlanBindings(const LogicalOperator& op, std::vector<ColumnBinding>* out) {
  for (const auto& c : op.children) CollectPlanBindings(*c, out);
  for (const auto& e : op.expressions) CollectExprBindings(*e, out);
  for (const auto& e : op.groups) CollectExprBindings(*e, out);
  for (const auto& e : op.aggregates) CollectExprBindings(*e, out);
  for (const auto& e : op.pushed_filters) CollectExprBindings(*e, out);
  for (const auto& o : op.orders) CollectExprBindings(*o.expr, out);
  for (const auto& c : op.conditions) {
    CollectExprBindings(*c.left, out);
    CollectExprBindings(*c.right, out);
  }
  for (const auto& row : op.rows) {
    for (const auto& e : row) CollectExprBindings(*e, out);
  }
  // Set operations and the plan root read every column of their inputs.
  if (op.kind == LogicalKind::kSetOp || op.kind == LogicalKind::kDistinct) {
    for (const auto& c : op.children) {
      auto b = c->GetColumnBindings();
      out->insert(out->end(), b.begin(), b.end());
    }
  }
}

// Projection outputs nothing reads (a view's SELECT *) become NULL constants, so the
// columns under them become unreferenced too; repeated until nothing changes.
void NullUnusedProjections(LogicalOperator& root) {
  bool changed = true;
  while (changed) {
    changed = false;
    std::vector<ColumnBinding> used = root.GetColumnBindings();
    CollectPlanBindings(root, &used);
    std::vector<LogicalOperator*> stack;
    for (auto& c : root.children) stack.push_back(c.get());
    while (!stack.empty()) {
      LogicalOperator* op = stack.back();
      stack.pop_back();
      for (auto& c : op->children) stack.push_back(c.get());
      if (op->kind != LogicalKind::kProjection) continue;
      for (uint32_t i = 0; i < op->expressions.size(); i++) {
        BoundExprPtr& e = op->expressions[i];
        if (e->kind == BoundExprKind::kConstant || e->HasSubquery()) continue;
        ColumnBinding b{op->table_index, i};
        if (std::find(used.begin(), used.end(), b) != used.end()) continue;
        Type t = e->type;
        e = MakeConstant(Value::Null(t), "NULL");
        e->type = t;
        changed = true;
      }
    }
  }
}

// Scans produce only the columns something above reads.
void PruneColumns(LogicalOperator& root) {
  NullUnusedProjections(root);
  std::vector<ColumnBinding> used = root.GetColumnBindings();
  CollectPlanBindings(root, &used);
  std::vector<LogicalOperator*> stack{&root};
  while (!stack.empty()) {
    LogicalOperator* op = stack.back();
    stack.pop_back();
    for (auto& c : op->children) stack.push_back(c.get());
    if (op->kind != LogicalKind::kGet) continue;
    std::vector<uint32_t> keep;
    for (uint32_t c : op->column_ids) {
      ColumnBinding b{op->table_index, c};
      if (std::find(used.begin(), used.end(), b) != used.end()) keep.push_back(c);
    }
    if (keep.empty() && !op->column_ids.empty()) {
      // Row counts still need one column; prefer a partition key (no bytes to read).
      keep.push_back(op->column_ids.back());
    }
    op->column_ids = keep;
    op->ResolveTypes();
  }
}

}  // namespace

LogicalPtr Optimize(LogicalPtr plan, QueryState* query) {
  ExecContext ctx(query);
  FoldPlan(*plan, &ctx);
  NullUnusedProjections(*plan);
  InlineProjections(*plan);
  plan = Reorder(std::move(plan));
  plan = PushFiltersIntoScans(std::move(plan));
  PruneColumns(*plan);
  VisitExpressions(*plan, query);
  plan->ResolveTypes();
  return plan;
}

}  // namespace sql
