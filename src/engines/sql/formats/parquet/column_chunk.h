// Internal to the Parquet library. ColumnChunk is everything a ColumnReader needs to decode
// one column chunk: where its bytes are, how they are compressed, the column's definition
// level and the plan converting its physical values. FileReader fills it from the footer;
// MakeColumnReader builds the reader. Plain value type.
#pragma once

#include <cstdint>
#include <memory>

#include "engines/sql/formats/parquet/column_plan.h"
#include "engines/sql/formats/parquet/column_reader.h"
#include "engines/sql/formats/parquet/format.h"
#include "engines/sql/formats/parquet/schema.h"
#include "engines/sql/formats/parquet/source.h"

namespace sql::parquet {

struct ColumnChunk {
  std::shared_ptr<const RandomAccessSource> source;
  Column column;  // as delivered (ReaderOptions applied)
  ColumnPlan plan;
  int max_definition_level = 0;  // 0 required, 1 nullable
  Codec codec = Codec::kUncompressed;
  uint64_t offset = 0;  // first page (dictionary or data)
  uint64_t length = 0;
  int64_t num_values = 0;
};

std::unique_ptr<ColumnReader> MakeColumnReader(ColumnChunk chunk);

}  // namespace sql::parquet
