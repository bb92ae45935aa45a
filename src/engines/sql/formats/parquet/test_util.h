// Helpers shared by the Parquet tests: building column batches, comparing them bit for bit,
// and reading a whole file back. Test-only; not part of the library.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/file_reader.h"

namespace sql::parquet::testing {

// A batch of `type` with room for values appended one by one.
class BatchBuilder {
 public:
  explicit BatchBuilder(ValueType type) {
    batch_.Reset(type);
    batch_.offsets.push_back(0);
  }
  BatchBuilder& Null() {
    batch_.valid.push_back(0);
    ++batch_.null_count;
    switch (batch_.type) {
      case ValueType::kBool:
        batch_.bools.push_back(0);
        break;
      case ValueType::kInt32:
        batch_.i32.push_back(0);
        break;
      case ValueType::kInt64:
        batch_.i64.push_back(0);
        break;
      case ValueType::kFloat:
        batch_.f32.push_back(0);
        break;
      case ValueType::kDouble:
        batch_.f64.push_back(0);
        break;
      case ValueType::kInt128:
        batch_.i128.push_back(0);
        break;
      case ValueType::kBinary:
        batch_.offsets.push_back(batch_.offsets.back());
        break;
    }
    ++batch_.num_rows;
    return *this;
  }
  BatchBuilder& Bool(bool v) {
    return Add([&] { batch_.bools.push_back(v); });
  }
  BatchBuilder& I32(int32_t v) {
    return Add([&] { batch_.i32.push_back(v); });
  }
  BatchBuilder& I64(int64_t v) {
    return Add([&] { batch_.i64.push_back(v); });
  }
  BatchBuilder& F32(float v) {
    return Add([&] { batch_.f32.push_back(v); });
  }
  BatchBuilder& F64(double v) {
    return Add([&] { batch_.f64.push_back(v); });
  }
  BatchBuilder& I128(Int128 v) {
    return Add([&] { batch_.i128.push_back(v); });
  }
  BatchBuilder& Bytes(std::string_view v) {
    return Add([&] {
      batch_.bytes.append(v);
      batch_.offsets.push_back(static_cast<int64_t>(batch_.bytes.size()));
    });
  }
  ColumnBatch Build() const { return batch_; }

 private:
  template <typename F>
  BatchBuilder& Add(F push) {
    push();
    batch_.valid.push_back(1);
    ++batch_.num_rows;
    return *this;
  }
  ColumnBatch batch_;
};

// Row `row` of `b` as text that differs whenever the bits differ ("null" for nulls).
inline std::string Render(const ColumnBatch& b, int64_t row) {
  if (!b.IsValid(row)) return "null";
  auto hex = [](const void* p, size_t n) {
    std::string s;
    const auto* u = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) {
      s += "0123456789abcdef"[u[i] >> 4];
      s += "0123456789abcdef"[u[i] & 15];
    }
    return s;
  };
  switch (b.type) {
    case ValueType::kBool:
      return b.bools[row] ? "true" : "false";
    case ValueType::kInt32:
      return std::to_string(b.i32[row]);
    case ValueType::kInt64:
      return std::to_string(b.i64[row]);
    case ValueType::kFloat:
      return "f" + hex(&b.f32[row], 4);
    case ValueType::kDouble:
      return "d" + hex(&b.f64[row], 8);
    case ValueType::kInt128:
      return "i" + hex(&b.i128[row], 16);
    case ValueType::kBinary:
      return "b'" + std::string(b.Binary(row)) + "'";
  }
  return "?";
}

inline bool SlotIsZero(const ColumnBatch& b, int64_t row) {
  switch (b.type) {
    case ValueType::kBool:
      return b.bools[row] == 0;
    case ValueType::kInt32:
      return b.i32[row] == 0;
    case ValueType::kInt64:
      return b.i64[row] == 0;
    case ValueType::kFloat:
      return b.f32[row] == 0 && !std::signbit(b.f32[row]);
    case ValueType::kDouble:
      return b.f64[row] == 0 && !std::signbit(b.f64[row]);
    case ValueType::kInt128:
      return b.i128[row] == 0;
    case ValueType::kBinary:
      return b.offsets[row] == b.offsets[row + 1];
  }
  return false;
}

// Whether the value arrays of `a` and `b` (same type and row count) are bitwise equal.
inline bool SameValueBits(const ColumnBatch& a, const ColumnBatch& b) {
  auto same = [](const auto& x, const auto& y, size_t n) {
    return x.size() >= n && y.size() >= n &&
           (n == 0 || std::memcmp(x.data(), y.data(), n * sizeof(x[0])) == 0);
  };
  const auto n = static_cast<size_t>(a.num_rows);
  switch (a.type) {
    case ValueType::kBool:
      return same(a.bools, b.bools, n);
    case ValueType::kInt32:
      return same(a.i32, b.i32, n);
    case ValueType::kInt64:
      return same(a.i64, b.i64, n);
    case ValueType::kFloat:
      return same(a.f32, b.f32, n);
    case ValueType::kDouble:
      return same(a.f64, b.f64, n);
    case ValueType::kInt128:
      return same(a.i128, b.i128, n);
    case ValueType::kBinary:
      return same(a.offsets, b.offsets, n + 1) &&
             a.bytes.substr(0, a.offsets[n]) == b.bytes.substr(0, b.offsets[n]);
  }
  return false;
}

// Expects `actual` to hold exactly the rows of `expected`, whose null slots hold zero or are
// empty: values, validity and null slots compared bit for bit.
inline void ExpectSameBatch(const ColumnBatch& expected, const ColumnBatch& actual,
                            const std::string& what) {
  ASSERT_EQ(expected.type, actual.type) << what;
  ASSERT_EQ(expected.num_rows, actual.num_rows) << what;
  ASSERT_EQ(static_cast<int64_t>(actual.valid.size()), actual.num_rows) << what;
  bool same_valid = true;
  for (int64_t r = 0; r < actual.num_rows; ++r) {
    same_valid = same_valid && (actual.valid[r] != 0) == expected.IsValid(r);
  }
  if (same_valid && SameValueBits(expected, actual)) {
    EXPECT_EQ(actual.null_count, expected.null_count) << what;
    return;
  }
  for (int64_t r = 0; r < expected.num_rows; ++r) {
    ASSERT_EQ(Render(expected, r), Render(actual, r)) << what << " row " << r;
    if (!actual.IsValid(r)) {
      ASSERT_TRUE(SlotIsZero(actual, r)) << what << " null slot " << r;
    }
  }
  ADD_FAILURE() << what << ": arrays differ outside the rows";
}

// Appends rows [begin, end) of `from` to `to` (same type).
inline void AppendRows(const ColumnBatch& from, int64_t begin, int64_t end, ColumnBatch* to) {
  if (to->offsets.empty()) to->offsets.push_back(0);
  for (int64_t r = begin; r < end; ++r) {
    to->valid.push_back(from.IsValid(r) ? 1 : 0);
    to->null_count += from.IsValid(r) ? 0 : 1;
    switch (from.type) {
      case ValueType::kBool:
        to->bools.push_back(from.bools[r]);
        break;
      case ValueType::kInt32:
        to->i32.push_back(from.i32[r]);
        break;
      case ValueType::kInt64:
        to->i64.push_back(from.i64[r]);
        break;
      case ValueType::kFloat:
        to->f32.push_back(from.f32[r]);
        break;
      case ValueType::kDouble:
        to->f64.push_back(from.f64[r]);
        break;
      case ValueType::kInt128:
        to->i128.push_back(from.i128[r]);
        break;
      case ValueType::kBinary:
        to->bytes.append(from.Binary(r));
        to->offsets.push_back(static_cast<int64_t>(to->bytes.size()));
        break;
    }
  }
  to->num_rows += end - begin;
}

// Reads column `column` of every row group, `batch_rows` at a time, into one batch.
inline ColumnBatch ReadWholeColumn(const FileReader& file, int column, int64_t batch_rows) {
  ColumnBatch all;
  all.Reset(file.metadata().schema.columns[column].value_type());
  ColumnBatch batch;
  for (size_t g = 0; g < file.metadata().row_groups.size(); ++g) {
    auto reader = file.OpenColumn(static_cast<int>(g), column);
    while (reader->Read(batch_rows, &batch) > 0) AppendRows(batch, 0, batch.num_rows, &all);
  }
  return all;
}

}  // namespace sql::parquet::testing
