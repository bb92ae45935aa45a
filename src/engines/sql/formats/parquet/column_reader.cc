#include "engines/sql/formats/parquet/column_reader.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "engines/sql/formats/parquet/codec.h"
#include "engines/sql/formats/parquet/column_chunk.h"
#include "engines/sql/formats/parquet/file_metadata_format.h"
#include "engines/sql/formats/parquet/parquet_error.h"
#include "engines/sql/formats/parquet/rle_decoder.h"
#include "engines/sql/formats/parquet/scratch_buffer.h"
#include "engines/sql/formats/parquet/thrift_compact.h"
#include "engines/sql/formats/parquet/value_decoder.h"

namespace sql::parquet {
namespace {

// Bytes fetched from the source at least, when the chunk has that many left: a page header
// and a small page come in one read, a large page is read as it is (never more).
constexpr uint64_t kReadAheadBytes = 64 << 10;
constexpr size_t kFirstHeaderGuess = 512;

template <typename T>
void ScatterFixed(T* values, const uint8_t* valid, int64_t rows, int64_t dense) {
  int64_t j = dense - 1;
  for (int64_t r = rows - 1; r >= 0; --r) {
    if (valid[r]) {
      values[r] = values[j--];
    } else {
      values[r] = T{};
    }
  }
}

// offsets[0] is the run's start and offsets[1..dense] the ends of the dense values; spreads
// them so offsets[1..rows] are the ends of every row, nulls being empty.
void ScatterOffsets(int64_t* offsets, const uint8_t* valid, int64_t rows, int64_t dense) {
  int64_t j = dense - 1;
  for (int64_t r = rows - 1; r >= 0; --r) {
    offsets[r + 1] = offsets[j + 1];
    if (valid[r]) --j;
  }
}

}  // namespace

struct ColumnReader::Impl {
  explicit Impl(ColumnChunk c)
      : chunk(std::move(c)),
        rows_remaining(chunk.num_values),
        next_offset(chunk.offset),
        page_offset(chunk.offset),
        chunk_end(chunk.offset + chunk.length) {}

  int64_t Read(int64_t max_rows, ColumnBatch* out, bool keep_dictionary);
  int64_t ReadSelected(int64_t rows, const uint32_t* sel, int64_t count, ColumnBatch* out,
                       bool keep_dictionary);
  void StartBatch(int64_t n, ColumnBatch* out, bool as_indices);
  void FinishBatch(int64_t n, int64_t nulls, ColumnBatch* out, bool as_indices);
  int64_t SegmentLevels(int64_t m, uint8_t* valid);
  void SkipDense(int64_t n);
  const uint8_t* Fetch(uint64_t offset, size_t n);
  void LoadNextPage();
  void ReadDictionary(const format::PageHeader& h, const uint8_t* body);
  bool ReadFixedDictionaryInPlace(const format::PageHeader& h, const uint8_t* body, int64_t n);
  const uint8_t* PageBytes(const uint8_t* body, size_t compressed, size_t uncompressed);
  void SetupDataPageV1(const format::PageHeader& h, const uint8_t* body);
  void SetupDataPageV2(const format::PageHeader& h, const uint8_t* body);
  void SetupValues(int32_t encoding, const uint8_t* data, size_t size, int64_t num_values);
  void DecodeLevels(int64_t n, uint8_t* out);
  void DecodeDense(int64_t n, ColumnBatch* out, int64_t pos);
  bool DecodeSelected(int64_t n, const uint32_t* idx, size_t count, ColumnBatch* out, int64_t pos);
  void Scatter(ColumnBatch* out, int64_t pos, const uint8_t* valid, int64_t rows, int64_t dense);
  void MaterializeIndices(ColumnBatch* out, int64_t batch_rows, int64_t rows);
  [[noreturn]] void Corrupt(const std::string& why) const {
    throw ParquetError("corrupt column chunk '" + chunk.column.name + "': " + why, page_offset);
  }

  ColumnChunk chunk;
  int64_t rows_remaining;
  uint64_t next_offset;
  uint64_t page_offset;  // where the header of the page being decoded starts
  uint64_t chunk_end;
  // The bytes fetched last: window_size bytes from window_offset (not zeroed before the
  // read). An uncompressed chunk's pages are decoded from them in place, so they are kept in
  // the reader's own `window`; a compressed chunk's are decompressed at once, so they go to
  // the thread's transient buffer, shared by every reader on it, and are this reader's while
  // `fetch_generation` is current.
  ScratchBuffer window;
  uint64_t fetch_generation = 0;
  size_t window_size = 0;
  uint64_t window_offset = 0;

  bool have_dictionary = false;
  std::shared_ptr<ColumnBatch> dictionary;

  int64_t page_rows_left = 0;
  bool page_uses_dictionary = false;
  ScratchBuffer page_buffer;  // the page being decoded, decompressed
  bool levels_bit_packed = false;
  RleDecoder rle_levels;
  const uint8_t* packed_levels = nullptr;
  size_t packed_levels_bits = 0;
  size_t packed_levels_pos = 0;
  std::unique_ptr<ValueDecoder> values;
  DictionaryValueDecoder* dictionary_values = nullptr;  // `values` on a dictionary page
  ColumnBatch scratch;
  ColumnBatch skipped;
  // ReadSelected's: one page segment's definition levels, indices and values.
  std::vector<uint8_t> segment_valid;
  std::vector<uint32_t> segment_indices;
  std::vector<uint32_t> picked;
  ColumnBatch segment;
};

const uint8_t* ColumnReader::Impl::Fetch(uint64_t offset, size_t n) {
  const bool own = chunk.codec == Codec::kUncompressed;
  const char* data = own ? window.data() : ScratchBuffer::TransientData(fetch_generation);
  if (data == nullptr || offset < window_offset || offset + n > window_offset + window_size) {
    if (offset > chunk_end || n > chunk_end - offset) Corrupt("page runs past the chunk");
    const auto len = static_cast<size_t>(
        std::min<uint64_t>(chunk_end - offset, std::max<uint64_t>(n, kReadAheadBytes)));
    window_size = 0;  // a failed read leaves no stale window
    char* buffer = own ? window.Reserve(len) : ScratchBuffer::Transient(len, &fetch_generation);
    chunk.source->ReadAt(offset, len, buffer);
    window_size = len;
    window_offset = offset;
    data = buffer;
  }
  return reinterpret_cast<const uint8_t*>(data) + (offset - window_offset);
}

void ColumnReader::Impl::LoadNextPage() {
  while (true) {
    page_offset = next_offset;
    if (next_offset >= chunk_end) Corrupt("the chunk ends before all its values");
    const uint64_t left = chunk_end - next_offset;
    size_t guess = static_cast<size_t>(std::min<uint64_t>(left, kFirstHeaderGuess));
    format::PageHeader h;
    size_t header_len;
    while (true) {
      try {
        header_len = format::ParsePageHeader(Fetch(next_offset, guess), guess, &h);
        break;
      } catch (const ThriftEndOfInput&) {
        if (guess == left) Corrupt("page header runs past the chunk");
        guess = static_cast<size_t>(std::min<uint64_t>(left, uint64_t{guess} * 8));
      }
    }
    const uint64_t body_offset = next_offset + header_len;
    if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0 ||
        static_cast<uint64_t>(h.compressed_page_size) > chunk_end - body_offset) {
      Corrupt("bad page size");
    }
    next_offset = body_offset + static_cast<uint64_t>(h.compressed_page_size);
    switch (h.type) {
      case format::kDictionaryPage:
        ReadDictionary(h, Fetch(body_offset, static_cast<size_t>(h.compressed_page_size)));
        break;
      case format::kDataPage:
        SetupDataPageV1(h, Fetch(body_offset, static_cast<size_t>(h.compressed_page_size)));
        return;
      case format::kDataPageV2:
        SetupDataPageV2(h, Fetch(body_offset, static_cast<size_t>(h.compressed_page_size)));
        return;
      default:
        break;  // index pages and page types from the future carry no values
    }
  }
}

void ColumnReader::Impl::ReadDictionary(const format::PageHeader& h, const uint8_t* body) {
  if (have_dictionary) Corrupt("a second dictionary page");
  if (!h.dictionary_page_header) Corrupt("dictionary page without its header");
  const format::DictionaryPageHeader& d = *h.dictionary_page_header;
  const auto encoding = static_cast<Encoding>(d.encoding);
  if (encoding != Encoding::kPlain && encoding != Encoding::kPlainDictionary) {
    throw ParquetUnsupportedError("dictionary page encoding " +
                                  std::string(EncodingName(encoding)) + " in column '" +
                                  chunk.column.name + "'");
  }
  const int64_t n = d.num_values;
  const auto page_size = static_cast<size_t>(h.uncompressed_page_size);
  // Every PLAIN value takes at least one byte (a bit for booleans): bound the allocation.
  const uint64_t min_bits = chunk.plan.physical == PhysicalType::kBoolean ? 1 : 8;
  if (n < 0 || static_cast<uint64_t>(n) * min_bits > uint64_t{page_size} * 8) {
    Corrupt("dictionary value count larger than its page");
  }
  dictionary = std::make_shared<ColumnBatch>();
  if (ReadFixedDictionaryInPlace(h, body, n)) {
    have_dictionary = true;
    return;
  }
  const uint8_t* bytes = PageBytes(body, static_cast<size_t>(h.compressed_page_size), page_size);
  const ColumnPlan& plan = chunk.plan;
  // Values that convert in place are decoded straight into the dictionary.
  ColumnBatch& physical = plan.in_place() ? *dictionary : scratch;
  physical.Reset(plan.physical_value_type);
  SizeBatch(plan.physical_value_type, n, &physical);
  MakeValueDecoder(Encoding::kPlain, plan.physical, plan.type_length, bytes, page_size, n)
      ->Decode(n, &physical, 0);
  if (plan.in_place()) {
    ConvertToValues(plan, *dictionary, 0, n, dictionary.get(), 0);
  } else {
    dictionary->Reset(plan.value_type);
    SizeBatch(plan.value_type, n, dictionary.get());
    ConvertToValues(plan, physical, 0, n, dictionary.get(), 0);
  }
  dictionary->type = plan.value_type;
  dictionary->num_rows = n;
  have_dictionary = true;
}

// PLAIN fixed-width values that need no conversion but a rescale are the page's bytes as
// they are: they are decompressed (or copied) straight into the dictionary's array. False
// (nothing done) for other dictionaries.
bool ColumnReader::Impl::ReadFixedDictionaryInPlace(const format::PageHeader& h,
                                                    const uint8_t* body, int64_t n) {
  const ColumnPlan& plan = chunk.plan;
  size_t width = 0;
  switch (plan.physical) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      width = 4;
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      width = 8;
      break;
    default:
      return false;
  }
  if (!plan.in_place() || plan.physical_value_type != plan.value_type ||
      static_cast<uint64_t>(n) * width != static_cast<uint64_t>(h.uncompressed_page_size)) {
    return false;
  }
  const std::string_view input(reinterpret_cast<const char*>(body),
                               static_cast<size_t>(h.compressed_page_size));
  CheckDecompressedSize(chunk.codec, input, static_cast<size_t>(h.uncompressed_page_size));
  ColumnBatch& dict = *dictionary;
  dict.Reset(plan.value_type);
  SizeBatch(plan.value_type, n, &dict);
  char* out = nullptr;
  switch (plan.value_type) {
    case ValueType::kInt32:
      out = reinterpret_cast<char*>(dict.i32.data());
      break;
    case ValueType::kInt64:
      out = reinterpret_cast<char*>(dict.i64.data());
      break;
    case ValueType::kFloat:
      out = reinterpret_cast<char*>(dict.f32.data());
      break;
    case ValueType::kDouble:
      out = reinterpret_cast<char*>(dict.f64.data());
      break;
    default:
      return false;
  }
  Decompress(chunk.codec, input, out, static_cast<size_t>(h.uncompressed_page_size));
  if (plan.conversion == Conversion::kRescale) ConvertToValues(plan, dict, 0, n, &dict, 0);
  dict.num_rows = n;
  return true;
}

// The page body as plain bytes: the fetched bytes themselves when the chunk is not
// compressed, else their decompression into page_buffer.
const uint8_t* ColumnReader::Impl::PageBytes(const uint8_t* body, size_t compressed,
                                             size_t uncompressed) {
  const std::string_view input(reinterpret_cast<const char*>(body), compressed);
  CheckDecompressedSize(chunk.codec, input, uncompressed);
  if (chunk.codec == Codec::kUncompressed) return body;
  char* out = page_buffer.Reserve(uncompressed);
  Decompress(chunk.codec, input, out, uncompressed);
  return reinterpret_cast<const uint8_t*>(out);
}

void ColumnReader::Impl::SetupValues(int32_t encoding, const uint8_t* data, size_t size,
                                     int64_t num_values) {
  const auto e = static_cast<Encoding>(encoding);
  page_uses_dictionary = e == Encoding::kRleDictionary || e == Encoding::kPlainDictionary;
  if (page_uses_dictionary) {
    if (!have_dictionary) Corrupt("dictionary-encoded page without a dictionary page");
    auto decoder = MakeDictionaryDecoder(dictionary.get(), data, size);
    dictionary_values = decoder.get();
    values = std::move(decoder);
  } else {
    values =
        MakeValueDecoder(e, chunk.plan.physical, chunk.plan.type_length, data, size, num_values);
    dictionary_values = nullptr;
  }
}

void ColumnReader::Impl::SetupDataPageV1(const format::PageHeader& h, const uint8_t* body) {
  if (!h.data_page_header) Corrupt("data page without its header");
  const format::DataPageHeader& d = *h.data_page_header;
  if (d.num_values < 0) Corrupt("negative value count");
  const auto page_size = static_cast<size_t>(h.uncompressed_page_size);
  ByteReader in(PageBytes(body, static_cast<size_t>(h.compressed_page_size), page_size), page_size,
                "data page");
  if (chunk.max_definition_level > 0) {
    const auto level_encoding = static_cast<Encoding>(d.definition_level_encoding);
    if (level_encoding == Encoding::kRle) {
      const auto len = in.ReadLE<uint32_t>();
      rle_levels.Reset(in.Take(len), len, 1);
      levels_bit_packed = false;
    } else if (level_encoding == Encoding::kBitPacked) {
      const size_t bytes = (static_cast<size_t>(d.num_values) + 7) / 8;
      packed_levels = in.Take(bytes);
      packed_levels_bits = static_cast<size_t>(d.num_values);
      packed_levels_pos = 0;
      levels_bit_packed = true;
    } else {
      Corrupt("definition level encoding " + std::to_string(d.definition_level_encoding));
    }
  }
  SetupValues(d.encoding, in.position(), in.remaining(), d.num_values);
  page_rows_left = d.num_values;
}

void ColumnReader::Impl::SetupDataPageV2(const format::PageHeader& h, const uint8_t* body) {
  if (!h.data_page_header_v2) Corrupt("data page v2 without its header");
  const format::DataPageHeaderV2& d = *h.data_page_header_v2;
  const int64_t rep_len = d.repetition_levels_byte_length;
  const int64_t def_len = d.definition_levels_byte_length;
  const int64_t levels = rep_len + def_len;
  if (d.num_values < 0 || rep_len < 0 || def_len < 0 || levels > h.compressed_page_size ||
      levels > h.uncompressed_page_size) {
    Corrupt("bad data page v2 sizes");
  }
  const uint8_t* values_data = body + levels;
  const auto values_size = static_cast<size_t>(h.compressed_page_size - levels);
  size_t size = values_size;
  if (chunk.codec != Codec::kUncompressed) {
    // The fetched bytes are the thread's only for now: the page goes to page_buffer, its
    // levels (never compressed) first, then its values, decompressed or copied.
    if (d.is_compressed) size = static_cast<size_t>(h.uncompressed_page_size - levels);
    const std::string_view input(reinterpret_cast<const char*>(values_data), values_size);
    if (d.is_compressed) CheckDecompressedSize(chunk.codec, input, size);
    char* page = page_buffer.Reserve(static_cast<size_t>(levels) + size);
    std::memcpy(page, body, static_cast<size_t>(levels));
    if (d.is_compressed) {
      Decompress(chunk.codec, input, page + levels, size);
    } else {
      std::memcpy(page + levels, values_data, size);
    }
    body = reinterpret_cast<const uint8_t*>(page);
    values_data = body + levels;
  }
  if (chunk.max_definition_level > 0) {
    rle_levels.Reset(body + rep_len, static_cast<size_t>(def_len), 1);
    levels_bit_packed = false;
  }
  SetupValues(d.encoding, values_data, size, d.num_values);
  page_rows_left = d.num_values;
}

void ColumnReader::Impl::DecodeLevels(int64_t n, uint8_t* out) {
  if (!levels_bit_packed) {
    rle_levels.Get(out, static_cast<size_t>(n));
    return;
  }
  // The deprecated BIT_PACKED level encoding packs most significant bit first.
  if (static_cast<uint64_t>(n) > packed_levels_bits - packed_levels_pos) {
    Corrupt("definition levels end early");
  }
  for (int64_t i = 0; i < n; ++i, ++packed_levels_pos) {
    out[i] = (packed_levels[packed_levels_pos / 8] >> (7 - packed_levels_pos % 8)) & 1;
  }
}

void ColumnReader::Impl::DecodeDense(int64_t n, ColumnBatch* out, int64_t pos) {
  if (n == 0) return;
  const ColumnPlan& plan = chunk.plan;
  if (page_uses_dictionary || plan.conversion == Conversion::kNone) {
    values->Decode(n, out, pos);
  } else if (plan.in_place()) {
    values->Decode(n, out, pos);
    ConvertToValues(plan, *out, pos, n, out, pos);
  } else {
    scratch.Reset(plan.physical_value_type);
    SizeBatch(plan.physical_value_type, n, &scratch);
    values->Decode(n, &scratch, 0);
    ConvertToValues(plan, scratch, 0, n, out, pos);
  }
}

// Like ValueDecoder::DecodeSelected, for a page whose values need no conversion and are not
// dictionary indices; false (nothing consumed) otherwise.
bool ColumnReader::Impl::DecodeSelected(int64_t n, const uint32_t* idx, size_t count,
                                        ColumnBatch* out, int64_t pos) {
  return !page_uses_dictionary && chunk.plan.conversion == Conversion::kNone &&
         values->DecodeSelected(n, idx, count, out, pos);
}

void ColumnReader::Impl::Scatter(ColumnBatch* out, int64_t pos, const uint8_t* valid, int64_t rows,
                                 int64_t dense) {
  switch (out->type) {
    case ValueType::kBool:
      ScatterFixed(out->bools.data() + pos, valid, rows, dense);
      break;
    case ValueType::kInt32:
      ScatterFixed(out->i32.data() + pos, valid, rows, dense);
      break;
    case ValueType::kInt64:
      ScatterFixed(out->i64.data() + pos, valid, rows, dense);
      break;
    case ValueType::kFloat:
      ScatterFixed(out->f32.data() + pos, valid, rows, dense);
      break;
    case ValueType::kDouble:
      ScatterFixed(out->f64.data() + pos, valid, rows, dense);
      break;
    case ValueType::kInt128:
      ScatterFixed(out->i128.data() + pos, valid, rows, dense);
      break;
    case ValueType::kBinary:
      ScatterOffsets(out->offsets.data() + pos, valid, rows, dense);
      break;
  }
}

// A batch read in dictionary form met a page that is not dictionary-encoded: its first `rows`
// rows become values, and the batch continues as values.
void ColumnReader::Impl::MaterializeIndices(ColumnBatch* out, int64_t batch_rows, int64_t rows) {
  SizeBatch(out->type, batch_rows, out);
  if (rows == 0) return;  // the batch's first page is not dictionary-encoded
  std::vector<uint32_t> dense;
  for (int64_t r = 0; r < rows; ++r) {
    if (out->valid[r]) dense.push_back(out->indices[r]);
  }
  GatherDictionary(*dictionary, dense.data(), dense.size(), out, 0);
  const auto d = static_cast<int64_t>(dense.size());
  if (d < rows) Scatter(out, 0, out->valid.data(), rows, d);
  out->indices.clear();
}

int64_t ColumnReader::Impl::Read(int64_t max_rows, ColumnBatch* out, bool keep_dictionary) {
  const int64_t n = std::clamp<int64_t>(max_rows, 0, rows_remaining);
  // Dictionary form lasts while every page of the batch is dictionary-encoded.
  bool as_indices = keep_dictionary;
  StartBatch(n, out, as_indices);
  int64_t pos = 0;
  int64_t nulls = 0;
  while (pos < n) {
    if (page_rows_left == 0) LoadNextPage();
    if (as_indices && !page_uses_dictionary) {
      MaterializeIndices(out, n, pos);
      as_indices = false;
    }
    const int64_t m = std::min(n - pos, page_rows_left);
    uint8_t* valid = out->valid.data() + pos;
    const int64_t dense = SegmentLevels(m, valid);
    if (as_indices) {
      uint32_t* idx = out->indices.data() + pos;
      if (dense > 0) dictionary_values->DecodeIndices(dense, idx);
      if (dense < m) ScatterFixed(idx, valid, m, dense);
    } else {
      DecodeDense(dense, out, pos);
      if (dense < m) Scatter(out, pos, valid, m, dense);
    }
    pos += m;
    page_rows_left -= m;
    nulls += m - dense;
  }
  FinishBatch(n, nulls, out, as_indices);
  rows_remaining -= n;
  return n;
}

// Sizes `out` for `n` rows of the column, in dictionary form (`as_indices`) or not. Every
// position of the value array and of `valid` is written after this, so a batch read into
// before keeps its arrays' sizes (resizing an emptied array would zero it first).
void ColumnReader::Impl::StartBatch(int64_t n, ColumnBatch* out, bool as_indices) {
  const ValueType type = chunk.plan.value_type;
  if (out->type != type) out->Reset(type);
  out->num_rows = 0;
  out->null_count = 0;
  out->offsets.clear();
  out->bytes.clear();
  out->dictionary.reset();
  out->valid.resize(static_cast<size_t>(n));
  if (as_indices) {
    out->indices.resize(static_cast<size_t>(n));
  } else {
    out->indices.clear();
    SizeBatch(type, n, out);
  }
}

// Completes a batch of `n` delivered rows, `nulls` of them null, begun by StartBatch.
void ColumnReader::Impl::FinishBatch(int64_t n, int64_t nulls, ColumnBatch* out, bool as_indices) {
  if (as_indices && n > 0) out->dictionary = dictionary;
  if (as_indices && n == 0) SizeBatch(chunk.plan.value_type, 0, out);
  out->num_rows = n;
  out->null_count = nulls;
}

// Decodes the definition levels of the next `m` rows of the page into valid[0, m) (all 1
// for a required column) and returns how many rows hold a value.
int64_t ColumnReader::Impl::SegmentLevels(int64_t m, uint8_t* valid) {
  if (chunk.max_definition_level == 0) {
    std::memset(valid, 1, static_cast<size_t>(m));
    return m;
  }
  uint32_t level = 0;
  if (!levels_bit_packed && rle_levels.TakeRepeat(static_cast<size_t>(m), &level)) {
    // One run of levels (a column without nulls on this page, or all null).
    if (level > 1) Corrupt("definition level above the column's maximum");
    std::memset(valid, static_cast<int>(level), static_cast<size_t>(m));
    return level == 1 ? m : 0;
  }
  DecodeLevels(m, valid);
  uint8_t all = 0;
  int64_t count = 0;
  for (int64_t i = 0; i < m; ++i) {
    all |= valid[i];
    count += valid[i];
  }
  if (all > 1) Corrupt("definition level above the column's maximum");
  return count;
}

// Passes over the next `n` values of the page.
void ColumnReader::Impl::SkipDense(int64_t n) {
  if (n == 0) return;
  if (page_uses_dictionary) {
    dictionary_values->SkipIndices(n);
    return;
  }
  if (DecodeSelected(n, nullptr, 0, nullptr, 0)) return;
  segment.Reset(chunk.plan.value_type);
  SizeBatch(chunk.plan.value_type, n, &segment);
  DecodeDense(n, &segment, 0);
}

int64_t ColumnReader::Impl::ReadSelected(int64_t rows, const uint32_t* sel, int64_t count,
                                         ColumnBatch* out, bool keep_dictionary) {
  const int64_t n = std::clamp<int64_t>(rows, 0, rows_remaining);
  for (int64_t k = 0; k < count; ++k) {
    if (sel[k] >= n || (k > 0 && sel[k] <= sel[k - 1])) {
      throw std::invalid_argument("ReadSelected: rows not ascending within the rows read");
    }
  }
  const ValueType type = chunk.plan.value_type;
  bool as_indices = keep_dictionary;
  StartBatch(count, out, as_indices);
  int64_t pos = 0;  // rows passed over
  int64_t j = 0;    // selected rows delivered
  int64_t nulls = 0;
  while (pos < n) {
    if (page_rows_left == 0) LoadNextPage();
    if (as_indices && !page_uses_dictionary) {
      MaterializeIndices(out, count, j);
      as_indices = false;
    }
    const int64_t m = std::min(n - pos, page_rows_left);
    int64_t j_end = j;
    while (j_end < count && sel[j_end] < pos + m) ++j_end;
    segment_valid.resize(static_cast<size_t>(m));
    const uint8_t* valid = segment_valid.data();
    const int64_t dense = SegmentLevels(m, segment_valid.data());
    // The dense position of each selected row holding a value, in order; nulls are counted.
    picked.clear();
    if (dense == m) {
      // No nulls here: a row's value is at the row's own position.
      for (int64_t k = j; k < j_end; ++k) {
        out->valid[static_cast<size_t>(k)] = 1;
        picked.push_back(static_cast<uint32_t>(sel[k] - pos));
      }
    } else {
      int64_t row = 0;
      int64_t dense_pos = 0;
      for (int64_t k = j; k < j_end; ++k) {
        const int64_t r = sel[k] - pos;
        for (; row < r; ++row) dense_pos += valid[row];
        out->valid[static_cast<size_t>(k)] = valid[r];
        if (valid[r]) picked.push_back(static_cast<uint32_t>(dense_pos));
      }
    }
    const auto values = static_cast<int64_t>(picked.size());
    nulls += (j_end - j) - values;
    if (values == 0) {
      SkipDense(dense);
    } else if (page_uses_dictionary) {
      segment_indices.clear();
      if (values * 16 < dense) {
        // Few rows: skip to each one's index.
        int64_t at = 0;
        for (int64_t k = 0; k < values; ++k) {
          dictionary_values->SkipIndices(picked[k] - at);
          dictionary_values->DecodeIndices(1, &segment_indices.emplace_back());
          at = picked[k] + 1;
        }
        dictionary_values->SkipIndices(dense - at);
      } else {
        segment_indices.resize(static_cast<size_t>(dense));
        dictionary_values->DecodeIndices(dense, segment_indices.data());
        for (int64_t k = 0; k < values; ++k) segment_indices[k] = segment_indices[picked[k]];
        segment_indices.resize(static_cast<size_t>(values));
      }
      if (!as_indices) GatherDictionary(*dictionary, segment_indices.data(), picked.size(), out, j);
    } else if (!DecodeSelected(dense, picked.data(), picked.size(), out, j)) {
      segment.Reset(type);
      SizeBatch(type, dense, &segment);
      DecodeDense(dense, &segment, 0);
      GatherDictionary(segment, picked.data(), picked.size(), out, j);
    }
    if (as_indices) {
      // The indices go to the selected rows, nulls pointing at index 0.
      uint32_t* idx = out->indices.data() + j;
      if (values > 0) {
        std::memcpy(idx, segment_indices.data(), static_cast<size_t>(values) * sizeof(uint32_t));
      }
      if (values < j_end - j) ScatterFixed(idx, out->valid.data() + j, j_end - j, values);
    } else if (values < j_end - j) {
      Scatter(out, j, out->valid.data() + j, j_end - j, values);
    }
    pos += m;
    page_rows_left -= m;
    j = j_end;
  }
  FinishBatch(count, nulls, out, as_indices);
  rows_remaining -= n;
  return n;
}

ColumnReader::ColumnReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ColumnReader::~ColumnReader() = default;

int64_t ColumnReader::Read(int64_t max_rows, ColumnBatch* out, bool keep_dictionary) {
  try {
    return impl_->Read(max_rows, out, keep_dictionary);
  } catch (const ParquetUnsupportedError&) {
    throw;
  } catch (const ParquetError& e) {
    // Decoders and codecs do not know where their bytes came from; the page does.
    if (e.offset()) throw;
    throw ParquetError("corrupt column chunk '" + impl_->chunk.column.name + "': " + e.what(),
                       impl_->page_offset);
  }
}

int64_t ColumnReader::ReadSelected(int64_t rows, const uint32_t* sel, int64_t count,
                                   ColumnBatch* out, bool keep_dictionary) {
  try {
    return impl_->ReadSelected(rows, sel, count, out, keep_dictionary);
  } catch (const ParquetUnsupportedError&) {
    throw;
  } catch (const ParquetError& e) {
    if (e.offset()) throw;
    throw ParquetError("corrupt column chunk '" + impl_->chunk.column.name + "': " + e.what(),
                       impl_->page_offset);
  }
}

int64_t ColumnReader::Skip(int64_t rows) {
  int64_t skipped = 0;
  while (skipped < rows) {
    const int64_t n = impl_->Read(std::min<int64_t>(rows - skipped, 4096), &impl_->skipped, false);
    if (n == 0) break;
    skipped += n;
  }
  return skipped;
}

int64_t ColumnReader::rows_remaining() const { return impl_->rows_remaining; }
const Column& ColumnReader::column() const { return impl_->chunk.column; }

std::unique_ptr<ColumnReader> MakeColumnReader(ColumnChunk chunk) {
  return std::make_unique<ColumnReader>(std::make_unique<ColumnReader::Impl>(std::move(chunk)));
}

}  // namespace sql::parquet
