#include "engines/sql/execution/scan_operator.h"

#include <algorithm>
#include <atomic>
#include <deque>
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

// Converts a decoded Parquet batch into a vector of the column's engine type.
void BatchToVector(const parquet::ColumnBatch& b, const Type& source, Vector& out) {
  size_t n = static_cast<size_t>(b.num_rows);
  out.Initialize(source, std::max(n, kVectorSize));
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
      // One copy of the whole byte buffer; values point into it.
      char* base = out.heap().Allocate(b.bytes.size());
      if (!b.bytes.empty()) std::memcpy(base, b.bytes.data(), b.bytes.size());
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

struct Morsel {
  size_t file = 0;
  int row_group = -1;  // Parquet only
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
  ExternalScan(ExecContext* ctx, const LogicalOperator& get, std::shared_ptr<ScanMorsels> shared, bool parallel,
               bool report_progress)
      : PhysicalOperator(get.types), ctx_(ctx), def_(get.external), column_ids_(get.column_ids),
        columns_(get.table_columns), work_(std::move(shared)), parallel_(parallel),
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
      filters_.push_back(std::move(e));
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
      if (parallel_) {
        size_t m = work_->next.fetch_add(1, std::memory_order_relaxed);
        if (m >= work_->morsels.size()) break;
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

  void Deliver(DataChunk& chunk, const DataFile& file, std::vector<DataChunk>* out) {
    // Fill partition key columns, apply filters.
    for (size_t c = 0; c < column_ids_.size(); c++) {
      if (column_ids_[c] >= data_columns_) PartitionValue(file, column_ids_[c], chunk.column(c), chunk.size());
    }
    ctx_->query()->rows_scanned.fetch_add(chunk.size(), std::memory_order_relaxed);
    if (!filters_.empty() && !ApplyFilters(chunk)) return;
    // Rows left by selective filters join the previous chunk when they fit.
    if (chunk.size() < kVectorSize / 2 && !out->empty() && out->back().AppendInPlace(chunk)) return;
    out->push_back(std::move(chunk));
  }

  // Keeps the rows of `chunk` that pass every filter; false when none does. The plain
  // `column <op> constant` filters are evaluated over the whole chunk and combined into one
  // mask, so that the chunk is sliced once for all of them; the others then run on the
  // rows left, sliced after each. Runs on several threads at once (DecodeWave).
  bool ApplyFilters(DataChunk& chunk) const {
    ExpressionExecutor exec(ctx_);
    size_t n = chunk.size();
    uint8_t mask[kVectorSize];
    uint32_t sel[kVectorSize];
    std::memset(mask, 1, n);
    bool masked = false;
    for (size_t f = 0; f < filters_.size(); f++) {
      if (!comparison_[f]) continue;
      Vector v;
      exec.Execute(*filters_[f], chunk, v);
      if (v.is_constant()) {
        if (!v.IsValid(0) || !v.data<uint8_t>()[0]) return false;
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
    if (masked) {
      size_t m = 0;
      for (size_t i = 0; i < n; i++) {
        sel[m] = static_cast<uint32_t>(i);
        m += mask[i];
      }
      if (m == 0) return false;
      if (m < n) chunk.Slice(sel, m);
    }
    for (size_t f = 0; f < filters_.size(); f++) {
      if (comparison_[f]) continue;
      size_t m = exec.Select(*filters_[f], chunk, sel);
      if (m == 0) return false;
      if (m < chunk.size()) chunk.Slice(sel, m);
    }
    return true;
  }

  void DecodeMorsel(const Morsel& m, std::vector<DataChunk>* out) {
    ctx_->CheckCancelled();
    const DataFile& file = def_->files[m.file];
    // Which output columns come from the file, and their field indexes.
    std::vector<size_t> data_outputs;
    for (size_t c = 0; c < column_ids_.size(); c++) {
      if (column_ids_[c] < data_columns_) data_outputs.push_back(c);
    }
    if (def_->format == FileFormat::kParquet) {
      DecodeParquet(m.file, m.row_group, data_outputs, out);
      return;
    }
    try {
      DecodeText(file, data_outputs, out);
    } catch (const ExecutionError& e) {
      if (e.name() != "HIVE_BAD_DATA") throw;
      throw ExecutionError(e.name(), file.path + ": " + e.what());
    }
  }

  // Decodes a CSV or JSON Lines file.
  void DecodeText(const DataFile& file, const std::vector<size_t>& data_outputs,
                  std::vector<DataChunk>* out) {
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

  void DecodeParquet(size_t file_index, int row_group, const std::vector<size_t>& data_outputs,
                     std::vector<DataChunk>* out) {
    const std::string& path = def_->files[file_index].path;
    try {
      const parquet::FileReader* reader = work_->readers[file_index].get();
      const auto& meta = reader->metadata();
      std::vector<int> cols;
      std::vector<Type> source_types;
      for (size_t c : data_outputs) {
        const std::string& name = columns_[column_ids_[c]].name;
        int idx = FindParquetColumn(meta.schema, name);
        if (idx < 0) {
          throw ExecutionError("HIVE_CANNOT_OPEN_SPLIT",
                               path + ": column '" + name + "' is missing from the Parquet file");
        }
        cols.push_back(idx);
        source_types.push_back(ParquetColumnType(meta.schema.columns[idx]));
      }
      uint64_t bytes = 0;
      for (int c : cols) bytes += static_cast<uint64_t>(meta.row_groups[row_group].columns[c].compressed_size);
      ctx_->query()->bytes_scanned.fetch_add(bytes, std::memory_order_relaxed);
      auto rg = reader->OpenRowGroup(row_group, cols);
      std::vector<parquet::ColumnBatch> batches;
      while (true) {
        int64_t n = rg->Read(static_cast<int64_t>(kVectorSize), &batches);
        if (n <= 0) break;
        DataChunk chunk;
        chunk.columns().resize(column_ids_.size());
        for (size_t k = 0; k < data_outputs.size(); k++) {
          Vector v;
          BatchToVector(batches[k], source_types[k], v);
          const Type& want = columns_[column_ids_[data_outputs[k]]].type;
          if (want == source_types[k]) {
            chunk.column(data_outputs[k]) = std::move(v);
          } else {
            CastVector(v, static_cast<size_t>(n), want, chunk.column(data_outputs[k]), true);
          }
        }
        for (size_t c = 0; c < column_ids_.size(); c++) {
          if (column_ids_[c] >= data_columns_) chunk.column(c).Initialize(columns_[column_ids_[c]].type, kVectorSize);
        }
        chunk.set_size(static_cast<size_t>(n));
        Deliver(chunk, def_->files[file_index], out);
      }
    } catch (const parquet::ParquetError& e) {
      throw BadParquet(path, e);
    }
  }

  ExecContext* ctx_;
  std::shared_ptr<const TableDefinition> def_;
  std::vector<uint32_t> column_ids_;
  std::vector<ColumnDef> columns_;
  std::vector<BoundExprPtr> filters_;
  std::vector<bool> comparison_;  // per filter: a plain `column <op> constant`
  size_t data_columns_ = 0;
  std::shared_ptr<ScanMorsels> work_;
  bool parallel_ = false;
  bool report_progress_ = true;
  std::deque<DataChunk> ready_;
};

}  // namespace

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
  return std::make_unique<ExternalScan>(ctx, get, std::make_shared<ScanMorsels>(), false, true);
}

PhysicalPtr MakeParallelExternalScan(ExecContext* ctx, const LogicalOperator& get, std::shared_ptr<ScanMorsels>& shared,
                                     bool report_progress) {
  if (!shared) shared = std::make_shared<ScanMorsels>();
  return std::make_unique<ExternalScan>(ctx, get, shared, true, report_progress);
}

}  // namespace sql
