// RowGroupReader reads a projection of one row group: a ColumnReader per requested column,
// advanced together so each Read returns the same rows for every column. Create it with
// FileReader::OpenRowGroup. One thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/column_reader.h"

namespace sql::parquet {

class RowGroupReader {
 public:
  // `readers` must each cover `num_rows` rows (an empty projection still counts rows).
  RowGroupReader(int64_t num_rows, std::vector<std::unique_ptr<ColumnReader>> readers);

  // Fills out->at(i) with the next rows of the i-th requested column (resizing `out` to the
  // number of columns) and returns the row count, 0 at the end of the row group.
  // `keep_dictionary` as for ColumnReader::Read.
  int64_t Read(int64_t max_rows, std::vector<ColumnBatch>* out, bool keep_dictionary = false);
  int64_t rows_remaining() const;

 private:
  std::vector<std::unique_ptr<ColumnReader>> readers_;
  int64_t rows_remaining_;
};

}  // namespace sql::parquet
