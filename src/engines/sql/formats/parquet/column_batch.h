// ColumnBatch holds the values of one column for a run of consecutive rows: what the reader
// decodes into and what the writer consumes. Exactly one value array is in use, chosen by
// `type`; positions line up with rows, so value i belongs to row i, and a null row's slot holds
// zero (or an empty byte string). Byte arrays are stored without per-value allocation: one
// contiguous buffer plus num_rows + 1 offsets into it.
//
// A batch read with `keep_dictionary` (ColumnReader::Read) may instead come in dictionary form:
// `dictionary` is set, the value arrays are unused, and row i is value indices[i] of the
// dictionary (0 for a null row). Filters can then be decided once per dictionary value.
//
// A batch is reused across reads: Reset() keeps the arrays' capacity. Not thread-safe to
// mutate; any number of threads may read a batch nobody is writing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

using Int128 = __int128;

struct ColumnBatch {
  ValueType type = ValueType::kInt64;
  int64_t num_rows = 0;
  int64_t null_count = 0;
  // One byte per row: 1 when the row has a value, 0 when it is null. The reader always fills
  // it; the writer also accepts it empty, meaning "no nulls".
  std::vector<uint8_t> valid;

  std::vector<uint8_t> bools;  // kBool: 0 or 1
  std::vector<int32_t> i32;    // kInt32
  std::vector<int64_t> i64;    // kInt64
  std::vector<float> f32;      // kFloat
  std::vector<double> f64;     // kDouble
  std::vector<Int128> i128;    // kInt128
  // kBinary: row i is bytes[offsets[i], offsets[i + 1]); offsets has num_rows + 1 entries
  // starting at 0.
  std::vector<int64_t> offsets;
  std::string bytes;
  // Dictionary form: the column chunk's dictionary (shared by every batch of the chunk) and
  // num_rows indices into it.
  std::shared_ptr<const ColumnBatch> dictionary;
  std::vector<uint32_t> indices;

  // Empties the batch and sets its type, keeping allocated capacity.
  void Reset(ValueType new_type);

  bool IsValid(int64_t row) const { return valid.empty() || valid[row] != 0; }
  std::string_view Binary(int64_t row) const {
    return std::string_view(bytes).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
};

}  // namespace sql::parquet
