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
#include <utility>
#include <vector>

#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

using Int128 = __int128;

// The allocator of the value arrays: growing an array leaves the new values uninitialized
// (every reader and writer path writes each value it sizes), so sizing a large array, such as
// a dictionary about to be decompressed into, costs no pass zeroing it.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using ValueArray = std::vector<T, DefaultInitAllocator<T>>;

struct ColumnBatch {
  ValueType type = ValueType::kInt64;
  int64_t num_rows = 0;
  int64_t null_count = 0;
  // One byte per row: 1 when the row has a value, 0 when it is null. The reader always fills
  // it; the writer also accepts it empty, meaning "no nulls".
  std::vector<uint8_t> valid;

  ValueArray<uint8_t> bools;  // kBool: 0 or 1
  ValueArray<int32_t> i32;    // kInt32
  ValueArray<int64_t> i64;    // kInt64
  ValueArray<float> f32;      // kFloat
  ValueArray<double> f64;     // kDouble
  ValueArray<Int128> i128;    // kInt128
  // kBinary: row i is bytes[offsets[i], offsets[i + 1]); offsets has num_rows + 1 entries
  // starting at 0.
  std::vector<int64_t> offsets;
  std::string bytes;
  // Dictionary form: the column chunk's dictionary (shared by every batch of the chunk) and
  // num_rows indices into it.
  std::shared_ptr<const ColumnBatch> dictionary;
  ValueArray<uint32_t> indices;

  // Empties the batch and sets its type, keeping allocated capacity.
  void Reset(ValueType new_type);

  bool IsValid(int64_t row) const { return valid.empty() || valid[row] != 0; }
  std::string_view Binary(int64_t row) const {
    return std::string_view(bytes).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
};

}  // namespace sql::parquet
