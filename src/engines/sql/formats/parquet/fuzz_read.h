// Test-only: opens `bytes` as a Parquet file and decodes every readable column of every row
// group, at most `row_limit` rows per chunk, discarding the values; batches take turns being
// read as values, in dictionary form, and as a few selected rows (ReadSelected). Errors the library
// raises on purpose (base::Error and its ParquetError children) propagate. Shared by the fuzz
// target and the corruption test.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

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
      for (int turn = 0; rows < row_limit && reader->rows_remaining() > 0; ++turn) {
        if (turn % 3 < 2) {
          rows += reader->Read(997, &batch, turn % 3 == 1);
          continue;
        }
        const int64_t n = std::min<int64_t>(997, reader->rows_remaining());
        std::vector<uint32_t> sel;
        for (int64_t r = turn % 2; r < n; r += 41) sel.push_back(static_cast<uint32_t>(r));
        rows += reader->ReadSelected(n, sel.data(), static_cast<int64_t>(sel.size()), &batch,
                                     turn % 2 == 0);
      }
    }
  }
}

}  // namespace sql::parquet::testing
