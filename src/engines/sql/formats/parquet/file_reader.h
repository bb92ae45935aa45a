// FileReader opens a Parquet file through a RandomAccessSource, reads and checks its footer
// once, and then hands out independent readers for (row group, column) chunks, so a scan can
// decode many chunks on many threads at the same time and read only the columns it needs.
//
// Usage:
//   auto file = FileReader::Open(OpenLocalFileSource("t.parquet"));
//   const FileMetadata& meta = file->metadata();
//   int col = meta.schema.FindColumn("price");
//   for (int rg = 0; rg < static_cast<int>(meta.row_groups.size()); ++rg) {
//     const auto& stats = meta.row_groups[rg].columns[col].statistics;  // skip on min/max
//     auto reader = file->OpenColumn(rg, col);   // on any thread
//     ColumnBatch batch;
//     while (reader->Read(2048, &batch) > 0) { /* batch.f64[i], batch.valid[i] */ }
//   }
//
// Thread-safety: after Open, all const methods may be called concurrently; the FileReader
// may be destroyed while column readers it created are still in use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engines/sql/formats/parquet/column_reader.h"
#include "engines/sql/formats/parquet/format.h"
#include "engines/sql/formats/parquet/row_group_reader.h"
#include "engines/sql/formats/parquet/schema.h"
#include "engines/sql/formats/parquet/source.h"
#include "engines/sql/formats/parquet/statistics.h"

namespace sql::parquet {

struct ReaderOptions {
  // When set, every timestamp column (including INT96) is delivered in this unit, and its
  // statistics and schema entry say so; values outside int64 in that unit raise ParquetError.
  std::optional<TimeUnit> timestamp_unit;
};

struct ColumnChunkInfo {
  Codec codec = Codec::kUncompressed;
  std::vector<Encoding> encodings;
  int64_t num_values = 0;
  int64_t compressed_size = 0;
  int64_t uncompressed_size = 0;
  std::optional<ColumnStatistics> statistics;
};

struct RowGroupInfo {
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;
  // Indexed like Schema::columns. Unsupported columns keep default (empty) entries.
  std::vector<ColumnChunkInfo> columns;
};

struct FileMetadata {
  int32_t version = 0;
  int64_t num_rows = 0;
  std::string created_by;
  std::vector<std::pair<std::string, std::string>> key_value;
  Schema schema;
  std::vector<RowGroupInfo> row_groups;
};

class FileReader {
 public:
  // Reads the footer. Throws ParquetError on a file that is not Parquet or is corrupt, and
  // ParquetUnsupportedError on encrypted footers. A footer identical (same bytes, file size
  // and options) to one of the last few opened in the process is not parsed again.
  static std::unique_ptr<FileReader> Open(std::shared_ptr<const RandomAccessSource> source,
                                          const ReaderOptions& options = {});
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  const FileMetadata& metadata() const;

  // A reader over one column chunk; `column` indexes metadata().schema.columns. No bytes are
  // read until the first Read. Throws ParquetError on bad indexes and
  // ParquetUnsupportedError for unsupported columns.
  std::unique_ptr<ColumnReader> OpenColumn(int row_group, int column) const;

  // Readers over several columns of one row group, advanced in lockstep.
  std::unique_ptr<RowGroupReader> OpenRowGroup(int row_group,
                                               const std::vector<int>& columns) const;

  // How many footers the process has parsed so far.
  static uint64_t FooterParses();

  struct Contents;  // the parsed footer; shared with the column readers

 private:
  explicit FileReader(std::shared_ptr<const Contents> contents);
  // Open's second half: builds the reader from the footer's bytes.
  static std::unique_ptr<FileReader> OpenWithFooter(
      std::shared_ptr<const RandomAccessSource> source, const std::string& footer,
      const ReaderOptions& options);
  std::shared_ptr<const Contents> contents_;
};

}  // namespace sql::parquet
