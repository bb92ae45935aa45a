#include "engines/sql/optimizer/optimizer.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "engines/sql/binder/binder.h"
#include "engines/sql/execution/expression_executor.h"
#include "engines/sql/execution/scan_operator.h"
#include "engines/sql/execution/scan_statistics.h"
#include "engines/sql/function/aggregate_function.h"

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

// Projections whose column list is positional: on the plan's output path (reached from the
// root through operators that pass their input's columns on) or under a set operation or
// DISTINCT.
void MarkOutputProjections(const LogicalOperator& op, bool output, std::set<const LogicalOperator*>* out) {
  if (op.kind == LogicalKind::kProjection && output) out->insert(&op);
  bool child_output = output;
  if (op.kind == LogicalKind::kSetOp || op.kind == LogicalKind::kDistinct) child_output = true;
  if (op.kind == LogicalKind::kProjection || op.kind == LogicalKind::kAggregate) child_output = false;
  for (const auto& c : op.children) MarkOutputProjections(*c, child_output, out);
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
    MarkOutputProjections(root, true, &keep);
    LogicalPtr proj = UnlinkPassThrough(root, keep);
    if (!proj) return;
    SubstitutePlan(root, proj->table_index, proj->expressions);
  }
}

// ---------------------------------------------------------------- statistics
// What the optimizer knows about a scanned table: its row count and, per table column, the
// value range and a distinct-count estimate (0 = unknown), from Parquet footers.
struct ColumnEstimate {
  std::optional<ValueRange> range;
  double ndv = 0;
};

struct TableEstimate {
  double rows = 0;
  std::vector<ColumnEstimate> columns;  // indexed by table column
};

struct StatsMap {
  // By the scan's table index (or an aggregation's aggregate index). A semi join's subquery,
  // optimized while the enclosing plan is reordered, adds its tables for the enclosing
  // plan's estimates of the join.
  mutable std::map<uint32_t, TableEstimate> tables;
  QueryState* query = nullptr;
  // The next table index no operator of the plan uses, for operators the optimizer adds.
  mutable uint32_t next_table_index = 0;
};

// Footers read per table at most; the rest is extrapolated by file size.
constexpr size_t kMaxFootersPerTable = 16;

void MergeRange(std::optional<ValueRange>& into, const std::optional<ValueRange>& r, char* first) {
  if (*first) {
    into = r;
    *first = 0;
    return;
  }
  if (!into || !r || into->numeric != r->numeric) {
    into.reset();
    return;
  }
  into->lo = std::min(into->lo, r->lo);
  into->hi = std::max(into->hi, r->hi);
  if (r->slo < into->slo) into->slo = r->slo;
  if (r->shi > into->shi) into->shi = r->shi;
}

TableEstimate EstimateParquetTable(const TableDefinition& def, const std::vector<ColumnDef>& columns, FileSystem& fs) {
  TableEstimate t;
  t.columns.resize(columns.size());
  std::vector<char> first(columns.size(), 1);
  std::vector<double> distinct(columns.size(), 0);
  uint64_t sampled_bytes = 0, total_bytes = 0;
  double sampled_rows = 0;
  for (const auto& f : def.files) total_bytes += f.size;
  for (size_t i = 0; i < def.files.size() && i < kMaxFootersPerTable; i++) {
    auto reader = OpenParquetFile(fs, def.files[i].path);
    const auto& meta = reader->metadata();
    sampled_bytes += def.files[i].size;
    sampled_rows += static_cast<double>(meta.num_rows);
    for (size_t c = 0; c < def.columns.size() && c < columns.size(); c++) {
      int idx = meta.schema.FindColumn(columns[c].name);
      if (idx < 0) {
        first[c] = 0;
        t.columns[c].range.reset();
        continue;
      }
      Type source = ParquetColumnType(meta.schema.columns[idx]);
      for (const auto& rg : meta.row_groups) {
        std::optional<ValueRange> r;
        if (static_cast<size_t>(idx) < rg.columns.size() && rg.columns[idx].statistics) {
          const auto& st = *rg.columns[idx].statistics;
          r = RangeOf(st, source);
          if (st.distinct_count) distinct[c] = std::max(distinct[c], static_cast<double>(*st.distinct_count));
        }
        MergeRange(t.columns[c].range, r, &first[c]);
      }
    }
  }
  t.rows = sampled_rows;
  if (sampled_bytes > 0 && total_bytes > sampled_bytes) {
    t.rows *= static_cast<double>(total_bytes) / static_cast<double>(sampled_bytes);
  }
  for (size_t c = 0; c < t.columns.size(); c++) {
    ColumnEstimate& e = t.columns[c];
    const Type& type = columns[c].type;
    if (distinct[c] > 0) {
      e.ndv = distinct[c];
    } else if (e.range && e.range->numeric && (type.IsInteger() || type.id() == TypeId::kDate)) {
      e.ndv = std::min(t.rows, e.range->hi - e.range->lo + 1);
    }
  }
  return t;
}

// Row counts and column statistics of every Parquet scan in the plan (not in subqueries,
// which are optimized on their own). Unreadable footers leave a table without statistics:
// the scan reports the error.
void GatherStatistics(LogicalOperator& op, FileSystem* fs, StatsMap* out) {
  for (auto& c : op.children) GatherStatistics(*c, fs, out);
  if (op.kind != LogicalKind::kGet || !op.external || op.external->format != FileFormat::kParquet || !fs) return;
  try {
    TableEstimate t = EstimateParquetTable(*op.external, op.table_columns, *fs);
    op.estimated_rows = std::max(1.0, t.rows);
    out->tables[op.table_index] = std::move(t);
  } catch (const std::exception&) {
  }
}

const ColumnEstimate* FindColumn(const StatsMap& stats, const ColumnBinding& b) {
  auto it = stats.tables.find(b.table);
  if (it == stats.tables.end() || b.column >= it->second.columns.size()) return nullptr;
  return &it->second.columns[b.column];
}

const BoundExpr* StripCasts(const BoundExpr& e) {
  const BoundExpr* x = &e;
  while (x->kind == BoundExprKind::kCast) x = x->children[0].get();
  return x;
}

double ConjunctionSelectivity(const std::vector<const BoundExpr*>& conjuncts,
                              const StatsMap& stats);

// The fraction of rows a predicate keeps.
double Selectivity(const BoundExpr& e, const StatsMap& stats) {
  switch (e.kind) {
    case BoundExprKind::kAnd: {
      std::vector<const BoundExpr*> conjuncts;
      for (const auto& c : e.children) conjuncts.push_back(c.get());
      return ConjunctionSelectivity(conjuncts, stats);
    }
    case BoundExprKind::kOr: {
      double s = 0;
      for (const auto& c : e.children) s += Selectivity(*c, stats);
      return std::min(1.0, s);
    }
    case BoundExprKind::kNot:
      return std::clamp(1.0 - Selectivity(*e.children[0], stats), 0.05, 1.0);
    case BoundExprKind::kIsNull:
      return e.negated ? 0.95 : 0.05;
    case BoundExprKind::kInList: {
      double n = static_cast<double>(e.children.size() - 1);
      const BoundExpr* col = StripCasts(*e.children[0]);
      const ColumnEstimate* c = col->kind == BoundExprKind::kColumnRef ? FindColumn(stats, col->binding) : nullptr;
      double s = c && c->ndv > 0 ? n / c->ndv : 0.1 * n;
      s = std::min(0.5, s);
      return e.negated ? 1.0 - s : s;
    }
    case BoundExprKind::kFunction: {
      if (auto cmp = MatchColumnComparison(e)) {
        const ColumnEstimate* c = FindColumn(stats, cmp->binding);
        if (cmp->op == "=") return c && c->ndv > 0 ? 1.0 / c->ndv : 0.1;
        if (cmp->op == "<>") return 0.9;
        if (c && c->range) {
          if (auto f = RangeFraction(*cmp, *c->range)) return std::max(*f, 0.001);
        }
        return 0.33;
      }
      if (e.function->name == "like") return 0.1;
      return 0.5;
    }
    default:
      return 0.5;
  }
}

// The fraction of rows all of `conjuncts` keep. Range comparisons of one column with
// constants (`d >= x AND d < y`) narrow one interval of the column's statistics range, so
// that a one-month window over seven years keeps 1/84 of the rows rather than the product
// of two halves; every other conjunct is taken as independent.
double ConjunctionSelectivity(const std::vector<const BoundExpr*>& conjuncts,
                              const StatsMap& stats) {
  struct Interval {
    double width;  // of the column's statistics range
    double lo, hi;
  };
  std::map<std::pair<uint32_t, uint32_t>, Interval> intervals;
  double s = 1;
  for (const BoundExpr* e : conjuncts) {
    auto cmp = MatchColumnComparison(*e);
    const ColumnEstimate* c = cmp ? FindColumn(stats, cmp->binding) : nullptr;
    bool range_op = cmp && (cmp->op == "<" || cmp->op == "<=" || cmp->op == ">" || cmp->op == ">=");
    if (!range_op || !c || !c->range || !c->range->numeric || cmp->constant.type().IsString() ||
        std::isnan(cmp->constant.AsDouble())) {
      s *= Selectivity(*e, stats);
      continue;
    }
    auto key = std::make_pair(cmp->binding.table, cmp->binding.column);
    const ValueRange& r = *c->range;
    auto it = intervals.try_emplace(key, Interval{r.hi - r.lo, r.lo, r.hi}).first;
    double v = cmp->constant.AsDouble();
    if (cmp->op == "<" || cmp->op == "<=") {
      it->second.hi = std::min(it->second.hi, v);
    } else {
      it->second.lo = std::max(it->second.lo, v);
    }
  }
  for (const auto& [key, in] : intervals) {
    double kept = in.hi < in.lo ? 0.0 : (in.width <= 0 ? 1.0 : (in.hi - in.lo) / in.width);
    s *= std::clamp(kept, 0.001, 1.0);
  }
  return s;
}

double ConjunctionSelectivity(const std::vector<BoundExprPtr>& conjuncts, const StatsMap& stats) {
  std::vector<const BoundExpr*> raw;
  for (const auto& c : conjuncts) raw.push_back(c.get());
  return ConjunctionSelectivity(raw, stats);
}

// ---------------------------------------------------------------- join ordering
struct Relation {
  LogicalPtr op;
  std::vector<ColumnBinding> bindings;
  double rows = 1;       // after its own predicates
  double base_rows = 1;  // before them: the distinct count of a column nothing else bounds
};

double SemiJoinFraction(const LogicalOperator& join, const StatsMap& stats);

double Estimate(const LogicalOperator& op, const StatsMap& stats) {
  switch (op.kind) {
    case LogicalKind::kGet: {
      return std::max(
          1.0, std::max(1.0, op.estimated_rows) * ConjunctionSelectivity(op.pushed_filters, stats));
    }
    case LogicalKind::kValues:
      return static_cast<double>(op.rows.size());
    case LogicalKind::kDummy:
      return 1;
    case LogicalKind::kFilter: {
      return std::max(
          1.0, Estimate(*op.children[0], stats) * ConjunctionSelectivity(op.expressions, stats));
    }
    case LogicalKind::kAggregate: {
      if (op.groups.empty()) return 1;
      double rows = std::max(1.0, Estimate(*op.children[0], stats) * 0.5);
      // One column grouped: at most its distinct values.
      const BoundExpr* key = StripCasts(*op.groups[0]);
      const ColumnEstimate* c = op.groups.size() == 1 && key->kind == BoundExprKind::kColumnRef
                                    ? FindColumn(stats, key->binding)
                                    : nullptr;
      return c && c->ndv > 0 ? std::max(1.0, std::min(rows, c->ndv)) : rows;
    }
    case LogicalKind::kLimit:
      return op.limit >= 0 ? std::min<double>(static_cast<double>(op.limit), Estimate(*op.children[0], stats))
                           : Estimate(*op.children[0], stats);
    case LogicalKind::kJoin:
      if (op.estimated_rows > 0) return op.estimated_rows;  // ordered by the join graph
      if (op.join_type == JoinType::kSemi) {
        return std::max(1.0, Estimate(*op.children[0], stats) * SemiJoinFraction(op, stats));
      }
      if (op.join_type == JoinType::kAnti) return std::max(1.0, Estimate(*op.children[0], stats) * 0.5);
      return std::max(Estimate(*op.children[0], stats), Estimate(*op.children[1], stats));
    default:
      return op.children.empty() ? 1000 : Estimate(*op.children[0], stats);
  }
}

// The fraction of its left rows a semi join keeps, by containment: the right side's distinct
// keys (at most its rows) are taken to be among the left key's distinct values, so
// `o_orderkey IN (62 order keys)` keeps 62 of 1.5M orders rather than half of them.
double SemiJoinFraction(const LogicalOperator& join, const StatsMap& stats) {
  double left_rows = Estimate(*join.children[0], stats);
  double right_keys = Estimate(*join.children[1], stats);
  double left_keys = left_rows;
  if (join.conditions.size() == 1) {
    const BoundExpr* key = StripCasts(*join.conditions[0].left);
    const ColumnEstimate* c = key->kind == BoundExprKind::kColumnRef ? FindColumn(stats, key->binding) : nullptr;
    if (c && c->ndv > 0) left_keys = std::min(left_keys, c->ndv);
  }
  return std::min(1.0, right_keys / std::max(1.0, left_keys));
}

// Statistics of the aggregate values of the plan's grouped aggregations, so that a HAVING comparison gets a range selectivity
// like a scan filter does: min, max and avg of a column keep its range; sum over groups of
// g rows on average lies in [g * lo, g * hi].
void DeriveAggregateStatistics(const LogicalOperator& op, StatsMap* stats) {
  for (const auto& c : op.children) DeriveAggregateStatistics(*c, stats);
  if (op.kind != LogicalKind::kAggregate || op.groups.empty() || !op.grouping_sets.empty()) return;
  TableEstimate t;
  t.rows = Estimate(op, *stats);
  double group_rows = std::max(1.0, Estimate(*op.children[0], *stats) / t.rows);
  t.columns.resize(op.aggregates.size());
  for (size_t i = 0; i < op.aggregates.size(); i++) {
    const BoundExpr& a = *op.aggregates[i];
    if (!a.aggregate || a.aggregate->args.size() != 1 || a.aggregate->filter) continue;
    const BoundExpr* arg = StripCasts(*a.aggregate->args[0]);
    const ColumnEstimate* c = arg->kind == BoundExprKind::kColumnRef ? FindColumn(*stats, arg->binding) : nullptr;
    if (!c || !c->range || !c->range->numeric) continue;
    const std::string& name = a.aggregate->name;
    if (name == "min" || name == "max" || name == "avg") {
      t.columns[i].range = c->range;
    } else if (name == "sum") {
      ValueRange r = *c->range;
      r.lo = std::min(r.lo, r.lo * group_rows);
      r.hi = std::max(r.hi, r.hi * group_rows);
      t.columns[i].range = r;
    }
  }
  stats->tables[op.aggregate_index] = std::move(t);
}

bool IsInnerJoin(const LogicalOperator& op) {
  return op.kind == LogicalKind::kJoin && (op.join_type == JoinType::kInner || op.join_type == JoinType::kCross) &&
         op.conditions.empty();
}

LogicalPtr Reorder(LogicalPtr op, const StatsMap& stats);

void Collect(LogicalPtr op, std::vector<Relation>* rels, std::vector<BoundExprPtr>* preds, const StatsMap& stats) {
  if (IsInnerJoin(*op)) {
    for (auto& e : op->expressions) preds->push_back(std::move(e));
    Collect(std::move(op->children[0]), rels, preds, stats);
    Collect(std::move(op->children[1]), rels, preds, stats);
    return;
  }
  if (op->kind == LogicalKind::kFilter && IsInnerJoin(*op->children[0])) {
    for (auto& e : op->expressions) preds->push_back(std::move(e));
    Collect(std::move(op->children[0]), rels, preds, stats);
    return;
  }
  Relation r;
  r.op = Reorder(std::move(op), stats);
  r.bindings = r.op->GetColumnBindings();
  r.rows = Estimate(*r.op, stats);
  const LogicalOperator* base = r.op.get();
  while (base->kind == LogicalKind::kFilter) base = base->children[0].get();
  r.base_rows = std::max(r.rows, base->kind == LogicalKind::kGet ? std::max(1.0, base->estimated_rows) : r.rows);
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

// An uncorrelated `x IN (subquery)` conjunct whose plan can become the build side of a
// semi join (in a WHERE conjunct, NULL and FALSE both drop the row, as a semi join does).
bool IsSemiJoinable(const BoundExpr& e) {
  return e.kind == BoundExprKind::kSubquery && e.subquery->kind == SubqueryKind::kIn &&
         e.subquery->correlated_count == 0 && e.subquery->plan && e.subquery.use_count() == 1 &&
         !e.children[0]->HasSubquery() && e.children[0]->type == e.subquery->plan->types[0];
}

LogicalPtr OptimizeWith(LogicalPtr plan, QueryState* query, const StatsMap* outer);

// The subquery's statistics join `outer`'s, where the semi join's size is estimated.
LogicalPtr MakeSemiJoin(LogicalPtr left, BoundExpr& in, const StatsMap& outer) {
  LogicalPtr right = OptimizeWith(std::move(in.subquery->plan), outer.query, &outer);
  ColumnBinding b = right->GetColumnBindings()[0];
  auto join = MakeLogical(LogicalKind::kJoin);
  join->join_type = JoinType::kSemi;
  JoinCondition c;
  c.left = std::move(in.children[0]);
  c.right = MakeColumnRef(b, right->types[0], "col");
  join->conditions.push_back(std::move(c));
  join->children.push_back(std::move(left));
  join->children.push_back(std::move(right));
  join->ResolveTypes();
  return join;
}

// Greedy join ordering over a join graph: start from the smallest relation, then always
// join the connected relation whose join has the fewest estimated output rows. A join's
// output is |L| * |R| / max(ndv(left key), ndv(right key)) per equality, with distinct
// counts from statistics, capped by each side's rows.
class JoinGraph {
 public:
  JoinGraph(std::vector<Relation> rels, std::vector<BoundExprPtr> preds, const StatsMap& stats)
      : rels_(std::move(rels)), preds_(std::move(preds)), stats_(stats) {
    for (const auto& p : preds_) pred_rels_.push_back(RelationsOf(*p, rels_));
    used_.assign(preds_.size(), false);
  }

  LogicalPtr Build() {
    PushSingleRelationPredicates();
    std::vector<bool> joined(rels_.size(), false);
    size_t first = 0;
    for (size_t i = 1; i < rels_.size(); i++) {
      if (rels_[i].rows < rels_[first].rows) first = i;
    }
    std::set<size_t> in_tree{first};
    joined[first] = true;
    LogicalPtr tree = std::move(rels_[first].op);
    double tree_rows = rels_[first].rows;
    for (size_t step = 1; step < rels_.size(); step++) {
      size_t best = SIZE_MAX;
      double best_out = 0;
      bool best_connected = false;
      for (size_t r = 0; r < rels_.size(); r++) {
        if (joined[r]) continue;
        bool connected = false;
        double out = JoinOutput(in_tree, tree_rows, r, &connected);
        if (best == SIZE_MAX || (connected && !best_connected) ||
            (connected == best_connected && (out < best_out || (out == best_out && rels_[r].rows < rels_[best].rows)))) {
          best = r;
          best_out = out;
          best_connected = connected;
        }
      }
      in_tree.insert(best);
      joined[best] = true;
      auto join = MakeLogical(LogicalKind::kJoin);
      join->join_type = JoinType::kInner;
      for (size_t p = 0; p < preds_.size(); p++) {
        if (used_[p] || preds_[p]->HasSubquery()) continue;
        bool inside = true;
        for (size_t x : pred_rels_[p]) inside = inside && in_tree.count(x);
        if (inside && pred_rels_[p].count(best)) {
          join->expressions.push_back(std::move(preds_[p]));
          used_[p] = true;
        }
      }
      if (join->expressions.empty()) join->join_type = JoinType::kCross;
      double right_rows = rels_[best].rows;
      join->children.push_back(std::move(tree));
      join->children.push_back(std::move(rels_[best].op));
      // The smaller input is the build (right) side.
      if (right_rows > tree_rows) std::swap(join->children[0], join->children[1]);
      join->ResolveTypes();
      tree_rows = std::max(1.0, best_out);
      join->estimated_rows = tree_rows;
      tree = std::move(join);
    }
    std::vector<BoundExprPtr> rest;
    for (size_t p = 0; p < preds_.size(); p++) {
      if (!used_[p]) rest.push_back(std::move(preds_[p]));
    }
    return AddFilter(std::move(tree), std::move(rest));
  }

 private:
  // Single-relation predicates go straight onto their relation; `x IN (subquery)` becomes
  // a semi join of the relation.
  void PushSingleRelationPredicates() {
    std::map<size_t, std::vector<const BoundExpr*>> pushed;  // by relation
    for (size_t i = 0; i < preds_.size(); i++) {
      if (pred_rels_[i].size() != 1) continue;
      size_t r = *pred_rels_[i].begin();
      if (IsSemiJoinable(*preds_[i])) {
        rels_[r].op = MakeSemiJoin(std::move(rels_[r].op), *preds_[i], stats_);
        rels_[r].rows = std::max(1.0, rels_[r].rows * SemiJoinFraction(*rels_[r].op, stats_));
        used_[i] = true;
        continue;
      }
      if (preds_[i]->HasSubquery()) continue;
      pushed[r].push_back(preds_[i].get());
      std::vector<BoundExprPtr> one;
      one.push_back(std::move(preds_[i]));
      rels_[r].op = AddFilter(std::move(rels_[r].op), std::move(one));
      used_[i] = true;
    }
    for (const auto& [r, conjuncts] : pushed) {
      rels_[r].rows = std::max(1.0, rels_[r].rows * ConjunctionSelectivity(conjuncts, stats_));
    }
  }

  size_t Owner(const ColumnBinding& b) const {
    for (size_t i = 0; i < rels_.size(); i++) {
      if (std::find(rels_[i].bindings.begin(), rels_[i].bindings.end(), b) != rels_[i].bindings.end()) return i;
    }
    return SIZE_MAX;
  }

  // Distinct values of a join key on a side with `side_rows` rows.
  double KeyDistinct(const BoundExpr& key, double side_rows) const {
    const BoundExpr* col = StripCasts(key);
    if (col->kind != BoundExprKind::kColumnRef) return side_rows;
    size_t owner = Owner(col->binding);
    double ndv = owner == SIZE_MAX ? side_rows : rels_[owner].base_rows;
    const ColumnEstimate* c = FindColumn(stats_, col->binding);
    if (c && c->ndv > 0) ndv = c->ndv;
    return std::max(1.0, std::min(ndv, side_rows));
  }

  // Estimated rows of joining relation `r` to the tree; `connected` when an equality links them.
  double JoinOutput(const std::set<size_t>& tree, double tree_rows, size_t r, bool* connected) const {
    double out = tree_rows * rels_[r].rows;
    for (size_t p = 0; p < preds_.size(); p++) {
      if (used_[p] || !pred_rels_[p].count(r) || pred_rels_[p].size() < 2) continue;
      bool rest_in_tree = true;
      for (size_t x : pred_rels_[p]) rest_in_tree = rest_in_tree && (x == r || tree.count(x));
      if (!rest_in_tree) continue;
      if (!IsEquiJoinPredicate(*preds_[p])) {
        out *= 0.33;
        continue;
      }
      const BoundExpr& a = *preds_[p]->children[0];
      const BoundExpr& b = *preds_[p]->children[1];
      std::set<size_t> ra = RelationsOf(a, rels_);
      bool a_is_r = ra.size() == 1 && *ra.begin() == r;
      double nr = KeyDistinct(a_is_r ? a : b, rels_[r].rows);
      double nt = KeyDistinct(a_is_r ? b : a, tree_rows);
      out /= std::max(nr, nt);
      *connected = true;
    }
    return std::max(1.0, out);
  }

  std::vector<Relation> rels_;
  std::vector<BoundExprPtr> preds_;
  const StatsMap& stats_;
  std::vector<std::set<size_t>> pred_rels_;
  std::vector<bool> used_;
};

LogicalPtr ReorderJoinTree(LogicalPtr root, const StatsMap& stats) {
  std::vector<Relation> rels;
  std::vector<BoundExprPtr> preds;
  Collect(std::move(root), &rels, &preds, stats);
  return JoinGraph(std::move(rels), std::move(preds), stats).Build();
}

// ---------------------------------------------------------------- eager aggregation
bool IsJoinTree(const LogicalOperator& op) {
  return IsInnerJoin(op) || (op.kind == LogicalKind::kFilter && IsInnerJoin(*op.children[0]));
}

// The function that folds partial results of aggregate `name` into the final one (count's
// partial counts are summed), or "" when partials do not fold.
std::string FinalAggregate(const BoundAggregate& a) {
  if (a.distinct || a.filter || a.args.size() > 1) return "";
  if (a.name == "count") return "sum";
  if ((a.name == "sum" || a.name == "min" || a.name == "max") && a.args.size() == 1) return a.name;
  return "";
}

// Aggregation pushed below a join ("eager aggregation"): GROUP BY over an inner join graph
// whose groups come from some relations (a dimension: customer and nation, grouped by
// c_custkey and its attributes) and whose aggregates read only the others (facts: lineitem
// and orders), the two linked by one equality whose dimension side is a grouping column.
// The facts are joined and aggregated by their side of that equality first (one key,
// typically an integer, instead of the dimension's wide string keys), then joined to the
// dimension, whose strings then travel with one row per key instead of one per fact, and
// aggregated again: sums of sums, sums of counts, mins of mins, maxes of maxes. Exact
// whatever the keys' uniqueness, as the final aggregation still groups by every key. Only
// for facts of two or more relations, whose join output the first aggregation shrinks.
// Returns the new input of `agg` (with its aggregates rewritten), or the join graph built
// as usual when the pattern does not hold.
LogicalPtr EagerAggregate(LogicalOperator& agg, std::vector<Relation> rels,
                          std::vector<BoundExprPtr> preds, const StatsMap& stats) {
  auto as_usual = [&] { return JoinGraph(std::move(rels), std::move(preds), stats).Build(); };
  std::vector<std::string> finals;
  std::set<size_t> dimension, facts_read;
  for (const auto& g : agg.groups) {
    if (g->HasSubquery()) return as_usual();
    for (size_t r : RelationsOf(*g, rels)) dimension.insert(r);
  }
  for (const auto& a : agg.aggregates) {
    if (a->kind != BoundExprKind::kAggregate || !a->aggregate || a->HasSubquery()) {
      return as_usual();
    }
    std::string final_name = FinalAggregate(*a->aggregate);
    if (final_name.empty()) return as_usual();
    // The partial result has the aggregate's type; the final function must keep it.
    std::string error;
    auto fn = ResolveAggregate(final_name, {a->type}, &error);
    if (!fn || !(fn->return_type == a->type) || !(fn->arg_types[0] == a->type)) return as_usual();
    finals.push_back(final_name);
    for (const auto& x : a->aggregate->args) {
      for (size_t r : RelationsOf(*x, rels)) facts_read.insert(r);
    }
  }
  for (size_t r : facts_read) {
    if (dimension.count(r)) return as_usual();
  }
  if (dimension.empty() || rels.size() < dimension.size() + 2) return as_usual();
  // The one predicate between the sides: fact expression = dimension grouping column.
  int cross = -1;
  int fact_side = -1;
  for (size_t p = 0; p < preds.size(); p++) {
    if (preds[p]->HasSubquery()) return as_usual();
    std::set<size_t> rs = RelationsOf(*preds[p], rels);
    size_t in_dimension = 0;
    for (size_t r : rs) in_dimension += dimension.count(r);
    if (rs.empty()) return as_usual();
    if (in_dimension == 0 || in_dimension == rs.size()) continue;
    if (cross >= 0 || !IsEquiJoinPredicate(*preds[p])) return as_usual();
    cross = static_cast<int>(p);
    for (int side = 0; side < 2; side++) {
      const BoundExpr& d = *preds[p]->children[side];
      std::set<size_t> fact_rels = RelationsOf(*preds[p]->children[1 - side], rels);
      bool facts_only = !fact_rels.empty();
      for (size_t r : fact_rels) facts_only = facts_only && !dimension.count(r);
      bool grouped = false;
      for (const auto& g : agg.groups) {
        grouped = grouped || (d.kind == BoundExprKind::kColumnRef &&
                              g->kind == BoundExprKind::kColumnRef && g->binding == d.binding);
      }
      if (facts_only && grouped) fact_side = 1 - side;
    }
  }
  if (cross < 0 || fact_side < 0) return as_usual();

  std::vector<Relation> fact_rels, dim_rels;
  std::vector<BoundExprPtr> fact_preds, dim_preds;
  std::vector<std::set<size_t>> pred_rels;
  for (const auto& p : preds) pred_rels.push_back(RelationsOf(*p, rels));
  for (size_t p = 0; p < preds.size(); p++) {
    if (static_cast<int>(p) == cross) continue;
    bool in_dimension = dimension.count(*pred_rels[p].begin()) > 0;
    (in_dimension ? dim_preds : fact_preds).push_back(std::move(preds[p]));
  }
  BoundExprPtr link = std::move(preds[cross]);
  for (size_t r = 0; r < rels.size(); r++)
    (dimension.count(r) ? dim_rels : fact_rels).push_back(std::move(rels[r]));

  auto pre = MakeLogical(LogicalKind::kAggregate);
  pre->group_index = stats.next_table_index++;
  pre->aggregate_index = stats.next_table_index++;
  pre->grouping_index = stats.next_table_index++;
  const BoundExpr& key = *link->children[fact_side];
  pre->groups.push_back(key.Copy());
  for (const auto& a : agg.aggregates) pre->aggregates.push_back(a->Copy());
  pre->children.push_back(JoinGraph(std::move(fact_rels), std::move(fact_preds), stats).Build());
  pre->ResolveTypes();
  link->children[fact_side] = MakeColumnRef({pre->group_index, 0}, key.type, key.text);
  for (size_t j = 0; j < agg.aggregates.size(); j++) {
    BoundExprPtr& a = agg.aggregates[j];
    auto folded = std::make_shared<BoundAggregate>();
    folded->name = finals[j];
    folded->args.push_back(
        MakeColumnRef({pre->aggregate_index, static_cast<uint32_t>(j)}, a->type, a->text));
    a = a->Copy();
    a->aggregate = std::move(folded);
  }
  Relation partial;
  partial.op = std::move(pre);
  partial.bindings = partial.op->GetColumnBindings();
  partial.rows = Estimate(*partial.op, stats);
  partial.base_rows = partial.rows;
  dim_rels.push_back(std::move(partial));
  dim_preds.push_back(std::move(link));
  return JoinGraph(std::move(dim_rels), std::move(dim_preds), stats).Build();
}

LogicalPtr Reorder(LogicalPtr op, const StatsMap& stats) {
  if (IsJoinTree(*op)) return ReorderJoinTree(std::move(op), stats);
  if (op->kind == LogicalKind::kAggregate && !op->groups.empty() && op->grouping_sets.size() <= 1 &&
      op->grouping_calls.empty() && IsJoinTree(*op->children[0])) {
    std::vector<Relation> rels;
    std::vector<BoundExprPtr> preds;
    Collect(std::move(op->children[0]), &rels, &preds, stats);
    op->children[0] = EagerAggregate(*op, std::move(rels), std::move(preds), stats);
    op->ResolveTypes();
    return op;
  }
  for (auto& c : op->children) c = Reorder(std::move(c), stats);
  return op;
}

// Remaining filters' `x IN (subquery)` conjuncts become semi joins under the filter.
LogicalPtr SemiJoinsFromFilters(LogicalPtr op, const StatsMap& stats) {
  for (auto& c : op->children) c = SemiJoinsFromFilters(std::move(c), stats);
  if (op->kind != LogicalKind::kFilter) return op;
  std::vector<BoundExprPtr> kept;
  for (auto& e : op->expressions) {
    if (IsSemiJoinable(*e)) {
      op->children[0] = MakeSemiJoin(std::move(op->children[0]), *e, stats);
    } else {
      kept.push_back(std::move(e));
    }
  }
  if (kept.empty()) return std::move(op->children[0]);
  op->expressions = std::move(kept);
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
// The scan evaluates its filters in order, dropping rows before the next: comparisons of a
// number or date with a constant first (cheap, and the ones statistics can skip row groups
// on), then other comparisons of plain columns, then the rest (strings, functions).
int FilterCost(const BoundExpr& e) {
  if (auto cmp = MatchColumnComparison(e)) return cmp->constant.type().IsString() ? 1 : 0;
  if (e.kind == BoundExprKind::kFunction && e.children.size() == 2) {
    bool plain = true;
    for (const auto& c : e.children) {
      const BoundExpr* x = StripCasts(*c);
      plain = plain && (x->kind == BoundExprKind::kColumnRef || x->kind == BoundExprKind::kConstant) &&
              !x->type.IsString();
    }
    const std::string& n = e.function->name;
    if (plain && (n == "=" || n == "<>" || n == "<" || n == "<=" || n == ">" || n == ">=")) return 1;
  }
  return 2;
}

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
    std::stable_sort(get.pushed_filters.begin(), get.pushed_filters.end(),
                     [](const BoundExprPtr& a, const BoundExprPtr& b) { return FilterCost(*a) < FilterCost(*b); });
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

// The largest table index any operator or column reference of the plan (subquery plans
// included) uses.
uint32_t MaxTableIndex(const LogicalOperator& op) {
  uint32_t m = std::max({op.table_index, op.group_index, op.aggregate_index, op.grouping_index});
  std::function<void(const BoundExpr&)> visit = [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kColumnRef) m = std::max(m, e.binding.table);
    if (e.subquery && e.subquery->plan) m = std::max(m, MaxTableIndex(*e.subquery->plan));
    for (const auto& c : e.children) visit(*c);
    if (e.aggregate) {
      for (const auto& c : e.aggregate->args) visit(*c);
      if (e.aggregate->filter) visit(*e.aggregate->filter);
    }
    if (e.window) {
      for (const auto& c : e.window->args) visit(*c);
      for (const auto& c : e.window->partitions) visit(*c);
      for (const auto& o : e.window->orders) visit(*o.expr);
    }
  };
  for (const auto* list : {&op.expressions, &op.groups, &op.aggregates, &op.pushed_filters}) {
    for (const auto& e : *list) visit(*e);
  }
  for (const auto& o : op.orders) visit(*o.expr);
  for (const auto& c : op.conditions) {
    visit(*c.left);
    visit(*c.right);
  }
  for (const auto& row : op.rows) {
    for (const auto& e : row) visit(*e);
  }
  for (const auto& c : op.children) m = std::max(m, MaxTableIndex(*c));
  return m;
}

// Optimizes `plan`; a subquery's plan passes the enclosing plan's statistics as `outer`.
LogicalPtr OptimizeWith(LogicalPtr plan, QueryState* query, const StatsMap* outer) {
  ExecContext ctx(query);
  FoldPlan(*plan, &ctx);
  NullUnusedProjections(*plan);
  InlineProjections(*plan);
  StatsMap stats;
  stats.query = query;
  stats.next_table_index = MaxTableIndex(*plan) + 1;
  if (outer) stats.next_table_index = std::max(stats.next_table_index, outer->next_table_index);
  GatherStatistics(*plan, query->fs.get(), &stats);
  DeriveAggregateStatistics(*plan, &stats);
  plan = Reorder(std::move(plan), stats);
  plan = SemiJoinsFromFilters(std::move(plan), stats);
  plan = PushFiltersIntoScans(std::move(plan));
  PruneColumns(*plan);
  VisitExpressions(*plan, query);
  plan->ResolveTypes();
  if (outer) {
    // Table indexes are unique within a query, and the enclosing plan must not reuse those
    // of operators this plan added.
    outer->tables.merge(stats.tables);
    outer->next_table_index = std::max(outer->next_table_index, stats.next_table_index);
  }
  return plan;
}

}  // namespace

LogicalPtr Optimize(LogicalPtr plan, QueryState* query) { return OptimizeWith(std::move(plan), query, nullptr); }

}  // namespace sql
