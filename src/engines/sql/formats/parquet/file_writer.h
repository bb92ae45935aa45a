// FileWriter writes a flat Parquet file to a Sink: the caller gives the schema (names,
// physical and logical types, nullability) and then column batches in the representation
// schema.h documents; the writer cuts row groups (~128 MiB by default) and data pages
// (~1 MiB), dictionary-encodes values while the dictionary stays small and falls back to
// PLAIN, RLE-encodes definition levels, records min/max/null-count statistics, compresses
// with SNAPPY unless told otherwise, and writes the footer on Close.
//
// Usage:
//   StringSink sink;                               // or OpenLocalFileSink(path)
//   Schema schema{{{.name = "id", .physical_type = PhysicalType::kInt64, .nullable = false},
//                  {.name = "name", .physical_type = PhysicalType::kByteArray,
//                   .logical = LogicalType::Of(LogicalKind::kString)}}};
//   FileWriter writer(&sink, schema);
//   writer.Write(batches);                         // one ColumnBatch per column, same rows
//   writer.Close();
//
// Not thread-safe: one thread drives a writer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/format.h"
#include "engines/sql/formats/parquet/schema.h"
#include "engines/sql/formats/parquet/sink.h"

namespace sql::parquet {

struct WriterOptions {
  Codec codec = Codec::kSnappy;  // any but kLzo, kBrotli and kLz4
  int compression_level = 0;     // GZIP and ZSTD; 0 picks the codec's default
  PageVersion page_version = PageVersion::kV1;
  int64_t row_group_bytes = 128 << 20;  // uncompressed encoded bytes per row group
  int64_t max_row_group_rows = 0;       // 0: no row limit
  int64_t data_page_bytes = 1 << 20;
  bool dictionary = true;
  int64_t dictionary_page_bytes = 1 << 20;  // past this a chunk falls back to PLAIN
  // A column chunk whose first pages (about a megabyte, or the whole chunk when smaller)
  // shrink by less than this fraction under `codec` is written UNCOMPRESSED instead (the
  // codec is chosen per chunk): undoing a compression that saves so little costs a reader
  // more than the bytes it saves. 0 compresses every chunk; at most 1.
  double min_compression_saving = 0;
  // INT32 and INT64 values that are not dictionary-encoded (the chunk's dictionary did not
  // pay off, or filled up) are written DELTA_BINARY_PACKED instead of PLAIN, as parquet-mr's
  // v2 writer does: sorted keys then take a few bits a value. A chunk also drops a
  // dictionary that takes more than twice that encoding (keys repeated a few times, as
  // lineitem's order keys). Columns given an encoding in column_encodings keep it.
  bool delta_integers = false;
  // Per-column value encoding, overriding dictionary + PLAIN: kPlain, kRle (BOOLEAN),
  // kDeltaBinaryPacked (INT32, INT64), kDeltaLengthByteArray (BYTE_ARRAY), kDeltaByteArray
  // (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY), kByteStreamSplit (INT32, INT64, FLOAT, DOUBLE,
  // FIXED_LEN_BYTE_ARRAY), kRleDictionary.
  std::map<std::string, Encoding> column_encodings;
  std::vector<std::pair<std::string, std::string>> key_value;
};

class FileWriter {
 public:
  // Throws ParquetError when the schema or options are invalid (bad decimal precision, a
  // FIXED_LEN_BYTE_ARRAY without length, an encoding the column's type cannot take...).
  FileWriter(Sink* sink, Schema schema, WriterOptions options = {});
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Appends rows: columns[i] holds the values of schema column i, all with the same
  // num_rows and the column's ValueType. Throws ParquetError (writing nothing of this call)
  // when a batch does not match: wrong type or row count, nulls in a required column,
  // malformed offsets, fixed-length values of the wrong size, decimals out of precision.
  void Write(std::span<const ColumnBatch> columns);

  // Flushes the last row group, writes the footer and closes the sink. Required; a writer
  // destroyed without Close leaves an incomplete file.
  void Close();

  int64_t rows_written() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sql::parquet
