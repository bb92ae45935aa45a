#include "engines/sql/formats/parquet/dictionary_builder.h"

#include <cstring>

#include "engines/sql/formats/parquet/column_plan.h"

namespace sql::parquet {
namespace {

uint64_t Mix(uint64_t h) {
  h ^= h >> 31;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 29;
  return h;
}

uint64_t HashBytes(std::string_view k) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ k.size();
  size_t i = 0;
  for (; i + 8 <= k.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, k.data() + i, 8);
    h = Mix((h ^ w) * 0xbf58476d1ce4e5b9ULL);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, k.data() + i, k.size() - i);
  return Mix((h ^ tail) * 0xbf58476d1ce4e5b9ULL);
}

}  // namespace

DictionaryBuilder::DictionaryBuilder(PhysicalType type) : type_(type) { Clear(); }

void DictionaryBuilder::Clear() {
  values_.Reset(PhysicalValueType(type_));
  values_.offsets.push_back(0);
  hashes_.clear();
  slots_.assign(1024, -1);
}

std::string_view DictionaryBuilder::KeyOf(const ColumnBatch& v, int64_t i) const {
  auto view = [](const void* p, size_t n) {
    return std::string_view(static_cast<const char*>(p), n);
  };
  switch (v.type) {
    case ValueType::kInt32:
      return view(&v.i32[i], 4);
    case ValueType::kInt64:
      return view(&v.i64[i], 8);
    case ValueType::kFloat:
      return view(&v.f32[i], 4);
    case ValueType::kDouble:
      return view(&v.f64[i], 8);
    case ValueType::kInt128:
      return view(&v.i128[i], 16);
    case ValueType::kBinary:
      return v.Binary(i);
    case ValueType::kBool:
      return view(&v.bools[i], 1);
  }
  return {};
}

void DictionaryBuilder::Grow() {
  slots_.assign(slots_.size() * 2, -1);
  const size_t mask = slots_.size() - 1;
  for (size_t e = 0; e < hashes_.size(); ++e) {
    size_t s = hashes_[e] & mask;
    while (slots_[s] != -1) s = (s + 1) & mask;
    slots_[s] = static_cast<int32_t>(e);
  }
}

uint32_t DictionaryBuilder::Insert(const ColumnBatch& v, int64_t i) {
  const std::string_view key = KeyOf(v, i);
  const uint64_t h = HashBytes(key);
  const size_t mask = slots_.size() - 1;
  size_t s = h & mask;
  while (slots_[s] != -1) {
    const int32_t e = slots_[s];
    if (hashes_[e] == h && KeyOf(values_, e) == key) return static_cast<uint32_t>(e);
    s = (s + 1) & mask;
  }
  const auto index = static_cast<int32_t>(hashes_.size());
  switch (values_.type) {
    case ValueType::kInt32:
      values_.i32.push_back(v.i32[i]);
      break;
    case ValueType::kInt64:
      values_.i64.push_back(v.i64[i]);
      break;
    case ValueType::kFloat:
      values_.f32.push_back(v.f32[i]);
      break;
    case ValueType::kDouble:
      values_.f64.push_back(v.f64[i]);
      break;
    case ValueType::kInt128:
      values_.i128.push_back(v.i128[i]);
      break;
    case ValueType::kBinary:
      values_.bytes.append(key);
      values_.offsets.push_back(static_cast<int64_t>(values_.bytes.size()));
      break;
    case ValueType::kBool:
      values_.bools.push_back(v.bools[i]);
      break;
  }
  ++values_.num_rows;
  hashes_.push_back(h);
  slots_[s] = index;
  if (hashes_.size() * 2 > slots_.size()) Grow();
  return static_cast<uint32_t>(index);
}

int64_t DictionaryBuilder::plain_bytes() const {
  switch (type_) {
    case PhysicalType::kByteArray:
      return static_cast<int64_t>(values_.bytes.size()) + 4 * values_.num_rows;
    case PhysicalType::kFixedLenByteArray:
      return static_cast<int64_t>(values_.bytes.size());
    case PhysicalType::kInt96:
      return 12 * values_.num_rows;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4 * values_.num_rows;
    default:
      return 8 * values_.num_rows;
  }
}

}  // namespace sql::parquet
