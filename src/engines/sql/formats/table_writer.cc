#include "engines/sql/formats/table_writer.h"

#include <map>

#include "base/json.h"
#include "base/strings.h"
#include "engines/sql/common/error.h"
#include "engines/sql/formats/parquet/file_writer.h"
#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql {

namespace {

// Parquet column chunks that compress by less than this are written UNCOMPRESSED. Snappy
// finds little in numbers beyond their zero high bytes (TPC-H prices and keys shrink by
// 10-30%), and undoing it costs every scan more than reading those bytes from the page
// cache: TPC-H Q10 at SF1 took 0.18 s of CPU over such files against 0.25 s with every chunk
// compressed, for 13% more bytes on disk.
constexpr double kMinCompressionSaving = 0.3;

// Adapts our writable file to the Parquet sink interface.
class FileSink : public parquet::Sink {
 public:
  explicit FileSink(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}
  void Append(std::string_view bytes) override { file_->Append(bytes); }
  void Close() override { file_->Close(); }

 private:
  std::unique_ptr<WritableFile> file_;
};

parquet::Column ParquetColumn(const std::string& name, const Type& t) {
  parquet::Column c;
  c.name = name;
  c.nullable = true;
  using parquet::LogicalType;
  using parquet::PhysicalType;
  switch (t.id()) {
    case TypeId::kBoolean:
      c.physical_type = PhysicalType::kBoolean;
      break;
    case TypeId::kTinyint:
      c.physical_type = PhysicalType::kInt32;
      c.logical = LogicalType::Integer(8, true);
      break;
    case TypeId::kSmallint:
      c.physical_type = PhysicalType::kInt32;
      c.logical = LogicalType::Integer(16, true);
      break;
    case TypeId::kInteger:
      c.physical_type = PhysicalType::kInt32;
      break;
    case TypeId::kReal:
      c.physical_type = PhysicalType::kFloat;
      break;
    case TypeId::kDouble:
      c.physical_type = PhysicalType::kDouble;
      break;
    case TypeId::kDecimal:
      if (t.precision() <= 18) {
        c.physical_type = PhysicalType::kInt64;
      } else {
        c.physical_type = PhysicalType::kFixedLenByteArray;
        c.type_length = 16;
      }
      c.logical = LogicalType::Decimal(t.precision(), t.scale());
      break;
    case TypeId::kDate:
      c.physical_type = PhysicalType::kInt32;
      c.logical = LogicalType::Of(parquet::LogicalKind::kDate);
      break;
    case TypeId::kTimestamp:
      c.physical_type = PhysicalType::kInt64;
      c.logical = LogicalType::Timestamp(parquet::TimeUnit::kMicros, false);
      break;
    case TypeId::kVarchar:
    case TypeId::kUnknown:
      c.physical_type = PhysicalType::kByteArray;
      c.logical = LogicalType::Of(parquet::LogicalKind::kString);
      break;
    case TypeId::kVarbinary:
      c.physical_type = PhysicalType::kByteArray;
      break;
    default:
      c.physical_type = PhysicalType::kInt64;
      break;
  }
  return c;
}

parquet::ColumnBatch ToBatch(const Vector& v, size_t n, const parquet::Column& col) {
  parquet::ColumnBatch b;
  b.Reset(col.value_type());
  b.num_rows = static_cast<int64_t>(n);
  b.valid.resize(n);
  for (size_t i = 0; i < n; i++) {
    b.valid[i] = v.IsValid(i);
    b.null_count += !b.valid[i];
  }
  switch (col.value_type()) {
    case parquet::ValueType::kBool:
      b.bools.resize(n);
      for (size_t i = 0; i < n; i++) b.bools[i] = b.valid[i] ? v.data<uint8_t>()[i] : 0;
      break;
    case parquet::ValueType::kInt32:
      b.i32.resize(n);
      for (size_t i = 0; i < n; i++) b.i32[i] = b.valid[i] ? static_cast<int32_t>(v.data<int64_t>()[i]) : 0;
      break;
    case parquet::ValueType::kInt64:
      b.i64.resize(n);
      for (size_t i = 0; i < n; i++) b.i64[i] = b.valid[i] ? v.data<int64_t>()[i] : 0;
      break;
    case parquet::ValueType::kFloat:
      b.f32.resize(n);
      for (size_t i = 0; i < n; i++) b.f32[i] = b.valid[i] ? static_cast<float>(v.data<double>()[i]) : 0;
      break;
    case parquet::ValueType::kDouble:
      b.f64.resize(n);
      for (size_t i = 0; i < n; i++) b.f64[i] = b.valid[i] ? v.data<double>()[i] : 0;
      break;
    case parquet::ValueType::kInt128:
      b.i128.resize(n);
      for (size_t i = 0; i < n; i++) b.i128[i] = b.valid[i] ? v.data<int128_t>()[i] : 0;
      break;
    case parquet::ValueType::kBinary:
      b.offsets.resize(n + 1);
      b.offsets[0] = 0;
      for (size_t i = 0; i < n; i++) {
        if (b.valid[i]) b.bytes.append(v.data<std::string_view>()[i]);
        b.offsets[i + 1] = static_cast<int64_t>(b.bytes.size());
      }
      break;
  }
  return b;
}

std::string TextField(const Value& v, const WriteOptions& o) {
  if (v.is_null()) return o.format == FileFormat::kCsv && o.csv.quote ? "" : o.csv.null_marker;
  std::string s = v.ToString();
  if (o.csv.quote && s.find_first_of(std::string{o.csv.delimiter, o.csv.quote, '\n', '\r'}) != std::string::npos) {
    std::string q(1, o.csv.quote);
    for (char c : s) {
      if (c == o.csv.quote) q += o.csv.quote;
      q += c;
    }
    return q + o.csv.quote;
  }
  if (!o.csv.quote && o.csv.escape) {
    std::string e;
    for (char c : s) {
      if (c == o.csv.delimiter || c == o.csv.escape || c == '\n') e += o.csv.escape;
      e += c == '\n' ? 'n' : c;
    }
    return e;
  }
  return s;
}

base::Json JsonValue(const Value& v) {
  if (v.is_null()) return nullptr;
  if (v.type().id() == TypeId::kBoolean) return v.boolean();
  if (v.type().IsInteger()) return v.int64();
  if (v.type().IsFloating()) return v.dbl();
  return v.ToString();
}

// One output file: the rows of one partition.
struct PartitionRows {
  std::vector<std::string> values;
  std::vector<std::pair<size_t, size_t>> rows;  // (chunk, row)
};

}  // namespace

std::string EscapePartitionValue(std::string_view value) {
  static constexpr std::string_view kEscaped = "\"#%'*/:=?\\{[]^";
  std::string out;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || kEscaped.find(c) != std::string_view::npos) {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

TableDefinition WriteTable(FileSystem& fs, const std::string& table_name, const std::vector<std::string>& names,
                           const std::vector<Type>& types, const ChunkCollection& rows, const WriteOptions& o) {
  TableDefinition def;
  def.name = table_name;
  def.format = o.format;
  def.csv = o.csv;
  def.location = o.location;
  std::vector<size_t> part_cols, data_cols;
  for (const auto& p : o.partition_by) {
    auto it = std::find(names.begin(), names.end(), p);
    if (it == names.end()) throw BinderError("COLUMN_NOT_FOUND", "Partition column '" + p + "' is not in the query");
    part_cols.push_back(static_cast<size_t>(it - names.begin()));
  }
  for (size_t i = 0; i < names.size(); i++) {
    if (std::find(part_cols.begin(), part_cols.end(), i) == part_cols.end()) {
      data_cols.push_back(i);
      def.columns.push_back({names[i], types[i].id() == TypeId::kUnknown ? Type::Varchar() : types[i]});
    }
  }
  if (data_cols.empty()) throw BinderError("INVALID_TABLE_PROPERTY", "A table needs at least one non-partition column");
  for (size_t p : part_cols) def.partition_keys.push_back({names[p], types[p]});
  // Group rows by partition values.
  std::map<std::vector<std::string>, PartitionRows> parts;
  for (size_t c = 0; c < rows.chunk_count(); c++) {
    const DataChunk& chunk = rows.chunk(c);
    for (size_t r = 0; r < chunk.size(); r++) {
      std::vector<std::string> key;
      for (size_t p : part_cols) {
        Value v = chunk.column(p).GetValue(r);
        key.push_back(v.is_null() ? "__HIVE_DEFAULT_PARTITION__" : v.ToString());
      }
      auto& pr = parts[key];
      pr.values = key;
      pr.rows.emplace_back(c, r);
    }
  }
  if (parts.empty() && part_cols.empty()) parts[{}] = PartitionRows{};
  const char* ext = o.format == FileFormat::kParquet ? ".parquet" : o.format == FileFormat::kJson ? ".json" : ".csv";
  size_t file_no = 0;
  for (auto& [key, pr] : parts) {
    std::string dir = o.location;
    while (!dir.empty() && dir.back() == '/') dir.pop_back();
    for (size_t k = 0; k < part_cols.size(); k++) {
      dir += "/" + names[part_cols[k]] + "=" + EscapePartitionValue(pr.values[k]);
    }
    char num[16];
    std::snprintf(num, sizeof(num), "%05zu", file_no++);
    std::string path = dir + "/" + o.file_prefix + "-" + num + ext;
    auto file = fs.Create(path);
    uint64_t size = 0;
    if (o.format == FileFormat::kParquet) {
      parquet::Schema schema;
      for (size_t i : data_cols) schema.columns.push_back(ParquetColumn(names[i], types[i]));
      parquet::WriterOptions wo;
      std::string codec = base::ToUpper(o.parquet_compression);
      wo.codec = codec == "GZIP" ? parquet::Codec::kGzip
                 : codec == "ZSTD" ? parquet::Codec::kZstd
                 : codec == "NONE" || codec == "UNCOMPRESSED" ? parquet::Codec::kUncompressed
                 : codec == "LZ4" ? parquet::Codec::kLz4Raw
                                  : parquet::Codec::kSnappy;
      wo.max_row_group_rows = 1 << 17;
      wo.min_compression_saving = kMinCompressionSaving;
      wo.delta_integers = true;
      try {
        auto sink = std::make_unique<FileSink>(std::move(file));
        parquet::FileWriter writer(sink.get(), schema, wo);
        for (size_t start = 0; start < pr.rows.size(); start += kVectorSize) {
          size_t n = std::min(kVectorSize, pr.rows.size() - start);
          std::vector<parquet::ColumnBatch> batches;
          for (size_t k = 0; k < data_cols.size(); k++) {
            Vector v(types[data_cols[k]].id() == TypeId::kUnknown ? Type::Varchar() : types[data_cols[k]], kVectorSize);
            for (size_t i = 0; i < n; i++) {
              auto [c, r] = pr.rows[start + i];
              v.CopyRange(rows.chunk(c).column(data_cols[k]), r, 1, i);
            }
            batches.push_back(ToBatch(v, n, schema.columns[k]));
          }
          writer.Write(batches);
        }
        writer.Close();
      } catch (const parquet::ParquetError& e) {
        throw ExecutionError("HIVE_WRITER_DATA_ERROR", std::string("Cannot write Parquet: ") + e.what());
      }
    } else {
      std::string out;
      if (o.format == FileFormat::kCsv && o.header) {
        for (size_t k = 0; k < data_cols.size(); k++) out += (k ? std::string(1, o.csv.delimiter) : "") + names[data_cols[k]];
        out += "\n";
      }
      for (auto [c, r] : pr.rows) {
        const DataChunk& chunk = rows.chunk(c);
        if (o.format == FileFormat::kJson) {
          base::Json obj = base::Json::object();
          for (size_t k : data_cols) obj[names[k]] = JsonValue(chunk.column(k).GetValue(r));
          out += obj.dump() + "\n";
        } else {
          for (size_t k = 0; k < data_cols.size(); k++) {
            if (k) out += o.csv.delimiter;
            out += TextField(chunk.column(data_cols[k]).GetValue(r), o);
          }
          out += "\n";
        }
        if (out.size() > (1 << 20)) {
          file->Append(out);
          size += out.size();
          out.clear();
        }
      }
      file->Append(out);
      size += out.size();
      file->Close();
    }
    DataFile df;
    df.path = path;
    df.size = size;
    for (const auto& files : fs.Glob(path)) df.size = files.size;
    df.partition_values = pr.values;
    for (auto& v : df.partition_values) {
      if (v == "__HIVE_DEFAULT_PARTITION__") v.clear();
    }
    def.files.push_back(std::move(df));
  }
  if (o.format == FileFormat::kCsv) def.csv.skip_header_lines = o.header ? 1 : 0;
  return def;
}

}  // namespace sql
