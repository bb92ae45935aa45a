// Internal to the Parquet library. DictionaryBuilder assigns dictionary indices to a column
// chunk's physical values as the writer meets them, with an open-addressing hash table over
// the values' bytes (so NaN payloads and -0.0 stay distinct and round-trip bit-exact), and
// keeps the distinct values in index order for the dictionary page. One thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

class DictionaryBuilder {
 public:
  explicit DictionaryBuilder(PhysicalType type);

  // The index of value `i` of `values` (physical values of this builder's type), added to
  // the dictionary if it is new.
  uint32_t Insert(const ColumnBatch& values, int64_t i);

  int64_t size() const { return values_.num_rows; }
  // The size of the dictionary page's PLAIN encoding.
  int64_t plain_bytes() const;
  const ColumnBatch& values() const { return values_; }
  void Clear();

 private:
  std::string_view KeyOf(const ColumnBatch& values, int64_t i) const;
  void Grow();

  PhysicalType type_;
  ColumnBatch values_;
  std::vector<uint64_t> hashes_;  // per entry
  std::vector<int32_t> slots_;    // entry index or -1
};

}  // namespace sql::parquet
