// Internal to the Parquet library. ColumnChunkWriter builds one column's chunk of the current
// row group: it buffers rows for a data page (definition levels and dense physical values),
// dictionary-encodes while the dictionary stays under its limit and then falls back to the
// column's value encoding (from the first page when the dictionary does not pay off, unless
// the column asked for dictionary encoding), cuts a page (v1 or v2, compressed) whenever the
// buffered page reaches the size limit, and on Finish emits the dictionary page and data
// pages with the chunk's metadata. The chunk's first pages are held both compressed and not
// until about a megabyte tells whether compression pays (WriterOptions::
// min_compression_saving); the chunk is then compressed or not as a whole. One thread.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "engines/sql/formats/parquet/column_plan.h"
#include "engines/sql/formats/parquet/dictionary_builder.h"
#include "engines/sql/formats/parquet/file_metadata_format.h"
#include "engines/sql/formats/parquet/file_writer.h"

namespace sql::parquet {

class ColumnChunkWriter {
 public:
  // `encoding` is the column's value encoding; with `use_dictionary` values are
  // dictionary-encoded first and fall back to `encoding`.
  ColumnChunkWriter(const Column& column, const ColumnPlan& plan, const WriterOptions& options,
                    Encoding encoding, bool use_dictionary);

  // Appends `rows` rows: valid[0, rows) says which hold values (nullptr: all), and their
  // values are the physical values [from, from + count) of `values`.
  void Append(const uint8_t* valid, int64_t rows, const ColumnBatch& values, int64_t from,
              int64_t count);

  // Encoded bytes buffered for this chunk so far, uncompressed.
  int64_t buffered_bytes() const;

  struct Chunk {
    std::string bytes;            // dictionary page (if any) then data pages
    format::ColumnMetaData meta;  // offsets relative to the chunk's first byte
  };
  // Finishes the chunk and starts an empty one for the next row group.
  Chunk Finish(format::Statistics statistics);

 private:
  int64_t PendingBytes() const;
  // Whether the dictionary page plus the pending page's indices take less than the pending
  // values would as PLAIN, and, when the chunk falls back to another encoding, no more than
  // twice what they take in it.
  bool DictionaryPays() const;
  // Turns the pending indices back into values and stops dictionary encoding the chunk
  // (no page has used the dictionary yet).
  void AbandonDictionary();
  void FlushPage();
  // Emits a page, or holds it while the chunk's codec is undecided. `raw` is the page body
  // uncompressed; `levels` of its first bytes are v2 levels, never compressed.
  void AddDataPage(format::PageHeader header, std::string raw, size_t levels);
  // The page's body under the chunk's codec.
  std::string Compressed(const std::string& raw, size_t levels) const;
  // Settles the chunk's codec from the pages held (and `extra_*` bytes not held, the
  // dictionary page's) and emits the held pages.
  void DecideCodec(int64_t extra_raw, int64_t extra_compressed);
  // Starts a chunk's codec choice over.
  void ResetCodec();
  void AddPage(format::PageHeader header, const std::string& body, int64_t uncompressed_size,
               std::string* out);

  Column column_;
  ColumnPlan plan_;
  const WriterOptions& options_;
  Encoding encoding_;
  bool use_dictionary_;

  bool dictionary_mode_;
  bool may_drop_dictionary_;  // false when the column's encoding is a dictionary one
  bool dictionary_written_ = false;
  DictionaryBuilder dictionary_;
  std::vector<uint32_t> pending_indices_;
  ColumnBatch pending_values_;
  int64_t pending_value_count_ = 0;
  std::vector<uint8_t> pending_levels_;
  int64_t pending_rows_ = 0;

  // A data page held while the chunk's codec is undecided.
  struct HeldPage {
    format::PageHeader header;
    std::string raw;
    std::string compressed;
  };
  Codec codec_;  // the chunk's codec, once decided
  bool codec_decided_;
  std::vector<HeldPage> held_;
  int64_t held_raw_ = 0;
  int64_t held_compressed_ = 0;

  std::string pages_;
  int64_t rows_ = 0;
  int64_t uncompressed_total_ = 0;
  std::set<int32_t> encodings_;
};

}  // namespace sql::parquet
