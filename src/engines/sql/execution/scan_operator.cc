#include "engines/sql/execution/scan_operator.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <mutex>

#include "engines/sql/common/error.h"
#include "engines/sql/execution/expression_executor.h"
#include "engines/sql/execution/scan_statistics.h"
#include "engines/sql/execution/thread_pool.h"
#include "engines/sql/formats/file_reader.h"
#include "engines/sql/formats/parquet/file_reader.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/function/cast.h"

namespace sql {

Type ParquetColumnType(const parquet::Column& c) {
  using parquet::LogicalKind;
  using parquet::PhysicalType;
  switch (c.logical.kind) {
    case LogicalKind::kString:
    case LogicalKind::kEnum:
    case LogicalKind::kJson:
    case LogicalKind::kUuid:
      return Type::Varchar();
    case LogicalKind::kDate:
      return Type::Date();
    case LogicalKind::kTimestamp:
      return Type::Timestamp();
    case LogicalKind::kDecimal:
      return Type::Decimal(c.logical.precision, c.logical.scale);
    case LogicalKind::kInteger:
      if (c.logical.bit_width == 8 && c.logical.is_signed) return Type::Tinyint();
      if (c.logical.bit_width == 16 && c.logical.is_signed) return Type::Smallint();
      if (c.logical.bit_width == 32 && c.logical.is_signed) return Type::Integer();
      return Type::Bigint();
    case LogicalKind::kFloat16:
      return Type::Real();
    default:
      break;
  }
  switch (c.physical_type) {
    case PhysicalType::kBoolean:
      return Type::Boolean();
    case PhysicalType::kInt32:
      return Type::Integer();
    case PhysicalType::kInt64:
      return Type::Bigint();
    case PhysicalType::kInt96:
      return Type::Timestamp();
    case PhysicalType::kFloat:
      return Type::Real();
    case PhysicalType::kDouble:
      return Type::Double();
    default:
      return Type::Varchar();
  }
}

namespace {

// Our file handle as a Parquet byte source.
class ParquetSource : public parquet::RandomAccessSource {
 public:
  explicit ParquetSource(std::unique_ptr<RandomAccessFile> file) : file_(std::move(file)) {}
  uint64_t Size() const override { return file_->Size(); }
  void ReadAt(uint64_t offset, size_t length, char* out) const override {
    if (offset + length > file_->Size() || file_->ReadAt(offset, length, out) != length) {
      throw parquet::ParquetError("read of " + std::to_string(length) +
                                      " bytes past the end of the file (" +
                                      std::to_string(file_->Size()) + " bytes)",
                                  offset);
    }
  }

 private:
  std::unique_ptr<RandomAccessFile> file_;
};

// Converts a decoded Parquet batch (in value form) into a vector of the column's engine type
// with room for at least `capacity` values. Strings are copied, unless `owner` keeps `b`
// alive and unchanged: they then point into its bytes, and the vector keeps `owner`.
void BatchToVector(const parquet::ColumnBatch& b, const Type& source, Vector& out, size_t capacity,
                   std::shared_ptr<const void> owner = nullptr) {
  size_t n = static_cast<size_t>(b.num_rows);
  out.Initialize(source, std::max({n, capacity, kVectorSize}));
  switch (b.type) {
    case parquet::ValueType::kBool:
      for (size_t i = 0; i < n; i++) out.data<uint8_t>()[i] = b.bools[i];
      break;
    case parquet::ValueType::kInt32:
      for (size_t i = 0; i < n; i++) out.data<int64_t>()[i] = b.i32[i];
      break;
    case parquet::ValueType::kInt64:
      std::memcpy(out.data<int64_t>(), b.i64.data(), n * 8);
      break;
    case parquet::ValueType::kFloat:
      for (size_t i = 0; i < n; i++) out.data<double>()[i] = b.f32[i];
      break;
    case parquet::ValueType::kDouble:
      std::memcpy(out.data<double>(), b.f64.data(), n * 8);
      break;
    case parquet::ValueType::kInt128:
      if (source.physical() == PhysicalType::kInt128) {
        for (size_t i = 0; i < n; i++) out.data<int128_t>()[i] = b.i128[i];
      } else {
        for (size_t i = 0; i < n; i++) out.data<int64_t>()[i] = static_cast<int64_t>(b.i128[i]);
      }
      break;
    case parquet::ValueType::kBinary: {
      // Values point into one copy of the whole byte buffer, or into the buffer itself.
      const char* base = b.bytes.data();
      if (owner) {
        out.heap().KeepAlive(std::move(owner));
      } else if (!b.bytes.empty()) {
        char* copy = out.heap().Allocate(b.bytes.size());
        std::memcpy(copy, b.bytes.data(), b.bytes.size());
        base = copy;
      }
      auto* d = out.data<std::string_view>();
      for (size_t i = 0; i < n; i++) {
        d[i] = std::string_view(base + b.offsets[i], static_cast<size_t>(b.offsets[i + 1] - b.offsets[i]));
      }
      break;
    }
  }
  if (b.null_count > 0) {
    uint8_t* v = out.MutableValidity();
    std::memcpy(v, b.valid.data(), n);
  }
}

// The index of the file column read as table column `name` (exact, else case-insensitive),
// or -1.
int FindParquetColumn(const parquet::Schema& schema, const std::string& name) {
  int idx = schema.FindColumn(name);
  for (size_t k = 0; k < schema.columns.size() && idx < 0; k++) {
    std::string lower;
    for (char ch : schema.columns[k].name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == name) idx = static_cast<int>(k);
  }
  return idx;
}

// A corrupt Parquet file as the query's error: the file, the byte offset, what is wrong.
ExecutionError BadParquet(const std::string& path, const parquet::ParquetError& e) {
  std::string where = e.offset() ? "byte offset " + std::to_string(*e.offset()) + ": " : "";
  if (dynamic_cast<const parquet::ParquetUnsupportedError*>(&e)) {
    return ExecutionError("HIVE_UNSUPPORTED_FORMAT", path + ": " + where + e.what());
  }
  return ExecutionError("HIVE_BAD_DATA",
                        path + ": " + where + "Malformed Parquet file: " + e.what());
}

// Rows a join key filter checks before the scan judges whether it pays.
constexpr uint64_t kJoinFilterTrialRows = 1 << 16;

struct Morsel {
  size_t file = 0;
  int row_group = -1;  // Parquet only
};

// Whether `e` can be decided once per distinct value of the one column it reads, and
// evaluating it on a value no row holds has no effect: comparisons, IN lists, LIKE with a
// constant pattern, IS NULL, IS DISTINCT FROM, NOT / AND / OR of those, over one column and
// constants (no casts, which may fail, nor other functions). Sets `column` to the column.
bool DecidablePerValue(const BoundExpr& e, int* column) {
  switch (e.kind) {
    case BoundExprKind::kConstant:
      return true;
    case BoundExprKind::kColumnRef:
      if (*column >= 0 && *column != e.index) return false;
      *column = e.index;
      return true;
    case BoundExprKind::kFunction: {
      const std::string& op = e.function->name;
      bool comparison =
          op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
      bool like = op == "like" && e.function->data != nullptr;
      if (!comparison && !like) return false;
      break;
    }
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr:
    case BoundExprKind::kNot:
    case BoundExprKind::kIsNull:
    case BoundExprKind::kIsDistinct:
    case BoundExprKind::kInList:
      break;
    default:
      return false;
  }
  for (const auto& c : e.children) {
    if (!DecidablePerValue(*c, column)) return false;
  }
  return true;
}

// A column of the current row group read in dictionary form: the file's dictionary
// (`source`, of engine type `source_type`), and once a filter or a gather needs it, the
// dictionary converted to the column's engine type `type` with one more slot at index `size`
// that stands for NULL (null rows point there); per filter the verdict for each of those
// values, the verdicts of all the filters on the column ANDed, and per join key filter
// whether it may hold each value (each empty until first needed). Kept rows of a dictionary whose
// values need no conversion are gathered from `source` itself: a large dictionary of which a
// selective scan keeps few rows is then never copied whole.
struct DictionaryColumn {
  std::shared_ptr<const parquet::ColumnBatch> source;
  Type source_type;
  Type type;
  bool has_values = false;
  Vector values;
  size_t size = 0;
  std::vector<std::vector<uint8_t>> verdicts;
  std::vector<uint8_t> combined;
  double pass_fraction = 1;  // of the values, under `combined`
  std::vector<std::vector<uint8_t>> join_verdicts;
  std::vector<double> join_pass_fraction;

  // The values in the engine type, converted on first use.
  const Vector& Values() {
    if (has_values) return values;
    Vector v;
    BatchToVector(*source, source_type, v, size + 1, source);
    std::memset(v.data<uint8_t>() + size * PhysicalSize(source_type.physical()), 0,
                PhysicalSize(source_type.physical()));
    if (type == source_type) {
      values = std::move(v);
    } else {
      CastVector(v, size + 1, type, values, true);
    }
    has_values = true;
    return values;
  }

  // out[i] = the value of index idx[i] (NULL for the slot at `size`), i < n.
  void Gather(const uint32_t* idx, size_t n, bool has_nulls, Vector& out) {
    const uint32_t null_index = static_cast<uint32_t>(size);
    if (has_values || type != source_type || !GatherFromSource(idx, n, has_nulls, out)) {
      out.Gather(Values(), idx, n);
    }
    if (has_nulls) {
      for (size_t i = 0; i < n; i++) {
        if (idx[i] == null_index) out.SetNull(i);
      }
    }
  }

 private:
  // Gathers straight from the file's dictionary for the fixed-width types that convert by
  // widening; false (nothing done) for the others. Without nulls every index is inside the
  // dictionary (the reader checks them), with nulls the NULL slot reads as zero.
  bool GatherFromSource(const uint32_t* idx, size_t n, bool has_nulls, Vector& out) const {
    switch (source->type) {
      case parquet::ValueType::kInt32:
        Gather<int64_t>(source->i32, idx, n, has_nulls, out);
        return true;
      case parquet::ValueType::kInt64:
        Gather<int64_t>(source->i64, idx, n, has_nulls, out);
        return true;
      case parquet::ValueType::kFloat:
        Gather<double>(source->f32, idx, n, has_nulls, out);
        return true;
      case parquet::ValueType::kDouble:
        Gather<double>(source->f64, idx, n, has_nulls, out);
        return true;
      default:
        return false;
    }
  }

  // out[i] = from[idx[i]] as `To`, for n rows.
  template <typename To, typename From>
  void Gather(const From& from, const uint32_t* idx, size_t n, bool has_nulls,
              Vector& out) const {
    out.Initialize(type, std::max(n, kVectorSize));
    To* to = out.data<To>();
    const uint32_t last = static_cast<uint32_t>(size);
    if (has_nulls) {
      for (size_t i = 0; i < n; i++) to[i] = idx[i] < last ? from[idx[i]] : 0;
    } else {
      for (size_t i = 0; i < n; i++) to[i] = from[idx[i]];
    }
  }
};

// How one chunk column arrived from the file: `indices` (one per row, into `dictionary`) for
// a dictionary-form column not yet materialized; null otherwise.
struct EncodedColumn {
  DictionaryColumn* dictionary = nullptr;
  const uint32_t* indices = nullptr;
  bool has_nulls = false;
};

// Fills the chunk columns that no filter reads, for the rows sel[0, m) that the filters kept.
using LateColumns = std::function<void(const uint32_t* sel, size_t m)>;

// A Parquet row group being decoded batch after batch: the readers of its projected columns
// (outputs `data_outputs`, read as `source_types`), their last batches and dictionaries, and
// how many of its `rows` rows are done.
struct ParquetMorsel {
  size_t file = 0;
  std::vector<size_t> data_outputs;
  std::vector<Type> source_types;
  std::vector<std::unique_ptr<parquet::ColumnReader>> readers;
  std::vector<parquet::ColumnBatch> batches;
  std::vector<DictionaryColumn> dictionaries;
  std::vector<EncodedColumn> encoded;
  bool any_late = false;
  int64_t rows = 0;
  int64_t done = 0;
};

}  // namespace

// The work list of one scan: files left after partition pruning, their morsels (row groups
// left after statistics pruning) and Parquet footers. Planned once; the copies of a
// parallel pipeline take morsels from `next`.
struct ScanMorsels {
  std::once_flag planned;
  std::vector<size_t> files;
  std::vector<Morsel> morsels;
  std::vector<std::shared_ptr<const parquet::FileReader>> readers;  // indexed like the table's files
  std::atomic<size_t> next{0};
};

namespace {

class ExternalScan : public PhysicalOperator {
 public:
  // `parallel`: this is one of several copies sharing `shared`; each decodes the morsels it
  // takes on its own thread (serial scans decode waves of morsels on the pool instead).
  ExternalScan(ExecContext* ctx, const LogicalOperator& get, std::shared_ptr<ScanMorsels> shared,
               bool parallel, bool report_progress, std::vector<JoinKeyPushdown> join_filters)
      : PhysicalOperator(get.types),
        ctx_(ctx),
        def_(get.external),
        column_ids_(get.column_ids),
        columns_(get.table_columns),
        join_filters_(std::move(join_filters)),
        join_filter_counts_(std::make_unique<std::atomic<uint64_t>[]>(2 * join_filters_.size())),
        work_(std::move(shared)),
        parallel_(parallel),
        report_progress_(report_progress) {
    auto bindings = get.GetColumnBindings();
    for (const auto& f : get.pushed_filters) {
      // Resolve the filter against the scan's output columns.
      BoundExprPtr e = f->Copy();
      std::vector<BoundExpr*> stack{e.get()};
      bool ok = true;
      while (!stack.empty()) {
        BoundExpr* x = stack.back();
        stack.pop_back();
        if (x->kind == BoundExprKind::kColumnRef) {
          auto it = std::find(bindings.begin(), bindings.end(), x->binding);
          if (it == bindings.end()) {
            ok = false;
          } else {
            x->index = static_cast<int>(it - bindings.begin());
          }
        }
        for (auto& c : x->children) stack.push_back(c.get());
      }
      if (!ok) throw ExecutionError("GENERIC_INTERNAL_ERROR", "pushed filter over an unread column");
      // A comparison of a column with a constant, without casts, cannot fail on any row.
      bool plain = e->children.size() == 2 && MatchColumnComparison(*e).has_value();
      for (const auto& c : e->children) {
        plain = plain && (c->kind == BoundExprKind::kColumnRef || c->kind == BoundExprKind::kConstant);
      }
      comparison_.push_back(plain);
      int column = -1;
      per_value_column_.push_back(DecidablePerValue(*e, &column) ? column : -1);
      filters_.push_back(std::move(e));
    }
    // The columns a filter reads; with any filter, the others are read late.
    late_column_.assign(column_ids_.size(), !filters_.empty() || !join_filters_.empty());
    for (const auto& f : filters_) {
      std::vector<const BoundExpr*> stack{f.get()};
      while (!stack.empty()) {
        const BoundExpr* x = stack.back();
        stack.pop_back();
        if (x->kind == BoundExprKind::kColumnRef) late_column_[x->index] = false;
        for (const auto& c : x->children) stack.push_back(c.get());
      }
    }
    for (const auto& j : join_filters_) late_column_[j.column] = false;
    decidable_on_.assign(column_ids_.size(), false);
    for (int c : per_value_column_) {
      if (c >= 0) decidable_on_[c] = true;
    }
    data_columns_ = def_->columns.size();
  }

  bool Next(DataChunk& out) override {
    std::call_once(work_->planned, [this] {
      PruneFiles();
      PlanMorsels();
    });
    while (true) {
      if (!ready_.empty()) {
        out = std::move(ready_.front());
        ready_.pop_front();
        return true;
      }
      if (parallel_ && current_) {
        // A row group flows on batch by batch: its readers stay open, and only a batch's
        // chunks are held at a time. The last chunk may still take the next batch's rows.
        const bool more = DecodeParquetBatch(*current_, &staging_);
        const size_t complete = more ? std::max<size_t>(staging_.size(), 1) - 1 : staging_.size();
        for (size_t i = 0; i < complete; i++) ready_.push_back(std::move(staging_[i]));
        staging_.erase(staging_.begin(), staging_.begin() + static_cast<std::ptrdiff_t>(complete));
        if (!more) {
          current_.reset();
          ReportProgress();
        }
        continue;
      }
      if (parallel_) {
        size_t m = work_->next.fetch_add(1, std::memory_order_relaxed);
        if (m >= work_->morsels.size()) break;
        if (def_->format == FileFormat::kParquet) {
          ctx_->CheckCancelled();
          current_ = OpenParquetMorsel(work_->morsels[m]);
          continue;
        }
        std::vector<DataChunk> chunks;
        DecodeMorsel(work_->morsels[m], &chunks);
        for (auto& c : chunks) ready_.push_back(std::move(c));
        ReportProgress();
        continue;
      }
      if (work_->next.load(std::memory_order_relaxed) >= work_->morsels.size()) break;
      DecodeWave();
    }
    out.set_size(0);
    return false;
  }

 private:
  // Drops files whose partition values fail a filter that only reads partition keys.
  void PruneFiles() {
    std::vector<const BoundExpr*> partition_filters;
    for (const auto& f : filters_) {
      std::vector<ColumnBinding> refs;
      f->CollectBindings(&refs);
      bool only_partition = !refs.empty() && !f->HasSubquery();
      std::vector<BoundExpr*> stack{f.get()};
      while (!stack.empty()) {
        BoundExpr* x = stack.back();
        stack.pop_back();
        if (x->kind == BoundExprKind::kColumnRef && column_ids_[x->index] < data_columns_) only_partition = false;
        for (auto& c : x->children) stack.push_back(c.get());
      }
      if (only_partition) partition_filters.push_back(f.get());
    }
    for (size_t i = 0; i < def_->files.size(); i++) {
      if (partition_filters.empty() || PartitionMatches(def_->files[i], partition_filters)) {
        work_->files.push_back(i);
      }
    }
  }

  bool PartitionMatches(const DataFile& file, const std::vector<const BoundExpr*>& filters) {
    DataChunk row;
    row.columns().resize(column_ids_.size());
    for (size_t c = 0; c < column_ids_.size(); c++) {
      Vector& v = row.column(c);
      v.Initialize(columns_[column_ids_[c]].type, 1);
      if (column_ids_[c] >= data_columns_) PartitionValue(file, column_ids_[c], v, 1);
    }
    row.set_size(1);
    ExpressionExecutor exec(ctx_);
    uint32_t sel[1];
    for (const BoundExpr* f : filters) {
      if (exec.Select(*f, row, sel) == 0) return false;
    }
    return true;
  }

  void PartitionValue(const DataFile& file, uint32_t column, Vector& out, size_t n) {
    size_t key = column - data_columns_;
    const Type& t = columns_[column].type;
    std::string text = key < file.partition_values.size() ? file.partition_values[key] : "";
    Vector raw;
    bool is_null = text.empty() || text == "__HIVE_DEFAULT_PARTITION__";
    raw.SetConstantValue(is_null ? Value::Null(Type::Varchar()) : Value::Varchar(text));
    Vector typed;
    CastVector(raw, 1, t, typed, true);
    out.Initialize(t, std::max(n, kVectorSize));
    out.CopyRange(typed, 0, n, 0);
  }

  void PlanMorsels() {
    work_->readers.resize(def_->files.size());
    for (size_t f : work_->files) {
      if (def_->format == FileFormat::kParquet) {
        work_->readers[f] = OpenParquet(def_->files[f].path);
        const auto& meta = work_->readers[f]->metadata();
        for (size_t rg = 0; rg < meta.row_groups.size(); rg++) {
          if (RowGroupMayMatch(meta, meta.row_groups[rg])) work_->morsels.push_back({f, static_cast<int>(rg)});
        }
      } else {
        work_->morsels.push_back({f, -1});
      }
    }
  }

  void ReportProgress() {
    QueryState* q = ctx_->query();
    if (report_progress_ && q->progress) q->progress(q->rows_scanned.load(), q->bytes_scanned.load());
  }

  // False when a filter of the form `column <op> constant` fails for every value inside
  // the row group's min/max statistics.
  bool RowGroupMayMatch(const parquet::FileMetadata& meta, const parquet::RowGroupInfo& rg) {
    for (const auto& f : filters_) {
      auto cmp = MatchColumnComparison(*f);
      if (!cmp || cmp->column < 0 || column_ids_[cmp->column] >= data_columns_) continue;
      int idx = FindParquetColumn(meta.schema, columns_[column_ids_[cmp->column]].name);
      if (idx < 0 || static_cast<size_t>(idx) >= rg.columns.size() || !rg.columns[idx].statistics) continue;
      const parquet::ColumnStatistics& stats = *rg.columns[idx].statistics;
      if (stats.null_count && *stats.null_count == rg.num_rows && rg.num_rows > 0) return false;  // all NULL
      auto range = RangeOf(stats, ParquetColumnType(meta.schema.columns[idx]));
      if (range && !RangeMayMatch(*cmp, *range)) return false;
    }
    return true;
  }

  std::unique_ptr<parquet::FileReader> OpenParquet(const std::string& path) {
    return OpenParquetFile(*ctx_->query()->fs, path);
  }

  // Decodes the next batch of morsels on the worker threads.
  void DecodeWave() {
    QueryState* q = ctx_->query();
    size_t wave = static_cast<size_t>(std::max(1, q->threads)) * 2;
    size_t first = work_->next.load(std::memory_order_relaxed);
    size_t end = std::min(work_->morsels.size(), first + wave);
    std::vector<std::vector<DataChunk>> outputs(end - first);
    std::vector<std::function<void()>> tasks;
    for (size_t m = first; m < end; m++) {
      tasks.push_back([this, m, first, &outputs] { DecodeMorsel(work_->morsels[m], &outputs[m - first]); });
    }
    if (q->pool && tasks.size() > 1) {
      q->pool->Run(std::move(tasks));
    } else {
      for (auto& t : tasks) t();
    }
    work_->next.store(end, std::memory_order_relaxed);
    for (auto& list : outputs) {
      for (auto& c : list) ready_.push_back(std::move(c));
    }
    ReportProgress();
  }

  // `encoded` (one entry per chunk column, or empty) names the columns still in dictionary
  // form; they are materialized for the rows the filters keep. `late` (if any) reads the
  // columns no filter needs, for the rows the filters keep.
  void Deliver(DataChunk& chunk, const DataFile& file, std::vector<DataChunk>* out,
               const std::vector<EncodedColumn>& encoded = {}, const LateColumns* late = nullptr) {
    // Fill partition key columns, apply filters.
    for (size_t c = 0; c < column_ids_.size(); c++) {
      if (column_ids_[c] >= data_columns_) PartitionValue(file, column_ids_[c], chunk.column(c), chunk.size());
    }
    ctx_->query()->rows_scanned.fetch_add(chunk.size(), std::memory_order_relaxed);
    if (!ApplyFilters(chunk, encoded, late)) return;
    // Rows left by selective filters join the previous chunk when they fit.
    if (chunk.size() < kVectorSize / 2 && !out->empty() && out->back().AppendInPlace(chunk)) return;
    out->push_back(std::move(chunk));
  }

  // Whether join key filter `j` is in use: its build is done, and it has not kept more than
  // three quarters of the first kJoinFilterTrialRows rows it checked (its checks would then
  // cost more than they save).
  bool JoinFilterActive(size_t j) const {
    if (!join_filters_[j].filter->ready()) return false;
    const uint64_t seen = join_filter_counts_[2 * j].load(std::memory_order_relaxed);
    return seen < kJoinFilterTrialRows ||
           join_filter_counts_[2 * j + 1].load(std::memory_order_relaxed) <= seen / 4 * 3;
  }

  // Counts `rows` rows checked against join key filter `j`, `kept` of them kept.
  void CountJoinChecks(size_t j, uint64_t rows, uint64_t kept) const {
    join_filter_counts_[2 * j].fetch_add(rows, std::memory_order_relaxed);
    join_filter_counts_[2 * j + 1].fetch_add(kept, std::memory_order_relaxed);
    ctx_->query()->rows_filtered_by_join_keys.fetch_add(rows - kept, std::memory_order_relaxed);
  }

  // Clears mask[i] for the rows still set whose join key no build side holds, for the active
  // join key filters not `done` (those on dictionary-form columns were applied per value).
  void ApplyJoinFilters(const DataChunk& chunk, const std::vector<EncodedColumn>& encoded,
                        const std::vector<bool>& done, uint8_t* mask) const {
    size_t n = chunk.size();
    for (size_t j = 0; j < join_filters_.size(); j++) {
      const auto c = static_cast<size_t>(join_filters_[j].column);
      if (done[j] || (!encoded.empty() && encoded[c].indices) || !JoinFilterActive(j)) continue;
      const JoinKeyFilter& filter = *join_filters_[j].filter;
      const Vector& values = chunk.column(c);
      if (values.is_constant()) continue;
      const int64_t* data = values.data<int64_t>();
      // The rows still in, gathered first: the lookups then run in a loop without branches,
      // so that the filter's memory is fetched for many keys at once.
      uint32_t rows_in[kVectorSize];
      size_t rows = 0;
      for (size_t i = 0; i < n; i++) {
        rows_in[rows] = static_cast<uint32_t>(i);
        rows += mask[i] != 0;
      }
      uint8_t pass[kVectorSize];
      if (values.has_nulls()) {
        for (size_t k = 0; k < rows; k++) {
          pass[k] = values.IsValid(rows_in[k]) && filter.MayContain(data[rows_in[k]]);
        }
      } else {
        for (size_t k = 0; k < rows; k++) pass[k] = filter.MayContain(data[rows_in[k]]);
      }
      uint64_t passed = 0;
      for (size_t k = 0; k < rows; k++) {
        mask[rows_in[k]] = pass[k];
        passed += pass[k];
      }
      CountJoinChecks(j, rows, passed);
      ctx_->query()->join_key_lookups.fetch_add(rows, std::memory_order_relaxed);
    }
  }

  // Whether join key filter `j` may hold each value of dictionary column `d` (the NULL slot
  // never), looked up once per value.
  const std::vector<uint8_t>& JoinVerdicts(size_t j, DictionaryColumn& d) const {
    std::vector<uint8_t>& verdicts = d.join_verdicts[j];
    if (!verdicts.empty()) return verdicts;
    const JoinKeyFilter& filter = *join_filters_[j].filter;
    verdicts.assign(d.size + 1, 0);
    const parquet::ColumnBatch& source = *d.source;
    // Integers read without a cast are the file's values themselves.
    if (d.type == d.source_type && source.type == parquet::ValueType::kInt64) {
      for (size_t i = 0; i < d.size; i++) verdicts[i] = filter.MayContain(source.i64[i]);
    } else if (d.type == d.source_type && source.type == parquet::ValueType::kInt32) {
      for (size_t i = 0; i < d.size; i++) verdicts[i] = filter.MayContain(source.i32[i]);
    } else {
      const Vector& values = d.Values();
      const int64_t* data = values.data<int64_t>();
      for (size_t i = 0; i < d.size; i++) {
        verdicts[i] = values.IsValid(i) && filter.MayContain(data[i]);
      }
    }
    size_t passing = 0;
    for (uint8_t v : verdicts) passing += v;
    d.join_pass_fraction[j] = static_cast<double>(passing) / static_cast<double>(d.size + 1);
    ctx_->query()->join_key_lookups.fetch_add(d.size, std::memory_order_relaxed);
    return verdicts;
  }

  // Whether a ready join key filter holds no key in the row group's statistics range of its
  // column: integer and date columns read without a cast, whose statistics are the engine's
  // values (a row group whose column is all NULL matches no key either).
  bool SkippedByJoinKeys(const parquet::FileMetadata& meta, const parquet::RowGroupInfo& rg) const {
    for (const JoinKeyPushdown& pushdown : join_filters_) {
      const auto c = static_cast<size_t>(pushdown.column);
      if (!pushdown.filter->ready() || column_ids_[c] >= data_columns_) continue;
      const ColumnDef& def = columns_[column_ids_[c]];
      const int idx = FindParquetColumn(meta.schema, def.name);
      if (idx < 0 || static_cast<size_t>(idx) >= rg.columns.size() || !rg.columns[idx].statistics) {
        continue;
      }
      const parquet::Column& column = meta.schema.columns[idx];
      const TypeId t = def.type.id();
      const bool integral = t == TypeId::kTinyint || t == TypeId::kSmallint ||
                            t == TypeId::kInteger || t == TypeId::kBigint || t == TypeId::kDate;
      const bool is_unsigned =
          column.logical.kind == parquet::LogicalKind::kInteger && !column.logical.is_signed;
      if (!integral || is_unsigned || !(ParquetColumnType(column) == def.type)) continue;
      const parquet::ColumnStatistics& stats = *rg.columns[idx].statistics;
      if (stats.null_count && *stats.null_count == rg.num_rows && rg.num_rows > 0) return true;
      const auto lo = IntegerStatistic(stats.min);
      const auto hi = IntegerStatistic(stats.max);
      if (lo && hi && !pushdown.filter->MayContainRange(*lo, *hi)) return true;
    }
    return false;
  }

  // The verdicts of every filter decidable on dictionary column `c`, ANDed.
  const std::vector<uint8_t>& CombinedVerdicts(size_t c, DictionaryColumn& d) const {
    if (!d.combined.empty()) return d.combined;
    std::vector<uint8_t> combined(d.size + 1, 1);
    for (size_t f = 0; f < filters_.size(); f++) {
      if (per_value_column_[f] != static_cast<int>(c)) continue;
      const std::vector<uint8_t>& verdicts = Verdicts(f, c, d);
      for (size_t i = 0; i <= d.size; i++) combined[i] &= verdicts[i];
    }
    size_t passing = 0;
    for (uint8_t v : combined) passing += v;
    d.pass_fraction = static_cast<double>(passing) / static_cast<double>(combined.size());
    d.combined = std::move(combined);
    return d.combined;
  }

  // The verdict of filter `f` for every value of dictionary column `c` (1 = the row passes).
  const std::vector<uint8_t>& Verdicts(size_t f, size_t c, DictionaryColumn& d) const {
    std::vector<uint8_t>& verdicts = d.verdicts[f];
    if (!verdicts.empty()) return verdicts;
    const size_t total = d.size + 1;
    verdicts.resize(total);
    ExpressionExecutor exec(ctx_);
    DataChunk block;
    block.columns().resize(column_ids_.size());
    for (size_t off = 0; off < total; off += kVectorSize) {
      size_t len = std::min(kVectorSize, total - off);
      Vector& v = block.column(c);
      v.Initialize(d.type, kVectorSize);
      v.CopyRange(d.Values(), off, len, 0);
      if (off + len == total) v.SetNull(len - 1);
      block.set_size(len);
      Vector r;
      exec.Execute(*filters_[f], block, r);
      for (size_t i = 0; i < len; i++) {
        size_t k = r.is_constant() ? 0 : i;
        verdicts[off + i] = r.IsValid(k) && r.data<uint8_t>()[k] != 0;
      }
    }
    return verdicts;
  }

  // Keeps the rows of `chunk` that pass every filter; false when none does. Filters decidable
  // per value of a dictionary-form column are looked up in their verdicts, column after
  // column (the one that keeps the fewest values first), each for the rows the ones before
  // kept; the plain `column <op> constant` filters are evaluated over the whole chunk; both
  // are combined, so that the chunk is sliced (and its dictionary-form columns materialized)
  // once for all of them. The other filters then run on the rows left, sliced after each.
  // `late` is called exactly once, with the rows kept after the mask (none when the chunk
  // is dropped before), to fill the columns no filter reads. Runs on several threads at once
  // (DecodeWave).
  bool ApplyFilters(DataChunk& chunk, const std::vector<EncodedColumn>& encoded,
                    const LateColumns* late) const {
    ExpressionExecutor exec(ctx_);
    size_t n = chunk.size();
    uint8_t mask[kVectorSize];
    uint32_t sel[kVectorSize];
    std::vector<bool> done(filters_.size(), false);
    // The selections decided per dictionary value, most selective first: the filters'
    // verdicts on a dictionary-form column, and a join key filter's on its key column when
    // that is in dictionary form. sel[0, m) are the rows they keep.
    struct ByValue {
      size_t column;
      const uint8_t* verdicts;
      double pass_fraction;
      int join;  // the join key filter, or -1 for the filters
    };
    std::vector<ByValue> by_value;
    for (size_t c = 0; c < encoded.size(); c++) {
      if (!encoded[c].indices || !decidable_on_[c]) continue;
      DictionaryColumn& d = *encoded[c].dictionary;
      CombinedVerdicts(c, d);
      by_value.push_back({c, d.combined.data(), d.pass_fraction, -1});
    }
    std::vector<bool> join_done(join_filters_.size(), false);
    for (size_t j = 0; j < join_filters_.size(); j++) {
      const auto c = static_cast<size_t>(join_filters_[j].column);
      if (encoded.empty() || !encoded[c].indices || !JoinFilterActive(j)) continue;
      DictionaryColumn& d = *encoded[c].dictionary;
      const uint8_t* verdicts = JoinVerdicts(j, d).data();
      by_value.push_back({c, verdicts, d.join_pass_fraction[j], static_cast<int>(j)});
      join_done[j] = true;
    }
    std::sort(by_value.begin(), by_value.end(),
              [](const ByValue& a, const ByValue& b) { return a.pass_fraction < b.pass_fraction; });
    size_t m = n;
    uint64_t by_dictionary = 0;
    for (size_t k = 0; k < by_value.size(); k++) {
      const size_t c = by_value[k].column;
      const uint8_t* verdicts = by_value[k].verdicts;
      const uint32_t* idx = encoded[c].indices;
      size_t kept = 0;
      if (k == 0) {
        for (size_t i = 0; i < n; i++) {
          sel[kept] = static_cast<uint32_t>(i);
          kept += verdicts[idx[i]];
        }
      } else {
        for (size_t j = 0; j < m; j++) {
          const uint32_t i = sel[j];
          sel[kept] = i;
          kept += verdicts[idx[i]];
        }
      }
      if (by_value[k].join >= 0) {
        CountJoinChecks(static_cast<size_t>(by_value[k].join), m, kept);
      } else {
        by_dictionary += m - kept;
        for (size_t f = 0; f < filters_.size(); f++)
          done[f] = done[f] || per_value_column_[f] == static_cast<int>(c);
      }
      m = kept;
    }
    bool masked = !by_value.empty();
    if (masked) {
      ctx_->query()->rows_filtered_by_dictionary.fetch_add(by_dictionary,
                                                           std::memory_order_relaxed);
      if (m == 0) {
        if (late) (*late)(nullptr, 0);
        return false;
      }
    }
    bool more = false;
    for (size_t j = 0; j < join_filters_.size(); j++) more = more || !join_done[j];
    for (size_t f = 0; f < filters_.size(); f++) more = more || (!done[f] && comparison_[f]);
    if (more) {
      // The rest is decided per row over the whole chunk: turn the selection into a mask.
      if (masked) {
        std::memset(mask, 0, n);
        for (size_t j = 0; j < m; j++) mask[sel[j]] = 1;
      } else {
        std::memset(mask, 1, n);
      }
    }
    for (size_t f = 0; f < filters_.size(); f++) {
      if (done[f] || !comparison_[f]) continue;
      Vector v;
      exec.Execute(*filters_[f], chunk, v);
      done[f] = true;
      if (v.is_constant()) {
        if (!v.IsValid(0) || !v.data<uint8_t>()[0]) {
          if (late) (*late)(nullptr, 0);
          return false;
        }
        continue;
      }
      const uint8_t* d = v.data<uint8_t>();
      for (size_t i = 0; i < n; i++) mask[i] &= d[i] != 0;
      if (v.has_nulls()) {
        const uint8_t* valid = v.validity();
        for (size_t i = 0; i < n; i++) mask[i] &= valid[i];
      }
      masked = true;
    }
    if (std::find(join_done.begin(), join_done.end(), false) != join_done.end()) {
      ApplyJoinFilters(chunk, encoded, join_done, mask);
      masked = true;
    }
    if (more && masked) {
      m = 0;
      for (size_t i = 0; i < n; i++) {
        sel[m] = static_cast<uint32_t>(i);
        m += mask[i];
      }
      if (m == 0) {
        if (late) (*late)(nullptr, 0);
        return false;
      }
    }
    // Materialize the dictionary-form columns for the kept rows; slice the others.
    uint32_t picked[kVectorSize];
    for (size_t c = 0; c < chunk.column_count(); c++) {
      Vector& v = chunk.column(c);
      if (!encoded.empty() && encoded[c].indices) {
        const uint32_t* idx = encoded[c].indices;
        if (m < n) {
          for (size_t i = 0; i < m; i++) picked[i] = idx[sel[i]];
          idx = picked;
        }
        encoded[c].dictionary->Gather(idx, m, encoded[c].has_nulls, v);
      } else if (m < n && !(late && late_column_[c])) {
        Vector sliced;
        sliced.Gather(v, sel, m);
        v = std::move(sliced);
      }
    }
    if (late) (*late)(m < n ? sel : nullptr, m);
    chunk.set_size(m);
    for (size_t f = 0; f < filters_.size(); f++) {
      if (done[f]) continue;
      size_t kept = exec.Select(*filters_[f], chunk, sel);
      if (kept == 0) return false;
      if (kept < chunk.size()) chunk.Slice(sel, kept);
    }
    return true;
  }

  void DecodeMorsel(const Morsel& m, std::vector<DataChunk>* out) {
    ctx_->CheckCancelled();
    if (def_->format == FileFormat::kParquet) {
      if (auto p = OpenParquetMorsel(m)) {
        while (DecodeParquetBatch(*p, out)) {
        }
      }
      return;
    }
    const DataFile& file = def_->files[m.file];
    try {
      DecodeText(file, out);
    } catch (const ExecutionError& e) {
      if (e.name() != "HIVE_BAD_DATA") throw;
      throw ExecutionError(e.name(), file.path + ": " + e.what());
    }
  }

  // Which output columns come from the files (the others are partition keys).
  std::vector<size_t> DataOutputs() const {
    std::vector<size_t> data_outputs;
    for (size_t c = 0; c < column_ids_.size(); c++) {
      if (column_ids_[c] < data_columns_) data_outputs.push_back(c);
    }
    return data_outputs;
  }

  // Decodes a CSV or JSON Lines file.
  void DecodeText(const DataFile& file, std::vector<DataChunk>* out) {
    const std::vector<size_t> data_outputs = DataOutputs();
    uint64_t bytes = 0;
    std::string text = ReadFileContents(*ctx_->query()->fs, file.path, &bytes);
    ctx_->query()->bytes_scanned.fetch_add(bytes, std::memory_order_relaxed);
    std::vector<int> fields;
    std::vector<Type> types;
    std::vector<std::string> names;
    for (size_t c : data_outputs) {
      fields.push_back(static_cast<int>(column_ids_[c]));
      types.push_back(columns_[column_ids_[c]].type);
      names.push_back(columns_[column_ids_[c]].name);
    }
    auto emit = [&](DataChunk& decoded) {
      DataChunk chunk;
      chunk.columns().resize(column_ids_.size());
      for (size_t k = 0; k < data_outputs.size(); k++) chunk.column(data_outputs[k]) = std::move(decoded.column(k));
      for (size_t c = 0; c < column_ids_.size(); c++) {
        if (column_ids_[c] >= data_columns_) chunk.column(c).Initialize(columns_[column_ids_[c]].type, kVectorSize);
      }
      if (data_outputs.empty() && column_ids_.empty()) chunk.columns().clear();
      chunk.set_size(decoded.size());
      Deliver(chunk, file, out);
    };
    if (def_->format == FileFormat::kJson) {
      DecodeJsonLines(text, names, types, emit);
    } else {
      if (data_outputs.empty()) {
        // Only partition keys (or count(*)): read the first field to count rows.
        fields = {0};
        types = {Type::Varchar()};
        DecodeCsv(text, def_->csv, fields, types, [&](DataChunk& decoded) {
          DataChunk chunk;
          chunk.columns().resize(column_ids_.size());
          for (size_t c = 0; c < column_ids_.size(); c++) chunk.column(c).Initialize(columns_[column_ids_[c]].type, kVectorSize);
          chunk.set_size(decoded.size());
          Deliver(chunk, file, out);
        });
        return;
      }
      DecodeCsv(text, def_->csv, fields, types, emit);
    }
  }

  // Opens morsel `m` (a Parquet row group) for DecodeParquetBatch; null when its join keys
  // rule it out.
  std::unique_ptr<ParquetMorsel> OpenParquetMorsel(const Morsel& m) {
    const std::string& path = def_->files[m.file].path;
    try {
      const parquet::FileReader* reader = work_->readers[m.file].get();
      const auto& meta = reader->metadata();
      const parquet::RowGroupInfo& rg = meta.row_groups[m.row_group];
      if (SkippedByJoinKeys(meta, rg)) {
        ctx_->query()->row_groups_skipped_by_join_keys.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
      }
      auto p = std::make_unique<ParquetMorsel>();
      p->file = m.file;
      p->data_outputs = DataOutputs();
      p->rows = rg.num_rows;
      uint64_t bytes = 0;
      for (size_t c : p->data_outputs) {
        const std::string& name = columns_[column_ids_[c]].name;
        int idx = FindParquetColumn(meta.schema, name);
        if (idx < 0) {
          throw ExecutionError("HIVE_CANNOT_OPEN_SPLIT",
                               path + ": column '" + name + "' is missing from the Parquet file");
        }
        p->source_types.push_back(ParquetColumnType(meta.schema.columns[idx]));
        bytes += static_cast<uint64_t>(rg.columns[idx].compressed_size);
        p->readers.push_back(reader->OpenColumn(m.row_group, idx));
        if (p->readers.back()->rows_remaining() != p->rows) {
          throw parquet::ParquetError("column '" + p->readers.back()->column().name +
                                      "' holds a different row count than its row group");
        }
        p->any_late = p->any_late || late_column_[c];
      }
      ctx_->query()->bytes_scanned.fetch_add(bytes, std::memory_order_relaxed);
      p->batches.resize(p->data_outputs.size());
      p->dictionaries.resize(p->data_outputs.size());
      p->encoded.resize(column_ids_.size());
      return p;
    } catch (const parquet::ParquetError& e) {
      throw BadParquet(path, e);
    }
  }

  // Decodes the next batch of up to kVectorSize rows of `p` into `out`; false (doing
  // nothing) when all its rows are done.
  bool DecodeParquetBatch(ParquetMorsel& p, std::vector<DataChunk>* out) {
    if (p.done >= p.rows) return false;
    const DataFile& file = def_->files[p.file];
    try {
      const int64_t n = std::min<int64_t>(static_cast<int64_t>(kVectorSize), p.rows - p.done);
      p.done += n;
      const std::vector<size_t>& data_outputs = p.data_outputs;
      DataChunk chunk;
      chunk.columns().resize(column_ids_.size());
      for (size_t k = 0; k < data_outputs.size(); k++) {
        if (late_column_[data_outputs[k]]) continue;
        p.readers[k]->Read(n, &p.batches[k], true);
        p.encoded[data_outputs[k]] = {};
        ToColumn(p.batches[k], p.source_types[k], columns_[column_ids_[data_outputs[k]]].type,
                 static_cast<size_t>(n), p.dictionaries[k], chunk.column(data_outputs[k]),
                 &p.encoded[data_outputs[k]]);
      }
      for (size_t c = 0; c < column_ids_.size(); c++) {
        if (column_ids_[c] >= data_columns_)
          chunk.column(c).Initialize(columns_[column_ids_[c]].type, kVectorSize);
      }
      chunk.set_size(static_cast<size_t>(n));
      // The other columns, for the kept rows sel[0, m) (all n rows when sel is null and m
      // is n); m = 0 passes over the rows.
      LateColumns late = [&](const uint32_t* sel, size_t m) {
        for (size_t k = 0; k < data_outputs.size(); k++) {
          if (!late_column_[data_outputs[k]]) continue;
          parquet::ColumnBatch& b = p.batches[k];
          if (sel || m < static_cast<size_t>(n)) {
            p.readers[k]->ReadSelected(n, sel, static_cast<int64_t>(m), &b, true);
          } else {
            p.readers[k]->Read(n, &b, true);
          }
          if (m == 0) continue;
          EncodedColumn e;
          Vector& v = chunk.column(data_outputs[k]);
          ToColumn(b, p.source_types[k], columns_[column_ids_[data_outputs[k]]].type, m,
                   p.dictionaries[k], v, &e);
          if (e.indices) e.dictionary->Gather(e.indices, m, e.has_nulls, v);
        }
      };
      Deliver(chunk, file, out, p.encoded, p.any_late ? &late : nullptr);
      return true;
    } catch (const parquet::ParquetError& e) {
      throw BadParquet(file.path, e);
    }
  }

  // Turns `n` rows read from the file as `b` (engine type `source`) into output column `v`,
  // or, for a batch in dictionary form, sets `e` to its indices into `d` (null rows pointing
  // at the NULL after the dictionary's values) and leaves `v` to be gathered.
  void ToColumn(parquet::ColumnBatch& b, const Type& source, const Type& want, size_t n,
                DictionaryColumn& d, Vector& v, EncodedColumn* e) const {
    if (b.dictionary) {
      if (d.source != b.dictionary) LoadDictionary(b.dictionary, source, want, &d);
      if (b.null_count > 0) {
        for (size_t i = 0; i < n; i++) {
          if (!b.valid[i]) b.indices[i] = static_cast<uint32_t>(d.size);
        }
      }
      e->dictionary = &d;
      e->indices = b.indices.data();
      e->has_nulls = b.null_count > 0;
      return;
    }
    Vector raw;
    BatchToVector(b, source, raw, kVectorSize);
    if (want == source) {
      v = std::move(raw);
    } else {
      CastVector(raw, n, want, v, true);
    }
  }

  // Makes `d` the column chunk's `dictionary` (values of engine type `source`, to be read as
  // `want`), its values and verdicts not yet computed.
  void LoadDictionary(const std::shared_ptr<const parquet::ColumnBatch>& dictionary,
                      const Type& source, const Type& want, DictionaryColumn* d) const {
    d->source = dictionary;
    d->source_type = source;
    d->type = want;
    d->has_values = false;
    d->size = static_cast<size_t>(dictionary->num_rows);
    d->verdicts.assign(filters_.size(), {});
    d->combined.clear();
    d->join_verdicts.assign(join_filters_.size(), {});
    d->join_pass_fraction.assign(join_filters_.size(), 1);
  }

  ExecContext* ctx_;
  std::shared_ptr<const TableDefinition> def_;
  std::vector<uint32_t> column_ids_;
  std::vector<ColumnDef> columns_;
  std::vector<BoundExprPtr> filters_;
  std::vector<JoinKeyPushdown> join_filters_;
  // Per join filter: rows checked, rows kept.
  std::unique_ptr<std::atomic<uint64_t>[]> join_filter_counts_;
  std::vector<bool> comparison_;  // per filter: a plain `column <op> constant`
  std::vector<int> per_value_column_;
  std::vector<bool> decidable_on_;  // per output column: some filter is decidable per value
  // Per output column: no filter reads it, so Parquet scans read it only for kept rows.
  std::vector<bool> late_column_;
  size_t data_columns_ = 0;
  std::shared_ptr<ScanMorsels> work_;
  bool parallel_ = false;
  bool report_progress_ = true;
  std::deque<DataChunk> ready_;
  // A parallel copy's row group being decoded, and its chunks not yet complete.
  std::unique_ptr<ParquetMorsel> current_;
  std::vector<DataChunk> staging_;
};

}  // namespace

std::optional<int64_t> IntegerStatistic(const std::optional<parquet::StatValue>& v) {
  if (!v) return std::nullopt;
  if (const auto* x = std::get_if<int32_t>(&*v)) return *x;
  if (const auto* x = std::get_if<int64_t>(&*v)) return *x;
  return std::nullopt;
}

std::unique_ptr<parquet::FileReader> OpenParquetFile(FileSystem& fs, const std::string& path) {
  parquet::ReaderOptions opts;
  opts.timestamp_unit = parquet::TimeUnit::kMicros;
  try {
    return parquet::FileReader::Open(std::make_shared<ParquetSource>(fs.Open(path)), opts);
  } catch (const parquet::ParquetError& e) {
    throw BadParquet(path, e);
  }
}

PhysicalPtr MakeExternalScan(ExecContext* ctx, const LogicalOperator& get) {
  return std::make_unique<ExternalScan>(ctx, get, std::make_shared<ScanMorsels>(), false, true,
                                        std::vector<JoinKeyPushdown>{});
}

PhysicalPtr MakeParallelExternalScan(ExecContext* ctx, const LogicalOperator& get,
                                     std::shared_ptr<ScanMorsels>& shared, bool report_progress,
                                     std::vector<JoinKeyPushdown> join_filters) {
  if (!shared) shared = std::make_shared<ScanMorsels>();
  return std::make_unique<ExternalScan>(ctx, get, shared, true, report_progress,
                                        std::move(join_filters));
}

}  // namespace sql
