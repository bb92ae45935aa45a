// Columnar batches: a Vector holds up to kVectorSize values of one type with a validity
// mask (one byte per row, 1 = valid), or a single constant value broadcast to every row.
// A DataChunk is a set of equally long vectors: the unit that flows between operators.
// Buffers are reference-counted so a vector can share another's data without copying;
// writers call Initialize() first, which gives them buffers of their own. Not thread-safe:
// a vector belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engines/sql/common/string_heap.h"
#include "engines/sql/common/types.h"
#include "engines/sql/common/value.h"

namespace sql {

constexpr size_t kVectorSize = 2048;

class Vector {
 public:
  Vector() = default;
  explicit Vector(Type type, size_t capacity = kVectorSize) { Initialize(type, capacity); }

  // Makes this a flat, all-valid vector of `type` with exclusive buffers of `capacity`.
  void Initialize(Type type, size_t capacity = kVectorSize);
  // Makes this a constant vector holding `value`.
  void SetConstantValue(const Value& value);

  const Type& type() const { return type_; }
  size_t capacity() const { return capacity_; }
  template <class T>
  T* data() {
    return reinterpret_cast<T*>(data_);
  }
  template <class T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_);
  }
  bool is_constant() const { return constant_; }
  void set_constant(bool c) { constant_ = c; }

  bool has_nulls() const { return has_nulls_; }
  // The validity bytes; only meaningful when has_nulls().
  const uint8_t* validity() const { return valid_; }
  // Turns on the validity mask (all rows valid) and returns it for writing.
  uint8_t* MutableValidity();
  bool IsValid(size_t i) const { return !has_nulls_ || valid_[constant_ ? 0 : i]; }
  void SetNull(size_t i) { MutableValidity()[i] = 0; }
  void SetValid(size_t i) {
    if (has_nulls_) valid_[i] = 1;
  }
  // Drops the validity mask: every row valid.
  void ClearNulls() { has_nulls_ = false; }

  StringHeap& heap();
  const std::shared_ptr<StringHeap>& heap_ptr() const { return heap_; }
  // Keeps the string bytes of `other` alive for as long as this vector's strings live.
  void KeepStringsOf(const Vector& other);
  // Stores a string copy and returns the view to put in data<std::string_view>().
  std::string_view AddString(std::string_view s) { return heap().Add(s); }

  // Shares `other`'s buffers and flags (a zero-copy view).
  void Reference(const Vector& other);

  Value GetValue(size_t i) const;
  void SetValue(size_t i, const Value& v);

  // Expands a constant vector into `count` flat values (no-op for flat vectors).
  void Flatten(size_t count);
  // this[i] = src[sel[i]] for i < count (src may be constant). Initializes this with
  // capacity for `count` values (GrowFor makes room for more).
  void Gather(const Vector& src, const uint32_t* sel, size_t count);
  // this[dst + i] = src[src_offset + i] for i < count; this must be flat and writable,
  // with capacity for dst + count values.
  void CopyRange(const Vector& src, size_t src_offset, size_t count, size_t dst);
  // Grows capacity preserving the first `count` values.
  void Reserve(size_t capacity, size_t count);
  // Makes the buffers exclusive with room for `count` values after the first `size`,
  // growing (at least doubling, up to `limit` when that is enough) when needed.
  void GrowFor(size_t size, size_t count, size_t limit);
  // Whether `count` values can be written after the first `size` in place, after GrowFor:
  // flat, with exclusive buffers.
  bool CanAppendInPlace(size_t size, size_t count) const;

 private:
  Type type_;
  size_t capacity_ = 0;
  bool constant_ = false;
  bool has_nulls_ = false;
  std::shared_ptr<uint8_t[]> data_owner_;
  uint8_t* data_ = nullptr;
  std::shared_ptr<uint8_t[]> valid_owner_;
  uint8_t* valid_ = nullptr;
  size_t valid_capacity_ = 0;
  std::shared_ptr<StringHeap> heap_;
};

size_t PhysicalSize(PhysicalType p);

class DataChunk {
 public:
  DataChunk() = default;
  explicit DataChunk(const std::vector<Type>& types, size_t capacity = kVectorSize) {
    Initialize(types, capacity);
  }
  void Initialize(const std::vector<Type>& types, size_t capacity = kVectorSize);
  // Re-initializes each column (fresh writable buffers), size 0.
  void Reset();
  size_t size() const { return size_; }
  void set_size(size_t n) { size_ = n; }
  size_t column_count() const { return columns_.size(); }
  Vector& column(size_t i) { return columns_[i]; }
  const Vector& column(size_t i) const { return columns_[i]; }
  std::vector<Vector>& columns() { return columns_; }
  std::vector<Type> types() const;
  size_t capacity() const { return capacity_; }
  // Keeps only rows sel[0..count).
  void Slice(const uint32_t* sel, size_t count);
  // Flattens constant columns.
  void Flatten();
  // Appends the rows of `other` (same types) when they fit in this chunk's buffers, so that
  // small filtered chunks travel as few full ones; returns false, changing nothing,
  // otherwise.
  bool AppendInPlace(const DataChunk& other);

 private:
  std::vector<Vector> columns_;
  size_t size_ = 0;
  size_t capacity_ = kVectorSize;
};

// An append-only list of chunks of one schema (materialized results, build sides).
class ChunkCollection {
 public:
  explicit ChunkCollection(std::vector<Type> types = {}) : types_(std::move(types)) {}
  const std::vector<Type>& types() const { return types_; }
  void set_types(std::vector<Type> types) { types_ = std::move(types); }
  // Appends `chunk`'s rows, copying values (strings stay in their heaps, kept alive).
  void Append(const DataChunk& chunk);
  // Takes the chunk as-is (after flattening) without copying.
  void AppendOwned(DataChunk&& chunk);
  size_t row_count() const { return rows_; }
  size_t chunk_count() const { return chunks_.size(); }
  DataChunk& chunk(size_t i) { return chunks_[i]; }
  const DataChunk& chunk(size_t i) const { return chunks_[i]; }
  Value GetValue(size_t column, size_t row) const;
  void Clear() {
    chunks_.clear();
    rows_ = 0;
  }
  // Approximate bytes held (for memory accounting).
  size_t bytes() const { return bytes_; }

 private:
  std::vector<Type> types_;
  std::vector<DataChunk> chunks_;
  size_t rows_ = 0;
  size_t bytes_ = 0;
};

}  // namespace sql
