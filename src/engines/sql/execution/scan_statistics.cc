#include "engines/sql/execution/scan_statistics.h"

#include <algorithm>
#include <cmath>


namespace sql {

namespace {

std::optional<double> StatNumber(const parquet::StatValue& v, const Type& type) {
  double scale = type.id() == TypeId::kDecimal ? std::pow(10.0, type.scale()) : 1.0;
  if (const auto* x = std::get_if<int32_t>(&v)) return static_cast<double>(*x) / scale;
  if (const auto* x = std::get_if<int64_t>(&v)) return static_cast<double>(*x) / scale;
  if (const auto* x = std::get_if<parquet::Int128>(&v)) return static_cast<double>(*x) / scale;
  if (const auto* x = std::get_if<float>(&v)) return static_cast<double>(*x);
  if (const auto* x = std::get_if<double>(&v)) return *x;
  if (const auto* x = std::get_if<bool>(&v)) return *x ? 1.0 : 0.0;
  return std::nullopt;
}

bool IsNumericLike(const Type& t) { return t.IsNumeric() || t.IsTemporal() || t.id() == TypeId::kBoolean; }

std::string Flip(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

// The column reference under `e`, looking through casts between numeric-like types (they
// preserve order).
const BoundExpr* ColumnUnder(const BoundExpr& e) {
  const BoundExpr* x = &e;
  while (x->kind == BoundExprKind::kCast && !x->try_cast && IsNumericLike(x->type) &&
         IsNumericLike(x->children[0]->type)) {
    x = x->children[0].get();
  }
  return x->kind == BoundExprKind::kColumnRef ? x : nullptr;
}

}  // namespace

std::optional<ValueRange> RangeOf(const parquet::ColumnStatistics& stats, const Type& type) {
  if (!stats.min || !stats.max) return std::nullopt;
  ValueRange r;
  if (type.IsString()) {
    const auto* lo = std::get_if<std::string>(&*stats.min);
    const auto* hi = std::get_if<std::string>(&*stats.max);
    if (!lo || !hi) return std::nullopt;
    r.numeric = false;
    r.slo = *lo;
    r.shi = *hi;
    return r;
  }
  if (!IsNumericLike(type)) return std::nullopt;
  auto lo = StatNumber(*stats.min, type);
  auto hi = StatNumber(*stats.max, type);
  if (!lo || !hi || std::isnan(*lo) || std::isnan(*hi)) return std::nullopt;
  r.lo = *lo;
  r.hi = *hi;
  return r;
}

std::optional<ColumnComparison> MatchColumnComparison(const BoundExpr& e) {
  if (e.kind != BoundExprKind::kFunction || e.children.size() != 2) return std::nullopt;
  const std::string& op = e.function->name;
  if (op != "=" && op != "<>" && op != "<" && op != "<=" && op != ">" && op != ">=") return std::nullopt;
  for (int side = 0; side < 2; side++) {
    const BoundExpr* col = ColumnUnder(*e.children[side]);
    const BoundExpr& other = *e.children[1 - side];
    if (!col || other.kind != BoundExprKind::kConstant || other.value.is_null()) continue;
    bool numeric = IsNumericLike(col->type) && IsNumericLike(other.type);
    bool string = col->type.IsString() && other.type.IsString();
    if (!numeric && !string) continue;
    // A string column under a cast to a number does not order like its bytes.
    if (string && col != e.children[side].get()) continue;
    ColumnComparison c;
    c.column = col->index;
    c.binding = col->binding;
    c.op = side == 0 ? op : Flip(op);
    c.constant = other.value;
    return c;
  }
  return std::nullopt;
}

bool RangeMayMatch(const ColumnComparison& cmp, const ValueRange& range) {
  int lo_cmp, hi_cmp;  // sign of (constant - lo), (constant - hi)
  if (range.numeric) {
    if (cmp.constant.type().IsString()) return true;
    double v = cmp.constant.AsDouble();
    if (std::isnan(v)) return true;
    lo_cmp = v < range.lo ? -1 : (v > range.lo ? 1 : 0);
    hi_cmp = v < range.hi ? -1 : (v > range.hi ? 1 : 0);
  } else {
    if (!cmp.constant.type().IsString()) return true;
    const std::string& v = cmp.constant.str();
    lo_cmp = v.compare(range.slo);
    hi_cmp = v.compare(range.shi);
    lo_cmp = lo_cmp < 0 ? -1 : (lo_cmp > 0 ? 1 : 0);
    hi_cmp = hi_cmp < 0 ? -1 : (hi_cmp > 0 ? 1 : 0);
  }
  const std::string& op = cmp.op;
  if (op == "=") return lo_cmp >= 0 && hi_cmp <= 0;
  if (op == "<>") return !(lo_cmp == 0 && hi_cmp == 0);
  if (op == "<") return lo_cmp > 0;    // some value < constant iff lo < constant
  if (op == "<=") return lo_cmp >= 0;
  if (op == ">") return hi_cmp < 0;    // some value > constant iff hi > constant
  return hi_cmp <= 0;                  // ">="
}

std::optional<double> RangeFraction(const ColumnComparison& cmp, const ValueRange& range) {
  if (!range.numeric || cmp.constant.type().IsString() || cmp.op == "=" || cmp.op == "<>") return std::nullopt;
  double v = cmp.constant.AsDouble();
  if (std::isnan(v)) return std::nullopt;
  double width = range.hi - range.lo;
  if (width <= 0) return RangeMayMatch(cmp, range) ? 1.0 : 0.0;
  double below = std::clamp((v - range.lo) / width, 0.0, 1.0);
  return (cmp.op == "<" || cmp.op == "<=") ? below : 1.0 - below;
}

}  // namespace sql
