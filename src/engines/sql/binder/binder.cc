#include "engines/sql/binder/binder.h"

#include <algorithm>
#include <set>

#include "engines/sql/common/error.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/function/aggregate_function.h"
#include "engines/sql/function/cast.h"
#include "engines/sql/parser/parser.h"

namespace sql {

namespace {

std::string Pos(const ParsedExpr& e) {
  return "line " + std::to_string(e.line) + ":" + std::to_string(e.column) + ": ";
}

[[noreturn]] void Fail(const ParsedExpr& e, const std::string& name, const std::string& msg) {
  throw BinderError(name, Pos(e) + msg);
}

bool IsWindowOnlyFunction(const std::string& n) {
  return n == "row_number" || n == "rank" || n == "dense_rank" || n == "ntile" || n == "lag" ||
         n == "lead" || n == "first_value" || n == "last_value" || n == "nth_value" ||
         n == "percent_rank" || n == "cume_dist";
}

std::string JoinName(const std::vector<std::string>& parts) {
  std::string s;
  for (size_t i = 0; i < parts.size(); i++) {
    if (i) s += ".";
    s += parts[i];
  }
  return s;
}

}  // namespace

void SplitConjunction(BoundExprPtr e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundExprKind::kAnd) {
    for (auto& c : e->children) SplitConjunction(std::move(c), out);
    return;
  }
  out->push_back(std::move(e));
}

BoundExprPtr MakeConjunction(std::vector<BoundExprPtr> conjuncts) {
  if (conjuncts.empty()) return nullptr;
  BoundExprPtr result = std::move(conjuncts[0]);
  for (size_t i = 1; i < conjuncts.size(); i++) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundExprKind::kAnd;
    e->type = Type::Boolean();
    e->text = result->text + " AND " + conjuncts[i]->text;
    e->children.push_back(std::move(result));
    e->children.push_back(std::move(conjuncts[i]));
    result = std::move(e);
  }
  return result;
}

BoundExprPtr Binder::CastTo(BoundExprPtr e, const Type& type, bool try_cast) {
  if (e->type == type) return e;
  if (!CastSupported(e->type, type)) {
    throw BinderError("TYPE_MISMATCH",
                      "Cannot cast " + e->type.ToString() + " to " + type.ToString() +
                          (e->text.empty() ? "" : " in '" + e->text + "'"));
  }
  if (e->kind == BoundExprKind::kConstant) {
    try {
      Value v = CastValue(e->value, type, try_cast);
      auto c = MakeConstant(v, e->text);
      c->type = type;
      return c;
    } catch (const ExecutionError&) {
      // Leave the failing cast for execution time (it may never run).
    }
  }
  auto c = std::make_unique<BoundExpr>();
  c->kind = BoundExprKind::kCast;
  c->type = type;
  c->try_cast = try_cast;
  c->text = e->text;
  c->children.push_back(std::move(e));
  return c;
}

// A table visible in a FROM clause.
struct ScopeTable {
  std::string alias;  // lower-case name or alias ("" for anonymous subqueries)
  uint32_t index = 0;
  std::vector<std::string> names;
  std::vector<Type> types;
  std::vector<uint32_t> columns;  // binding column number for each visible column
  std::vector<bool> hidden;       // USING duplicates hidden from * and unqualified names
};

struct Scope {
  std::vector<ScopeTable> tables;
  // Unqualified names of USING/NATURAL join columns, resolved to a merged expression.
  std::vector<std::pair<std::string, BoundExprPtr>> using_columns;
};

struct Binder::Impl {
  Binder* self;
  BinderContext* ctx;
  Scope scope;
  std::vector<std::pair<std::string, const CommonTableExpr*>> ctes;
  // Aggregate binding state of the SELECT being bound.
  bool allow_aggregates = false;
  bool allow_windows = false;
  bool saw_aggregate = false;
  bool saw_window = false;
  std::vector<std::vector<BoundExprPtr>> grouping_call_args;  // GROUPING(a, b)

  uint32_t NewTableIndex() { return ctx->next_table_index++; }

  // ---------------------------------------------------------------- names
  const CommonTableExpr* FindCte(const std::string& name) {
    for (auto it = ctes.rbegin(); it != ctes.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    if (self->parent_) return self->parent_->impl_->FindCte(name);
    return nullptr;
  }

  // Resolves a column in this scope; returns nullptr when absent. Throws on ambiguity.
  BoundExprPtr ResolveLocal(const ParsedExpr& e, const std::vector<std::string>& names) {
    std::string col = names.back();
    if (names.size() == 1) {
      for (const auto& [n, expr] : scope.using_columns) {
        if (n == col) return expr->Copy();
      }
    }
    BoundExprPtr found;
    for (const auto& t : scope.tables) {
      if (names.size() >= 2) {
        // Match the table by its alias (last qualifier).
        if (t.alias != names[names.size() - 2]) continue;
      }
      for (size_t i = 0; i < t.names.size(); i++) {
        if (t.names[i] != col) continue;
        if (names.size() == 1 && t.hidden[i]) continue;
        if (found) Fail(e, "AMBIGUOUS_NAME", "Column '" + col + "' is ambiguous");
        found = MakeColumnRef({t.index, t.columns[i]}, t.types[i], JoinName(names));
      }
    }
    return found;
  }

  BoundExprPtr ResolveColumn(const ParsedExpr& e, const std::vector<std::string>& names) {
    if (auto local = ResolveLocal(e, names)) return local;
    if (self->parent_) {
      BoundExprPtr outer = self->parent_->impl_->ResolveColumnOrNull(e, names);
      if (outer) return Correlate(std::move(outer));
    }
    return nullptr;
  }

  BoundExprPtr ResolveColumnOrNull(const ParsedExpr& e, const std::vector<std::string>& names) {
    return ResolveColumn(e, names);
  }

  // Registers an expression of the parent's scope as a parameter of this query.
  BoundExprPtr Correlate(BoundExprPtr outer) {
    auto& list = self->correlated_;
    size_t slot = list.size();
    for (size_t i = 0; i < list.size(); i++) {
      if (list[i]->Equals(*outer)) {
        slot = i;
        break;
      }
    }
    Type t = outer->type;
    std::string text = outer->text;
    if (slot == list.size()) list.push_back(std::move(outer));
    auto p = std::make_unique<BoundExpr>();
    p->kind = BoundExprKind::kParameter;
    p->type = t;
    p->index = static_cast<int>(slot);
    p->text = text;
    return p;
  }

  // ---------------------------------------------------------------- FROM
  LogicalPtr BindFrom(const TableRef& ref) {
    switch (ref.kind) {
      case TableRefKind::kBase:
        return BindBaseTable(ref);
      case TableRefKind::kSubquery: {
        // A derived table sees the enclosing query's outer scopes but not its siblings.
        Binder sub(ctx, self->parent_);
        sub.impl_->ctes = ctes;
        BoundQuery q = sub.BindQuery(*ref.subquery);
        AdoptCorrelations(sub);
        return AddDerivedTable(std::move(q), ref.alias, ref.column_aliases, ref);
      }
      case TableRefKind::kValues:
        return BindValues(ref);
      case TableRefKind::kFunction:
        return BindTableFunction(ref);
      case TableRefKind::kJoin:
        return BindJoin(ref);
    }
    throw BinderError("NOT_SUPPORTED", "unsupported table reference");
  }

  // Correlated values captured by a derived table's binder refer to our parent's scope: pass
  // them up as our own parameters.
  void AdoptCorrelations(Binder& sub) {
    if (!sub.correlated_.empty()) {
      throw BinderError("NOT_SUPPORTED", "correlated derived tables are not supported");
    }
  }

  LogicalPtr AddDerivedTable(BoundQuery q, const std::string& alias,
                             const std::vector<std::string>& column_aliases, const TableRef& ref) {
    ScopeTable t;
    t.alias = alias;
    auto bindings = q.plan->GetColumnBindings();
    // Wrap in a projection so the derived table has its own table index.
    auto proj = MakeLogical(LogicalKind::kProjection);
    proj->table_index = NewTableIndex();
    for (size_t i = 0; i < bindings.size(); i++) {
      proj->expressions.push_back(MakeColumnRef(bindings[i], q.plan->types[i], q.names[i]));
    }
    proj->children.push_back(std::move(q.plan));
    proj->ResolveTypes();
    t.index = proj->table_index;
    if (!column_aliases.empty() && column_aliases.size() != q.names.size()) {
      throw BinderError("MISMATCHED_COLUMN_ALIASES",
                        "line " + std::to_string(ref.line) + ":" + std::to_string(ref.column) +
                            ": Column alias list has " + std::to_string(column_aliases.size()) +
                            " entries but relation has " + std::to_string(q.names.size()) +
                            " columns");
    }
    for (size_t i = 0; i < q.names.size(); i++) {
      t.names.push_back(column_aliases.empty() ? q.names[i] : column_aliases[i]);
      t.types.push_back(proj->types[i]);
      t.columns.push_back(static_cast<uint32_t>(i));
      t.hidden.push_back(false);
    }
    scope.tables.push_back(std::move(t));
    return proj;
  }

  LogicalPtr BindBaseTable(const TableRef& ref) {
    std::string name = ref.name.back();
    std::string alias = ref.alias.empty() ? name : ref.alias;
    if (ref.name.size() == 1) {
      if (const CommonTableExpr* cte = FindCte(name)) {
        Binder sub(ctx, self->parent_);
        // The CTE may refer to CTEs defined before it.
        for (const auto& c : ctes) {
          if (c.second == cte) break;
          sub.impl_->ctes.push_back(c);
        }
        BoundQuery q = sub.BindQuery(*cte->query);
        AdoptCorrelations(sub);
        std::vector<std::string> aliases = ref.column_aliases.empty() ? cte->column_aliases : ref.column_aliases;
        return AddDerivedTable(std::move(q), alias, aliases, ref);
      }
    }
    if (auto table = ctx->catalog->GetTable(name); table && ref.name.size() <= 3) {
      auto get = MakeLogical(LogicalKind::kGet);
      get->table_index = NewTableIndex();
      get->memory_table = table;
      get->snapshot = table->Snapshot();
      get->table_columns = table->columns();
      get->table_name = name;
      ScopeTable t;
      t.alias = alias;
      t.index = get->table_index;
      for (size_t i = 0; i < table->columns().size(); i++) {
        get->column_ids.push_back(static_cast<uint32_t>(i));
        t.names.push_back(table->columns()[i].name);
        t.types.push_back(table->columns()[i].type);
        t.columns.push_back(static_cast<uint32_t>(i));
        t.hidden.push_back(false);
      }
      get->estimated_rows = static_cast<double>(table->row_count());
      get->ResolveTypes();
      if (!ref.column_aliases.empty()) {
        if (ref.column_aliases.size() != t.names.size()) {
          throw BinderError("MISMATCHED_COLUMN_ALIASES", "Column alias list does not match the table's columns");
        }
        t.names = ref.column_aliases;
      }
      scope.tables.push_back(std::move(t));
      return get;
    }
    if (auto view = ctx->catalog->GetView(name)) {
      if (ctx->view_depth > 32) throw BinderError("VIEW_IS_RECURSIVE", "View '" + name + "' is recursive");
      auto stmt = ParseStatement(view->sql);
      if (!stmt->query) throw BinderError("INVALID_VIEW", "View '" + name + "' is invalid");
      ctx->view_depth++;
      Binder sub(ctx, nullptr);
      BoundQuery q = sub.BindQuery(*stmt->query);
      ctx->view_depth--;
      std::vector<std::string> aliases = ref.column_aliases.empty() ? view->column_aliases : ref.column_aliases;
      return AddDerivedTable(std::move(q), alias, aliases, ref);
    }
    if (ctx->resolver) {
      if (auto ext = ctx->resolver(ref.name)) return AddExternalTable(ext, alias, ref);
    }
    if (auto ext = ctx->catalog->ResolveExternal(ref.name)) return AddExternalTable(ext, alias, ref);
    throw BinderError("TABLE_NOT_FOUND", "line " + std::to_string(ref.line) + ":" +
                                             std::to_string(ref.column) + ": Table '" +
                                             JoinName(ref.name) + "' does not exist");
  }

  LogicalPtr AddExternalTable(std::shared_ptr<const TableDefinition> def, const std::string& alias,
                              const TableRef& ref) {
    auto get = MakeLogical(LogicalKind::kGet);
    get->table_index = NewTableIndex();
    get->external = def;
    get->table_name = def->name;
    get->table_columns = def->columns;
    get->table_columns.insert(get->table_columns.end(), def->partition_keys.begin(), def->partition_keys.end());
    ScopeTable t;
    t.alias = alias;
    t.index = get->table_index;
    for (size_t i = 0; i < get->table_columns.size(); i++) {
      get->column_ids.push_back(static_cast<uint32_t>(i));
      t.names.push_back(ref.column_aliases.size() == get->table_columns.size() ? ref.column_aliases[i]
                                                                             : get->table_columns[i].name);
      t.types.push_back(get->table_columns[i].type);
      t.columns.push_back(static_cast<uint32_t>(i));
      t.hidden.push_back(false);
    }
    uint64_t bytes = 0;
    for (const auto& f : def->files) bytes += f.size;
    get->estimated_rows = std::max<double>(1.0, static_cast<double>(bytes) / 50.0);
    get->ResolveTypes();
    scope.tables.push_back(std::move(t));
    return get;
  }

  LogicalPtr BindTableFunction(const TableRef& ref) {
    std::vector<Value> args;
    for (const auto& a : ref.args) {
      Binder b(ctx, nullptr);
      BoundExprPtr e = b.BindConstantExpression(*a);
      if (e->kind != BoundExprKind::kConstant) {
        Fail(*a, "INVALID_FUNCTION_ARGUMENT", "Table function arguments must be constants");
      }
      args.push_back(e->value);
    }
    if (!ctx->table_function) {
      throw BinderError("FUNCTION_NOT_FOUND", "Table function '" + ref.function_name + "' not registered");
    }
    auto def = ctx->table_function(ref.function_name, args);
    if (!def) {
      throw BinderError("FUNCTION_NOT_FOUND", "Table function '" + ref.function_name + "' not registered");
    }
    return AddExternalTable(def, ref.alias.empty() ? ref.function_name : ref.alias, ref);
  }

  LogicalPtr BindValues(const TableRef& ref) {
    auto values = MakeLogical(LogicalKind::kValues);
    values->table_index = NewTableIndex();
    size_t width = ref.rows.empty() ? 0 : ref.rows[0].size();
    std::vector<Type> types(width, Type::Unknown());
    for (const auto& row : ref.rows) {
      if (row.size() != width) {
        throw BinderError("SYNTAX_ERROR", "VALUES rows must all have the same number of columns");
      }
      std::vector<BoundExprPtr> bound;
      for (size_t i = 0; i < width; i++) {
        BoundExprPtr e = BindExpr(*row[i]);
        auto common = CommonSuperType(types[i], e->type);
        if (!common) {
          Fail(*row[i], "TYPE_MISMATCH", "VALUES column " + std::to_string(i + 1) + " has mismatched types: " +
                                             types[i].ToString() + " and " + e->type.ToString());
        }
        types[i] = *common;
        bound.push_back(std::move(e));
      }
      values->rows.push_back(std::move(bound));
    }
    for (auto& t : types) {
      if (t.id() == TypeId::kUnknown) t = Type::Unknown();
    }
    for (auto& row : values->rows) {
      for (size_t i = 0; i < width; i++) row[i] = CastTo(std::move(row[i]), types[i]);
    }
    values->types = types;
    ScopeTable t;
    t.alias = ref.alias;
    t.index = values->table_index;
    for (size_t i = 0; i < width; i++) {
      t.names.push_back(i < ref.column_aliases.size() ? ref.column_aliases[i] : "_col" + std::to_string(i));
      t.types.push_back(types[i]);
      t.columns.push_back(static_cast<uint32_t>(i));
      t.hidden.push_back(false);
    }
    values->estimated_rows = static_cast<double>(values->rows.size());
    scope.tables.push_back(std::move(t));
    return values;
  }

  LogicalPtr BindJoin(const TableRef& ref) {
    LogicalPtr left = BindFrom(*ref.left);
    size_t left_tables = scope.tables.size();
    LogicalPtr right = BindFrom(*ref.right);
    auto join = MakeLogical(LogicalKind::kJoin);
    switch (ref.join) {
      case JoinKind::kInner:
        join->join_type = JoinType::kInner;
        break;
      case JoinKind::kLeft:
        join->join_type = JoinType::kLeft;
        break;
      case JoinKind::kRight:
        join->join_type = JoinType::kRight;
        break;
      case JoinKind::kFull:
        join->join_type = JoinType::kFull;
        break;
      case JoinKind::kCross:
        join->join_type = JoinType::kCross;
        break;
    }
    std::vector<std::string> using_cols = ref.using_columns;
    if (ref.natural) {
      std::set<std::string> left_names;
      for (size_t t = 0; t < left_tables; t++) {
        for (const auto& n : scope.tables[t].names) left_names.insert(n);
      }
      for (size_t t = left_tables; t < scope.tables.size(); t++) {
        for (const auto& n : scope.tables[t].names) {
          if (left_names.count(n)) using_cols.push_back(n);
        }
      }
      if (join->join_type == JoinType::kCross) join->join_type = JoinType::kInner;
      if (using_cols.empty()) join->join_type = JoinType::kCross;
    }
    std::vector<BoundExprPtr> conjuncts;
    for (const auto& col : using_cols) {
      BoundExprPtr l, r;
      for (size_t t = 0; t < scope.tables.size(); t++) {
        auto& st = scope.tables[t];
        for (size_t i = 0; i < st.names.size(); i++) {
          if (st.names[i] != col || st.hidden[i]) continue;
          auto ref_expr = MakeColumnRef({st.index, st.columns[i]}, st.types[i], col);
          if (t < left_tables) {
            if (!l) l = std::move(ref_expr);
          } else {
            if (!r) {
              r = std::move(ref_expr);
              st.hidden[i] = true;
            }
          }
        }
      }
      if (!l || !r) {
        throw BinderError("COLUMN_NOT_FOUND", "Column '" + col + "' is missing from one side of the join");
      }
      // Hide the left column from unqualified lookups too; the merged column replaces both.
      BoundExprPtr merged;
      if (join->join_type == JoinType::kRight) {
        merged = r->Copy();
      } else if (join->join_type == JoinType::kFull) {
        auto c = std::make_unique<BoundExpr>();
        c->kind = BoundExprKind::kCoalesce;
        auto common = CommonSuperType(l->type, r->type);
        if (!common) throw BinderError("TYPE_MISMATCH", "USING column '" + col + "' has mismatched types");
        c->type = *common;
        c->text = col;
        c->children.push_back(CastTo(l->Copy(), *common));
        c->children.push_back(CastTo(r->Copy(), *common));
        merged = std::move(c);
      } else {
        merged = l->Copy();
      }
      scope.using_columns.emplace_back(col, std::move(merged));
      conjuncts.push_back(MakeComparison("$eq", "=", std::move(l), std::move(r), nullptr));
    }
    if (ref.on) {
      BoundExprPtr on = BindExpr(*ref.on);
      on = RequireBoolean(std::move(on), *ref.on, "JOIN ON");
      conjuncts.push_back(std::move(on));
    }
    if (!conjuncts.empty() && join->join_type == JoinType::kCross) join->join_type = JoinType::kInner;
    for (auto& c : conjuncts) SplitConjunction(std::move(c), &join->expressions);
    join->children.push_back(std::move(left));
    join->children.push_back(std::move(right));
    join->ResolveTypes();
    return join;
  }

  // ---------------------------------------------------------------- expressions
  BoundExprPtr RequireBoolean(BoundExprPtr e, const ParsedExpr& at, const std::string& clause) {
    if (e->type.id() == TypeId::kUnknown) return CastTo(std::move(e), Type::Boolean());
    if (e->type.id() != TypeId::kBoolean) {
      Fail(at, "TYPE_MISMATCH", clause + " clause must evaluate to a boolean: actual type " + e->type.ToString());
    }
    return e;
  }

  BoundExprPtr MakeFunctionExpr(BoundFunction fn, std::vector<BoundExprPtr> args, std::string text) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundExprKind::kFunction;
    e->type = fn.return_type;
    e->text = std::move(text);
    for (size_t i = 0; i < args.size(); i++) {
      e->children.push_back(CastTo(std::move(args[i]), fn.arg_types[i]));
    }
    e->function = std::make_shared<const BoundFunction>(std::move(fn));
    return e;
  }

  BoundExprPtr CallFunction(const std::string& name, std::vector<BoundExprPtr> args,
                            const ParsedExpr* at, const std::string& text) {
    std::vector<FunctionArg> fargs;
    for (const auto& a : args) {
      FunctionArg fa;
      fa.type = a->type;
      if (a->kind == BoundExprKind::kConstant) fa.constant = &a->value;
      fargs.push_back(fa);
    }
    std::string error;
    auto fn = ResolveScalarFunction(name, fargs, &error);
    if (!fn) {
      std::string code = IsScalarFunction(name) ? "TYPE_MISMATCH" : "FUNCTION_NOT_FOUND";
      if (error.empty()) {
        error = "Unexpected parameters (";
        for (size_t i = 0; i < args.size(); i++) {
          if (i) error += ", ";
          error += args[i]->type.ToString();
        }
        error += ") for function " + name;
      }
      if (at) Fail(*at, code, error);
      throw BinderError(code, error);
    }
    return MakeFunctionExpr(std::move(*fn), std::move(args), text);
  }

  BoundExprPtr MakeComparison(const std::string& fn, const std::string& sym, BoundExprPtr l,
                              BoundExprPtr r, const ParsedExpr* at) {
    std::string text = l->text + " " + sym + " " + r->text;
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(l));
    args.push_back(std::move(r));
    return CallFunction(fn, std::move(args), at, text);
  }

  BoundExprPtr BindExpr(const ParsedExpr& e) {
    BoundExprPtr b = BindExprInner(e);
    return b;
  }

  BoundExprPtr MakeNode(BoundExprKind kind, Type type, std::string text) {
    auto n = std::make_unique<BoundExpr>();
    n->kind = kind;
    n->type = type;
    n->text = std::move(text);
    return n;
  }

  // Casts every expression to their common super type.
  std::vector<BoundExprPtr> Unify(std::vector<BoundExprPtr> list, const ParsedExpr& at, const std::string& what) {
    Type t = Type::Unknown();
    for (const auto& e : list) {
      auto c = CommonSuperType(t, e->type);
      if (!c) {
        Fail(at, "TYPE_MISMATCH", "All " + what + " must be the same type or coercible to a common type. Cannot find common type between " +
                                      t.ToString() + " and " + e->type.ToString());
      }
      t = *c;
    }
    for (auto& e : list) e = CastTo(std::move(e), t);
    return list;
  }

  BoundExprPtr BindExprInner(const ParsedExpr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral: {
        std::string text = e.value.is_null() ? "NULL" : e.value.ToString();
        if (e.value.type().IsString()) text = "'" + e.value.str() + "'";
        return MakeConstant(e.value, text);
      }
      case ExprKind::kColumnRef: {
        BoundExprPtr r = ResolveColumn(e, e.names);
        if (!r) Fail(e, "COLUMN_NOT_FOUND", "Column '" + JoinName(e.names) + "' cannot be resolved");
        return r;
      }
      case ExprKind::kStar:
        Fail(e, "SYNTAX_ERROR", "'*' is not allowed here");
      case ExprKind::kParameter:
        Fail(e, "NOT_SUPPORTED", "Query parameters are not supported");
      case ExprKind::kUnary: {
        BoundExprPtr c = BindExpr(*e.children[0]);
        if (e.op == "not") {
          c = RequireBoolean(std::move(c), *e.children[0], "NOT");
          auto n = MakeNode(BoundExprKind::kNot, Type::Boolean(), "NOT " + c->text);
          n->children.push_back(std::move(c));
          return n;
        }
        if (e.op == "+") {
          if (!c->type.IsNumeric() && c->type.id() != TypeId::kUnknown && !c->type.IsInterval()) {
            Fail(e, "TYPE_MISMATCH", "Cannot apply operator: + " + c->type.ToString());
          }
          return c;
        }
        std::string text = "-" + c->text;
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(c));
        return CallFunction("$negate", std::move(args), &e, text);
      }
      case ExprKind::kBinary:
        return BindBinary(e);
      case ExprKind::kFunction:
        return BindFunction(e);
      case ExprKind::kCast: {
        BoundExprPtr c = BindExpr(*e.children[0]);
        std::string text = std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + c->text + " AS " + e.cast_type.ToString() + ")";
        if (!CastSupported(c->type, e.cast_type)) {
          Fail(e, "TYPE_MISMATCH", "Cannot cast " + c->type.ToString() + " to " + e.cast_type.ToString());
        }
        if (c->type == e.cast_type) return c;
        auto r = CastTo(std::move(c), e.cast_type, e.try_cast);
        r->text = text;
        return r;
      }
      case ExprKind::kCase:
        return BindCase(e);
      case ExprKind::kBetween: {
        BoundExprPtr v = BindExpr(*e.children[0]);
        BoundExprPtr lo = BindExpr(*e.children[1]);
        BoundExprPtr hi = BindExpr(*e.children[2]);
        std::string text = v->text + (e.negated ? " NOT BETWEEN " : " BETWEEN ") + lo->text + " AND " + hi->text;
        auto ge = MakeComparison("$ge", ">=", v->Copy(), std::move(lo), &e);
        auto le = MakeComparison("$le", "<=", std::move(v), std::move(hi), &e);
        auto a = MakeNode(BoundExprKind::kAnd, Type::Boolean(), text);
        a->children.push_back(std::move(ge));
        a->children.push_back(std::move(le));
        if (!e.negated) return a;
        auto n = MakeNode(BoundExprKind::kNot, Type::Boolean(), text);
        n->children.push_back(std::move(a));
        return n;
      }
      case ExprKind::kInList: {
        std::vector<BoundExprPtr> list;
        for (const auto& c : e.children) list.push_back(BindExpr(*c));
        std::string text = list[0]->text + (e.negated ? " NOT IN (...)" : " IN (...)");
        list = Unify(std::move(list), e, "IN list values");
        auto n = MakeNode(BoundExprKind::kInList, Type::Boolean(), text);
        n->negated = e.negated;
        n->children = std::move(list);
        return n;
      }
      case ExprKind::kIsNull: {
        BoundExprPtr c = BindExpr(*e.children[0]);
        auto n = MakeNode(BoundExprKind::kIsNull, Type::Boolean(), c->text + (e.negated ? " IS NOT NULL" : " IS NULL"));
        n->negated = e.negated;
        n->children.push_back(std::move(c));
        return n;
      }
      case ExprKind::kIsDistinctFrom: {
        std::vector<BoundExprPtr> list;
        list.push_back(BindExpr(*e.children[0]));
        list.push_back(BindExpr(*e.children[1]));
        std::string text = list[0]->text + (e.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + list[1]->text;
        list = Unify(std::move(list), e, "operands");
        auto n = MakeNode(BoundExprKind::kIsDistinct, Type::Boolean(), text);
        n->negated = e.negated;
        n->children = std::move(list);
        return n;
      }
      case ExprKind::kLike: {
        std::vector<BoundExprPtr> args;
        for (const auto& c : e.children) args.push_back(BindExpr(*c));
        std::string text = args[0]->text + (e.negated ? " NOT LIKE " : " LIKE ") + args[1]->text;
        auto like = CallFunction("$like", std::move(args), &e, text);
        if (!e.negated) return like;
        auto n = MakeNode(BoundExprKind::kNot, Type::Boolean(), text);
        n->children.push_back(std::move(like));
        return n;
      }
      case ExprKind::kInterval:
        return BindInterval(e);
      case ExprKind::kExtract: {
        std::string field = e.name;
        static const std::map<std::string, std::string> kFields = {
            {"year", "year"}, {"quarter", "quarter"}, {"month", "month"}, {"week", "week"},
            {"day", "day"}, {"day_of_month", "day"}, {"day_of_week", "day_of_week"}, {"dow", "day_of_week"},
            {"day_of_year", "day_of_year"}, {"doy", "day_of_year"}, {"hour", "hour"}, {"minute", "minute"},
            {"second", "second"}, {"year_of_week", "year_of_week"}, {"yow", "year_of_week"}};
        auto it = kFields.find(field);
        if (it == kFields.end()) Fail(e, "INVALID_FUNCTION_ARGUMENT", "Invalid EXTRACT field: " + field);
        std::vector<BoundExprPtr> args;
        args.push_back(BindExpr(*e.children[0]));
        std::string text = "EXTRACT(" + field + " FROM " + args[0]->text + ")";
        return CallFunction(it->second, std::move(args), &e, text);
      }
      case ExprKind::kSubquery:
      case ExprKind::kExists:
      case ExprKind::kInSubquery:
      case ExprKind::kQuantified:
        return BindSubquery(e);
      case ExprKind::kArray:
        Fail(e, "NOT_SUPPORTED", "ARRAY values are only supported in table properties");
      case ExprKind::kSubscript:
        Fail(e, "NOT_SUPPORTED", "Subscripts are not supported");
    }
    Fail(e, "NOT_SUPPORTED", "Unsupported expression");
  }

  BoundExprPtr BindBinary(const ParsedExpr& e) {
    if (e.op == "and" || e.op == "or") {
      // Flatten long chains iteratively to keep recursion shallow.
      std::vector<const ParsedExpr*> operands;
      std::vector<const ParsedExpr*> stack{&e};
      while (!stack.empty()) {
        const ParsedExpr* p = stack.back();
        stack.pop_back();
        if (p->kind == ExprKind::kBinary && p->op == e.op) {
          stack.push_back(p->children[1].get());
          stack.push_back(p->children[0].get());
        } else {
          operands.push_back(p);
        }
      }
      BoundExprPtr result;
      for (const ParsedExpr* p : operands) {
        BoundExprPtr b = RequireBoolean(BindExpr(*p), *p, e.op == "and" ? "AND" : "OR");
        if (!result) {
          result = std::move(b);
          continue;
        }
        auto n = MakeNode(e.op == "and" ? BoundExprKind::kAnd : BoundExprKind::kOr, Type::Boolean(),
                          result->text + (e.op == "and" ? " AND " : " OR ") + b->text);
        n->children.push_back(std::move(result));
        n->children.push_back(std::move(b));
        result = std::move(n);
      }
      return result;
    }
    BoundExprPtr l = BindExpr(*e.children[0]);
    BoundExprPtr r = BindExpr(*e.children[1]);
    static const std::map<std::string, std::string> kOps = {
        {"+", "$add"}, {"-", "$subtract"}, {"*", "$multiply"}, {"/", "$divide"}, {"%", "$modulo"},
        {"=", "$eq"},  {"<>", "$ne"},      {"<", "$lt"},       {"<=", "$le"},     {">", "$gt"},
        {">=", "$ge"}, {"||", "concat"}};
    auto it = kOps.find(e.op);
    if (it == kOps.end()) Fail(e, "NOT_SUPPORTED", "Unsupported operator " + e.op);
    if (e.op == "||") {
      // Trino's || works on varchar; make numbers fail with a clear message.
      if ((!l->type.IsString() && l->type.id() != TypeId::kUnknown) ||
          (!r->type.IsString() && r->type.id() != TypeId::kUnknown)) {
        Fail(e, "TYPE_MISMATCH", "Cannot apply operator: " + l->type.ToString() + " || " + r->type.ToString());
      }
    }
    std::string text = l->text + " " + e.op + " " + r->text;
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(l));
    args.push_back(std::move(r));
    return CallFunction(it->second, std::move(args), &e, text);
  }

  BoundExprPtr BindCase(const ParsedExpr& e) {
    size_t i = 0;
    BoundExprPtr operand;
    if (e.has_operand) operand = BindExpr(*e.children[i++]);
    std::vector<BoundExprPtr> whens, thens;
    size_t end = e.children.size() - (e.has_else ? 1 : 0);
    for (; i < end; i += 2) {
      BoundExprPtr w = BindExpr(*e.children[i]);
      if (operand) {
        w = MakeComparison("$eq", "=", operand->Copy(), std::move(w), &e);
      } else {
        w = RequireBoolean(std::move(w), *e.children[i], "CASE WHEN");
      }
      whens.push_back(std::move(w));
      thens.push_back(BindExpr(*e.children[i + 1]));
    }
    if (e.has_else) {
      thens.push_back(BindExpr(*e.children.back()));
    } else {
      thens.push_back(MakeConstant(Value::Null(), "NULL"));
    }
    thens = Unify(std::move(thens), e, "CASE results");
    auto n = MakeNode(BoundExprKind::kCase, thens[0]->type, "CASE");
    for (size_t k = 0; k < whens.size(); k++) {
      n->children.push_back(std::move(whens[k]));
      n->children.push_back(std::move(thens[k]));
    }
    n->children.push_back(std::move(thens.back()));
    return n;
  }

  BoundExprPtr BindInterval(const ParsedExpr& e) {
    std::string unit = e.name;
    std::string text = e.value.str();
    bool neg = e.negated;
    std::string_view t = text;
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    if (!t.empty() && t.front() == '-') {
      neg = !neg;
      t.remove_prefix(1);
    }
    auto v = ParseInt64(t);
    if (!v) Fail(e, "INVALID_LITERAL", "Invalid INTERVAL literal '" + text + "'");
    int64_t n = neg ? -*v : *v;
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    Value val;
    if (unit == "year") {
      val = Value::Int(Type::IntervalYearMonth(), n * 12);
    } else if (unit == "month") {
      val = Value::Int(Type::IntervalYearMonth(), n);
    } else if (unit == "day") {
      val = Value::Int(Type::IntervalDayTime(), n * 86400000);
    } else if (unit == "hour") {
      val = Value::Int(Type::IntervalDayTime(), n * 3600000);
    } else if (unit == "minute") {
      val = Value::Int(Type::IntervalDayTime(), n * 60000);
    } else if (unit == "second") {
      val = Value::Int(Type::IntervalDayTime(), n * 1000);
    } else if (unit == "week") {
      val = Value::Int(Type::IntervalDayTime(), n * 7 * 86400000);
    } else {
      Fail(e, "INVALID_LITERAL", "Invalid INTERVAL unit '" + unit + "'");
    }
    return MakeConstant(val, "INTERVAL '" + text + "' " + unit);
  }

  BoundExprPtr BindFunction(const ParsedExpr& e) {
    const std::string& name = e.name;
    if (e.over) return BindWindow(e);
    if (IsAggregateFunction(name) && name != "$none") return BindAggregate(e);
    if (IsWindowOnlyFunction(name)) Fail(e, "MISSING_OVER", "Window function " + name + " requires an OVER clause");
    if (e.filter) Fail(e, "SYNTAX_ERROR", "FILTER is only allowed for aggregate functions");
    if (e.distinct) Fail(e, "SYNTAX_ERROR", "DISTINCT is only allowed for aggregate functions");
    std::vector<BoundExprPtr> args;
    if (name == "grouping") return BindGrouping(e);
    for (const auto& c : e.children) args.push_back(BindExpr(*c));
    std::string text = name + "(";
    for (size_t i = 0; i < args.size(); i++) {
      if (i) text += ", ";
      text += args[i]->text;
    }
    text += ")";
    if (name == "coalesce") {
      if (args.empty()) Fail(e, "SYNTAX_ERROR", "coalesce requires at least one argument");
      args = Unify(std::move(args), e, "coalesce arguments");
      auto n = MakeNode(BoundExprKind::kCoalesce, args[0]->type, text);
      n->children = std::move(args);
      return n;
    }
    if (name == "nullif") {
      if (args.size() != 2) Fail(e, "SYNTAX_ERROR", "nullif requires two arguments");
      // CASE WHEN a = b THEN NULL ELSE a END, with a's type.
      Type t = args[0]->type.id() == TypeId::kUnknown ? args[1]->type : args[0]->type;
      auto a = args[0]->Copy();
      auto cond = MakeComparison("$eq", "=", std::move(args[0]), std::move(args[1]), &e);
      auto n = MakeNode(BoundExprKind::kCase, t, text);
      n->children.push_back(std::move(cond));
      n->children.push_back(MakeConstant(Value::Null(t), "NULL"));
      n->children.push_back(CastTo(std::move(a), t));
      return n;
    }
    if (name == "if") {
      if (args.size() < 2 || args.size() > 3) Fail(e, "SYNTAX_ERROR", "if requires two or three arguments");
      BoundExprPtr cond = RequireBoolean(std::move(args[0]), *e.children[0], "IF");
      std::vector<BoundExprPtr> results;
      results.push_back(std::move(args[1]));
      results.push_back(args.size() > 2 ? std::move(args[2]) : MakeConstant(Value::Null(), "NULL"));
      results = Unify(std::move(results), e, "IF results");
      auto n = MakeNode(BoundExprKind::kCase, results[0]->type, text);
      n->children.push_back(std::move(cond));
      n->children.push_back(std::move(results[0]));
      n->children.push_back(std::move(results[1]));
      return n;
    }
    if (name == "try") {
      if (args.size() != 1) Fail(e, "SYNTAX_ERROR", "try requires one argument");
      auto n = MakeNode(BoundExprKind::kTry, args[0]->type, text);
      n->children.push_back(std::move(args[0]));
      return n;
    }
    if (name == "date" && args.size() == 1) return CastTo(std::move(args[0]), Type::Date());
    if (name == "typeof") {
      if (args.size() != 1) Fail(e, "SYNTAX_ERROR", "typeof requires one argument");
      return MakeConstant(Value::Varchar(args[0]->type.ToString()), text);
    }
    if (e.star) Fail(e, "SYNTAX_ERROR", "'*' is only allowed in count(*)");
    return CallFunction(name, std::move(args), &e, text);
  }

  BoundExprPtr BindGrouping(const ParsedExpr& e) {
    if (!allow_aggregates) Fail(e, "SYNTAX_ERROR", "GROUPING() is only allowed with GROUP BY");
    std::vector<BoundExprPtr> args;
    for (const auto& c : e.children) args.push_back(BindExpr(*c));
    saw_aggregate = true;
    grouping_call_args.push_back(std::move(args));
    // A placeholder the aggregate rewrite replaces with the grouping column.
    auto n = MakeNode(BoundExprKind::kAggregate, Type::Bigint(), "grouping(...)");
    n->aggregate = std::make_shared<BoundAggregate>();
    n->aggregate->name = "$grouping";
    n->index = static_cast<int>(grouping_call_args.size() - 1);
    return n;
  }

  BoundExprPtr BindAggregate(const ParsedExpr& e) {
    if (!allow_aggregates) {
      Fail(e, "EXPRESSION_NOT_AGGREGATE", "Aggregate function " + e.name + " is not allowed here");
    }
    // Aggregate arguments may not contain aggregates.
    bool saved = allow_aggregates;
    allow_aggregates = false;
    bool saved_window = allow_windows;
    allow_windows = false;
    auto agg = std::make_shared<BoundAggregate>();
    agg->name = e.name;
    agg->distinct = e.distinct;
    for (const auto& c : e.children) agg->args.push_back(BindExpr(*c));
    if (e.filter) agg->filter = RequireBoolean(BindExpr(*e.filter), *e.filter, "FILTER");
    allow_aggregates = saved;
    allow_windows = saved_window;
    std::string name = e.name;
    if (e.star) {
      if (name != "count") Fail(e, "SYNTAX_ERROR", "'*' is only allowed in count(*)");
    }
    std::vector<Type> types;
    for (const auto& a : agg->args) types.push_back(a->type);
    std::string error;
    auto fn = ResolveAggregate(name, types, &error);
    if (!fn) Fail(e, "FUNCTION_NOT_FOUND", error);
    for (size_t i = 0; i < agg->args.size(); i++) agg->args[i] = CastTo(std::move(agg->args[i]), fn->arg_types[i]);
    std::string text = name + "(" + (e.distinct ? "DISTINCT " : "");
    if (e.star) text += "*";
    for (size_t i = 0; i < agg->args.size(); i++) {
      if (i) text += ", ";
      text += agg->args[i]->text;
    }
    text += ")";
    saw_aggregate = true;
    auto n = MakeNode(BoundExprKind::kAggregate, fn->return_type, text);
    n->aggregate = agg;
    return n;
  }

  int64_t ConstantInt(const ParsedExpr& e, const std::string& what) {
    Binder b(ctx, nullptr);
    BoundExprPtr v = b.BindConstantExpression(e);
    if (v->kind != BoundExprKind::kConstant || !v->type.IsInteger() || v->value.is_null()) {
      Fail(e, "INVALID_ARGUMENTS", what + " must be a constant integer");
    }
    return v->value.int64();
  }

  BoundExprPtr BindWindow(const ParsedExpr& e) {
    if (!allow_windows) Fail(e, "NESTED_WINDOW", "Window functions are not allowed here");
    auto w = std::make_shared<BoundWindow>();
    w->name = e.name;
    w->distinct = e.distinct;
    w->ignore_nulls = e.ignore_nulls;
    bool saved = allow_windows;
    allow_windows = false;
    for (const auto& c : e.children) w->args.push_back(BindExpr(*c));
    for (const auto& p : e.over->partition_by) w->partitions.push_back(BindExpr(*p));
    for (const auto& o : e.over->order_by) {
      BoundOrder bo;
      bo.expr = BindExpr(*o.expr);
      bo.descending = o.descending;
      bo.nulls_first = o.nulls_first < 0 ? false : o.nulls_first == 1;
      w->orders.push_back(std::move(bo));
    }
    allow_windows = saved;
    if (e.over->has_frame) {
      w->has_frame = true;
      w->rows_frame = e.over->unit == FrameUnit::kRows;
      auto conv = [&](const FrameBound& b, WindowFrameBound* kind, int64_t* offset) {
        switch (b.kind) {
          case FrameBoundKind::kUnboundedPreceding: *kind = WindowFrameBound::kUnboundedPreceding; break;
          case FrameBoundKind::kPreceding: *kind = WindowFrameBound::kPreceding; break;
          case FrameBoundKind::kCurrentRow: *kind = WindowFrameBound::kCurrentRow; break;
          case FrameBoundKind::kFollowing: *kind = WindowFrameBound::kFollowing; break;
          case FrameBoundKind::kUnboundedFollowing: *kind = WindowFrameBound::kUnboundedFollowing; break;
        }
        if (b.offset) {
          *offset = ConstantInt(*b.offset, "Window frame offset");
          if (*offset < 0) Fail(*b.offset, "INVALID_WINDOW_FRAME", "Window frame offset must not be negative");
          if (!w->rows_frame) Fail(*b.offset, "NOT_SUPPORTED", "RANGE frames with offsets are not supported");
        }
      };
      conv(e.over->start, &w->start, &w->start_offset);
      conv(e.over->end, &w->end, &w->end_offset);
    }
    const std::string& n = w->name;
    Type type;
    std::string text = n + "(...) OVER (...)";
    if (n == "row_number" || n == "rank" || n == "dense_rank" || n == "ntile") {
      type = Type::Bigint();
      if (n == "ntile") {
        if (w->args.size() != 1) Fail(e, "INVALID_ARGUMENTS", "ntile requires one argument");
        w->args[0] = CastTo(std::move(w->args[0]), Type::Bigint());
      } else if (!w->args.empty()) {
        Fail(e, "INVALID_ARGUMENTS", n + " takes no arguments");
      }
    } else if (n == "percent_rank" || n == "cume_dist") {
      type = Type::Double();
    } else if (n == "lag" || n == "lead" || n == "first_value" || n == "last_value" || n == "nth_value") {
      if (w->args.empty()) Fail(e, "INVALID_ARGUMENTS", n + " requires an argument");
      type = w->args[0]->type;
      if (w->args.size() > 1) w->args[1] = CastTo(std::move(w->args[1]), Type::Bigint());
      if (w->args.size() > 2) w->args[2] = CastTo(std::move(w->args[2]), type);
    } else if (IsAggregateFunction(n)) {
      std::vector<Type> types;
      for (const auto& a : w->args) types.push_back(a->type);
      std::string error;
      auto fn = ResolveAggregate(n, types, &error);
      if (!fn) Fail(e, "FUNCTION_NOT_FOUND", error);
      for (size_t i = 0; i < w->args.size(); i++) w->args[i] = CastTo(std::move(w->args[i]), fn->arg_types[i]);
      type = fn->return_type;
    } else {
      Fail(e, "FUNCTION_NOT_FOUND", "Function '" + n + "' not registered as a window function");
    }
    saw_window = true;
    auto node = MakeNode(BoundExprKind::kWindow, type, text);
    node->window = w;
    return node;
  }

  BoundExprPtr BindSubquery(const ParsedExpr& e) {
    Binder sub(ctx, self);
    sub.impl_->ctes.clear();
    BoundQuery q = sub.BindQuery(*e.subquery);
    auto sq = std::make_shared<BoundSubquery>();
    auto node = MakeNode(BoundExprKind::kSubquery, Type::Boolean(), "(subquery)");
    for (auto& c : sub.correlated_) {
      sq->parameter_types.push_back(c->type);
      node->children.push_back(std::move(c));
    }
    sq->correlated_count = node->children.size();
    size_t width = q.plan->types.size();
    if (e.kind == ExprKind::kExists) {
      sq->kind = SubqueryKind::kExists;
      node->text = "EXISTS (subquery)";
      if (e.negated) {
        sq->plan = std::move(q.plan);
        node->subquery = sq;
        auto n = MakeNode(BoundExprKind::kNot, Type::Boolean(), "NOT EXISTS (subquery)");
        n->children.push_back(std::move(node));
        return n;
      }
    } else if (e.kind == ExprKind::kSubquery) {
      if (width != 1) Fail(e, "MULTIPLE_COLUMNS", "Multiple columns returned by subquery are not yet supported");
      sq->kind = SubqueryKind::kScalar;
      node->type = q.plan->types[0];
      if (node->type.id() == TypeId::kUnknown) node->type = Type::Unknown();
    } else {
      if (width != 1) Fail(e, "MULTIPLE_COLUMNS", "Multiple columns returned by subquery are not yet supported");
      BoundExprPtr left = BindExpr(*e.children[0]);
      Type st = q.plan->types[0];
      auto common = CommonSuperType(left->type, st);
      if (!common) {
        Fail(e, "TYPE_MISMATCH", "Value expression and result of subquery must be of the same type: " +
                                     left->type.ToString() + " vs " + st.ToString());
      }
      if (st != *common) q.plan = CastPlanOutput(std::move(q.plan), *common);
      left = CastTo(std::move(left), *common);
      node->text = left->text + (e.kind == ExprKind::kInSubquery ? " IN (subquery)" : " " + e.op + " " + e.quantifier + " (subquery)");
      node->children.push_back(std::move(left));
      if (e.kind == ExprKind::kInSubquery) {
        sq->kind = SubqueryKind::kIn;
        sq->op = "=";
      } else {
        sq->kind = e.quantifier == "all" ? SubqueryKind::kAll : SubqueryKind::kAny;
        sq->op = e.op;
        if (sq->op == "=" && sq->kind == SubqueryKind::kAny) sq->kind = SubqueryKind::kIn;
      }
      if (e.negated) {
        sq->plan = std::move(q.plan);
        node->subquery = sq;
        auto n = MakeNode(BoundExprKind::kNot, Type::Boolean(), "NOT " + node->text);
        n->children.push_back(std::move(node));
        return n;
      }
    }
    sq->plan = std::move(q.plan);
    node->subquery = sq;
    return node;
  }

  LogicalPtr CastPlanOutput(LogicalPtr plan, const Type& type) {
    auto bindings = plan->GetColumnBindings();
    auto proj = MakeLogical(LogicalKind::kProjection);
    proj->table_index = NewTableIndex();
    proj->expressions.push_back(CastTo(MakeColumnRef(bindings[0], plan->types[0], "col"), type));
    proj->children.push_back(std::move(plan));
    proj->ResolveTypes();
    return proj;
  }

  // ---------------------------------------------------------------- SELECT
  struct SelectResult {
    LogicalPtr plan;
    std::vector<std::string> names;
    size_t visible = 0;
  };

  void ExpandStar(const ParsedExpr& star, std::vector<BoundExprPtr>* exprs, std::vector<std::string>* names) {
    bool any = false;
    if (star.names.empty()) {
      for (const auto& [n, e] : scope.using_columns) {
        exprs->push_back(e->Copy());
        names->push_back(n);
        any = true;
      }
    }
    for (const auto& t : scope.tables) {
      if (!star.names.empty() && t.alias != star.names.back()) continue;
      for (size_t i = 0; i < t.names.size(); i++) {
        bool is_using = false;
        for (const auto& [n, e] : scope.using_columns) {
          if (n == t.names[i]) is_using = true;
        }
        if (star.names.empty() && (t.hidden[i] || is_using)) continue;
        exprs->push_back(MakeColumnRef({t.index, t.columns[i]}, t.types[i], t.names[i]));
        names->push_back(t.names[i]);
        any = true;
      }
    }
    if (!any) {
      if (!star.names.empty()) Fail(star, "TABLE_NOT_FOUND", "Table '" + star.names.back() + "' not found");
      Fail(star, "COLUMN_NOT_FOUND", "SELECT * not allowed in queries without FROM clause");
    }
  }

  // Replaces group-by expressions and aggregates with references to the aggregate's output.
  BoundExprPtr RewriteAggregates(BoundExprPtr e, LogicalOperator& agg, const std::string& clause) {
    for (size_t i = 0; i < agg.groups.size(); i++) {
      if (e->Equals(*agg.groups[i])) {
        return MakeColumnRef({agg.group_index, static_cast<uint32_t>(i)}, e->type, e->text);
      }
    }
    if (e->kind == BoundExprKind::kAggregate) {
      if (e->aggregate->name == "$grouping") {
        return MakeColumnRef({agg.grouping_index, static_cast<uint32_t>(e->index)}, Type::Bigint(), "grouping");
      }
      for (size_t i = 0; i < agg.aggregates.size(); i++) {
        if (agg.aggregates[i]->Equals(*e)) {
          return MakeColumnRef({agg.aggregate_index, static_cast<uint32_t>(i)}, e->type, e->text);
        }
      }
      agg.aggregates.push_back(e->Copy());
      return MakeColumnRef({agg.aggregate_index, static_cast<uint32_t>(agg.aggregates.size() - 1)}, e->type, e->text);
    }
    if (e->kind == BoundExprKind::kColumnRef) {
      throw BinderError("EXPRESSION_NOT_AGGREGATE",
                        "'" + e->text + "' must be an aggregate expression or appear in GROUP BY clause" +
                            (clause.empty() ? "" : " (in " + clause + ")"));
    }
    if (e->kind == BoundExprKind::kWindow) {
      auto& w = *e->window;
      auto nw = std::make_shared<BoundWindow>();
      nw->name = w.name;
      nw->rows_frame = w.rows_frame;
      nw->has_frame = w.has_frame;
      nw->start = w.start;
      nw->end = w.end;
      nw->start_offset = w.start_offset;
      nw->end_offset = w.end_offset;
      nw->ignore_nulls = w.ignore_nulls;
      nw->distinct = w.distinct;
      for (auto& a : w.args) nw->args.push_back(RewriteAggregates(a->Copy(), agg, clause));
      for (auto& p : w.partitions) nw->partitions.push_back(RewriteAggregates(p->Copy(), agg, clause));
      for (auto& o : w.orders) {
        BoundOrder bo;
        bo.expr = RewriteAggregates(o.expr->Copy(), agg, clause);
        bo.descending = o.descending;
        bo.nulls_first = o.nulls_first;
        nw->orders.push_back(std::move(bo));
      }
      auto copy = e->Copy();
      copy->window = nw;
      return copy;
    }
    for (auto& c : e->children) c = RewriteAggregates(std::move(c), agg, clause);
    return e;
  }

  // Replaces window expressions with references to the window operator's output.
  BoundExprPtr ExtractWindows(BoundExprPtr e, LogicalOperator& win) {
    if (e->kind == BoundExprKind::kWindow) {
      win.expressions.push_back(std::move(e));
      auto& w = win.expressions.back();
      return MakeColumnRef({win.table_index, static_cast<uint32_t>(win.expressions.size() - 1)}, w->type, w->text);
    }
    for (auto& c : e->children) c = ExtractWindows(std::move(c), win);
    return e;
  }

  static bool ContainsKind(const BoundExpr& e, BoundExprKind k) {
    if (e.kind == k) return true;
    for (const auto& c : e.children) {
      if (ContainsKind(*c, k)) return true;
    }
    return false;
  }

  SelectResult BindSelect(const SelectNode& s, const std::vector<OrderItem>* order_by) {
    SelectResult result;
    LogicalPtr plan;
    if (s.from) {
      plan = BindFrom(*s.from);
    } else {
      plan = MakeLogical(LogicalKind::kDummy);
      plan->estimated_rows = 1;
    }
    if (s.where) {
      allow_aggregates = false;
      allow_windows = false;
      BoundExprPtr w = RequireBoolean(BindExpr(*s.where), *s.where, "WHERE");
      auto filter = MakeLogical(LogicalKind::kFilter);
      SplitConjunction(std::move(w), &filter->expressions);
      filter->children.push_back(std::move(plan));
      filter->ResolveTypes();
      plan = std::move(filter);
    }
    // Select list.
    allow_aggregates = true;
    allow_windows = true;
    saw_aggregate = false;
    saw_window = false;
    grouping_call_args.clear();
    std::vector<BoundExprPtr> select;
    std::vector<std::string> aliases;
    std::vector<std::string> names;
    for (const auto& item : s.items) {
      if (item.expr->kind == ExprKind::kStar) {
        ExpandStar(*item.expr, &select, &names);
        while (aliases.size() < select.size()) aliases.push_back("");
        continue;
      }
      BoundExprPtr b = BindExpr(*item.expr);
      std::string name = item.alias;
      if (name.empty()) {
        if (item.expr->kind == ExprKind::kColumnRef) {
          name = item.expr->names.back();
        } else {
          name = "_col" + std::to_string(select.size());
        }
      }
      names.push_back(name);
      aliases.push_back(item.alias);
      select.push_back(std::move(b));
    }
    // GROUP BY.
    std::vector<BoundExprPtr> groups;
    std::vector<std::vector<size_t>> grouping_sets;
    bool has_group_by = !s.group_by.empty();
    if (has_group_by) {
      allow_aggregates = false;
      allow_windows = false;
      auto bind_group = [&](const ParsedExpr& g) -> size_t {
        BoundExprPtr b;
        if (g.kind == ExprKind::kLiteral && g.value.type().IsInteger()) {
          int64_t ord = g.value.int64();
          if (ord < 1 || ord > static_cast<int64_t>(select.size())) {
            Fail(g, "INVALID_COLUMN_REFERENCE", "GROUP BY position " + std::to_string(ord) + " is not in select list");
          }
          if (ContainsKind(*select[ord - 1], BoundExprKind::kAggregate)) {
            Fail(g, "EXPRESSION_NOT_AGGREGATE", "GROUP BY position " + std::to_string(ord) + " is an aggregate");
          }
          b = select[ord - 1]->Copy();
        } else if (g.kind == ExprKind::kColumnRef && g.names.size() == 1 && !ResolveLocal(g, g.names)) {
          // SQLite-style reference to a select alias.
          for (size_t i = 0; i < aliases.size(); i++) {
            if (aliases[i] == g.names[0] && !ContainsKind(*select[i], BoundExprKind::kAggregate)) {
              b = select[i]->Copy();
              break;
            }
          }
          if (!b) b = BindExpr(g);
        } else {
          b = BindExpr(g);
        }
        for (size_t i = 0; i < groups.size(); i++) {
          if (groups[i]->Equals(*b)) return i;
        }
        groups.push_back(std::move(b));
        return groups.size() - 1;
      };
      // Each element contributes a list of sets; the final sets are their cross product.
      std::vector<std::vector<size_t>> sets{{}};
      bool complex = false;
      for (const auto& el : s.group_by) {
        std::vector<std::vector<size_t>> el_sets;
        if (el.kind == GroupingKind::kSimple) {
          el_sets.push_back({bind_group(*el.exprs[0])});
        } else if (el.kind == GroupingKind::kRollup) {
          complex = true;
          std::vector<size_t> ids;
          for (const auto& x : el.exprs) ids.push_back(bind_group(*x));
          for (size_t k = ids.size() + 1; k-- > 0;) el_sets.push_back(std::vector<size_t>(ids.begin(), ids.begin() + k));
        } else if (el.kind == GroupingKind::kCube) {
          complex = true;
          std::vector<size_t> ids;
          for (const auto& x : el.exprs) ids.push_back(bind_group(*x));
          if (ids.size() > 12) throw BinderError("NOT_SUPPORTED", "CUBE of more than 12 expressions");
          for (size_t mask = (1u << ids.size()); mask-- > 0;) {
            std::vector<size_t> set;
            for (size_t k = 0; k < ids.size(); k++) {
              if (mask & (1u << (ids.size() - 1 - k))) set.push_back(ids[k]);
            }
            el_sets.push_back(set);
          }
        } else {
          complex = true;
          for (const auto& set_exprs : el.sets) {
            std::vector<size_t> set;
            for (const auto& x : set_exprs) set.push_back(bind_group(*x));
            el_sets.push_back(set);
          }
        }
        std::vector<std::vector<size_t>> next;
        for (const auto& a : sets) {
          for (const auto& b : el_sets) {
            std::vector<size_t> merged = a;
            for (size_t id : b) {
              if (std::find(merged.begin(), merged.end(), id) == merged.end()) merged.push_back(id);
            }
            next.push_back(merged);
          }
        }
        sets = std::move(next);
      }
      if (complex) {
        if (s.group_by_distinct) {
          std::vector<std::vector<size_t>> uniq;
          for (auto set : sets) {
            std::sort(set.begin(), set.end());
            if (std::find(uniq.begin(), uniq.end(), set) == uniq.end()) uniq.push_back(set);
          }
          sets = uniq;
        }
        grouping_sets = std::move(sets);
      }
      allow_aggregates = true;
      allow_windows = true;
    }
    // HAVING.
    BoundExprPtr having;
    if (s.having) {
      allow_windows = false;
      having = RequireBoolean(BindExpr(*s.having), *s.having, "HAVING");
      allow_windows = true;
    }
    // ORDER BY: output names and ordinals first, then expressions over the input.
    std::vector<BoundOrder> orders;
    std::vector<int> order_targets;
    size_t visible = select.size();
    if (order_by) {
      for (const auto& item : *order_by) {
        int target = -1;
        const ParsedExpr& oe = *item.expr;
        if (oe.kind == ExprKind::kLiteral && oe.value.type().IsInteger()) {
          int64_t ord = oe.value.int64();
          if (ord < 1 || ord > static_cast<int64_t>(visible)) {
            Fail(oe, "INVALID_COLUMN_REFERENCE", "ORDER BY position " + std::to_string(ord) + " is not in select list");
          }
          target = static_cast<int>(ord - 1);
        } else if (oe.kind == ExprKind::kColumnRef && oe.names.size() == 1) {
          int matches = 0;
          for (size_t i = 0; i < visible; i++) {
            bool named = aliases[i] == oe.names[0] ||
                         (aliases[i].empty() && names[i] == oe.names[0] &&
                          select[i]->kind == BoundExprKind::kColumnRef);
            if (named) {
              if (target < 0) target = static_cast<int>(i);
              matches++;
            }
          }
          if (matches > 1) {
            // Several output columns of that name: ambiguous unless they are the same expression.
            for (size_t i = 0; i < visible; i++) {
              if (names[i] == oe.names[0] && !select[i]->Equals(*select[target])) {
                Fail(oe, "AMBIGUOUS_NAME", "ORDER BY column '" + oe.names[0] + "' is ambiguous");
              }
            }
          }
        }
        if (target < 0) {
          BoundExprPtr b = BindExpr(oe);
          for (size_t i = 0; i < select.size(); i++) {
            if (select[i]->Equals(*b)) {
              target = static_cast<int>(i);
              break;
            }
          }
          if (target < 0) {
            if (s.distinct) {
              Fail(oe, "EXPRESSION_NOT_IN_DISTINCT", "For SELECT DISTINCT, ORDER BY expressions must appear in select list");
            }
            select.push_back(std::move(b));
            names.push_back("_order");
            aliases.push_back("");
            target = static_cast<int>(select.size() - 1);
          }
        }
        BoundOrder bo;
        bo.descending = item.descending;
        bo.nulls_first = item.nulls_first < 0 ? false : item.nulls_first == 1;
        orders.push_back(std::move(bo));
        order_targets.push_back(target);
      }
    }
    // Aggregation.
    bool aggregate = has_group_by || saw_aggregate || having;
    if (aggregate) {
      auto agg = MakeLogical(LogicalKind::kAggregate);
      agg->group_index = NewTableIndex();
      agg->aggregate_index = NewTableIndex();
      agg->grouping_index = NewTableIndex();
      agg->groups = std::move(groups);
      agg->grouping_sets = std::move(grouping_sets);
      for (auto& args : grouping_call_args) {
        std::vector<size_t> ids;
        for (auto& a : args) {
          size_t id = agg->groups.size();
          for (size_t i = 0; i < agg->groups.size(); i++) {
            if (agg->groups[i]->Equals(*a)) id = i;
          }
          if (id == agg->groups.size()) {
            throw BinderError("INVALID_ARGUMENTS", "The arguments to GROUPING() must be expressions referenced by the GROUP BY");
          }
          ids.push_back(id);
        }
        agg->grouping_calls.push_back(ids);
      }
      for (size_t i = 0; i < select.size(); i++) {
        select[i] = RewriteAggregates(std::move(select[i]), *agg, i < visible ? "" : "ORDER BY");
      }
      if (having) having = RewriteAggregates(std::move(having), *agg, "HAVING");
      agg->children.push_back(std::move(plan));
      agg->ResolveTypes();
      plan = std::move(agg);
      if (having) {
        auto filter = MakeLogical(LogicalKind::kFilter);
        SplitConjunction(std::move(having), &filter->expressions);
        filter->children.push_back(std::move(plan));
        filter->ResolveTypes();
        plan = std::move(filter);
      }
    }
    // Window functions.
    bool has_window = false;
    for (const auto& e : select) has_window = has_window || ContainsKind(*e, BoundExprKind::kWindow);
    if (has_window) {
      auto win = MakeLogical(LogicalKind::kWindow);
      win->table_index = NewTableIndex();
      for (auto& e : select) e = ExtractWindows(std::move(e), *win);
      win->children.push_back(std::move(plan));
      win->ResolveTypes();
      plan = std::move(win);
    }
    // Projection.
    auto proj = MakeLogical(LogicalKind::kProjection);
    proj->table_index = NewTableIndex();
    proj->expressions = std::move(select);
    proj->children.push_back(std::move(plan));
    proj->ResolveTypes();
    plan = std::move(proj);
    if (s.distinct) {
      auto d = MakeLogical(LogicalKind::kDistinct);
      d->children.push_back(std::move(plan));
      d->ResolveTypes();
      plan = std::move(d);
    }
    if (!orders.empty()) {
      auto bindings = plan->GetColumnBindings();
      auto order = MakeLogical(LogicalKind::kOrder);
      for (size_t i = 0; i < orders.size(); i++) {
        int t = order_targets[i];
        orders[i].expr = MakeColumnRef(bindings[t], plan->types[t], names[t]);
        order->orders.push_back(std::move(orders[i]));
      }
      order->children.push_back(std::move(plan));
      order->ResolveTypes();
      plan = std::move(order);
    }
    result.plan = std::move(plan);
    result.names = std::move(names);
    result.visible = visible;
    return result;
  }

  // ---------------------------------------------------------------- query bodies
  SelectResult BindBody(const QueryBody& body, const std::vector<OrderItem>* order_by) {
    if (body.select) {
      return BindSelect(*body.select, order_by);
    }
    if (body.values) {
      SelectResult r;
      r.plan = BindValues(*body.values);
      for (size_t i = 0; i < r.plan->types.size(); i++) r.names.push_back("_col" + std::to_string(i));
      r.visible = r.names.size();
      scope.tables.clear();
      return ApplyOutputOrder(std::move(r), order_by);
    }
    if (body.nested) {
      Binder sub(ctx, self->parent_);
      sub.impl_->ctes = ctes;
      BoundQuery q = sub.BindQuery(*body.nested);
      if (!sub.correlated_.empty()) {
        for (auto& c : sub.correlated_) self->correlated_.push_back(std::move(c));
        throw BinderError("NOT_SUPPORTED", "correlated parenthesised queries are not supported");
      }
      SelectResult r;
      r.plan = std::move(q.plan);
      r.names = std::move(q.names);
      r.visible = r.names.size();
      return ApplyOutputOrder(std::move(r), order_by);
    }
    // Set operation: each side in its own scope.
    SelectResult left = BindSide(*body.left);
    SelectResult right = BindSide(*body.right);
    if (left.plan->types.size() != right.plan->types.size()) {
      throw BinderError("TYPE_MISMATCH", "Set operation inputs have different numbers of columns: " +
                                             std::to_string(left.plan->types.size()) + " and " +
                                             std::to_string(right.plan->types.size()));
    }
    std::vector<Type> types;
    for (size_t i = 0; i < left.plan->types.size(); i++) {
      auto c = CommonSuperType(left.plan->types[i], right.plan->types[i]);
      if (!c) {
        throw BinderError("TYPE_MISMATCH", "Set operation column " + std::to_string(i + 1) + " types " +
                                               left.plan->types[i].ToString() + " and " +
                                               right.plan->types[i].ToString() + " are not compatible");
      }
      types.push_back(*c);
    }
    auto setop = MakeLogical(LogicalKind::kSetOp);
    setop->table_index = NewTableIndex();
    setop->set_op = body.op == SetOpKind::kUnion ? SetOp::kUnion : body.op == SetOpKind::kIntersect ? SetOp::kIntersect : SetOp::kExcept;
    setop->set_all = body.all;
    setop->children.push_back(CastOutputs(std::move(left.plan), types));
    setop->children.push_back(CastOutputs(std::move(right.plan), types));
    setop->types = types;
    SelectResult r;
    r.plan = std::move(setop);
    r.names = left.names;
    r.visible = r.names.size();
    scope.tables.clear();
    return ApplyOutputOrder(std::move(r), order_by);
  }

  SelectResult BindSide(const QueryBody& body) {
    Binder sub(ctx, self->parent_);
    sub.impl_->ctes = ctes;
    SelectResult r = sub.impl_->BindBody(body, nullptr);
    for (auto& c : sub.correlated_) {
      (void)c;
      throw BinderError("NOT_SUPPORTED", "correlated set operations are not supported");
    }
    r.plan = TrimHidden(std::move(r.plan), r.visible);
    r.names.resize(r.visible);
    return r;
  }

  LogicalPtr CastOutputs(LogicalPtr plan, const std::vector<Type>& types) {
    bool same = plan->types == types;
    if (same) return plan;
    auto bindings = plan->GetColumnBindings();
    auto proj = MakeLogical(LogicalKind::kProjection);
    proj->table_index = NewTableIndex();
    for (size_t i = 0; i < types.size(); i++) {
      proj->expressions.push_back(CastTo(MakeColumnRef(bindings[i], plan->types[i], "col"), types[i]));
    }
    proj->children.push_back(std::move(plan));
    proj->ResolveTypes();
    return proj;
  }

  // ORDER BY over the output of a set operation / VALUES / nested query.
  SelectResult ApplyOutputOrder(SelectResult r, const std::vector<OrderItem>* order_by) {
    if (!order_by || order_by->empty()) return r;
    auto bindings = r.plan->GetColumnBindings();
    auto order = MakeLogical(LogicalKind::kOrder);
    for (const auto& item : *order_by) {
      const ParsedExpr& oe = *item.expr;
      int target = -1;
      if (oe.kind == ExprKind::kLiteral && oe.value.type().IsInteger()) {
        int64_t ord = oe.value.int64();
        if (ord < 1 || ord > static_cast<int64_t>(r.visible)) {
          Fail(oe, "INVALID_COLUMN_REFERENCE", "ORDER BY position " + std::to_string(ord) + " is not in select list");
        }
        target = static_cast<int>(ord - 1);
      } else if (oe.kind == ExprKind::kColumnRef) {
        for (size_t i = 0; i < r.visible; i++) {
          if (r.names[i] == oe.names.back()) {
            target = static_cast<int>(i);
            break;
          }
        }
      }
      if (target < 0) {
        Fail(oe, "NOT_SUPPORTED", "ORDER BY of a set operation must name an output column or position");
      }
      BoundOrder bo;
      bo.expr = MakeColumnRef(bindings[target], r.plan->types[target], r.names[target]);
      bo.descending = item.descending;
      bo.nulls_first = item.nulls_first < 0 ? false : item.nulls_first == 1;
      order->orders.push_back(std::move(bo));
    }
    order->children.push_back(std::move(r.plan));
    order->ResolveTypes();
    r.plan = std::move(order);
    return r;
  }

  LogicalPtr TrimHidden(LogicalPtr plan, size_t visible) {
    if (plan->types.size() == visible) return plan;
    auto bindings = plan->GetColumnBindings();
    auto proj = MakeLogical(LogicalKind::kProjection);
    proj->table_index = NewTableIndex();
    for (size_t i = 0; i < visible; i++) {
      proj->expressions.push_back(MakeColumnRef(bindings[i], plan->types[i], "col"));
    }
    proj->children.push_back(std::move(plan));
    proj->ResolveTypes();
    return proj;
  }
};

Binder::Binder(BinderContext* context, Binder* parent)
    : impl_(std::make_unique<Impl>()), context_(context), parent_(parent) {
  impl_->self = this;
  impl_->ctx = context;
}

Binder::~Binder() = default;

BoundQuery Binder::BindQuery(const Query& query) {
  size_t saved_ctes = impl_->ctes.size();
  for (const auto& cte : query.with) {
    impl_->ctes.emplace_back(cte.name, &cte);
  }
  auto r = impl_->BindBody(*query.body, &query.order_by);
  if (query.limit || query.offset) {
    auto limit = MakeLogical(LogicalKind::kLimit);
    if (query.limit) {
      limit->limit = impl_->ConstantInt(*query.limit, "LIMIT");
      if (limit->limit < 0) throw BinderError("INVALID_ARGUMENTS", "LIMIT must not be negative");
    }
    if (query.offset) {
      limit->offset = impl_->ConstantInt(*query.offset, "OFFSET");
      if (limit->offset < 0) throw BinderError("INVALID_ARGUMENTS", "OFFSET must not be negative");
    }
    limit->children.push_back(std::move(r.plan));
    limit->ResolveTypes();
    r.plan = std::move(limit);
  }
  r.plan = impl_->TrimHidden(std::move(r.plan), r.visible);
  r.names.resize(r.visible);
  impl_->ctes.resize(saved_ctes);
  BoundQuery q;
  q.plan = std::move(r.plan);
  q.names = std::move(r.names);
  return q;
}

BoundExprPtr Binder::BindConstantExpression(const ParsedExpr& expr) {
  impl_->allow_aggregates = false;
  impl_->allow_windows = false;
  return impl_->BindExpr(expr);
}

BoundExprPtr Binder::BindTableExpression(const ParsedExpr& expr, uint32_t table_index,
                                         const std::vector<ColumnDef>& columns) {
  ScopeTable t;
  t.index = table_index;
  for (size_t i = 0; i < columns.size(); i++) {
    t.names.push_back(columns[i].name);
    t.types.push_back(columns[i].type);
    t.columns.push_back(static_cast<uint32_t>(i));
    t.hidden.push_back(false);
  }
  impl_->scope.tables.push_back(std::move(t));
  impl_->allow_aggregates = false;
  impl_->allow_windows = false;
  return impl_->BindExpr(expr);
}

}  // namespace sql
