#include "engines/sql/planner/logical_operator.h"

namespace sql {

LogicalPtr MakeLogical(LogicalKind kind) {
  auto op = std::make_unique<LogicalOperator>();
  op->kind = kind;
  return op;
}

std::vector<ColumnBinding> LogicalOperator::GetColumnBindings() const {
  std::vector<ColumnBinding> out;
  switch (kind) {
    case LogicalKind::kGet:
      for (uint32_t c : column_ids) out.push_back({table_index, c});
      break;
    case LogicalKind::kValues:
    case LogicalKind::kSetOp:
    case LogicalKind::kEmpty:
      for (uint32_t i = 0; i < types.size(); i++) out.push_back({table_index, i});
      break;
    case LogicalKind::kDummy:
      break;
    case LogicalKind::kProjection:
      for (uint32_t i = 0; i < expressions.size(); i++) out.push_back({table_index, i});
      break;
    case LogicalKind::kAggregate:
      for (uint32_t i = 0; i < groups.size(); i++) out.push_back({group_index, i});
      for (uint32_t i = 0; i < aggregates.size(); i++) out.push_back({aggregate_index, i});
      for (uint32_t i = 0; i < grouping_calls.size(); i++) out.push_back({grouping_index, i});
      break;
    case LogicalKind::kJoin: {
      out = children[0]->GetColumnBindings();
      if (join_type != JoinType::kSemi && join_type != JoinType::kAnti) {
        auto r = children[1]->GetColumnBindings();
        out.insert(out.end(), r.begin(), r.end());
      }
      break;
    }
    case LogicalKind::kWindow: {
      out = children[0]->GetColumnBindings();
      for (uint32_t i = 0; i < expressions.size(); i++) out.push_back({table_index, i});
      break;
    }
    default:
      out = children[0]->GetColumnBindings();
      break;
  }
  return out;
}

void LogicalOperator::ResolveTypes() {
  for (auto& c : children) c->ResolveTypes();
  switch (kind) {
    case LogicalKind::kGet:
      types.clear();
      for (uint32_t c : column_ids) types.push_back(table_columns[c].type);
      break;
    case LogicalKind::kValues:
    case LogicalKind::kEmpty:
    case LogicalKind::kSetOp:
      break;  // set by the binder
    case LogicalKind::kDummy:
      types.clear();
      break;
    case LogicalKind::kProjection:
      types.clear();
      for (const auto& e : expressions) types.push_back(e->type);
      break;
    case LogicalKind::kAggregate:
      types.clear();
      for (const auto& e : groups) types.push_back(e->type);
      for (const auto& e : aggregates) types.push_back(e->type);
      for (size_t i = 0; i < grouping_calls.size(); i++) types.push_back(Type::Bigint());
      break;
    case LogicalKind::kJoin:
      types = children[0]->types;
      if (join_type != JoinType::kSemi && join_type != JoinType::kAnti) {
        types.insert(types.end(), children[1]->types.begin(), children[1]->types.end());
      }
      break;
    case LogicalKind::kWindow:
      types = children[0]->types;
      for (const auto& e : expressions) types.push_back(e->type);
      break;
    default:
      types = children[0]->types;
      break;
  }
}

namespace {

const char* KindName(LogicalKind k) {
  switch (k) {
    case LogicalKind::kGet: return "Scan";
    case LogicalKind::kValues: return "Values";
    case LogicalKind::kDummy: return "SingleRow";
    case LogicalKind::kFilter: return "Filter";
    case LogicalKind::kProjection: return "Project";
    case LogicalKind::kAggregate: return "Aggregate";
    case LogicalKind::kJoin: return "Join";
    case LogicalKind::kOrder: return "Sort";
    case LogicalKind::kLimit: return "Limit";
    case LogicalKind::kDistinct: return "Distinct";
    case LogicalKind::kWindow: return "Window";
    case LogicalKind::kSetOp: return "SetOperation";
    case LogicalKind::kEmpty: return "Empty";
  }
  return "?";
}

const char* JoinName(JoinType t) {
  switch (t) {
    case JoinType::kInner: return "INNER";
    case JoinType::kLeft: return "LEFT";
    case JoinType::kRight: return "RIGHT";
    case JoinType::kFull: return "FULL";
    case JoinType::kSemi: return "SEMI";
    case JoinType::kAnti: return "ANTI";
    case JoinType::kCross: return "CROSS";
  }
  return "?";
}

std::string ExprList(const std::vector<BoundExprPtr>& list) {
  std::string s;
  for (size_t i = 0; i < list.size(); i++) {
    if (i) s += ", ";
    s += list[i]->text;
  }
  return s;
}

}  // namespace

std::string LogicalOperator::ToString(int indent) const {
  std::string s(indent * 2, ' ');
  s += "- ";
  s += KindName(kind);
  switch (kind) {
    case LogicalKind::kGet:
      s += " " + table_name + " [";
      for (size_t i = 0; i < column_ids.size(); i++) {
        if (i) s += ", ";
        s += table_columns[column_ids[i]].name;
      }
      s += "]";
      if (!pushed_filters.empty()) s += " filters: " + ExprList(pushed_filters);
      if (external) s += " files: " + std::to_string(external->files.size());
      break;
    case LogicalKind::kFilter:
    case LogicalKind::kProjection:
    case LogicalKind::kWindow:
      s += " [" + ExprList(expressions) + "]";
      break;
    case LogicalKind::kAggregate:
      s += " groups: [" + ExprList(groups) + "] aggregates: [" + ExprList(aggregates) + "]";
      break;
    case LogicalKind::kJoin: {
      s += std::string(" ") + JoinName(join_type);
      for (const auto& c : conditions) s += " " + c.left->text + " = " + c.right->text;
      if (!expressions.empty()) s += " residual: " + ExprList(expressions);
      break;
    }
    case LogicalKind::kOrder:
      for (const auto& o : orders) s += " " + o.expr->text + (o.descending ? " DESC" : " ASC");
      break;
    case LogicalKind::kLimit:
      s += " " + std::to_string(limit) + " offset " + std::to_string(offset);
      break;
    case LogicalKind::kSetOp:
      s += set_op == SetOp::kUnion ? " UNION" : set_op == SetOp::kIntersect ? " INTERSECT" : " EXCEPT";
      if (set_all) s += " ALL";
      break;
    default:
      break;
  }
  if (estimated_rows > 0) s += " (~" + std::to_string(static_cast<long long>(estimated_rows)) + " rows)";
  s += "\n";
  for (const auto& c : children) s += c->ToString(indent + 1);
  return s;
}

}  // namespace sql
