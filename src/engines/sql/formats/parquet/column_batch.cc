#include "engines/sql/formats/parquet/column_batch.h"

namespace sql::parquet {

void ColumnBatch::Reset(ValueType new_type) {
  type = new_type;
  num_rows = 0;
  null_count = 0;
  valid.clear();
  bools.clear();
  i32.clear();
  i64.clear();
  f32.clear();
  f64.clear();
  i128.clear();
  offsets.clear();
  bytes.clear();
  dictionary.reset();
  indices.clear();
}

}  // namespace sql::parquet
