#include "engines/sql/execution/physical_planner.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "engines/sql/binder/binder.h"
#include "engines/sql/execution/chunk_exchange.h"
#include "engines/sql/execution/expression_executor.h"
#include "engines/sql/execution/key_bounds.h"
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

// A join's equality conditions split into hash keys per side, and the rest (over left
// columns followed by right columns).
struct JoinKeys {
  std::vector<BoundExprPtr> left, right;
  std::vector<bool> null_equal;
  BoundExprPtr residual;
};

JoinKeys SplitJoinKeys(const LogicalOperator& op) {
  auto lb = op.children[0]->GetColumnBindings();
  auto rb = op.children[1]->GetColumnBindings();
  std::vector<ColumnBinding> all = lb;
  all.insert(all.end(), rb.begin(), rb.end());
  JoinKeys out;
  std::vector<BoundExprPtr> residual;
  for (const auto& c : op.conditions) {
    out.left.push_back(Resolve(*c.left, lb));
    out.right.push_back(Resolve(*c.right, rb));
    out.null_equal.push_back(c.null_equal);
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
          out.left.push_back(Resolve(a, lb));
          out.right.push_back(Resolve(b, rb));
          out.null_equal.push_back(false);
          continue;
        }
        if (RefersOnlyTo(b, lb) && RefersOnlyTo(a, rb)) {
          out.left.push_back(Resolve(b, lb));
          out.right.push_back(Resolve(a, rb));
          out.null_equal.push_back(false);
          continue;
        }
      }
    }
    residual.push_back(Resolve(*e, all));
  }
  out.residual = MakeConjunction(std::move(residual));
  return out;
}

bool AnySubquery(const std::vector<BoundExprPtr>& exprs) {
  for (const auto& e : exprs) {
    if (e->HasSubquery()) return true;
  }
  return false;
}

// Whether `op` can run as copies on several threads: scans, filters, projections and the
// probe side of hash joins whose build side is shared (not right/full joins, which track
// matched build rows). Subqueries stay serial.
bool IsParallelPipeline(const LogicalOperator& op) {
  switch (op.kind) {
    case LogicalKind::kGet:
      return !AnySubquery(op.pushed_filters);
    case LogicalKind::kFilter:
    case LogicalKind::kProjection:
      return !AnySubquery(op.expressions) && IsParallelPipeline(*op.children[0]);
    case LogicalKind::kJoin: {
      if (op.join_type == JoinType::kRight || op.join_type == JoinType::kFull) return false;
      if (AnySubquery(op.expressions)) return false;
      for (const auto& c : op.conditions) {
        if (c.left->HasSubquery() || c.right->HasSubquery()) return false;
      }
      return !SplitJoinKeys(op).left.empty() && IsParallelPipeline(*op.children[0]);
    }
    default:
      return false;
  }
}

// The external scan whose rows become `op`'s rows one for one or more (through filters,
// projections and, with `through_joins`, the probe sides of joins other than right and full
// ones), with column `binding` of `op` read unchanged by it as output column `column`; or
// {null, -1}. A scan may drop rows whose value there a join above `op` cannot match: they
// lead to no row it keeps. Without joins the rows also keep the scan's order.
std::pair<const LogicalOperator*, int> KeyScan(const LogicalOperator& op, ColumnBinding binding,
                                               bool through_joins = true) {
  const LogicalOperator* node = &op;
  while (true) {
    auto bindings = node->GetColumnBindings();
    auto it = std::find(bindings.begin(), bindings.end(), binding);
    if (it == bindings.end()) return {nullptr, -1};
    switch (node->kind) {
      case LogicalKind::kGet:
        if (!node->external) return {nullptr, -1};
        return {node, static_cast<int>(it - bindings.begin())};
      case LogicalKind::kProjection: {
        const BoundExpr& e = *node->expressions[it - bindings.begin()];
        if (e.kind != BoundExprKind::kColumnRef) return {nullptr, -1};
        binding = e.binding;
        break;
      }
      case LogicalKind::kFilter:
        break;
      case LogicalKind::kJoin:
        // The probe side's columns come first; its rows each lead to zero or more rows.
        if (!through_joins || node->join_type == JoinType::kRight ||
            node->join_type == JoinType::kFull) {
          return {nullptr, -1};
        }
        break;
      default:
        return {nullptr, -1};
    }
    node = node->children[0].get();
  }
}

// The row-group bounds of an aggregation's one integer group key when it is a column read
// straight from a Parquet scan (through filters and projections only, which keep the rows
// in order and the column as it is), or null.
std::shared_ptr<const KeyBounds> GroupKeyBounds(const LogicalOperator& agg, QueryState* query) {
  if (agg.groups.size() != 1 || !agg.grouping_sets.empty() || !query->fs) return nullptr;
  const BoundExpr& key = *agg.groups[0];
  if (key.kind != BoundExprKind::kColumnRef || key.type.physical() != PhysicalType::kInt64)
    return nullptr;
  auto [op, output] = KeyScan(*agg.children[0], key.binding, /*through_joins=*/false);
  if (!op) return nullptr;
  uint32_t column = op->column_ids[static_cast<size_t>(output)];
  if (column >= op->external->columns.size()) return nullptr;  // a partition key
  const ColumnDef& def = op->table_columns[column];
  if (def.type != key.type) return nullptr;
  try {
    return KeyBounds::Of(*query->fs, *op->external, def.name, def.type);
  } catch (const ExecutionError&) {
    return nullptr;  // the scan reports an unreadable file itself
  }
}

}  // namespace

// Shared state of the copies of one parallel pipeline, by logical operator.
struct PhysicalPlanner::PipelineState {
  std::map<const LogicalOperator*, std::shared_ptr<ScanMorsels>> scans;
  std::map<const LogicalOperator*, std::shared_ptr<std::atomic<size_t>>> memory_scans;
  std::map<const LogicalOperator*, std::shared_ptr<HashJoinBuild>> builds;
  std::vector<std::shared_ptr<HashJoinBuild>> build_list;
  std::map<const LogicalOperator*, std::vector<JoinKeyPushdown>> join_filters;  // by scan
  // Whether the pipeline's consumer takes its rows in any order and split in any way between
  // the copies, so that the external scans' chunks may change copies (ChunkExchange).
  bool exchange = false;
  std::map<const LogicalOperator*, std::shared_ptr<ChunkExchange>> exchanges;  // by scan
};

PhysicalPlanner::PhysicalPlanner(ExecContext* ctx) : ctx_(ctx) {}

PhysicalPtr PhysicalPlanner::PlanAggregate(const LogicalOperator& op,
                                           std::vector<BoundExprPtr> having) {
  if (PhysicalPtr parallel = PlanParallelAggregate(op, having)) return parallel;
  auto child = Plan(*op.children[0]);
  auto bindings = op.children[0]->GetColumnBindings();
  std::vector<BoundExprPtr> groups, aggs;
  for (const auto& e : op.groups) groups.push_back(Resolve(*e, bindings));
  for (const auto& e : op.aggregates) aggs.push_back(Resolve(*e, bindings));
  return MakeHashAggregate(ctx_, std::move(child), std::move(groups), std::move(aggs),
                           op.grouping_sets, op.grouping_calls, op.types, std::move(having),
                           GroupKeyBounds(op, ctx_->query()));
}

PhysicalPtr PhysicalPlanner::PlanParallelAggregate(const LogicalOperator& op,
                                                   const std::vector<BoundExprPtr>& having) {
  QueryState* q = ctx_->query();
  if (q->threads < 2 || !q->pool || !op.grouping_sets.empty() || !op.grouping_calls.empty() ||
      AnySubquery(op.groups) || AnySubquery(op.aggregates) || !IsParallelPipeline(*op.children[0])) {
    return nullptr;
  }
  for (const auto& a : op.aggregates) {
    if (a->aggregate->distinct) return nullptr;
  }
  auto bindings = op.children[0]->GetColumnBindings();
  std::vector<BoundExprPtr> groups, aggs;
  for (const auto& e : op.groups) groups.push_back(Resolve(*e, bindings));
  for (const auto& e : op.aggregates) aggs.push_back(Resolve(*e, bindings));
  PipelineState state;
  // An aggregation on one integer key that the pipeline's scan reads first tries to find its
  // groups in key order (OrderedGroups), which needs each copy to read its morsels whole. A
  // key from a join's build side never arrives in order: the chunks may change copies.
  bool in_key_order = false;
  if (op.groups.size() == 1 && op.groups[0]->type.physical() == PhysicalType::kInt64) {
    const BoundExpr& key = *op.groups[0];
    in_key_order = key.kind != BoundExprKind::kColumnRef ||
                   KeyScan(*op.children[0], key.binding).first != nullptr;
  }
  state.exchange = !in_key_order;
  std::vector<PhysicalPtr> copies;
  for (int t = 0; t < q->threads; t++) copies.push_back(PlanPipeline(*op.children[0], &state, t == 0));
  return MakeParallelHashAggregate(ctx_, std::move(copies), groups, aggs, op.types,
                                   std::move(state.build_list), having, GroupKeyBounds(op, q));
}

PhysicalPtr PhysicalPlanner::PlanPipeline(const LogicalOperator& op, PipelineState* state, bool first) {
  switch (op.kind) {
    case LogicalKind::kGet: {
      PhysicalPtr scan;
      if (op.external) {
        scan =
            MakeParallelExternalScan(ctx_, op, state->scans[&op], first, state->join_filters[&op]);
        if (!state->exchange) return scan;
        auto& exchange = state->exchanges[&op];
        if (!exchange) exchange = std::make_shared<ChunkExchange>();
        return MakeExchangeSource(ctx_, std::move(scan), exchange);
      }
      auto& counter = state->memory_scans[&op];
      if (!counter) counter = std::make_shared<std::atomic<size_t>>(0);
      std::vector<Type> types;
      for (uint32_t c : op.column_ids) types.push_back(op.table_columns[c].type);
      scan = MakeMemoryScan(ctx_, op.snapshot, op.column_ids, types, counter);
      if (op.pushed_filters.empty()) return scan;
      auto bindings = op.GetColumnBindings();
      std::vector<BoundExprPtr> preds;
      for (const auto& f : op.pushed_filters) preds.push_back(Resolve(*f, bindings));
      return MakeFilter(ctx_, std::move(scan), std::move(preds));
    }
    case LogicalKind::kFilter: {
      auto child = PlanPipeline(*op.children[0], state, first);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> preds;
      for (const auto& e : op.expressions) preds.push_back(Resolve(*e, bindings));
      return MakeFilter(ctx_, std::move(child), std::move(preds));
    }
    case LogicalKind::kProjection: {
      auto child = PlanPipeline(*op.children[0], state, first);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> exprs;
      for (const auto& e : op.expressions) exprs.push_back(Resolve(*e, bindings));
      return MakeProjection(ctx_, std::move(child), std::move(exprs));
    }
    case LogicalKind::kJoin: {
      JoinKeys keys = SplitJoinKeys(op);
      bool one_key = keys.left.size() == 1 && keys.left[0]->type == keys.right[0]->type;
      auto& build = state->builds[&op];
      if (!build) {
        QueryState* q = ctx_->query();
        if (q->threads >= 2 && q->pool && IsParallelPipeline(*op.children[1])) {
          // The build side's own pipeline runs in copies too.
          PipelineState inner;
          inner.exchange = true;  // a build side takes its rows in any order
          std::vector<PhysicalPtr> copies;
          for (int t = 0; t < q->threads; t++) copies.push_back(PlanPipeline(*op.children[1], &inner, first && t == 0));
          build = MakeParallelHashJoinBuild(ctx_, std::move(copies), std::move(inner.build_list), std::move(keys.right),
                                            keys.null_equal);
        } else {
          build = MakeHashJoinBuild(ctx_, Plan(*op.children[1]), std::move(keys.right), keys.null_equal);
        }
        state->build_list.push_back(build);
        // Inner and semi joins drop the probe rows without a match: the scan the probe key
        // is read by drops those whose key the build cannot hold.
        bool drops = op.join_type == JoinType::kInner || op.join_type == JoinType::kSemi;
        if (drops && one_key && keys.left[0]->kind == BoundExprKind::kColumnRef) {
          auto [scan, column] = KeyScan(*op.children[0], keys.left[0]->binding);
          auto filter = scan ? HashJoinKeyFilter(*build) : nullptr;
          if (filter) state->join_filters[scan].push_back({filter, column});
        }
      }
      JoinType t = op.join_type == JoinType::kCross ? JoinType::kInner : op.join_type;
      return MakeHashJoinProbe(ctx_, PlanPipeline(*op.children[0], state, first), build, t, std::move(keys.left),
                               std::move(keys.null_equal), std::move(keys.residual), op.types);
    }
    default:
      throw ExecutionError("GENERIC_INTERNAL_ERROR", "operator cannot run in a parallel pipeline");
  }
}

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
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> preds;
      for (const auto& e : op.expressions) preds.push_back(Resolve(*e, bindings));
      // A filter over an aggregation (HAVING) is applied by it, to groups it finishes early
      // as well as to those it returns at the end.
      if (op.children[0]->kind == LogicalKind::kAggregate && !AnySubquery(op.expressions)) {
        return PlanAggregate(*op.children[0], std::move(preds));
      }
      return MakeFilter(ctx_, Plan(*op.children[0]), std::move(preds));
    }
    case LogicalKind::kProjection: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundExprPtr> exprs;
      for (const auto& e : op.expressions) exprs.push_back(Resolve(*e, bindings));
      return MakeProjection(ctx_, std::move(child), std::move(exprs));
    }
    case LogicalKind::kAggregate:
      return PlanAggregate(op, {});
    case LogicalKind::kJoin: {
      JoinKeys keys = SplitJoinKeys(op);
      auto left = Plan(*op.children[0]);
      auto right = Plan(*op.children[1]);
      JoinType t = op.join_type == JoinType::kCross ? JoinType::kInner : op.join_type;
      if (!keys.left.empty()) {
        return MakeHashJoin(ctx_, std::move(left), std::move(right), t, std::move(keys.left), std::move(keys.right),
                            std::move(keys.null_equal), std::move(keys.residual), op.types);
      }
      return MakeNestedLoopJoin(ctx_, std::move(left), std::move(right), t, std::move(keys.residual), op.types);
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
