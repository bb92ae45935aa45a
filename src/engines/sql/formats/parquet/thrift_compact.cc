#include "engines/sql/formats/parquet/thrift_compact.h"

#include <cstring>

namespace sql::parquet {

void CompactReader::Corrupt(const char* why) const {
  throw ParquetError(std::string("corrupt Thrift metadata: ") + why);
}

void CompactReader::Need(size_t n) {
  if (static_cast<size_t>(end_ - pos_) < n) throw ThriftEndOfInput("Thrift metadata ends early");
}

uint8_t CompactReader::Next() {
  Need(1);
  return *pos_++;
}

uint64_t CompactReader::ReadVarint() {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t b = Next();
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return result;
  }
  Corrupt("varint too long");
}

void CompactReader::BeginStruct() {
  if (last_ids_.size() >= kMaxDepth) Corrupt("nesting too deep");
  last_ids_.push_back(0);
}

bool CompactReader::NextField(int16_t* id, ThriftType* type) {
  const uint8_t header = Next();
  if (header == 0) {
    last_ids_.pop_back();
    return false;
  }
  const uint8_t t = header & 0x0f;
  if (t > static_cast<uint8_t>(ThriftType::kStruct)) Corrupt("unknown field type");
  const int delta = header >> 4;
  int16_t& last = last_ids_.back();
  if (delta != 0) {
    last = static_cast<int16_t>(last + delta);
  } else {
    last = static_cast<int16_t>(ReadInt());
  }
  *id = last;
  *type = static_cast<ThriftType>(t);
  return true;
}

int64_t CompactReader::ReadInt() {
  const uint64_t v = ReadVarint();
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

int8_t CompactReader::ReadByte() { return static_cast<int8_t>(Next()); }

double CompactReader::ReadDouble() {
  Need(8);
  double v;
  std::memcpy(&v, pos_, 8);
  pos_ += 8;
  return v;
}

std::string CompactReader::ReadBinary() {
  const uint64_t n = ReadVarint();
  Need(n);
  std::string s(reinterpret_cast<const char*>(pos_), n);
  pos_ += n;
  return s;
}

uint32_t CompactReader::ReadListBegin(ThriftType* element_type) {
  const uint8_t header = Next();
  uint64_t size = header >> 4;
  if (size == 15) size = ReadVarint();
  const uint8_t t = header & 0x0f;
  if (t > static_cast<uint8_t>(ThriftType::kStruct)) Corrupt("unknown list element type");
  // Every element takes at least one byte, so a larger count cannot be right.
  if (size > static_cast<uint64_t>(end_ - pos_)) Need(size);
  *element_type = static_cast<ThriftType>(t);
  return static_cast<uint32_t>(size);
}

bool CompactReader::ReadListBool() { return Next() == 1; }

void CompactReader::Skip(ThriftType type) {
  switch (type) {
    case ThriftType::kTrue:
    case ThriftType::kFalse:
      return;
    case ThriftType::kByte:
      Next();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      ReadVarint();
      return;
    case ThriftType::kDouble:
      Need(8);
      pos_ += 8;
      return;
    case ThriftType::kBinary: {
      const uint64_t n = ReadVarint();
      Need(n);
      pos_ += n;
      return;
    }
    case ThriftType::kList:
    case ThriftType::kSet: {
      if (last_ids_.size() >= kMaxDepth) Corrupt("nesting too deep");
      ThriftType element;
      const uint32_t n = ReadListBegin(&element);
      last_ids_.push_back(0);  // counts the container towards the depth bound
      for (uint32_t i = 0; i < n; ++i) {
        if (element == ThriftType::kTrue || element == ThriftType::kFalse) {
          Next();
        } else {
          Skip(element);
        }
      }
      last_ids_.pop_back();
      return;
    }
    case ThriftType::kMap: {
      if (last_ids_.size() >= kMaxDepth) Corrupt("nesting too deep");
      const uint64_t n = ReadVarint();
      if (n == 0) return;
      if (n > static_cast<uint64_t>(end_ - pos_)) Need(n);
      const uint8_t kv = Next();
      const auto key = static_cast<ThriftType>(kv >> 4);
      const auto value = static_cast<ThriftType>(kv & 0x0f);
      if ((kv >> 4) > 12 || (kv & 0x0f) > 12) Corrupt("unknown map element type");
      last_ids_.push_back(0);
      for (uint64_t i = 0; i < n; ++i) {
        for (ThriftType t : {key, value}) {
          if (t == ThriftType::kTrue || t == ThriftType::kFalse) {
            Next();
          } else {
            Skip(t);
          }
        }
      }
      last_ids_.pop_back();
      return;
    }
    case ThriftType::kStruct: {
      BeginStruct();
      int16_t id;
      ThriftType t;
      while (NextField(&id, &t)) Skip(t);
      return;
    }
    case ThriftType::kStop:
      Corrupt("unexpected stop");
  }
}

void CompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::FieldHeader(int16_t id, ThriftType type) {
  int16_t& last = last_ids_.back();
  const int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    I64(id);
  }
  last = id;
}

void CompactWriter::EndStruct() {
  out_->push_back(0);
  last_ids_.pop_back();
}

void CompactWriter::BoolField(int16_t id, bool v) {
  FieldHeader(id, v ? ThriftType::kTrue : ThriftType::kFalse);
}

void CompactWriter::ByteField(int16_t id, int8_t v) {
  FieldHeader(id, ThriftType::kByte);
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::I32Field(int16_t id, int32_t v) {
  FieldHeader(id, ThriftType::kI32);
  I64(v);
}

void CompactWriter::I64Field(int16_t id, int64_t v) {
  FieldHeader(id, ThriftType::kI64);
  I64(v);
}

void CompactWriter::BinaryField(int16_t id, std::string_view v) {
  FieldHeader(id, ThriftType::kBinary);
  Binary(v);
}

void CompactWriter::StructField(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStruct();
}

void CompactWriter::ListField(int16_t id, ThriftType element_type, uint32_t size) {
  FieldHeader(id, ThriftType::kList);
  ListBegin(element_type, size);
}

void CompactWriter::ListBegin(ThriftType element_type, uint32_t size) {
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint8_t>(element_type)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<uint8_t>(element_type)));
    Varint(size);
  }
}

void CompactWriter::I32(int32_t v) { I64(v); }

void CompactWriter::I64(int64_t v) {
  Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void CompactWriter::Binary(std::string_view v) {
  Varint(v.size());
  out_->append(v);
}

}  // namespace sql::parquet
