#include "engines/sql/execution/physical_planner.h"

#include <algorithm>

#include "engines/sql/binder/binder.h"
#include "engines/sql/execution/expression_executor.h"
#include "engines/sql/execution/operators.h"
#include "engines/sql/execution/scan_operator.h"

namespace sql {

namespace {

// Copies `e` with column references resolved to positions in `input`.
BoundExprPtr Resolve(const BoundExpr& e, const std::vector<ColumnBinding>& input) {
  BoundExprPtr c = e.Copy();
  std::vector<BoundExpr*> stack{c.get()};
  while (!stack.empty()) {
    BoundExpr* x = stack.back();
    stack.pop_back();
    if (x->kind == BoundExprKind::kColumnRef) {
      x->index = -1;
      for (size_t i = 0; i < input.size(); i++) {
        if (input[i] == x->binding) {
          x->index = static_cast<int>(i);
          break;
        }
      }
      if (x->index < 0) {
        throw ExecutionError("GENERIC_INTERNAL_ERROR", "unresolved column " + x->text);
      }
    }
    for (auto& ch : x->children) stack.push_back(ch.get());
    if (x->aggregate) {
      auto agg = std::make_shared<BoundAggregate>(BoundAggregate{x->aggregate->name, {}, x->aggregate->distinct, nullptr});
      for (auto& a : x->aggregate->args) agg->args.push_back(Resolve(*a, input));
      if (x->aggregate->filter) agg->filter = Resolve(*x->aggregate->filter, input);
      x->aggregate = agg;
    }
    if (x->window) {
      auto w = std::make_shared<BoundWindow>();
      const BoundWindow& o = *x->window;
      w->name = o.name;
      w->rows_frame = o.rows_frame;
      w->has_frame = o.has_frame;
      w->start = o.start;
      w->end = o.end;
      w->start_offset = o.start_offset;
      w->end_offset = o.end_offset;
      w->ignore_nulls = o.ignore_nulls;
      w->distinct = o.distinct;
      for (auto& a : o.args) w->args.push_back(Resolve(*a, input));
      for (auto& p : o.partitions) w->partitions.push_back(Resolve(*p, input));
      for (auto& ord : o.orders) w->orders.push_back(BoundOrder{Resolve(*ord.expr, input), ord.descending, ord.nulls_first});
      x->window = w;
    }
  }
  return c;
}

bool RefersOnlyTo(const BoundExpr& e, const std::vector<ColumnBinding>& side) {
  std::vector<ColumnBinding> refs;
  e.CollectBindings(&refs);
  for (const auto& r : refs) {
    if (std::find(side.begin(), side.end(), r) == side.end()) return false;
  }
  return true;
}

bool IsEquality(const BoundExpr& e) {
  return e.kind == BoundExprKind::kFunction && e.function->name == "=" && e.children.size() == 2;
}

}  // namespace

PhysicalPlanner::PhysicalPlanner(ExecContext* ctx) : ctx_(ctx) {}

PhysicalPtr PhysicalPlanner::Plan(const LogicalOperator& op) {
  switch (op.kind) {
    case LogicalKind::kGet: {
      if (op.external) return MakeExternalScan(ctx_, op);
      std::vector<Type> types;
      for (uint32_t c : op.column_ids) types.push_back(op.table_columns[c].type);
      PhysicalPtr scan = MakeMemoryScan(ctx_, op.snapshot, op.column_ids, types);
      if (!op.pushed_filters.empty()) {
        auto bindings = op.GetColumnBindings();
        std::vector<BoundExprPtr> preds;
        for (const auto& f : op.pushed_filters) preds.push_back(Resolve(*f, bindings));
        scan = MakeFilter(ctx_, std::move(scan), std::move(preds));
      }
      return scan;
    }
    case LogicalKind::kDummy:
    case LogicalKind::kValues:
    case LogicalKind::kEmpty: {
      auto rows = std::make_shared<ChunkCollection>(op.types);
      if (op.kind == LogicalKind::kDummy) {
        DataChunk c(op.types, 1);
        c.set_size(1);
        rows->AppendOwned(std::move(c));
      } else if (op.kind == LogicalKind::kValues) {
        ExpressionExecutor exec(ctx_);
        DataChunk one;
        one.set_size(1);
        for (size_t start = 0; start < op.rows.size(); start += kVectorSize) {
          size_t n = std::min(kVectorSize, op.rows.size() - start);
          DataChunk c(op.types, kVectorSize);
          for (size_t r = 0; r < n; r++) {
            for (size_t k = 0; k < op.types.size(); k++) {
              Vector v;
              exec.Execute(*Resolve(*op.rows[start + r][k], {}), one, v);
              c.column(k).CopyRange(v, 0, 1, r);
            }
          }
          c.set_size(n);
          rows->AppendOwned(std::move(c));
        }
      }
      return MakeCollectionScan(ctx_, rows);
    }
    case LogicalKind::kFilter: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> preds;
      for (const auto& e : op.expressions) preds.push_back(Resolve(*e, bindings));
      return MakeFilter(ctx_, std::move(child), std::move(preds));
    }
    case LogicalKind::kProjection: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> exprs;
      for (const auto& e : op.expressions) exprs.push_back(Resolve(*e, bindings));
      return MakeProjection(ctx_, std::move(child), std::move(exprs));
    }
    case LogicalKind::kAggregate: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> groups, aggs;
      for (const auto& e : op.groups) groups.push_back(Resolve(*e, bindings));
      for (const auto& e : op.aggregates) aggs.push_back(Resolve(*e, bindings));
      return MakeHashAggregate(ctx_, std::move(child), std::move(groups), std::move(aggs), op.grouping_sets,
                               op.grouping_calls, op.types);
    }
    case LogicalKind::kJoin: {
      auto lb = op.children[0]->GetColumnBindings();
      auto rb = op.children[1]->GetColumnBindings();
      std::vector<ColumnBinding> all = lb;
      all.insert(all.end(), rb.begin(), rb.end());
      std::vector<BoundExprPtr> lkeys, rkeys, residual;
      std::vector<bool> null_equal;
      for (const auto& c : op.conditions) {
        lkeys.push_back(Resolve(*c.left, lb));
        rkeys.push_back(Resolve(*c.right, rb));
        null_equal.push_back(c.null_equal);
      }
      for (const auto& e : op.expressions) {
        if (IsEquality(*e) && !e->HasSubquery()) {
          const BoundExpr& a = *e->children[0];
          const BoundExpr& b = *e->children[1];
          std::vector<ColumnBinding> ra, rb2;
          a.CollectBindings(&ra);
          b.CollectBindings(&rb2);
          if (!ra.empty() && !rb2.empty()) {
            if (RefersOnlyTo(a, lb) && RefersOnlyTo(b, rb)) {
              lkeys.push_back(Resolve(a, lb));
              rkeys.push_back(Resolve(b, rb));
              null_equal.push_back(false);
              continue;
            }
            if (RefersOnlyTo(b, lb) && RefersOnlyTo(a, rb)) {
              lkeys.push_back(Resolve(b, lb));
              rkeys.push_back(Resolve(a, rb));
              null_equal.push_back(false);
              continue;
            }
          }
        }
        residual.push_back(Resolve(*e, all));
      }
      auto left = Plan(*op.children[0]);
      auto right = Plan(*op.children[1]);
      BoundExprPtr pred = MakeConjunction(std::move(residual));
      JoinType t = op.join_type == JoinType::kCross ? JoinType::kInner : op.join_type;
      if (!lkeys.empty()) {
        return MakeHashJoin(ctx_, std::move(left), std::move(right), t, std::move(lkeys), std::move(rkeys),
                            std::move(null_equal), std::move(pred), op.types);
      }
      return MakeNestedLoopJoin(ctx_, std::move(left), std::move(right), t, std::move(pred), op.types);
    }
    case LogicalKind::kOrder: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundOrder> orders;
      for (const auto& o : op.orders) orders.push_back(BoundOrder{Resolve(*o.expr, bindings), o.descending, o.nulls_first});
      return MakeSort(ctx_, std::move(child), std::move(orders), -1, 0);
    }
    case LogicalKind::kLimit: {
      const LogicalOperator& child = *op.children[0];
      if (child.kind == LogicalKind::kOrder && op.limit >= 0) {
        auto grand = Plan(*child.children[0]);
        auto bindings = child.children[0]->GetColumnBindings();
        std::vector<BoundOrder> orders;
        for (const auto& o : child.orders) orders.push_back(BoundOrder{Resolve(*o.expr, bindings), o.descending, o.nulls_first});
        return MakeSort(ctx_, std::move(grand), std::move(orders), op.limit, op.offset);
      }
      return MakeLimit(ctx_, Plan(child), op.limit, op.offset);
    }
    case LogicalKind::kDistinct:
      return MakeDistinct(ctx_, Plan(*op.children[0]));
    case LogicalKind::kSetOp:
      return MakeSetOperation(ctx_, Plan(*op.children[0]), Plan(*op.children[1]), op.set_op, op.set_all);
    case LogicalKind::kWindow: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> windows;
      for (const auto& e : op.expressions) windows.push_back(Resolve(*e, bindings));
      return MakeWindow(ctx_, std::move(child), std::move(windows), op.types);
    }
  }
  throw ExecutionError("GENERIC_INTERNAL_ERROR", "unknown logical operator");
}

ChunkCollection ExecutePlan(const LogicalOperator& plan, QueryState* query, const std::vector<Value>& params,
                            size_t max_rows) {
  ExecContext ctx(query);
  ctx.params() = params;
  ctx.run_subquery = [query](const BoundSubquery& sq, const std::vector<Value>& p, bool first_only) {
    return ExecutePlan(*sq.plan, query, p, first_only ? 1 : SIZE_MAX);
  };
  PhysicalPlanner planner(&ctx);
  PhysicalPtr root = planner.Plan(plan);
  return Materialize(*root, &ctx, max_rows);
}

}  // namespace sql
