// Test-only: opens `bytes` as a Parquet file and decodes every readable column of every row
// group, at most `row_limit` rows per chunk, discarding the values. Errors the library raises
// on purpose (base::Error and its ParquetError children) propagate. Shared by the fuzz target
// and the corruption test.
#pragma once

#include <string>

#include "engines/sql/formats/parquet/file_reader.h"

namespace sql::parquet::testing {

inline void ReadEverything(std::string bytes, int64_t row_limit) {
  auto file = FileReader::Open(MakeMemorySource(std::move(bytes)));
  const FileMetadata& meta = file->metadata();
  ColumnBatch batch;
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    for (size_t c = 0; c < meta.schema.columns.size(); ++c) {
      if (!meta.schema.columns[c].unsupported.empty()) continue;
      auto reader = file->OpenColumn(static_cast<int>(g), static_cast<int>(c));
      int64_t rows = 0;
      while (rows < row_limit) {
        const int64_t n = reader->Read(997, &batch);
        if (n == 0) break;
        rows += n;
      }
    }
  }
}

}  // namespace sql::parquet::testing
