#include "engines/sql/execution/expression_executor.h"

#include <algorithm>
#include <unordered_map>

#include "engines/sql/common/vector_ops.h"
#include "engines/sql/function/cast.h"

namespace sql {

namespace {

void MakeConstantVector(const Type& type, const Value& v, Vector& out) {
  out.Initialize(type, 1);
  if (v.is_null()) {
    if (type.physical() == PhysicalType::kString) out.data<std::string_view>()[0] = {};
    out.SetNull(0);
  } else if (v.type() == type || v.type().physical() == type.physical()) {
    out.SetValue(0, v);
  } else {
    out.SetValue(0, CastValue(v, type));
  }
  out.set_constant(true);
}

// Scatter rows of `part` (dense, rows.size() values) into `out` at positions rows[i].
void Scatter(const Vector& part, const std::vector<uint32_t>& rows, Vector& out) {
  size_t w = PhysicalSize(out.type().physical());
  bool pc = part.is_constant();
  for (size_t i = 0; i < rows.size(); i++) {
    size_t src = pc ? 0 : i;
    std::memcpy(out.data<uint8_t>() + rows[i] * w, part.data<uint8_t>() + src * w, w);
    if (!part.IsValid(src)) {
      out.SetNull(rows[i]);
    } else {
      out.SetValid(rows[i]);
    }
  }
  if (out.type().physical() == PhysicalType::kString) out.KeepStringsOf(part);
}

}  // namespace

struct ExpressionExecutor::SubqueryCache {
  // Keyed by the rendered correlated values.
  std::unordered_map<std::string, ChunkCollection> results;
};

ExpressionExecutor::~ExpressionExecutor() = default;

void ExpressionExecutor::Execute(const BoundExpr& expr, DataChunk& input, Vector& result) {
  Eval(expr, input, input.size(), result);
}

size_t ExpressionExecutor::Select(const BoundExpr& predicate, DataChunk& input, uint32_t* sel) {
  Vector v;
  Eval(predicate, input, input.size(), v);
  size_t n = 0;
  const uint8_t* d = v.data<uint8_t>();
  if (v.is_constant()) {
    if (v.IsValid(0) && d[0]) {
      for (size_t i = 0; i < input.size(); i++) sel[n++] = static_cast<uint32_t>(i);
    }
    return n;
  }
  if (!v.has_nulls()) {
    for (size_t i = 0; i < input.size(); i++) {
      sel[n] = static_cast<uint32_t>(i);
      n += d[i] != 0;
    }
    return n;
  }
  const uint8_t* valid = v.validity();
  for (size_t i = 0; i < input.size(); i++) {
    sel[n] = static_cast<uint32_t>(i);
    n += (d[i] & valid[i]) != 0;
  }
  return n;
}

Value ExpressionExecutor::EvaluateConstant(const BoundExpr& expr, ExecContext* ctx) {
  ExpressionExecutor ex(ctx);
  DataChunk empty;
  empty.set_size(1);
  Vector v;
  ex.Eval(expr, empty, 1, v);
  Value val = v.GetValue(0);
  if (val.is_null()) return Value::Null(expr.type);
  return val;
}

void ExpressionExecutor::EvalSubset(const BoundExpr& e, DataChunk& in, const std::vector<uint32_t>& rows,
                                    Vector& out) {
  DataChunk sub;
  sub.columns().resize(in.column_count());
  for (size_t c = 0; c < in.column_count(); c++) sub.column(c).Gather(in.column(c), rows.data(), rows.size());
  sub.set_size(rows.size());
  Eval(e, sub, rows.size(), out);
}

void ExpressionExecutor::Eval(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  switch (e.kind) {
    case BoundExprKind::kConstant:
      MakeConstantVector(e.type, e.value, out);
      return;
    case BoundExprKind::kColumnRef:
      out.Reference(in.column(e.index));
      return;
    case BoundExprKind::kParameter:
      MakeConstantVector(e.type, ctx_->params()[e.index], out);
      return;
    case BoundExprKind::kFunction:
      EvalFunction(e, in, count, out);
      return;
    case BoundExprKind::kCast: {
      Vector child;
      Eval(*e.children[0], in, count, child);
      CastVector(child, count, e.type, out, e.try_cast);
      return;
    }
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr:
      EvalConjunction(e, in, count, out);
      return;
    case BoundExprKind::kNot: {
      Vector child;
      Eval(*e.children[0], in, count, child);
      size_t n = child.is_constant() ? 1 : count;
      out.Initialize(Type::Boolean(), std::max<size_t>(n, kVectorSize));
      const uint8_t* a = child.data<uint8_t>();
      uint8_t* r = out.data<uint8_t>();
      for (size_t i = 0; i < n; i++) r[i] = !a[i];
      if (child.has_nulls()) {
        uint8_t* v = out.MutableValidity();
        for (size_t i = 0; i < n; i++) v[i] = child.IsValid(i);
      }
      out.set_constant(child.is_constant());
      return;
    }
    case BoundExprKind::kIsNull: {
      Vector child;
      Eval(*e.children[0], in, count, child);
      size_t n = child.is_constant() ? 1 : count;
      out.Initialize(Type::Boolean(), std::max<size_t>(n, kVectorSize));
      uint8_t* r = out.data<uint8_t>();
      for (size_t i = 0; i < n; i++) r[i] = child.IsValid(i) == e.negated;
      out.set_constant(child.is_constant());
      return;
    }
    case BoundExprKind::kIsDistinct: {
      Vector a, b;
      Eval(*e.children[0], in, count, a);
      Eval(*e.children[1], in, count, b);
      out.Initialize(Type::Boolean(), std::max<size_t>(count, kVectorSize));
      uint8_t* r = out.data<uint8_t>();
      for (size_t i = 0; i < count; i++) {
        bool equal = CompareRows(a, i, b, i) == 0;
        r[i] = e.negated ? equal : !equal;
      }
      return;
    }
    case BoundExprKind::kCase:
      EvalCase(e, in, count, out);
      return;
    case BoundExprKind::kCoalesce:
      EvalCoalesce(e, in, count, out);
      return;
    case BoundExprKind::kInList:
      EvalInList(e, in, count, out);
      return;
    case BoundExprKind::kSubquery:
      EvalSubquery(e, in, count, out);
      return;
    case BoundExprKind::kTry:
      EvalTry(e, in, count, out);
      return;
    case BoundExprKind::kAggregate:
    case BoundExprKind::kWindow:
      throw ExecutionError("GENERIC_INTERNAL_ERROR", "aggregate evaluated as a scalar: " + e.text);
  }
}

void ExpressionExecutor::EvalFunction(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  const BoundFunction& fn = *e.function;
  std::vector<Vector> args(e.children.size());
  bool all_constant = true;
  for (size_t i = 0; i < e.children.size(); i++) {
    Eval(*e.children[i], in, count, args[i]);
    all_constant = all_constant && args[i].is_constant();
  }
  if (e.children.empty() && !fn.deterministic) all_constant = false;
  size_t n = all_constant ? 1 : count;
  out.Initialize(e.type, std::max<size_t>(n, kVectorSize));
  if (fn.propagates_nulls) {
    bool any_null = false;
    for (const auto& a : args) any_null = any_null || a.has_nulls();
    if (any_null) {
      uint8_t* v = out.MutableValidity();
      for (size_t i = 0; i < n; i++) {
        bool ok = true;
        for (const auto& a : args) ok = ok && a.IsValid(i);
        v[i] = ok;
      }
      if (e.type.physical() == PhysicalType::kString) {
        for (size_t i = 0; i < n; i++) {
          if (!v[i]) out.data<std::string_view>()[i] = {};
        }
      }
    }
  }
  fn.kernel(fn, args, n, out);
  out.set_constant(all_constant);
}

void ExpressionExecutor::EvalConjunction(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  bool is_and = e.kind == BoundExprKind::kAnd;
  Vector left;
  Eval(*e.children[0], in, count, left);
  // Rows whose result the right side can still change: for AND, rows not FALSE.
  std::vector<uint32_t> need;
  for (size_t i = 0; i < count; i++) {
    size_t k = left.is_constant() ? 0 : i;
    bool valid = left.IsValid(k);
    bool v = left.data<uint8_t>()[k] != 0;
    bool decided = valid && (is_and ? !v : v);
    if (!decided) need.push_back(static_cast<uint32_t>(i));
  }
  if (need.empty()) {
    out.Reference(left);
    return;
  }
  Vector right;
  if (need.size() == count) {
    Eval(*e.children[1], in, count, right);
  } else {
    Vector part;
    EvalSubset(*e.children[1], in, need, part);
    right.Initialize(Type::Boolean(), std::max<size_t>(count, kVectorSize));
    std::memset(right.data<uint8_t>(), is_and ? 1 : 0, count);
    Scatter(part, need, right);
  }
  out.Initialize(Type::Boolean(), std::max<size_t>(count, kVectorSize));
  uint8_t* r = out.data<uint8_t>();
  bool nulls = false;
  for (size_t i = 0; i < count; i++) {
    size_t lk = left.is_constant() ? 0 : i, rk = right.is_constant() ? 0 : i;
    bool lv = left.IsValid(lk), rv = right.IsValid(rk);
    bool l = left.data<uint8_t>()[lk] != 0, rr = right.data<uint8_t>()[rk] != 0;
    if (is_and) {
      if ((lv && !l) || (rv && !rr)) {
        r[i] = 0;
      } else if (lv && rv) {
        r[i] = 1;
      } else {
        r[i] = 0;
        if (!nulls) {
          out.MutableValidity();
          nulls = true;
        }
        out.SetNull(i);
      }
    } else {
      if ((lv && l) || (rv && rr)) {
        r[i] = 1;
      } else if (lv && rv) {
        r[i] = 0;
      } else {
        r[i] = 0;
        if (!nulls) {
          out.MutableValidity();
          nulls = true;
        }
        out.SetNull(i);
      }
    }
  }
}

void ExpressionExecutor::EvalCase(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  out.Initialize(e.type, std::max<size_t>(count, kVectorSize));
  std::vector<uint32_t> remaining(count);
  for (size_t i = 0; i < count; i++) remaining[i] = static_cast<uint32_t>(i);
  size_t pairs = (e.children.size() - 1) / 2;
  for (size_t p = 0; p < pairs && !remaining.empty(); p++) {
    Vector cond;
    if (remaining.size() == count) {
      Eval(*e.children[2 * p], in, count, cond);
    } else {
      EvalSubset(*e.children[2 * p], in, remaining, cond);
    }
    std::vector<uint32_t> hit, miss;
    for (size_t i = 0; i < remaining.size(); i++) {
      size_t k = cond.is_constant() ? 0 : i;
      if (cond.IsValid(k) && cond.data<uint8_t>()[k]) {
        hit.push_back(remaining[i]);
      } else {
        miss.push_back(remaining[i]);
      }
    }
    if (!hit.empty()) {
      Vector val;
      if (hit.size() == count) {
        Eval(*e.children[2 * p + 1], in, count, val);
      } else {
        EvalSubset(*e.children[2 * p + 1], in, hit, val);
      }
      Scatter(val, hit, out);
    }
    remaining = std::move(miss);
  }
  if (!remaining.empty()) {
    Vector val;
    if (remaining.size() == count) {
      Eval(*e.children.back(), in, count, val);
    } else {
      EvalSubset(*e.children.back(), in, remaining, val);
    }
    Scatter(val, remaining, out);
  }
}

void ExpressionExecutor::EvalCoalesce(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  out.Initialize(e.type, std::max<size_t>(count, kVectorSize));
  std::vector<uint32_t> remaining(count);
  for (size_t i = 0; i < count; i++) remaining[i] = static_cast<uint32_t>(i);
  for (size_t c = 0; c < e.children.size() && !remaining.empty(); c++) {
    Vector val;
    if (remaining.size() == count) {
      Eval(*e.children[c], in, count, val);
    } else {
      EvalSubset(*e.children[c], in, remaining, val);
    }
    std::vector<uint32_t> hit, hit_pos, miss;
    for (size_t i = 0; i < remaining.size(); i++) {
      size_t k = val.is_constant() ? 0 : i;
      if (val.IsValid(k)) {
        hit.push_back(remaining[i]);
        hit_pos.push_back(static_cast<uint32_t>(i));
      } else {
        miss.push_back(remaining[i]);
      }
    }
    if (!hit.empty()) {
      Vector picked;
      picked.Gather(val, hit_pos.data(), hit_pos.size());
      Scatter(picked, hit, out);
    }
    remaining = std::move(miss);
  }
  for (uint32_t r : remaining) {
    if (out.type().physical() == PhysicalType::kString) out.data<std::string_view>()[r] = {};
    out.SetNull(r);
  }
}

void ExpressionExecutor::EvalInList(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  std::vector<Vector> vals(e.children.size());
  for (size_t i = 0; i < e.children.size(); i++) Eval(*e.children[i], in, count, vals[i]);
  out.Initialize(Type::Boolean(), std::max<size_t>(count, kVectorSize));
  uint8_t* r = out.data<uint8_t>();
  for (size_t i = 0; i < count; i++) {
    const Vector& v = vals[0];
    if (!v.IsValid(v.is_constant() ? 0 : i)) {
      r[i] = 0;
      out.SetNull(i);
      continue;
    }
    bool found = false, null_seen = false;
    for (size_t k = 1; k < vals.size() && !found; k++) {
      const Vector& item = vals[k];
      if (!item.IsValid(item.is_constant() ? 0 : i)) {
        null_seen = true;
        continue;
      }
      found = CompareRows(v, i, item, i) == 0;
    }
    if (found) {
      r[i] = !e.negated;
    } else if (null_seen) {
      r[i] = 0;
      out.SetNull(i);
    } else {
      r[i] = e.negated;
    }
  }
}

namespace {

int CompareForQuantifier(const Vector& a, size_t i, const Vector& b, size_t j) { return CompareRows(a, i, b, j); }

bool ApplyOp(const std::string& op, int c) {
  if (op == "=") return c == 0;
  if (op == "<>") return c != 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

}  // namespace

void ExpressionExecutor::EvalSubquery(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  const BoundSubquery& sq = *e.subquery;
  std::vector<Vector> params(sq.correlated_count);
  for (size_t i = 0; i < sq.correlated_count; i++) Eval(*e.children[i], in, count, params[i]);
  bool has_left = sq.kind == SubqueryKind::kIn || sq.kind == SubqueryKind::kAny || sq.kind == SubqueryKind::kAll;
  Vector left;
  if (has_left) Eval(*e.children[sq.correlated_count], in, count, left);
  auto& cache_ptr = subquery_cache_[&e];
  if (!cache_ptr) cache_ptr = std::make_shared<SubqueryCache>();
  SubqueryCache& cache = *cache_ptr;
  bool first_only = sq.kind == SubqueryKind::kExists;
  size_t n = (sq.correlated_count == 0 && !has_left) ? 1 : count;
  out.Initialize(e.type, std::max<size_t>(n, kVectorSize));
  for (size_t i = 0; i < n; i++) {
    std::vector<Value> values;
    std::string key;
    for (auto& p : params) {
      values.push_back(p.GetValue(p.is_constant() ? 0 : i));
      key += values.back().is_null() ? std::string("\x01N") : values.back().ToString();
      key += '\x02';
    }
    auto it = cache.results.find(key);
    if (it == cache.results.end()) {
      ctx_->CheckCancelled();
      it = cache.results.emplace(key, ctx_->run_subquery(sq, values, first_only)).first;
    }
    const ChunkCollection& rows = it->second;
    switch (sq.kind) {
      case SubqueryKind::kExists:
        out.data<uint8_t>()[i] = rows.row_count() > 0;
        break;
      case SubqueryKind::kScalar:
        if (rows.row_count() > 1) {
          throw ExecutionError("SUBQUERY_MULTIPLE_ROWS", "Scalar sub-query has returned multiple rows");
        }
        if (rows.row_count() == 0) {
          out.SetValue(i, Value::Null(e.type));
        } else {
          out.CopyRange(rows.chunk(0).column(0), 0, 1, i);
        }
        break;
      default: {
        size_t li = left.is_constant() ? 0 : i;
        bool is_all = sq.kind == SubqueryKind::kAll;
        if (rows.row_count() == 0) {
          out.data<uint8_t>()[i] = is_all;
          break;
        }
        if (!left.IsValid(li)) {
          out.SetValue(i, Value::Null(Type::Boolean()));
          break;
        }
        bool any_true = false, all_true = true, null_seen = false;
        for (size_t c = 0; c < rows.chunk_count(); c++) {
          const Vector& col = rows.chunk(c).column(0);
          for (size_t r = 0; r < rows.chunk(c).size(); r++) {
            if (!col.IsValid(r)) {
              null_seen = true;
              continue;
            }
            bool t = ApplyOp(sq.op, CompareForQuantifier(left, li, col, r));
            any_true = any_true || t;
            all_true = all_true && t;
          }
        }
        if (is_all) {
          if (!all_true) {
            out.data<uint8_t>()[i] = 0;
          } else if (null_seen) {
            out.SetValue(i, Value::Null(Type::Boolean()));
          } else {
            out.data<uint8_t>()[i] = 1;
          }
        } else {
          if (any_true) {
            out.data<uint8_t>()[i] = 1;
          } else if (null_seen) {
            out.SetValue(i, Value::Null(Type::Boolean()));
          } else {
            out.data<uint8_t>()[i] = 0;
          }
        }
      }
    }
  }
  out.set_constant(n == 1 && count != 1);
}

void ExpressionExecutor::EvalTry(const BoundExpr& e, DataChunk& in, size_t count, Vector& out) {
  try {
    Eval(*e.children[0], in, count, out);
    return;
  } catch (const ExecutionError& err) {
    if (err.name() == "USER_CANCELED" || err.name() == "EXCEEDED_LOCAL_MEMORY_LIMIT") throw;
  }
  out.Initialize(e.type, std::max<size_t>(count, kVectorSize));
  for (size_t i = 0; i < count; i++) {
    std::vector<uint32_t> one{static_cast<uint32_t>(i)};
    try {
      Vector v;
      EvalSubset(*e.children[0], in, one, v);
      Scatter(v, one, out);
    } catch (const ExecutionError& err) {
      if (err.name() == "USER_CANCELED" || err.name() == "EXCEEDED_LOCAL_MEMORY_LIMIT") throw;
      if (out.type().physical() == PhysicalType::kString) out.data<std::string_view>()[i] = {};
      out.SetNull(i);
    }
  }
}

}  // namespace sql
