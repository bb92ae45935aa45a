// ColumnReader decodes one column chunk (one column of one row group) batch by batch, so a
// large row group is never materialised at once: the chunk's bytes are fetched in bounded
// windows, pages are decompressed one at a time, and each Read decodes only the rows asked
// for. Create it with FileReader::OpenColumn.
//
// One reader belongs to one thread at a time; different readers over the same file may run
// concurrently.
#pragma once

#include <cstdint>
#include <memory>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

class ColumnReader {
 public:
  struct Impl;
  explicit ColumnReader(std::unique_ptr<Impl> impl);
  ~ColumnReader();
  ColumnReader(const ColumnReader&) = delete;
  ColumnReader& operator=(const ColumnReader&) = delete;

  // Replaces `out` with the next min(max_rows, rows_remaining()) rows of the chunk and
  // returns how many that is (0 once the chunk is exhausted). `out` keeps its capacity, so
  // passing the same batch again avoids reallocation. With `keep_dictionary`, rows that all
  // come from dictionary-encoded pages are returned in dictionary form (see ColumnBatch).
  // Throws ParquetError on corrupt data.
  int64_t Read(int64_t max_rows, ColumnBatch* out, bool keep_dictionary = false);

  // Advances over the next min(rows, rows_remaining()) rows like Read, but delivers only
  // those at positions sel[0, count) among them (ascending, each below that row count) into
  // `out`, which then holds `count` rows; returns the rows passed over. Indices in
  // dictionary-encoded pages of rows not selected are skipped without being unpacked, so
  // reading a column for the few rows a filter kept costs little more than those rows.
  int64_t ReadSelected(int64_t rows, const uint32_t* sel, int64_t count, ColumnBatch* out,
                       bool keep_dictionary = false);

  // Skips the next `rows` rows (decoding what it must) and returns how many were skipped.
  int64_t Skip(int64_t rows);

  int64_t rows_remaining() const;
  const Column& column() const;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sql::parquet
