#include "engines/sql/formats/parquet/column_chunk_writer.h"

#include <algorithm>
#include <limits>

#include "engines/sql/formats/parquet/bit_packing.h"
#include "engines/sql/formats/parquet/byte_reader.h"
#include "engines/sql/formats/parquet/codec.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/rle_decoder.h"
#include "engines/sql/formats/parquet/value_decoder.h"
#include "engines/sql/formats/parquet/value_encoder.h"

namespace sql::parquet {
namespace {

// Raw page bytes a chunk's codec choice is made on, when the chunk has that many.
constexpr int64_t kCodecSampleBytes = 1 << 20;

}  // namespace

void ColumnChunkWriter::ResetCodec() {
  codec_ = options_.codec;
  // Nothing to decide when every chunk is compressed, or none.
  codec_decided_ = codec_ == Codec::kUncompressed || options_.min_compression_saving == 0;
}

ColumnChunkWriter::ColumnChunkWriter(const Column& column, const ColumnPlan& plan,
                                     const WriterOptions& options, Encoding encoding,
                                     bool use_dictionary)
    : column_(column),
      plan_(plan),
      options_(options),
      encoding_(encoding),
      use_dictionary_(use_dictionary),
      dictionary_mode_(use_dictionary),
      may_drop_dictionary_(!options.column_encodings.contains(column.name)),
      dictionary_(plan.physical) {
  ResetCodec();
  pending_values_.Reset(plan.physical_value_type);
  pending_values_.offsets.push_back(0);
}

void ColumnChunkWriter::Append(const uint8_t* valid, int64_t rows, const ColumnBatch& v,
                               int64_t from, int64_t count) {
  if (column_.nullable) {
    if (valid != nullptr) {
      pending_levels_.insert(pending_levels_.end(), valid, valid + rows);
    } else {
      pending_levels_.resize(pending_levels_.size() + static_cast<size_t>(rows), 1);
    }
  }
  pending_rows_ += rows;
  rows_ += rows;
  if (dictionary_mode_) {
    for (int64_t i = from; i < from + count; ++i) {
      pending_indices_.push_back(dictionary_.Insert(v, i));
    }
  } else {
    ColumnBatch& p = pending_values_;
    const auto b = static_cast<size_t>(from);
    const auto e = static_cast<size_t>(from + count);
    switch (v.type) {
      case ValueType::kBool:
        p.bools.insert(p.bools.end(), v.bools.begin() + b, v.bools.begin() + e);
        break;
      case ValueType::kInt32:
        p.i32.insert(p.i32.end(), v.i32.begin() + b, v.i32.begin() + e);
        break;
      case ValueType::kInt64:
        p.i64.insert(p.i64.end(), v.i64.begin() + b, v.i64.begin() + e);
        break;
      case ValueType::kFloat:
        p.f32.insert(p.f32.end(), v.f32.begin() + b, v.f32.begin() + e);
        break;
      case ValueType::kDouble:
        p.f64.insert(p.f64.end(), v.f64.begin() + b, v.f64.begin() + e);
        break;
      case ValueType::kInt128:
        p.i128.insert(p.i128.end(), v.i128.begin() + b, v.i128.begin() + e);
        break;
      case ValueType::kBinary: {
        const int64_t shift = static_cast<int64_t>(p.bytes.size()) - v.offsets[b];
        p.bytes.append(v.bytes, static_cast<size_t>(v.offsets[b]),
                       static_cast<size_t>(v.offsets[e] - v.offsets[b]));
        for (size_t i = b + 1; i <= e; ++i) p.offsets.push_back(v.offsets[i] + shift);
        break;
      }
    }
    pending_value_count_ += count;
  }
  if (dictionary_mode_ && dictionary_.plain_bytes() > options_.dictionary_page_bytes) {
    // The dictionary has grown too large: if a page uses it already, that page keeps it and
    // later ones do not; otherwise the chunk does without (nearly unique values).
    if (dictionary_written_ || !may_drop_dictionary_) {
      FlushPage();
      dictionary_mode_ = false;
    } else {
      AbandonDictionary();
      if (PendingBytes() >= options_.data_page_bytes) FlushPage();
    }
  } else if (PendingBytes() >= options_.data_page_bytes) {
    FlushPage();
  }
}

int64_t ColumnChunkWriter::PendingBytes() const {
  int64_t bytes = static_cast<int64_t>(pending_levels_.size() / 8);
  if (dictionary_mode_) {
    const int width = std::max(1, BitWidth(static_cast<uint64_t>(dictionary_.size())));
    bytes += static_cast<int64_t>(pending_indices_.size()) * width / 8;
  } else if (plan_.physical_value_type == ValueType::kBinary) {
    bytes += static_cast<int64_t>(pending_values_.bytes.size()) + 4 * pending_value_count_;
  } else if (plan_.physical == PhysicalType::kBoolean) {
    bytes += pending_value_count_ / 8;
  } else {
    bytes +=
        pending_value_count_ *
        (plan_.physical == PhysicalType::kInt96                                             ? 12
         : plan_.physical == PhysicalType::kInt32 || plan_.physical == PhysicalType::kFloat ? 4
                                                                                            : 8);
  }
  return bytes;
}

int64_t ColumnChunkWriter::buffered_bytes() const {
  return uncompressed_total_ + held_raw_ + PendingBytes() +
         (use_dictionary_ ? dictionary_.plain_bytes() : 0);
}

void ColumnChunkWriter::AddPage(format::PageHeader header, const std::string& body,
                                int64_t uncompressed_size, std::string* out) {
  if (uncompressed_size > std::numeric_limits<int32_t>::max() ||
      body.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw ParquetError("column '" + column_.name + "': a page would exceed 2 GiB");
  }
  header.uncompressed_page_size = static_cast<int32_t>(uncompressed_size);
  header.compressed_page_size = static_cast<int32_t>(body.size());
  if (header.data_page_header_v2)
    header.data_page_header_v2->is_compressed = codec_ != Codec::kUncompressed;
  const std::string h = format::SerializePageHeader(header);
  out->append(h);
  out->append(body);
  uncompressed_total_ += static_cast<int64_t>(h.size()) + uncompressed_size;
}

std::string ColumnChunkWriter::Compressed(const std::string& raw, size_t levels) const {
  std::string body(raw, 0, levels);
  Compress(options_.codec, options_.compression_level, std::string_view(raw).substr(levels), &body);
  return body;
}

void ColumnChunkWriter::AddDataPage(format::PageHeader header, std::string raw, size_t levels) {
  const auto size = static_cast<int64_t>(raw.size());
  if (codec_decided_) {
    AddPage(std::move(header), codec_ == Codec::kUncompressed ? raw : Compressed(raw, levels), size,
            &pages_);
    return;
  }
  std::string compressed = Compressed(raw, levels);
  held_raw_ += size;
  held_compressed_ += static_cast<int64_t>(compressed.size());
  held_.push_back({std::move(header), std::move(raw), std::move(compressed)});
  if (held_raw_ >= kCodecSampleBytes) DecideCodec(0, 0);
}

void ColumnChunkWriter::DecideCodec(int64_t extra_raw, int64_t extra_compressed) {
  const auto raw = static_cast<double>(held_raw_ + extra_raw);
  const auto compressed = static_cast<double>(held_compressed_ + extra_compressed);
  if (compressed > raw * (1 - options_.min_compression_saving)) codec_ = Codec::kUncompressed;
  for (HeldPage& p : held_) {
    AddPage(std::move(p.header), codec_ == Codec::kUncompressed ? p.raw : p.compressed,
            static_cast<int64_t>(p.raw.size()), &pages_);
  }
  held_.clear();
  held_raw_ = 0;
  held_compressed_ = 0;
  codec_decided_ = true;
}

bool ColumnChunkWriter::DictionaryPays() const {
  const ColumnBatch& d = dictionary_.values();
  int64_t plain = 0;
  if (plan_.physical_value_type == ValueType::kBinary) {
    const int64_t prefix = plan_.physical == PhysicalType::kByteArray ? 4 : 0;
    for (uint32_t i : pending_indices_) plain += prefix + d.offsets[i + 1] - d.offsets[i];
  } else {
    plain = dictionary_.plain_bytes() / std::max<int64_t>(1, dictionary_.size()) *
            static_cast<int64_t>(pending_indices_.size());
  }
  const int width = BitWidth(static_cast<uint64_t>(dictionary_.size() - 1));
  const auto indices = static_cast<int64_t>(pending_indices_.size()) * width / 8;
  const int64_t dictionary = dictionary_.plain_bytes() + indices;
  if (dictionary >= plain) return false;
  if (encoding_ == Encoding::kPlain || plan_.physical_value_type == ValueType::kBinary) return true;
  // Readers decide filters once per dictionary value, so the dictionary stays unless the
  // encoding the chunk would fall back to (DELTA_BINARY_PACKED: sorted keys take a few
  // bits a value) takes less than half its size.
  ColumnBatch values;
  values.Reset(plan_.physical_value_type);
  const auto n = static_cast<int64_t>(pending_indices_.size());
  SizeBatch(plan_.physical_value_type, n, &values);
  GatherDictionary(d, pending_indices_.data(), pending_indices_.size(), &values, 0);
  std::string fallback;
  EncodeValues(encoding_, plan_.physical, values, n, &fallback);
  return dictionary <= 2 * static_cast<int64_t>(fallback.size());
}

void ColumnChunkWriter::AbandonDictionary() {
  const size_t n = pending_indices_.size();
  SizeBatch(plan_.physical_value_type, static_cast<int64_t>(n), &pending_values_);
  GatherDictionary(dictionary_.values(), pending_indices_.data(), n, &pending_values_, 0);
  pending_value_count_ = static_cast<int64_t>(n);
  pending_indices_.clear();
  dictionary_.Clear();
  dictionary_mode_ = false;
}

void ColumnChunkWriter::FlushPage() {
  if (pending_rows_ == 0) return;
  // The first page decides whether the chunk keeps its dictionary: as parquet-mr does, a
  // dictionary that with the indices takes no less than the values themselves is dropped.
  if (dictionary_mode_ && !dictionary_written_ && may_drop_dictionary_ && dictionary_.size() > 0 &&
      !DictionaryPays()) {
    AbandonDictionary();
  }
  std::string values;
  Encoding encoding;
  int64_t non_null;
  if (dictionary_mode_ && dictionary_.size() > 0) {
    encoding = Encoding::kRleDictionary;
    const int width = BitWidth(static_cast<uint64_t>(dictionary_.size() - 1));
    values.push_back(static_cast<char>(width));
    RleEncode(pending_indices_.data(), pending_indices_.size(), width, &values);
    non_null = static_cast<int64_t>(pending_indices_.size());
    dictionary_written_ = true;
  } else {
    encoding = dictionary_mode_ ? Encoding::kPlain : encoding_;  // an all-null dictionary page
    EncodeValues(encoding, plan_.physical, pending_values_, pending_value_count_, &values);
    non_null = pending_value_count_;
  }
  std::string levels;
  if (column_.nullable) RleEncode(pending_levels_.data(), pending_levels_.size(), 1, &levels);

  format::PageHeader h;
  std::string raw;
  size_t levels_size = 0;  // v2 levels, never compressed
  if (options_.page_version == PageVersion::kV1) {
    if (column_.nullable) {
      AppendLE(static_cast<uint32_t>(levels.size()), &raw);
      raw.append(levels);
    }
    raw.append(values);
    h.type = format::kDataPage;
    h.data_page_header = format::DataPageHeader{
        static_cast<int32_t>(pending_rows_), static_cast<int32_t>(encoding),
        static_cast<int32_t>(Encoding::kRle), static_cast<int32_t>(Encoding::kRle)};
  } else {
    levels_size = levels.size();
    raw = std::move(levels);
    raw.append(values);
    h.type = format::kDataPageV2;
    format::DataPageHeaderV2 d;
    d.num_values = static_cast<int32_t>(pending_rows_);
    d.num_nulls = static_cast<int32_t>(pending_rows_ - non_null);
    d.num_rows = static_cast<int32_t>(pending_rows_);
    d.encoding = static_cast<int32_t>(encoding);
    d.definition_levels_byte_length = static_cast<int32_t>(levels_size);
    d.repetition_levels_byte_length = 0;
    h.data_page_header_v2 = d;
  }
  AddDataPage(std::move(h), std::move(raw), levels_size);
  encodings_.insert(static_cast<int32_t>(encoding));
  if (column_.nullable) encodings_.insert(static_cast<int32_t>(Encoding::kRle));

  pending_indices_.clear();
  pending_values_.Reset(plan_.physical_value_type);
  pending_values_.offsets.push_back(0);
  pending_value_count_ = 0;
  pending_levels_.clear();
  pending_rows_ = 0;
}

ColumnChunkWriter::Chunk ColumnChunkWriter::Finish(format::Statistics statistics) {
  FlushPage();
  Chunk chunk;
  format::ColumnMetaData& m = chunk.meta;
  if (dictionary_written_) {
    std::string raw;
    EncodeValues(Encoding::kPlain, plan_.physical, dictionary_.values(), dictionary_.size(), &raw);
    std::string compressed;
    if (codec_ != Codec::kUncompressed) compressed = Compressed(raw, 0);
    // The dictionary page counts towards the chunk's codec choice when it is still open.
    if (!codec_decided_) {
      DecideCodec(static_cast<int64_t>(raw.size()), static_cast<int64_t>(compressed.size()));
    }
    format::PageHeader h;
    h.type = format::kDictionaryPage;
    h.dictionary_page_header =
        format::DictionaryPageHeader{static_cast<int32_t>(dictionary_.size()),
                                     static_cast<int32_t>(Encoding::kPlain), std::nullopt};
    AddPage(std::move(h), codec_ == Codec::kUncompressed ? raw : compressed,
            static_cast<int64_t>(raw.size()), &chunk.bytes);
    m.dictionary_page_offset = 0;
    encodings_.insert(static_cast<int32_t>(Encoding::kPlain));
  }
  if (!codec_decided_) DecideCodec(0, 0);
  m.data_page_offset = static_cast<int64_t>(chunk.bytes.size());
  chunk.bytes.append(pages_);
  m.type = static_cast<int32_t>(plan_.physical);
  m.encodings.assign(encodings_.begin(), encodings_.end());
  m.path_in_schema = {column_.name};
  m.codec = static_cast<int32_t>(codec_);
  m.num_values = rows_;
  m.total_uncompressed_size = uncompressed_total_;
  m.total_compressed_size = static_cast<int64_t>(chunk.bytes.size());
  m.statistics = std::move(statistics);

  pages_.clear();
  rows_ = 0;
  uncompressed_total_ = 0;
  encodings_.clear();
  dictionary_.Clear();
  dictionary_mode_ = use_dictionary_;
  dictionary_written_ = false;
  ResetCodec();
  return chunk;
}

}  // namespace sql::parquet
