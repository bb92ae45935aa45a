#include "engines/sql/binder/bound_expression.h"

namespace sql {

BoundExprPtr BoundExpr::Copy() const {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  e->text = text;
  e->value = value;
  e->binding = binding;
  e->index = index;
  e->function = function;
  e->try_cast = try_cast;
  e->negated = negated;
  for (const auto& c : children) e->children.push_back(c->Copy());
  e->subquery = subquery;
  if (aggregate) {
    auto a = std::make_shared<BoundAggregate>();
    a->name = aggregate->name;
    a->distinct = aggregate->distinct;
    for (const auto& c : aggregate->args) a->args.push_back(c->Copy());
    if (aggregate->filter) a->filter = aggregate->filter->Copy();
    e->aggregate = a;
  }
  e->window = window;
  return e;
}

bool BoundExpr::Equals(const BoundExpr& o) const {
  if (kind != o.kind || type != o.type || children.size() != o.children.size()) return false;
  switch (kind) {
    case BoundExprKind::kConstant:
      if (value.is_null() != o.value.is_null()) return false;
      if (!value.is_null() && Value::Compare(value, o.value) != 0) return false;
      break;
    case BoundExprKind::kColumnRef:
      if (!(binding == o.binding)) return false;
      break;
    case BoundExprKind::kParameter:
      if (index != o.index) return false;
      break;
    case BoundExprKind::kFunction:
      if (function->kernel != o.function->kernel || function->name != o.function->name ||
          !function->deterministic) {
        return false;
      }
      if (function->arg_types != o.function->arg_types) return false;
      if (function->data != o.function->data) return false;
      break;
    case BoundExprKind::kCast:
      if (try_cast != o.try_cast) return false;
      break;
    case BoundExprKind::kIsNull:
    case BoundExprKind::kIsDistinct:
    case BoundExprKind::kInList:
      if (negated != o.negated) return false;
      break;
    case BoundExprKind::kSubquery:
    case BoundExprKind::kWindow:
      return false;
    case BoundExprKind::kAggregate: {
      const auto& a = *aggregate;
      const auto& b = *o.aggregate;
      if (a.name != b.name || a.distinct != b.distinct || a.args.size() != b.args.size()) {
        return false;
      }
      for (size_t i = 0; i < a.args.size(); i++) {
        if (!a.args[i]->Equals(*b.args[i])) return false;
      }
      if ((a.filter == nullptr) != (b.filter == nullptr)) return false;
      if (a.filter && !a.filter->Equals(*b.filter)) return false;
      break;
    }
    default:
      break;
  }
  for (size_t i = 0; i < children.size(); i++) {
    if (!children[i]->Equals(*o.children[i])) return false;
  }
  return true;
}

bool BoundExpr::IsFoldable() const {
  switch (kind) {
    case BoundExprKind::kColumnRef:
    case BoundExprKind::kParameter:
    case BoundExprKind::kSubquery:
    case BoundExprKind::kAggregate:
    case BoundExprKind::kWindow:
      return false;
    case BoundExprKind::kFunction:
      if (!function->deterministic) return false;
      break;
    default:
      break;
  }
  for (const auto& c : children) {
    if (!c->IsFoldable()) return false;
  }
  return true;
}

void BoundExpr::CollectBindings(std::vector<ColumnBinding>* out) const {
  if (kind == BoundExprKind::kColumnRef) out->push_back(binding);
  for (const auto& c : children) c->CollectBindings(out);
  if (aggregate) {
    for (const auto& c : aggregate->args) c->CollectBindings(out);
    if (aggregate->filter) aggregate->filter->CollectBindings(out);
  }
  if (window) {
    for (const auto& c : window->args) c->CollectBindings(out);
    for (const auto& c : window->partitions) c->CollectBindings(out);
    for (const auto& o : window->orders) o.expr->CollectBindings(out);
  }
}

bool BoundExpr::HasSubquery() const {
  if (kind == BoundExprKind::kSubquery) return true;
  for (const auto& c : children) {
    if (c->HasSubquery()) return true;
  }
  return false;
}

BoundExprPtr MakeConstant(const Value& v, std::string text) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kConstant;
  e->type = v.type();
  e->value = v;
  e->text = text.empty() ? v.ToString() : std::move(text);
  return e;
}

BoundExprPtr MakeColumnRef(ColumnBinding b, Type type, std::string text) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundExprKind::kColumnRef;
  e->type = type;
  e->binding = b;
  e->text = std::move(text);
  return e;
}

}  // namespace sql
