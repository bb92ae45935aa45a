#include "engines/sql/formats/parquet/row_group_reader.h"

#include <algorithm>

#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql::parquet {

RowGroupReader::RowGroupReader(int64_t num_rows, std::vector<std::unique_ptr<ColumnReader>> readers)
    : readers_(std::move(readers)), rows_remaining_(num_rows) {
  for (const auto& reader : readers_) {
    if (reader->rows_remaining() != num_rows) {
      throw ParquetError("column '" + reader->column().name +
                         "' holds a different row count than its row group");
    }
  }
}

int64_t RowGroupReader::Read(int64_t max_rows, std::vector<ColumnBatch>* out,
                             bool keep_dictionary) {
  out->resize(readers_.size());
  const int64_t n = std::clamp<int64_t>(max_rows, 0, rows_remaining_);
  for (size_t i = 0; i < readers_.size(); ++i) readers_[i]->Read(n, &(*out)[i], keep_dictionary);
  rows_remaining_ -= n;
  return n;
}

int64_t RowGroupReader::rows_remaining() const { return rows_remaining_; }

}  // namespace sql::parquet
