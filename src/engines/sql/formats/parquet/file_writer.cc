#include "engines/sql/formats/parquet/file_writer.h"

#include <algorithm>
#include <set>
#include <string>

#include "engines/sql/formats/parquet/byte_reader.h"
#include "engines/sql/formats/parquet/codec.h"
#include "engines/sql/formats/parquet/column_chunk_writer.h"
#include "engines/sql/formats/parquet/column_plan.h"
#include "engines/sql/formats/parquet/file_metadata_format.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/statistics_builder.h"
#include "engines/sql/formats/parquet/value_encoder.h"

#ifndef UNISTUDIO_VERSION
#define UNISTUDIO_VERSION "0.0.0"
#endif

namespace sql::parquet {
namespace {

// Rows handed to the column writers at a time, so page and row-group limits are checked
// often enough.
constexpr int64_t kSliceRows = 1024;

[[noreturn]] void Invalid(const Column& c, const std::string& why) {
  throw ParquetError("column '" + c.name + "': " + why);
}

// Largest decimal precision a FIXED_LEN_BYTE_ARRAY of `len` bytes holds.
int32_t MaxPrecision(int32_t len) {
  // floor(log10(2^(8 * len - 1) - 1))
  static constexpr int32_t kDigits[17] = {0,  2,  4,  6,  9,  11, 14, 16, 18,
                                          21, 23, 26, 28, 31, 33, 35, 38};
  return len >= 16 ? 38 : kDigits[len];
}

void ValidateColumn(const Column& c) {
  if (c.name.empty()) throw ParquetError("a column has an empty name");
  if (!c.unsupported.empty()) Invalid(c, "marked unsupported: " + c.unsupported);
  if (static_cast<int>(c.physical_type) < 0 || static_cast<int>(c.physical_type) > 7) {
    Invalid(c, "unknown physical type");
  }
  if (c.physical_type == PhysicalType::kFixedLenByteArray && c.type_length <= 0) {
    Invalid(c, "FIXED_LEN_BYTE_ARRAY needs a positive type_length");
  }
  const LogicalType& lt = c.logical;
  if (!LogicalTypeFits(lt, c.physical_type, c.type_length)) {
    Invalid(c, "logical type does not fit the physical type");
  }
  if (c.physical_type == PhysicalType::kInt96 && lt.kind != LogicalKind::kNone &&
      lt.kind != LogicalKind::kTimestamp) {
    Invalid(c, "INT96 holds only timestamps");
  }
  if (lt.kind == LogicalKind::kDecimal) {
    int32_t max = 38;
    if (c.physical_type == PhysicalType::kInt32) max = 9;
    if (c.physical_type == PhysicalType::kInt64) max = 18;
    if (c.physical_type == PhysicalType::kFixedLenByteArray) max = MaxPrecision(c.type_length);
    if (lt.precision < 1 || lt.precision > max || lt.scale < 0 || lt.scale > lt.precision) {
      Invalid(c, "DECIMAL(" + std::to_string(lt.precision) + ", " + std::to_string(lt.scale) +
                     ") does not fit its physical type");
    }
  }
}

TimeUnit StoredUnit(const Column& c) {
  return c.logical.kind == LogicalKind::kTimestamp ? c.logical.unit : TimeUnit::kNanos;
}

int32_t FormatUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return 1;
    case TimeUnit::kMicros:
      return 2;
    case TimeUnit::kNanos:
      return 3;
  }
  return 2;
}

format::SchemaElement ToSchemaElement(const Column& c) {
  format::SchemaElement e;
  e.name = c.name;
  e.type = static_cast<int32_t>(c.physical_type);
  if (c.physical_type == PhysicalType::kFixedLenByteArray) e.type_length = c.type_length;
  e.repetition_type = c.nullable ? 1 : 0;
  e.field_id = c.field_id;
  const LogicalType& lt = c.logical;
  format::LogicalType f;
  using F = format::LogicalType;
  switch (lt.kind) {
    case LogicalKind::kNone:
      break;
    case LogicalKind::kString:
      f.kind = F::kString;
      e.converted_type = 0;
      break;
    case LogicalKind::kEnum:
      f.kind = F::kEnum;
      e.converted_type = 4;
      break;
    case LogicalKind::kJson:
      f.kind = F::kJson;
      e.converted_type = 19;
      break;
    case LogicalKind::kBson:
      f.kind = F::kBson;
      e.converted_type = 20;
      break;
    case LogicalKind::kUuid:
      f.kind = F::kUuid;
      break;
    case LogicalKind::kDate:
      f.kind = F::kDate;
      e.converted_type = 6;
      break;
    case LogicalKind::kTime:
      f.kind = F::kTime;
      f.unit = FormatUnit(lt.unit);
      f.adjusted_to_utc = lt.adjusted_to_utc;
      // The legacy annotation always meant UTC-adjusted.
      if (lt.adjusted_to_utc && lt.unit != TimeUnit::kNanos) {
        e.converted_type = lt.unit == TimeUnit::kMillis ? 7 : 8;
      }
      break;
    case LogicalKind::kTimestamp:
      if (c.physical_type == PhysicalType::kInt96) break;  // INT96 carries no annotation
      f.kind = F::kTimestamp;
      f.unit = FormatUnit(lt.unit);
      f.adjusted_to_utc = lt.adjusted_to_utc;
      if (lt.adjusted_to_utc && lt.unit != TimeUnit::kNanos) {
        e.converted_type = lt.unit == TimeUnit::kMillis ? 9 : 10;
      }
      break;
    case LogicalKind::kDecimal:
      f.kind = F::kDecimal;
      f.precision = lt.precision;
      f.scale = lt.scale;
      e.converted_type = 5;
      e.precision = lt.precision;
      e.scale = lt.scale;
      break;
    case LogicalKind::kInteger:
      f.kind = F::kInteger;
      f.bit_width = lt.bit_width;
      f.is_signed = lt.is_signed;
      e.converted_type = (lt.is_signed ? 15 : 11) + (lt.bit_width == 8    ? 0
                                                     : lt.bit_width == 16 ? 1
                                                     : lt.bit_width == 32 ? 2
                                                                          : 3);
      break;
    case LogicalKind::kFloat16:
      f.kind = F::kFloat16;
      break;
    case LogicalKind::kInterval:
      e.converted_type = 21;
      break;
    case LogicalKind::kNull:
      f.kind = F::kUnknown;
      break;
  }
  if (f.kind != F::kAbsent) e.logical_type = f;
  return e;
}

}  // namespace

class FileWriter::Impl {
 public:
  Impl(Sink* sink, Schema schema, WriterOptions options);
  void Write(std::span<const ColumnBatch> columns);
  void Close();
  int64_t rows_written() const { return rows_written_; }

 private:
  void Validate(std::span<const ColumnBatch> columns) const;
  void FlushRowGroup();
  void Emit(std::string_view bytes) {
    sink_->Append(bytes);
    offset_ += bytes.size();
  }

  Sink* sink_;
  Schema schema_;
  WriterOptions options_;
  std::vector<ColumnPlan> plans_;
  std::vector<ColumnChunkWriter> writers_;
  std::vector<StatisticsBuilder> stats_;
  std::vector<format::RowGroup> row_groups_;
  uint64_t offset_ = 0;
  int64_t rows_written_ = 0;
  int64_t row_group_rows_ = 0;
  bool uses_v2_features_ = false;
  bool closed_ = false;
};

FileWriter::Impl::Impl(Sink* sink, Schema schema, WriterOptions options)
    : sink_(sink), schema_(std::move(schema)), options_(std::move(options)) {
  CheckWritableCodec(options_.codec);
  if (options_.data_page_bytes <= 0 || options_.row_group_bytes <= 0 ||
      options_.dictionary_page_bytes <= 0 || options_.max_row_group_rows < 0) {
    throw ParquetError("writer size limits must be positive");
  }
  if (!(options_.min_compression_saving >= 0 && options_.min_compression_saving <= 1)) {
    throw ParquetError("min_compression_saving must be between 0 and 1");
  }
  std::set<std::string> names;
  for (const Column& c : schema_.columns) {
    ValidateColumn(c);
    if (!names.insert(c.name).second) Invalid(c, "duplicate column name");
  }
  for (const auto& [name, encoding] : options_.column_encodings) {
    const int index = schema_.FindColumn(name);
    if (index < 0) throw ParquetError("encoding given for unknown column '" + name + "'");
    if (!EncodingFits(encoding, schema_.columns[index].physical_type)) {
      Invalid(schema_.columns[index],
              "cannot be written with " + std::string(EncodingName(encoding)));
    }
  }
  uses_v2_features_ = options_.page_version == PageVersion::kV2;
  plans_.reserve(schema_.columns.size());
  writers_.reserve(schema_.columns.size());
  for (const Column& c : schema_.columns) {
    plans_.push_back(MakeColumnPlan(c, StoredUnit(c)));
    const bool integer =
        c.physical_type == PhysicalType::kInt32 || c.physical_type == PhysicalType::kInt64;
    Encoding encoding =
        options_.delta_integers && integer ? Encoding::kDeltaBinaryPacked : Encoding::kPlain;
    bool dictionary = options_.dictionary && c.physical_type != PhysicalType::kBoolean;
    if (auto it = options_.column_encodings.find(c.name); it != options_.column_encodings.end()) {
      dictionary =
          it->second == Encoding::kRleDictionary || it->second == Encoding::kPlainDictionary;
      encoding = dictionary ? Encoding::kPlain : it->second;
    }
    if (encoding != Encoding::kPlain) uses_v2_features_ = true;
    writers_.emplace_back(c, plans_.back(), options_, encoding, dictionary);
    stats_.emplace_back(c, plans_.back());
  }
  Emit("PAR1");
}

void FileWriter::Impl::Validate(std::span<const ColumnBatch> columns) const {
  if (closed_) throw ParquetError("write to a closed Parquet writer");
  if (columns.size() != schema_.columns.size()) {
    throw ParquetError("expected " + std::to_string(schema_.columns.size()) +
                       " column batches, got " + std::to_string(columns.size()));
  }
  const int64_t rows = columns.empty() ? 0 : columns[0].num_rows;
  for (size_t i = 0; i < columns.size(); ++i) {
    const Column& c = schema_.columns[i];
    const ColumnBatch& b = columns[i];
    const auto n = static_cast<size_t>(b.num_rows);
    if (b.num_rows != rows || b.num_rows < 0) Invalid(c, "row count differs between batches");
    if (b.type != plans_[i].value_type) Invalid(c, "batch holds the wrong value type");
    if (!b.valid.empty()) {
      if (b.valid.size() < n) Invalid(c, "validity shorter than the batch");
      if (!c.nullable && std::find(b.valid.begin(), b.valid.begin() + b.num_rows, 0) !=
                             b.valid.begin() + b.num_rows) {
        Invalid(c, "null in a required column");
      }
    }
    size_t have = 0;
    switch (b.type) {
      case ValueType::kBool:
        have = b.bools.size();
        break;
      case ValueType::kInt32:
        have = b.i32.size();
        break;
      case ValueType::kInt64:
        have = b.i64.size();
        break;
      case ValueType::kFloat:
        have = b.f32.size();
        break;
      case ValueType::kDouble:
        have = b.f64.size();
        break;
      case ValueType::kInt128:
        have = b.i128.size();
        break;
      case ValueType::kBinary:
        if (b.offsets.size() < n + 1) Invalid(c, "offsets shorter than the batch");
        for (size_t r = 0; r < n; ++r) {
          if (b.offsets[r] < 0 || b.offsets[r] > b.offsets[r + 1]) Invalid(c, "offsets decrease");
        }
        if (b.offsets[n] > static_cast<int64_t>(b.bytes.size())) {
          Invalid(c, "offsets past the byte buffer");
        }
        have = n;
        break;
    }
    if (have < n) Invalid(c, "value array shorter than the batch");
  }
}

void FileWriter::Impl::Write(std::span<const ColumnBatch> columns) {
  Validate(columns);
  const int64_t rows = columns.empty() ? 0 : columns[0].num_rows;
  // Convert every column first, so a value the file cannot hold rejects the whole call.
  std::vector<ColumnBatch> physical(columns.size());
  std::vector<std::vector<int64_t>> dense_start(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnBatch& b = columns[i];
    std::vector<int64_t> selected;
    selected.reserve(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
      if (b.IsValid(r)) selected.push_back(r);
    }
    try {
      ConvertToPhysical(plans_[i], b, selected.data(), static_cast<int64_t>(selected.size()),
                        &physical[i]);
    } catch (const ParquetError& e) {
      Invalid(schema_.columns[i], e.what());
    }
    // Index of the first dense value of each slice of rows.
    std::vector<int64_t>& starts = dense_start[i];
    starts.push_back(0);
    int64_t dense = 0;
    for (int64_t r = 0; r < rows; ++r) {
      dense += b.IsValid(r);
      if ((r + 1) % kSliceRows == 0 || r + 1 == rows) starts.push_back(dense);
    }
  }
  // Slices never straddle a row group cut, so a row-count limit splits slices.
  int64_t begin = 0;
  while (begin < rows) {
    const int64_t slice = begin / kSliceRows;
    int64_t end = std::min(rows, (slice + 1) * kSliceRows);
    if (options_.max_row_group_rows > 0) {
      end = std::min(end, begin + options_.max_row_group_rows - row_group_rows_);
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      const ColumnBatch& b = columns[i];
      int64_t from = dense_start[i][static_cast<size_t>(slice)];
      for (int64_t r = slice * kSliceRows; r < begin; ++r) from += b.IsValid(r);
      int64_t count = 0;
      for (int64_t r = begin; r < end; ++r) count += b.IsValid(r);
      writers_[i].Append(b.valid.empty() ? nullptr : b.valid.data() + begin, end - begin,
                         physical[i], from, count);
      stats_[i].Update(b, begin, end);
    }
    row_group_rows_ += end - begin;
    rows_written_ += end - begin;
    begin = end;
    int64_t buffered = 0;
    for (const ColumnChunkWriter& w : writers_) buffered += w.buffered_bytes();
    if (buffered >= options_.row_group_bytes ||
        (options_.max_row_group_rows > 0 && row_group_rows_ >= options_.max_row_group_rows)) {
      FlushRowGroup();
    }
  }
}

void FileWriter::Impl::FlushRowGroup() {
  if (row_group_rows_ == 0) return;
  format::RowGroup g;
  g.num_rows = row_group_rows_;
  g.file_offset = static_cast<int64_t>(offset_);
  g.ordinal = static_cast<int16_t>(row_groups_.size());
  int64_t compressed = 0;
  for (size_t i = 0; i < writers_.size(); ++i) {
    ColumnChunkWriter::Chunk chunk = writers_[i].Finish(stats_[i].Finish());
    const auto start = static_cast<int64_t>(offset_);
    chunk.meta.data_page_offset += start;
    if (chunk.meta.dictionary_page_offset) *chunk.meta.dictionary_page_offset += start;
    Emit(chunk.bytes);
    format::ColumnChunk cc;
    cc.file_offset = 0;
    g.total_byte_size += chunk.meta.total_uncompressed_size;
    compressed += chunk.meta.total_compressed_size;
    cc.meta_data = std::move(chunk.meta);
    g.columns.push_back(std::move(cc));
  }
  g.total_compressed_size = compressed;
  row_groups_.push_back(std::move(g));
  row_group_rows_ = 0;
}

void FileWriter::Impl::Close() {
  if (closed_) return;
  FlushRowGroup();
  format::FileMetaData m;
  m.version = uses_v2_features_ ? 2 : 1;
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema_.columns.size());
  m.schema.push_back(root);
  for (const Column& c : schema_.columns) m.schema.push_back(ToSchemaElement(c));
  m.num_rows = rows_written_;
  m.row_groups = std::move(row_groups_);
  for (const auto& [key, value] : options_.key_value) m.key_value_metadata.push_back({key, value});
  m.created_by = "UniStudio version " UNISTUDIO_VERSION;
  m.column_orders = std::vector<format::ColumnOrder>(schema_.columns.size(), {1});
  const std::string footer = format::SerializeFileMetaData(m);
  Emit(footer);
  std::string tail;
  AppendLE(static_cast<uint32_t>(footer.size()), &tail);
  tail += "PAR1";
  Emit(tail);
  closed_ = true;
  sink_->Close();
}

FileWriter::FileWriter(Sink* sink, Schema schema, WriterOptions options)
    : impl_(std::make_unique<Impl>(sink, std::move(schema), std::move(options))) {}
FileWriter::~FileWriter() = default;
void FileWriter::Write(std::span<const ColumnBatch> columns) { impl_->Write(columns); }
void FileWriter::Close() { impl_->Close(); }
int64_t FileWriter::rows_written() const { return impl_->rows_written(); }

}  // namespace sql::parquet
