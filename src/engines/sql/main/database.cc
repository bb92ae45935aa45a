#include "engines/sql/main/database.h"

#include <algorithm>
#include <thread>

#include "base/strings.h"
#include "engines/sql/binder/binder.h"
#include "engines/sql/common/error.h"
#include "engines/sql/execution/expression_executor.h"
#include "engines/sql/formats/table_writer.h"
#include "engines/sql/function/cast.h"
#include "engines/sql/main/table_functions.h"
#include "engines/sql/execution/physical_planner.h"
#include "engines/sql/execution/thread_pool.h"
#include "engines/sql/optimizer/optimizer.h"
#include "engines/sql/parser/parser.h"

namespace sql {

Database::Database(std::shared_ptr<FileSystem> fs)
    : fs_(fs ? std::move(fs) : LocalFileSystem()),
      pool_(std::make_unique<ThreadPool>(std::max(1u, std::thread::hardware_concurrency()))) {}

Database::~Database() = default;

namespace {

std::string Qualified(const std::vector<std::string>& name) { return name.back(); }

QueryResult SingleColumn(const std::string& name, const std::vector<std::string>& values) {
  QueryResult r;
  r.names = {name};
  r.types = {Type::Varchar()};
  r.rows.set_types(r.types);
  DataChunk chunk(r.types, std::max<size_t>(values.size(), 1));
  for (size_t i = 0; i < values.size(); i++) chunk.column(0).SetValue(i, Value::Varchar(values[i]));
  chunk.set_size(values.size());
  r.rows.AppendOwned(std::move(chunk));
  return r;
}

class StatementRunner {
 public:
  StatementRunner(Database& db, const QueryOptions& options) : db_(db) {
    state_.memory_limit = options.memory_limit;
    state_.fs = options.file_system ? options.file_system : db.file_system();
    state_.pool = &db.pool();
    state_.threads = options.threads > 0 ? options.threads : db.pool().size();
    state_.progress = options.progress;
    if (options.cancel) state_.cancel = options.cancel;
    binder_ctx_.catalog = &db.catalog();
    binder_ctx_.resolver = options.resolver;
    if (options.file_table_functions) {
      std::shared_ptr<FileSystem> fs = state_.fs;
      binder_ctx_.table_function = [fs](const std::string& name, const std::vector<Value>& args) {
        return ResolveTableFunction(*fs, name, args);
      };
    }
    read_only_ = options.read_only;
  }

  QueryResult Run(const Statement& stmt) {
    if (state_.cancel->load()) throw ExecutionError("USER_CANCELED", "Query was canceled");
    if (read_only_ && stmt.kind != StatementKind::kSelect && stmt.kind != StatementKind::kExplain) {
      throw BinderError("NOT_SUPPORTED", "Only SELECT and EXPLAIN statements can run here");
    }
    switch (stmt.kind) {
      case StatementKind::kSelect:
        return RunSelect(*stmt.query);
      case StatementKind::kExplain:
        return RunExplain(*stmt.explained);
      case StatementKind::kCreateTable:
        return RunCreateTable(stmt);
      case StatementKind::kCreateTableAs:
        return RunCreateTableAs(stmt);
      case StatementKind::kCreateView:
        return RunCreateView(stmt);
      case StatementKind::kInsert:
        return RunInsert(stmt);
      case StatementKind::kDelete:
        return RunDelete(stmt);
      case StatementKind::kUpdate:
        return RunUpdate(stmt);
      case StatementKind::kDrop:
        return RunDrop(stmt);
      case StatementKind::kCreateIndex: {
        db_.catalog().CreateIndex(Qualified(stmt.name), stmt.insert_columns.at(0));
        return QueryResult();
      }
      case StatementKind::kShowTables:
        return SingleColumn("Table", db_.catalog().TableNames());
      case StatementKind::kShowColumns:
        return RunShowColumns(stmt);
      case StatementKind::kNoOp:
        return QueryResult();
    }
    throw BinderError("NOT_SUPPORTED", "Unsupported statement");
  }

 private:
  BoundQuery Bind(const Query& q) {
    Binder binder(&binder_ctx_);
    BoundQuery b = binder.BindQuery(q);
    b.plan = Optimize(std::move(b.plan), &state_);
    return b;
  }

  ChunkCollection Execute(const LogicalOperator& plan) { return ExecutePlan(plan, &state_, {}); }

  QueryResult RunSelect(const Query& q) {
    BoundQuery b = Bind(q);
    QueryResult r;
    r.names = b.names;
    r.types = b.plan->types;
    r.rows = Execute(*b.plan);
    r.bytes_scanned = state_.bytes_scanned.load();
    r.rows_scanned = state_.rows_scanned.load();
    r.rows_filtered_by_dictionary = state_.rows_filtered_by_dictionary.load();
    r.rows_filtered_by_join_keys = state_.rows_filtered_by_join_keys.load();
    r.row_groups_skipped_by_join_keys = state_.row_groups_skipped_by_join_keys.load();
    r.join_key_lookups = state_.join_key_lookups.load();
    r.rows_aggregated_in_key_order = state_.rows_aggregated_in_key_order.load();
    r.groups_finished_early = state_.groups_finished_early.load();
    r.memory_reserved = static_cast<uint64_t>(std::max<int64_t>(0, state_.memory_used.load()));
    r.aggregate_partitions_merged = state_.aggregate_partitions_merged.load();
    r.parallel_build_pipelines = state_.parallel_build_pipelines.load();
    r.chunks_exchanged = state_.chunks_exchanged.load();
    r.partitioned_join_builds = state_.partitioned_join_builds.load();
    return r;
  }

  QueryResult RunExplain(const Statement& stmt) {
    if (stmt.kind != StatementKind::kSelect) {
      return SingleColumn("Query Plan", {"- " + std::string(stmt.kind == StatementKind::kInsert ? "Insert" : "Statement")});
    }
    BoundQuery b = Bind(*stmt.query);
    return SingleColumn("Query Plan", {b.plan->ToString()});
  }

  QueryResult RunCreateTable(const Statement& stmt) {
    std::vector<ColumnDef> cols;
    std::vector<int> pk;
    for (size_t i = 0; i < stmt.columns.size(); i++) {
      const auto& c = stmt.columns[i];
      for (const auto& prev : cols) {
        if (prev.name == c.name) throw BinderError("DUPLICATE_COLUMN_NAME", "Column name '" + c.name + "' specified more than once");
      }
      cols.push_back({c.name, c.type});
      if (c.comment == "primary key") pk.push_back(static_cast<int>(i));
    }
    db_.catalog().CreateTable(Qualified(stmt.name), cols, pk, stmt.if_not_exists, stmt.or_replace);
    return QueryResult();
  }

  QueryResult RunCreateTableAs(const Statement& stmt) {
    std::string name = Qualified(stmt.name);
    if (db_.catalog().GetTable(name) && !stmt.or_replace) {
      if (stmt.if_not_exists) return QueryResult();
      throw BinderError("TABLE_ALREADY_EXISTS", "Table '" + name + "' already exists");
    }
    BoundQuery b = Bind(*stmt.query);
    if (!stmt.properties.empty()) return WriteExternal(stmt, name, b);
    std::vector<ColumnDef> cols;
    for (size_t i = 0; i < b.names.size(); i++) {
      Type t = b.plan->types[i].id() == TypeId::kUnknown ? Type::Varchar() : b.plan->types[i];
      cols.push_back({b.names[i], t});
    }
    ChunkCollection rows = stmt.with_no_data ? ChunkCollection(b.plan->types) : Execute(*b.plan);
    auto table = db_.catalog().CreateTable(name, cols, {}, false, stmt.or_replace);
    ChunkCollection typed = CastRows(rows, table->types());
    table->Append(typed);
    QueryResult r;
    r.update_count = static_cast<int64_t>(typed.row_count());
    return r;
  }

  // Evaluates a table property value (a constant or ARRAY of constants) to strings.
  std::vector<std::string> PropertyValues(const ParsedExpr& e) {
    std::vector<std::string> out;
    if (e.kind == ExprKind::kArray) {
      for (const auto& c : e.children) {
        auto v = PropertyValues(*c);
        out.insert(out.end(), v.begin(), v.end());
      }
      return out;
    }
    Binder binder(&binder_ctx_);
    BoundExprPtr v = binder.BindConstantExpression(e);
    ExecContext ctx(&state_);
    Value val = ExpressionExecutor::EvaluateConstant(*v, &ctx);
    if (val.is_null()) throw BinderError("INVALID_TABLE_PROPERTY", "Table property values must not be NULL");
    out.push_back(val.ToString());
    return out;
  }

  // CREATE TABLE ... WITH (format, external_location, partitioned_by, ...) AS SELECT: writes
  // the result as files and registers the table over them.
  QueryResult WriteExternal(const Statement& stmt, const std::string& name, BoundQuery& b) {
    WriteOptions o;
    o.location = "./" + name;
    for (const auto& p : stmt.properties) {
      std::string key = base::ToLower(p.name);
      std::vector<std::string> values = PropertyValues(*p.value);
      std::string v = values.empty() ? "" : values[0];
      if (key == "format") {
        std::string f = base::ToUpper(v);
        if (f == "PARQUET") {
          o.format = FileFormat::kParquet;
        } else if (f == "JSON") {
          o.format = FileFormat::kJson;
        } else if (f == "TEXTFILE") {
          o.format = FileFormat::kCsv;
          o.csv.delimiter = '\001';
          o.csv.quote = 0;
          o.csv.escape = 0;
        } else if (f == "CSV") {
          o.format = FileFormat::kCsv;
          o.csv.delimiter = ',';
          o.csv.quote = '"';
          o.csv.null_marker = "";
        } else {
          throw BinderError("INVALID_TABLE_PROPERTY", "Unsupported format '" + v + "' (PARQUET, JSON, TEXTFILE, CSV)");
        }
      } else if (key == "external_location" || key == "location") {
        o.location = v;
      } else if (key == "partitioned_by") {
        for (auto& x : values) o.partition_by.push_back(base::ToLower(x));
      } else if (key == "field_delimiter") {
        if (v.size() != 1) throw BinderError("INVALID_TABLE_PROPERTY", "field_delimiter must be one character");
        o.csv.delimiter = v[0];
      } else if (key == "write_compression" || key == "parquet_compression") {
        o.parquet_compression = v;
      } else if (key == "bucketed_by" || key == "bucket_count" || key == "table_type" || key == "is_external") {
        // Accepted for compatibility; files are not bucketed.
      } else {
        throw BinderError("INVALID_TABLE_PROPERTY", "Catalog does not support table property '" + p.name + "'");
      }
    }
    ChunkCollection rows = stmt.with_no_data ? ChunkCollection(b.plan->types) : Execute(*b.plan);
    auto def = std::make_shared<TableDefinition>(
        WriteTable(*state_.fs, name, b.names, b.plan->types, rows, o));
    db_.catalog().RegisterExternal(name, def);
    QueryResult r;
    r.update_count = static_cast<int64_t>(rows.row_count());
    return r;
  }

  ChunkCollection CastRows(const ChunkCollection& rows, const std::vector<Type>& types) {
    ChunkCollection out(types);
    for (size_t c = 0; c < rows.chunk_count(); c++) {
      const DataChunk& in = rows.chunk(c);
      DataChunk o;
      o.columns().resize(types.size());
      for (size_t k = 0; k < types.size(); k++) {
        if (in.column(k).type() == types[k]) {
          o.column(k).Reference(in.column(k));
          o.column(k).Flatten(in.size());
        } else {
          CastVector(in.column(k), in.size(), types[k], o.column(k), false);
          o.column(k).Flatten(in.size());
        }
      }
      o.set_size(in.size());
      out.Append(o);
    }
    return out;
  }

  QueryResult RunCreateView(const Statement& stmt) {
    // Validate the definition now.
    BoundQuery b = Bind(*stmt.query);
    if (!stmt.insert_columns.empty() && stmt.insert_columns.size() != b.names.size()) {
      throw BinderError("MISMATCHED_COLUMN_ALIASES", "View column list does not match the query");
    }
    std::string name = Qualified(stmt.name);
    if (stmt.if_not_exists && db_.catalog().GetView(name)) return QueryResult();
    db_.catalog().CreateView(ViewDefinition{name, stmt.text, stmt.insert_columns}, stmt.or_replace);
    return QueryResult();
  }

  std::shared_ptr<MemoryTable> TableFor(const Statement& stmt) {
    auto table = db_.catalog().GetTable(Qualified(stmt.name));
    if (!table) {
      throw BinderError("TABLE_NOT_FOUND", "Table '" + Qualified(stmt.name) + "' does not exist");
    }
    return table;
  }

  QueryResult RunInsert(const Statement& stmt) {
    auto table = TableFor(stmt);
    const auto& cols = table->columns();
    std::vector<int> target(cols.size(), -1);
    if (stmt.insert_columns.empty()) {
      for (size_t i = 0; i < cols.size(); i++) target[i] = static_cast<int>(i);
    } else {
      for (size_t j = 0; j < stmt.insert_columns.size(); j++) {
        bool found = false;
        for (size_t i = 0; i < cols.size(); i++) {
          if (cols[i].name == stmt.insert_columns[j]) {
            if (target[i] >= 0) throw BinderError("DUPLICATE_COLUMN_NAME", "Insert column name is specified more than once: " + cols[i].name);
            target[i] = static_cast<int>(j);
            found = true;
          }
        }
        if (!found) throw BinderError("COLUMN_NOT_FOUND", "Insert column name does not exist in target table: " + stmt.insert_columns[j]);
      }
    }
    Binder binder(&binder_ctx_);
    BoundQuery b = binder.BindQuery(*stmt.query);
    size_t expected = stmt.insert_columns.empty() ? cols.size() : stmt.insert_columns.size();
    if (b.plan->types.size() != expected) {
      throw BinderError("MISMATCHED_COLUMN_ALIASES", "Insert query has " + std::to_string(b.plan->types.size()) +
                                                         " columns but the table has " + std::to_string(expected));
    }
    auto bindings = b.plan->GetColumnBindings();
    auto proj = MakeLogical(LogicalKind::kProjection);
    proj->table_index = binder_ctx_.next_table_index++;
    for (size_t i = 0; i < cols.size(); i++) {
      BoundExprPtr e;
      if (target[i] < 0) {
        e = MakeConstant(Value::Null(cols[i].type), "NULL");
        e->type = cols[i].type;
      } else {
        size_t j = static_cast<size_t>(target[i]);
        e = MakeColumnRef(bindings[j], b.plan->types[j], cols[i].name);
        if (!CanImplicitlyCast(e->type, cols[i].type) && !(e->type.IsNumeric() && cols[i].type.IsNumeric())) {
          throw BinderError("TYPE_MISMATCH", "Insert query has mismatched column types: Table: [" + cols[i].type.ToString() +
                                                 "], Query: [" + e->type.ToString() + "]");
        }
        e = Binder::CastTo(std::move(e), cols[i].type);
      }
      proj->expressions.push_back(std::move(e));
    }
    proj->children.push_back(std::move(b.plan));
    proj->ResolveTypes();
    LogicalPtr plan = Optimize(std::move(proj), &state_);
    ChunkCollection rows = Execute(*plan);
    ChunkCollection typed = CastRows(rows, table->types());
    if (stmt.or_replace && !table->primary_key().empty()) RemoveByKey(*table, typed);
    table->Append(typed);
    QueryResult r;
    r.update_count = static_cast<int64_t>(typed.row_count());
    return r;
  }

  // INSERT OR REPLACE: drop existing rows whose primary key appears in `rows`.
  void RemoveByKey(MemoryTable& table, const ChunkCollection& rows) {
    auto snapshot = table.Snapshot();
    const auto& pk = table.primary_key();
    std::vector<DataChunk> kept;
    for (const auto& chunk : *snapshot) {
      std::vector<uint32_t> keep;
      for (size_t r = 0; r < chunk.size(); r++) {
        bool replaced = false;
        for (size_t c = 0; c < rows.chunk_count() && !replaced; c++) {
          const DataChunk& in = rows.chunk(c);
          for (size_t i = 0; i < in.size() && !replaced; i++) {
            bool same = true;
            for (int k : pk) same = same && Value::Compare(chunk.column(k).GetValue(r), in.column(k).GetValue(i)) == 0;
            replaced = same;
          }
        }
        if (!replaced) keep.push_back(static_cast<uint32_t>(r));
      }
      DataChunk copy;
      copy.columns().resize(chunk.column_count());
      for (size_t k = 0; k < chunk.column_count(); k++) copy.column(k).Gather(chunk.column(k), keep.data(), keep.size());
      copy.set_size(keep.size());
      if (copy.size() > 0) kept.push_back(std::move(copy));
    }
    table.Replace(std::move(kept));
  }

  // Rows of `chunk` where `pred` is TRUE.
  std::vector<uint8_t> Matching(const BoundExpr* pred, DataChunk& chunk, ExpressionExecutor& exec) {
    std::vector<uint8_t> hit(chunk.size(), pred ? 0 : 1);
    if (pred) {
      std::vector<uint32_t> sel(chunk.size());
      size_t n = exec.Select(*pred, chunk, sel.data());
      for (size_t i = 0; i < n; i++) hit[sel[i]] = 1;
    }
    return hit;
  }

  BoundExprPtr BindOverTable(const ParsedExpr& e, const MemoryTable& table) {
    Binder binder(&binder_ctx_);
    uint32_t index = binder_ctx_.next_table_index++;
    BoundExprPtr b = binder.BindTableExpression(e, index, table.columns());
    std::vector<ColumnBinding> bindings;
    for (uint32_t i = 0; i < table.columns().size(); i++) bindings.push_back({index, i});
    // Resolve positions directly (column i of the table).
    std::vector<BoundExpr*> stack{b.get()};
    while (!stack.empty()) {
      BoundExpr* x = stack.back();
      stack.pop_back();
      if (x->kind == BoundExprKind::kColumnRef) x->index = static_cast<int>(x->binding.column);
      for (auto& c : x->children) stack.push_back(c.get());
    }
    return b;
  }

  QueryResult RunDelete(const Statement& stmt) {
    auto table = TableFor(stmt);
    BoundExprPtr pred;
    if (stmt.where) pred = BindOverTable(*stmt.where, *table);
    ExecContext ctx(&state_);
    SetSubqueryRunner(ctx);
    ExpressionExecutor exec(&ctx);
    std::vector<DataChunk> kept;
    int64_t removed = 0;
    for (const auto& chunk : *table->Snapshot()) {
      DataChunk c = chunk;
      auto hit = Matching(pred.get(), c, exec);
      std::vector<uint32_t> keep;
      for (size_t i = 0; i < c.size(); i++) {
        if (!hit[i]) keep.push_back(static_cast<uint32_t>(i));
      }
      removed += static_cast<int64_t>(c.size() - keep.size());
      if (keep.empty()) continue;
      if (keep.size() < c.size()) c.Slice(keep.data(), keep.size());
      kept.push_back(std::move(c));
    }
    table->Replace(std::move(kept));
    QueryResult r;
    r.update_count = removed;
    return r;
  }

  void SetSubqueryRunner(ExecContext& ctx) {
    QueryState* q = &state_;
    ctx.run_subquery = [q](const BoundSubquery& sq, const std::vector<Value>& p, bool first_only) {
      return ExecutePlan(*sq.plan, q, p, first_only ? 1 : SIZE_MAX);
    };
  }

  QueryResult RunUpdate(const Statement& stmt) {
    auto table = TableFor(stmt);
    const auto& cols = table->columns();
    std::vector<std::pair<size_t, BoundExprPtr>> sets;
    for (const auto& [name, expr] : stmt.assignments) {
      size_t idx = cols.size();
      for (size_t i = 0; i < cols.size(); i++) {
        if (cols[i].name == name) idx = i;
      }
      if (idx == cols.size()) throw BinderError("COLUMN_NOT_FOUND", "Column '" + name + "' cannot be resolved");
      BoundExprPtr e = BindOverTable(*expr, *table);
      if (!CanImplicitlyCast(e->type, cols[idx].type) && !(e->type.IsNumeric() && cols[idx].type.IsNumeric())) {
        throw BinderError("TYPE_MISMATCH", "Cannot assign " + e->type.ToString() + " to column " + name + " of type " +
                                               cols[idx].type.ToString());
      }
      sets.emplace_back(idx, Binder::CastTo(std::move(e), cols[idx].type));
    }
    BoundExprPtr pred;
    if (stmt.where) pred = BindOverTable(*stmt.where, *table);
    ExecContext ctx(&state_);
    SetSubqueryRunner(ctx);
    ExpressionExecutor exec(&ctx);
    std::vector<DataChunk> out;
    int64_t updated = 0;
    for (const auto& chunk : *table->Snapshot()) {
      DataChunk c = chunk;
      auto hit = Matching(pred.get(), c, exec);
      // Later assignments to the same column win (SQLite semantics).
      std::vector<Vector> values(sets.size());
      for (size_t s = 0; s < sets.size(); s++) exec.Execute(*sets[s].second, c, values[s]);
      DataChunk n(table->types(), kVectorSize);
      for (size_t k = 0; k < cols.size(); k++) n.column(k).CopyRange(c.column(k), 0, c.size(), 0);
      for (size_t i = 0; i < c.size(); i++) {
        if (!hit[i]) continue;
        updated++;
        for (size_t s = 0; s < sets.size(); s++) {
          n.column(sets[s].first).CopyRange(values[s], values[s].is_constant() ? 0 : i, 1, i);
        }
      }
      n.set_size(c.size());
      out.push_back(std::move(n));
    }
    table->Replace(std::move(out));
    QueryResult r;
    r.update_count = updated;
    return r;
  }

  QueryResult RunDrop(const Statement& stmt) {
    std::string name = Qualified(stmt.name);
    bool ok = false;
    switch (stmt.drop_kind) {
      case DropKind::kTable:
        ok = db_.catalog().DropTable(name);
        break;
      case DropKind::kView:
        ok = db_.catalog().DropView(name);
        break;
      case DropKind::kIndex:
        ok = db_.catalog().DropIndex(name);
        break;
      case DropKind::kTrigger:
      case DropKind::kSchema:
        ok = false;
        break;
    }
    if (!ok && !stmt.if_exists) {
      const char* what = stmt.drop_kind == DropKind::kView ? "View" : stmt.drop_kind == DropKind::kIndex ? "Index" : "Table";
      throw BinderError("TABLE_NOT_FOUND", std::string(what) + " '" + name + "' does not exist");
    }
    return QueryResult();
  }

  QueryResult RunShowColumns(const Statement& stmt) {
    auto table = TableFor(stmt);
    QueryResult r;
    r.names = {"Column", "Type"};
    r.types = {Type::Varchar(), Type::Varchar()};
    r.rows.set_types(r.types);
    DataChunk c(r.types, std::max<size_t>(table->columns().size(), 1));
    for (size_t i = 0; i < table->columns().size(); i++) {
      c.column(0).SetValue(i, Value::Varchar(table->columns()[i].name));
      c.column(1).SetValue(i, Value::Varchar(table->columns()[i].type.ToString()));
    }
    c.set_size(table->columns().size());
    r.rows.AppendOwned(std::move(c));
    return r;
  }

  Database& db_;
  QueryState state_;
  BinderContext binder_ctx_;
  bool read_only_ = false;
};

}  // namespace

QueryResult Connection::Query(const std::string& sql, const QueryOptions& options) {
  auto statements = ParseStatements(sql);
  if (statements.empty()) throw ParserError("line 1:1: empty statement", 1, 1);
  QueryResult last;
  for (const auto& stmt : statements) {
    StatementRunner runner(db_, options);
    last = runner.Run(*stmt);
  }
  return last;
}

}  // namespace sql
