#include "engines/sql/formats/parquet/file_reader.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <list>
#include <mutex>
#include <string>
#include <utility>

#include "engines/sql/formats/parquet/column_chunk.h"
#include "engines/sql/formats/parquet/column_plan.h"
#include "engines/sql/formats/parquet/file_metadata_format.h"
#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql::parquet {
namespace {

constexpr uint64_t kTailGuess = 64 << 10;
constexpr int32_t kMaxDecimalDigits = 38;

[[noreturn]] void Corrupt(const std::string& why) {
  throw ParquetError("corrupt Parquet file: " + why);
}

TimeUnit UnitFromFormat(int32_t unit) {
  switch (unit) {
    case 1:
      return TimeUnit::kMillis;
    case 3:
      return TimeUnit::kNanos;
    default:
      return TimeUnit::kMicros;
  }
}

// The logical type a leaf declares (LogicalType first, ConvertedType otherwise), or kNone
// when it declares none or one its physical type cannot carry.
LogicalType ReadLogicalType(const format::SchemaElement& e, PhysicalType physical,
                            int32_t type_length) {
  LogicalType lt;
  if (e.logical_type && e.logical_type->kind != format::LogicalType::kAbsent) {
    const format::LogicalType& f = *e.logical_type;
    switch (f.kind) {
      case format::LogicalType::kString:
        lt = LogicalType::Of(LogicalKind::kString);
        break;
      case format::LogicalType::kEnum:
        lt = LogicalType::Of(LogicalKind::kEnum);
        break;
      case format::LogicalType::kJson:
        lt = LogicalType::Of(LogicalKind::kJson);
        break;
      case format::LogicalType::kBson:
        lt = LogicalType::Of(LogicalKind::kBson);
        break;
      case format::LogicalType::kUuid:
        lt = LogicalType::Of(LogicalKind::kUuid);
        break;
      case format::LogicalType::kDate:
        lt = LogicalType::Of(LogicalKind::kDate);
        break;
      case format::LogicalType::kDecimal:
        lt = LogicalType::Decimal(f.precision, f.scale);
        break;
      case format::LogicalType::kTime:
        lt = LogicalType::Time(UnitFromFormat(f.unit), f.adjusted_to_utc);
        break;
      case format::LogicalType::kTimestamp:
        lt = LogicalType::Timestamp(UnitFromFormat(f.unit), f.adjusted_to_utc);
        break;
      case format::LogicalType::kInteger:
        lt = LogicalType::Integer(f.bit_width, f.is_signed);
        break;
      case format::LogicalType::kUnknown:
        lt = LogicalType::Of(LogicalKind::kNull);
        break;
      case format::LogicalType::kFloat16:
        lt = LogicalType::Of(LogicalKind::kFloat16);
        break;
      default:
        break;
    }
  } else if (e.converted_type) {
    switch (*e.converted_type) {
      case 0:
        lt = LogicalType::Of(LogicalKind::kString);
        break;
      case 4:
        lt = LogicalType::Of(LogicalKind::kEnum);
        break;
      case 5:
        lt = LogicalType::Decimal(e.precision.value_or(0), e.scale.value_or(0));
        break;
      case 6:
        lt = LogicalType::Of(LogicalKind::kDate);
        break;
      case 7:
        lt = LogicalType::Time(TimeUnit::kMillis, true);
        break;
      case 8:
        lt = LogicalType::Time(TimeUnit::kMicros, true);
        break;
      case 9:
        lt = LogicalType::Timestamp(TimeUnit::kMillis, true);
        break;
      case 10:
        lt = LogicalType::Timestamp(TimeUnit::kMicros, true);
        break;
      case 11:
      case 12:
      case 13:
      case 14:
        lt = LogicalType::Integer(8 << (*e.converted_type - 11), false);
        break;
      case 15:
      case 16:
      case 17:
      case 18:
        lt = LogicalType::Integer(8 << (*e.converted_type - 15), true);
        break;
      case 19:
        lt = LogicalType::Of(LogicalKind::kJson);
        break;
      case 20:
        lt = LogicalType::Of(LogicalKind::kBson);
        break;
      case 21:
        lt = LogicalType::Of(LogicalKind::kInterval);
        break;
      default:
        break;
    }
  }
  const bool fits = LogicalTypeFits(lt, physical, type_length);
  if (!fits) lt = LogicalType();
  // INT96 holds the legacy (Impala, Spark) timestamps.
  if (physical == PhysicalType::kInt96) lt = LogicalType::Timestamp(TimeUnit::kNanos, false);
  return lt;
}

enum class SortOrder { kSigned, kUnsigned, kUnknown };

SortOrder SortOrderOf(const Column& c) {
  switch (c.logical.kind) {
    case LogicalKind::kString:
    case LogicalKind::kEnum:
    case LogicalKind::kJson:
    case LogicalKind::kBson:
    case LogicalKind::kUuid:
      return SortOrder::kUnsigned;
    case LogicalKind::kInteger:
      return c.logical.is_signed ? SortOrder::kSigned : SortOrder::kUnsigned;
    case LogicalKind::kInterval:
    case LogicalKind::kNull:
      return SortOrder::kUnknown;
    default:
      break;
  }
  switch (c.physical_type) {
    case PhysicalType::kInt96:
      return SortOrder::kUnknown;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return c.logical.kind == LogicalKind::kDecimal || c.logical.kind == LogicalKind::kFloat16
                 ? SortOrder::kSigned
                 : SortOrder::kUnsigned;
    default:
      return SortOrder::kSigned;
  }
}

// One PLAIN-encoded bound (byte arrays without their length) as a value of the column.
std::optional<StatValue> DecodeBound(const std::string& bytes, const ColumnPlan& plan) {
  ColumnBatch physical;
  physical.Reset(plan.physical_value_type);
  SizeBatch(plan.physical_value_type, 1, &physical);
  auto fixed = [&](void* dst, size_t n) {
    if (bytes.size() != n) return false;
    std::memcpy(dst, bytes.data(), n);
    return true;
  };
  bool ok = true;
  switch (plan.physical) {
    case PhysicalType::kBoolean:
      ok = bytes.size() == 1;
      if (ok) physical.bools[0] = bytes[0] & 1;
      break;
    case PhysicalType::kInt32:
      ok = fixed(physical.i32.data(), 4);
      break;
    case PhysicalType::kInt64:
      ok = fixed(physical.i64.data(), 8);
      break;
    case PhysicalType::kFloat:
      ok = fixed(physical.f32.data(), 4);
      break;
    case PhysicalType::kDouble:
      ok = fixed(physical.f64.data(), 8);
      break;
    case PhysicalType::kInt96:
      ok = false;
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      physical.bytes = bytes;
      physical.offsets[1] = static_cast<int64_t>(bytes.size());
      break;
  }
  if (!ok) return std::nullopt;
  ColumnBatch values;
  try {
    if (plan.in_place()) {
      values = std::move(physical);
      ConvertToValues(plan, values, 0, 1, &values, 0);
    } else {
      values.Reset(plan.value_type);
      SizeBatch(plan.value_type, 1, &values);
      ConvertToValues(plan, physical, 0, 1, &values, 0);
    }
  } catch (const ParquetError&) {
    return std::nullopt;
  }
  switch (plan.value_type) {
    case ValueType::kBool:
      return StatValue(values.bools[0] != 0);
    case ValueType::kInt32:
      return StatValue(values.i32[0]);
    case ValueType::kInt64:
      return StatValue(values.i64[0]);
    case ValueType::kFloat:
      return StatValue(values.f32[0]);
    case ValueType::kDouble:
      return StatValue(values.f64[0]);
    case ValueType::kInt128:
      return StatValue(values.i128[0]);
    case ValueType::kBinary:
      return StatValue(std::string(values.Binary(0)));
  }
  return std::nullopt;
}

template <typename F>
bool AdjustFloatBounds(StatValue* min, StatValue* max) {
  F& lo = std::get<F>(*min);
  F& hi = std::get<F>(*max);
  if (std::isnan(lo) || std::isnan(hi)) return false;
  // A zero bound may stand for either sign of zero.
  if (lo == 0) lo = -F{0};
  if (hi == 0) hi = F{0};
  return true;
}

ColumnStatistics ReadStatistics(const format::Statistics& s, const Column& file_column,
                                const ColumnPlan& plan, bool type_defined_order) {
  ColumnStatistics out;
  out.null_count = s.null_count;
  out.distinct_count = s.distinct_count;
  const SortOrder order = SortOrderOf(file_column);
  const bool binary = file_column.physical_type == PhysicalType::kByteArray ||
                      file_column.physical_type == PhysicalType::kFixedLenByteArray;
  const std::string* lo = nullptr;
  const std::string* hi = nullptr;
  if (order == SortOrder::kUnknown) {
    // No bounds can be trusted.
  } else if (s.min_value && s.max_value) {
    if (type_defined_order) {
      lo = &*s.min_value;
      hi = &*s.max_value;
    }
  } else if (s.min && s.max && order == SortOrder::kSigned && !binary) {
    // The deprecated fields were computed with signed comparison: right only for signed
    // orders, and never for byte arrays (whose old writers compared bytes as signed).
    lo = &*s.min;
    hi = &*s.max;
  }
  if (lo == nullptr) return out;
  std::optional<StatValue> min = DecodeBound(*lo, plan);
  std::optional<StatValue> max = DecodeBound(*hi, plan);
  if (!min || !max) return out;
  if (plan.value_type == ValueType::kFloat && !AdjustFloatBounds<float>(&*min, &*max)) return out;
  if (plan.value_type == ValueType::kDouble && !AdjustFloatBounds<double>(&*min, &*max)) {
    return out;
  }
  out.min = std::move(min);
  out.max = std::move(max);
  return out;
}

}  // namespace

struct FileReader::Contents {
  struct Chunk {
    Codec codec = Codec::kUncompressed;
    uint64_t offset = 0;
    uint64_t length = 0;
    int64_t num_values = 0;
    std::string error;  // why the chunk cannot be read
    bool unsupported = false;
  };

  // The footer as read: a function of the footer's bytes, the file's size and the reader
  // options only, so files with identical footers share one.
  struct Parsed {
    FileMetadata metadata;
    std::vector<ColumnPlan> plans;           // per schema column
    std::vector<int> max_definition_level;   // per schema column
    std::vector<std::vector<Chunk>> chunks;  // [row group][schema column]
  };

  std::shared_ptr<const RandomAccessSource> source;
  std::shared_ptr<const Parsed> parsed;
};

namespace {

std::atomic<uint64_t> footer_parses{0};

// The footers read last, by key (footer bytes, file size, options), most recent first: a
// query opens each file several times (to bind, to plan, to scan) and queries repeat, while
// reading a large footer costs milliseconds. Holds at most kEntries footers and kKeyBytes
// bytes of keys. Thread-safe.
class FooterCache {
 public:
  std::shared_ptr<const FileReader::Contents::Parsed> Find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().second;
      }
    }
    return nullptr;
  }

  void Add(std::string key, std::shared_ptr<const FileReader::Contents::Parsed> parsed) {
    if (key.size() > kKeyBytes) return;
    std::lock_guard<std::mutex> lock(mu_);
    key_bytes_ += key.size();
    entries_.emplace_front(std::move(key), std::move(parsed));
    while (entries_.size() > kEntries || key_bytes_ > kKeyBytes) {
      key_bytes_ -= entries_.back().first.size();
      entries_.pop_back();
    }
  }

 private:
  static constexpr size_t kEntries = 32;
  static constexpr size_t kKeyBytes = size_t{16} << 20;
  std::mutex mu_;
  std::list<std::pair<std::string, std::shared_ptr<const FileReader::Contents::Parsed>>> entries_;
  size_t key_bytes_ = 0;
};

std::shared_ptr<const FileReader::Contents::Parsed> ParseFooter(const std::string& footer,
                                                                uint64_t file_size,
                                                                const ReaderOptions& options);

FooterCache& Footers() {
  static FooterCache* cache = new FooterCache();  // never destroyed: used until exit
  return *cache;
}

struct SchemaLayout {
  std::vector<Column> file_columns;  // as stored (file units)
  std::vector<int> leaf;             // first leaf index of each column
  size_t leaf_count = 0;
};

SchemaLayout ReadSchema(const std::vector<format::SchemaElement>& elements) {
  if (elements.empty()) Corrupt("empty schema");
  const format::SchemaElement& root = elements[0];
  const int32_t children = root.num_children.value_or(0);
  if (children < 0 || static_cast<size_t>(children) > elements.size() - 1) {
    Corrupt("bad schema root");
  }
  SchemaLayout layout;
  size_t i = 1;
  for (int32_t c = 0; c < children; ++c) {
    if (i >= elements.size()) Corrupt("schema ends early");
    const format::SchemaElement& e = elements[i];
    Column column;
    column.name = e.name;
    column.field_id = e.field_id;
    layout.leaf.push_back(static_cast<int>(layout.leaf_count));
    if (e.num_children || !e.type) {
      // A group: walk its subtree to count the leaves it occupies.
      uint64_t pending = 1;
      while (pending > 0) {
        if (i >= elements.size()) Corrupt("schema ends early");
        const format::SchemaElement& g = elements[i++];
        --pending;
        if (g.num_children) {
          if (*g.num_children < 0 || static_cast<size_t>(*g.num_children) > elements.size() - i) {
            Corrupt("bad schema group size");
          }
          pending += static_cast<uint64_t>(*g.num_children);
        } else {
          if (!g.type) Corrupt("schema leaf without a type");
          ++layout.leaf_count;
        }
      }
      column.unsupported = "column '" + e.name +
                           "' is a nested group (struct, list or map); nested columns are not "
                           "supported";
      layout.file_columns.push_back(std::move(column));
      continue;
    }
    ++i;
    ++layout.leaf_count;
    if (*e.type < 0 || *e.type > 7) {
      column.unsupported = "column '" + e.name + "' has an unknown physical type";
      layout.file_columns.push_back(std::move(column));
      continue;
    }
    column.physical_type = static_cast<PhysicalType>(*e.type);
    column.type_length = e.type_length.value_or(0);
    if (column.physical_type == PhysicalType::kFixedLenByteArray && column.type_length <= 0) {
      Corrupt("column '" + e.name + "' is FIXED_LEN_BYTE_ARRAY without a length");
    }
    const int32_t repetition = e.repetition_type.value_or(-1);
    column.nullable = repetition == 1;
    column.logical = ReadLogicalType(e, column.physical_type, column.type_length);
    if (repetition == 2) {
      column.unsupported =
          "column '" + e.name + "' is repeated; repeated (list) columns are not supported";
    } else if (repetition != 0 && repetition != 1) {
      column.unsupported = "column '" + e.name + "' has no valid repetition type";
    } else if (column.logical.kind == LogicalKind::kDecimal &&
               (column.logical.precision > kMaxDecimalDigits ||
                (column.physical_type == PhysicalType::kFixedLenByteArray &&
                 column.type_length > 16))) {
      column.unsupported = "column '" + e.name + "' is a DECIMAL wider than 38 digits";
    }
    layout.file_columns.push_back(std::move(column));
  }
  if (i != elements.size()) Corrupt("schema elements outside the schema tree");
  return layout;
}

FileReader::Contents::Chunk LocateChunk(const format::ColumnChunk& cc, const Column& column,
                                        int64_t row_group_rows, uint64_t data_end) {
  FileReader::Contents::Chunk chunk;
  auto fail = [&](const std::string& why, bool unsupported) {
    chunk.error = "column '" + column.name + "': " + why;
    chunk.unsupported = unsupported;
    return chunk;
  };
  if (cc.encrypted) return fail("encrypted columns are not supported", true);
  if (cc.file_path) return fail("column data in another file is not supported", true);
  if (!cc.meta_data) return fail("column chunk metadata missing", false);
  const format::ColumnMetaData& m = *cc.meta_data;
  if (m.type != static_cast<int32_t>(column.physical_type)) {
    return fail("chunk type differs from the schema", false);
  }
  if (m.codec < 0 || m.codec > 7) return fail("unknown codec " + std::to_string(m.codec), true);
  chunk.codec = static_cast<Codec>(m.codec);
  if (chunk.codec == Codec::kLzo || chunk.codec == Codec::kBrotli) {
    return fail("codec " + std::string(CodecName(chunk.codec)) + " is not supported", true);
  }
  int64_t start = m.data_page_offset;
  if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 &&
      *m.dictionary_page_offset < start) {
    start = *m.dictionary_page_offset;
  }
  if (start < 4 || m.total_compressed_size < 0 || static_cast<uint64_t>(start) > data_end ||
      static_cast<uint64_t>(m.total_compressed_size) > data_end - static_cast<uint64_t>(start)) {
    return fail("chunk lies outside the file's data", false);
  }
  if (m.num_values != row_group_rows) {
    return fail("value count differs from the row group's row count", false);
  }
  chunk.offset = static_cast<uint64_t>(start);
  chunk.length = static_cast<uint64_t>(m.total_compressed_size);
  chunk.num_values = m.num_values;
  return chunk;
}

}  // namespace

FileReader::FileReader(std::shared_ptr<const Contents> contents) : contents_(std::move(contents)) {}
FileReader::~FileReader() = default;

std::unique_ptr<FileReader> FileReader::Open(std::shared_ptr<const RandomAccessSource> source,
                                             const ReaderOptions& options) {
  const uint64_t size = source->Size();
  if (size < 12) {
    throw ParquetError("not a Parquet file: " + std::to_string(size) + " bytes is too small", 0);
  }
  const uint64_t tail_len = std::min(size, kTailGuess);
  std::string tail = source->Read(size - tail_len, static_cast<size_t>(tail_len));
  const char* magic = tail.data() + tail_len - 4;
  if (std::memcmp(magic, "PARE", 4) == 0) {
    throw ParquetUnsupportedError("encrypted Parquet files are not supported");
  }
  // A file no longer than the tail read has its first bytes in it already.
  const std::string head = tail_len == size ? tail.substr(0, 4) : source->Read(0, 4);
  if (head != "PAR1") {
    throw ParquetError("not a Parquet file: magic bytes 'PAR1' missing at the start", 0);
  }
  if (std::memcmp(magic, "PAR1", 4) != 0) {
    throw ParquetError(
        "magic bytes 'PAR1' missing at the end (the file is truncated or not Parquet)", size - 4);
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, tail.data() + tail_len - 8, 4);
  if (footer_len > size - 12) {
    throw ParquetError("corrupt Parquet file: footer length " + std::to_string(footer_len) +
                           " runs past the start of the file",
                       size - 8);
  }
  const uint64_t footer_offset = size - 8 - footer_len;
  std::string footer;
  if (uint64_t{footer_len} + 8 <= tail_len) {
    footer = tail.substr(static_cast<size_t>(tail_len - 8 - footer_len), footer_len);
  } else {
    footer = source->Read(size - 8 - footer_len, footer_len);
  }
  // Errors in the footer are reported at the footer's offset.
  try {
    return OpenWithFooter(std::move(source), footer, options);
  } catch (const ParquetUnsupportedError&) {
    throw;
  } catch (const ParquetError& e) {
    if (e.offset()) throw;
    throw ParquetError(e.what(), footer_offset);
  }
}

uint64_t FileReader::FooterParses() { return footer_parses.load(std::memory_order_relaxed); }

std::unique_ptr<FileReader> FileReader::OpenWithFooter(
    std::shared_ptr<const RandomAccessSource> source, const std::string& footer,
    const ReaderOptions& options) {
  const uint64_t size = source->Size();
  // The key holds everything the parse depends on (every ReaderOptions field included).
  std::string key = footer;
  key.append(reinterpret_cast<const char*>(&size), sizeof(size));
  key.push_back(options.timestamp_unit ? static_cast<char>(*options.timestamp_unit) : '-');
  auto contents = std::make_shared<Contents>();
  contents->source = std::move(source);
  contents->parsed = Footers().Find(key);
  if (!contents->parsed) {
    contents->parsed = ParseFooter(footer, size, options);
    Footers().Add(std::move(key), contents->parsed);
  }
  return std::unique_ptr<FileReader>(new FileReader(std::move(contents)));
}

namespace {

std::shared_ptr<const FileReader::Contents::Parsed> ParseFooter(const std::string& footer,
                                                                uint64_t file_size,
                                                                const ReaderOptions& options) {
  footer_parses.fetch_add(1, std::memory_order_relaxed);
  const uint32_t footer_len = static_cast<uint32_t>(footer.size());
  const format::FileMetaData raw =
      format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  if (raw.encrypted) throw ParquetUnsupportedError("encrypted Parquet files are not supported");

  auto contents = std::make_shared<FileReader::Contents::Parsed>();
  FileMetadata& meta = contents->metadata;
  meta.version = raw.version;
  meta.num_rows = raw.num_rows;
  meta.created_by = raw.created_by.value_or("");
  for (const format::KeyValue& kv : raw.key_value_metadata) {
    meta.key_value.emplace_back(kv.key, kv.value.value_or(""));
  }
  const SchemaLayout layout = ReadSchema(raw.schema);
  const size_t n = layout.file_columns.size();
  for (size_t c = 0; c < n; ++c) {
    const Column& file_column = layout.file_columns[c];
    Column column = file_column;
    TimeUnit unit = column.logical.unit;
    if (column.logical.kind == LogicalKind::kTimestamp && options.timestamp_unit) {
      unit = *options.timestamp_unit;
      column.logical.unit = unit;
    }
    contents->plans.push_back(MakeColumnPlan(file_column, unit));
    contents->max_definition_level.push_back(column.nullable ? 1 : 0);
    meta.schema.columns.push_back(std::move(column));
  }
  const uint64_t data_end = file_size - 8 - footer_len;
  for (const format::RowGroup& g : raw.row_groups) {
    if (g.num_rows < 0) Corrupt("negative row count");
    if (g.columns.size() != layout.leaf_count)
      Corrupt("row group column count differs from schema");
    RowGroupInfo info;
    info.num_rows = g.num_rows;
    info.total_byte_size = g.total_byte_size;
    info.columns.resize(n);
    std::vector<FileReader::Contents::Chunk> chunks(n);
    for (size_t c = 0; c < n; ++c) {
      const Column& file_column = layout.file_columns[c];
      if (!file_column.unsupported.empty()) continue;
      const size_t leaf = static_cast<size_t>(layout.leaf[c]);
      const format::ColumnChunk& cc = g.columns[leaf];
      chunks[c] = LocateChunk(cc, file_column, g.num_rows, data_end);
      if (!cc.meta_data) continue;
      const format::ColumnMetaData& m = *cc.meta_data;
      ColumnChunkInfo& ci = info.columns[c];
      ci.codec = static_cast<Codec>(m.codec);
      for (int32_t e : m.encodings) ci.encodings.push_back(static_cast<Encoding>(e));
      ci.num_values = m.num_values;
      ci.compressed_size = m.total_compressed_size;
      ci.uncompressed_size = m.total_uncompressed_size;
      if (m.statistics) {
        bool type_defined = true;
        if (raw.column_orders) {
          const auto& orders = *raw.column_orders;
          type_defined = leaf < orders.size() && (orders[leaf].kind == 1 || orders[leaf].kind == 2);
        }
        ci.statistics =
            ReadStatistics(*m.statistics, file_column, contents->plans[c], type_defined);
      }
    }
    contents->chunks.push_back(std::move(chunks));
    meta.row_groups.push_back(std::move(info));
  }
  return contents;
}

}  // namespace

const FileMetadata& FileReader::metadata() const { return contents_->parsed->metadata; }

std::unique_ptr<ColumnReader> FileReader::OpenColumn(int row_group, int column) const {
  const Contents::Parsed& c = *contents_->parsed;
  if (row_group < 0 || static_cast<size_t>(row_group) >= c.chunks.size()) {
    throw ParquetError("row group " + std::to_string(row_group) + " does not exist");
  }
  if (column < 0 || static_cast<size_t>(column) >= c.metadata.schema.columns.size()) {
    throw ParquetError("column " + std::to_string(column) + " does not exist");
  }
  const Column& col = c.metadata.schema.columns[column];
  if (!col.unsupported.empty()) throw ParquetUnsupportedError(col.unsupported);
  const Contents::Chunk& chunk = c.chunks[row_group][column];
  if (!chunk.error.empty()) {
    if (chunk.unsupported) throw ParquetUnsupportedError(chunk.error);
    throw ParquetError("corrupt Parquet file: " + chunk.error, chunk.offset);
  }
  ColumnChunk spec;
  spec.source = contents_->source;
  spec.column = col;
  spec.plan = c.plans[column];
  spec.max_definition_level = c.max_definition_level[column];
  spec.codec = chunk.codec;
  spec.offset = chunk.offset;
  spec.length = chunk.length;
  spec.num_values = chunk.num_values;
  return MakeColumnReader(std::move(spec));
}

std::unique_ptr<RowGroupReader> FileReader::OpenRowGroup(int row_group,
                                                         const std::vector<int>& columns) const {
  if (row_group < 0 || static_cast<size_t>(row_group) >= contents_->parsed->chunks.size()) {
    throw ParquetError("row group " + std::to_string(row_group) + " does not exist");
  }
  std::vector<std::unique_ptr<ColumnReader>> readers;
  for (int column : columns) readers.push_back(OpenColumn(row_group, column));
  return std::make_unique<RowGroupReader>(
      contents_->parsed->metadata.row_groups[row_group].num_rows, std::move(readers));
}

}  // namespace sql::parquet
