// Internal to the Parquet library. The Thrift compact protocol, which Parquet uses for its
// footer and page headers: CompactReader decodes structs field by field from a byte range,
// with every read bounds-checked, container sizes checked against the bytes left, and nesting
// depth bounded, so corrupt input gives ParquetError (ThriftEndOfInput when the bytes run out
// mid-value, which a caller reading a prefix may answer by offering more). Unknown fields are
// skipped by their wire type. CompactWriter is the matching encoder. One thread each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql::parquet {

// Compact-protocol wire types.
enum class ThriftType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftEndOfInput : public ParquetError {
 public:
  using ParquetError::ParquetError;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size) : pos_(data), begin_(data), end_(data + size) {}

  size_t consumed() const { return static_cast<size_t>(pos_ - begin_); }

  // Struct traversal: BeginStruct, then NextField until it returns false (at the stop byte,
  // which also ends the struct). Each field's value must be read or skipped before the next.
  void BeginStruct();
  bool NextField(int16_t* id, ThriftType* type);

  bool ReadBoolField(ThriftType type) const { return type == ThriftType::kTrue; }
  int64_t ReadInt();  // i16, i32 or i64 (zig-zag varint)
  int8_t ReadByte();
  double ReadDouble();
  std::string ReadBinary();
  // A list or set header: returns the element count, sets the element type.
  uint32_t ReadListBegin(ThriftType* element_type);
  bool ReadListBool();

  void Skip(ThriftType type);

 private:
  static constexpr int kMaxDepth = 64;
  uint8_t Next();
  uint64_t ReadVarint();
  void Need(size_t n);
  [[noreturn]] void Corrupt(const char* why) const;

  const uint8_t* pos_;
  const uint8_t* begin_;
  const uint8_t* end_;
  std::vector<int16_t> last_ids_;  // one per open struct
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  void BeginStruct() { last_ids_.push_back(0); }
  void EndStruct();  // writes the stop byte

  void BoolField(int16_t id, bool v);
  void ByteField(int16_t id, int8_t v);
  void I32Field(int16_t id, int32_t v);
  void I64Field(int16_t id, int64_t v);
  void BinaryField(int16_t id, std::string_view v);
  void StructField(int16_t id);  // then the struct's fields, then EndStruct
  void ListField(int16_t id, ThriftType element_type, uint32_t size);

  void ListBegin(ThriftType element_type, uint32_t size);
  void I32(int32_t v);
  void I64(int64_t v);
  void Binary(std::string_view v);

 private:
  void FieldHeader(int16_t id, ThriftType type);
  void Varint(uint64_t v);

  std::string* out_;
  std::vector<int16_t> last_ids_;
};

}  // namespace sql::parquet
