#include "engines/sql/common/vector.h"

#include <algorithm>
#include <cstring>

namespace sql {

size_t PhysicalSize(PhysicalType p) {
  switch (p) {
    case PhysicalType::kBool:
      return 1;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kInt128:
      return 16;
    case PhysicalType::kString:
      return sizeof(std::string_view);
  }
  return 8;
}

void Vector::Initialize(Type type, size_t capacity) {
  if (capacity == 0) capacity = 1;
  size_t bytes = PhysicalSize(type.physical()) * capacity;
  size_t old_bytes = PhysicalSize(type_.physical()) * capacity_;
  if (!data_owner_ || data_owner_.use_count() != 1 || old_bytes < bytes) {
    data_owner_ = std::make_shared_for_overwrite<uint8_t[]>(std::max<size_t>(bytes, 16));
    capacity_ = capacity;
  } else {
    capacity_ = old_bytes / PhysicalSize(type.physical());
  }
  data_ = data_owner_.get();
  type_ = type;
  constant_ = false;
  has_nulls_ = false;
  if (valid_owner_ && valid_owner_.use_count() != 1) {
    valid_owner_.reset();
    valid_ = nullptr;
    valid_capacity_ = 0;
  }
  if (type.physical() == PhysicalType::kString) {
    if (!heap_ || heap_.use_count() != 1 || heap_->bytes() > (1u << 20)) {
      heap_.reset();
    }
  } else {
    heap_.reset();
  }
}

uint8_t* Vector::MutableValidity() {
  if (!has_nulls_) {
    if (!valid_owner_ || valid_owner_.use_count() != 1 || valid_capacity_ < capacity_) {
      valid_owner_ = std::make_shared_for_overwrite<uint8_t[]>(capacity_);
      valid_ = valid_owner_.get();
      valid_capacity_ = capacity_;
    }
    std::memset(valid_, 1, capacity_);
    has_nulls_ = true;
  }
  return valid_;
}

StringHeap& Vector::heap() {
  if (!heap_) heap_ = std::make_shared<StringHeap>();
  return *heap_;
}

void Vector::KeepStringsOf(const Vector& other) {
  if (!other.heap_ || other.heap_ == heap_) return;
  heap().KeepAlive(other.heap_);
}

void Vector::SetConstantValue(const Value& v) {
  Type t = v.type();
  Initialize(t, 1);
  SetValue(0, v);
  constant_ = true;
}

void Vector::Reference(const Vector& other) {
  type_ = other.type_;
  capacity_ = other.capacity_;
  constant_ = other.constant_;
  has_nulls_ = other.has_nulls_;
  data_owner_ = other.data_owner_;
  data_ = other.data_;
  valid_owner_ = other.valid_owner_;
  valid_ = other.valid_;
  valid_capacity_ = other.valid_capacity_;
  heap_ = other.heap_;
}

Value Vector::GetValue(size_t i) const {
  if (constant_) i = 0;
  if (!IsValid(i)) return Value::Null(type_);
  switch (type_.physical()) {
    case PhysicalType::kBool:
      return Value::Boolean(data<uint8_t>()[i] != 0);
    case PhysicalType::kInt64:
      if (type_.id() == TypeId::kDecimal) return Value::Decimal(type_, data<int64_t>()[i]);
      return Value::Int(type_, data<int64_t>()[i]);
    case PhysicalType::kInt128:
      return Value::Decimal(type_, data<int128_t>()[i]);
    case PhysicalType::kDouble:
      if (type_.id() == TypeId::kReal) return Value::Real(static_cast<float>(data<double>()[i]));
      return Value::Double(data<double>()[i]);
    case PhysicalType::kString: {
      Value v = Value::Varchar(std::string(data<std::string_view>()[i]));
      return v;
    }
  }
  return Value::Null(type_);
}

void Vector::SetValue(size_t i, const Value& v) {
  if (v.is_null() || v.type().id() == TypeId::kUnknown) {
    if (type_.physical() == PhysicalType::kString) data<std::string_view>()[i] = {};
    SetNull(i);
    return;
  }
  SetValid(i);
  switch (type_.physical()) {
    case PhysicalType::kBool:
      data<uint8_t>()[i] = v.boolean() ? 1 : 0;
      break;
    case PhysicalType::kInt64:
      data<int64_t>()[i] = v.type().id() == TypeId::kDecimal ? static_cast<int64_t>(v.int128())
                                                             : v.int64();
      break;
    case PhysicalType::kInt128:
      data<int128_t>()[i] = v.int128();
      break;
    case PhysicalType::kDouble:
      data<double>()[i] = v.dbl();
      break;
    case PhysicalType::kString:
      data<std::string_view>()[i] = AddString(v.str());
      break;
  }
}

void Vector::Flatten(size_t count) {
  if (!constant_) return;
  Vector flat;
  flat.Initialize(type_, std::max(count, capacity_ > 1 ? capacity_ : kVectorSize));
  size_t w = PhysicalSize(type_.physical());
  for (size_t i = 0; i < count; i++) std::memcpy(flat.data_ + i * w, data_, w);
  if (has_nulls_ && !valid_[0]) {
    std::memset(flat.MutableValidity(), 0, count);
  }
  flat.heap_ = heap_;
  *this = std::move(flat);
}

namespace {

template <class T>
void GatherValues(const T* src, const uint32_t* sel, size_t count, T* dst) {
  for (size_t i = 0; i < count; i++) dst[i] = src[sel[i]];
}

}  // namespace

void Vector::Gather(const Vector& src, const uint32_t* sel, size_t count) {
  if (src.constant_) {
    Reference(src);
    return;
  }
  std::shared_ptr<StringHeap> keep = src.heap_;
  Initialize(src.type_, count);
  switch (type_.physical()) {
    case PhysicalType::kBool:
      GatherValues(src.data<uint8_t>(), sel, count, data<uint8_t>());
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      GatherValues(src.data<int64_t>(), sel, count, data<int64_t>());
      break;
    case PhysicalType::kInt128:
      GatherValues(src.data<int128_t>(), sel, count, data<int128_t>());
      break;
    case PhysicalType::kString:
      GatherValues(src.data<std::string_view>(), sel, count, data<std::string_view>());
      heap_ = keep;
      break;
  }
  if (src.has_nulls_) {
    uint8_t* v = MutableValidity();
    GatherValues(src.valid_, sel, count, v);
  }
}

void Vector::CopyRange(const Vector& src, size_t src_offset, size_t count, size_t dst) {
  size_t w = PhysicalSize(type_.physical());
  if (src.constant_) {
    for (size_t i = 0; i < count; i++) std::memcpy(data_ + (dst + i) * w, src.data_, w);
    if (src.has_nulls_ && !src.valid_[0]) {
      std::memset(MutableValidity() + dst, 0, count);
    } else if (has_nulls_) {
      std::memset(valid_ + dst, 1, count);
    }
  } else {
    std::memcpy(data_ + dst * w, src.data_ + src_offset * w, count * w);
    if (src.has_nulls_) {
      std::memcpy(MutableValidity() + dst, src.valid_ + src_offset, count);
    } else if (has_nulls_) {
      std::memset(valid_ + dst, 1, count);
    }
  }
  if (type_.physical() == PhysicalType::kString) KeepStringsOf(src);
}

void Vector::Reserve(size_t capacity, size_t count) {
  if (capacity <= capacity_ && data_owner_.use_count() == 1 &&
      (!has_nulls_ || (valid_owner_.use_count() == 1 && valid_capacity_ >= capacity_))) {
    return;
  }
  size_t w = PhysicalSize(type_.physical());
  auto data = std::make_shared_for_overwrite<uint8_t[]>(capacity * w);
  std::memcpy(data.get(), data_, count * w);
  data_owner_ = data;
  data_ = data.get();
  if (has_nulls_) {
    auto valid = std::make_shared_for_overwrite<uint8_t[]>(capacity);
    std::memcpy(valid.get(), valid_, count);
    valid_owner_ = valid;
    valid_ = valid.get();
    valid_capacity_ = capacity;
  } else {
    valid_owner_.reset();
    valid_ = nullptr;
    valid_capacity_ = 0;
  }
  capacity_ = capacity;
}

void DataChunk::Initialize(const std::vector<Type>& types, size_t capacity) {
  capacity_ = capacity;
  columns_.resize(types.size());
  for (size_t i = 0; i < types.size(); i++) columns_[i].Initialize(types[i], capacity);
  size_ = 0;
}

void DataChunk::Reset() {
  for (auto& c : columns_) c.Initialize(c.type(), capacity_);
  size_ = 0;
}

std::vector<Type> DataChunk::types() const {
  std::vector<Type> t;
  t.reserve(columns_.size());
  for (const auto& c : columns_) t.push_back(c.type());
  return t;
}

void DataChunk::Slice(const uint32_t* sel, size_t count) {
  for (auto& c : columns_) {
    Vector v;
    v.Gather(c, sel, count);
    c = std::move(v);
  }
  size_ = count;
}

bool Vector::CanAppendInPlace(size_t size, size_t count) const {
  if (constant_ || !data_owner_ || data_owner_.use_count() != 1) return false;
  // Growing gives fresh buffers of its own.
  if (size + count > capacity_) return true;
  return !has_nulls_ || (valid_owner_ && valid_owner_.use_count() == 1 && valid_capacity_ >= size + count);
}

void Vector::GrowFor(size_t size, size_t count, size_t limit) {
  size_t need = size + count;
  // Doubling keeps repeated small appends linear; `limit` caps it at the chunk's capacity.
  Reserve(need <= capacity_ ? capacity_ : std::max(need, std::min(limit, 2 * capacity_)), size);
}

bool DataChunk::AppendInPlace(const DataChunk& other) {
  if (other.columns_.size() != columns_.size() || size_ + other.size_ > capacity_) return false;
  for (size_t c = 0; c < columns_.size(); c++) {
    if (!columns_[c].CanAppendInPlace(size_, other.size_) || columns_[c].type() != other.columns_[c].type()) {
      return false;
    }
  }
  for (size_t c = 0; c < columns_.size(); c++) {
    columns_[c].GrowFor(size_, other.size_, capacity_);
    columns_[c].CopyRange(other.columns_[c], 0, other.size_, size_);
  }
  size_ += other.size_;
  return true;
}

void DataChunk::Flatten() {
  for (auto& c : columns_) c.Flatten(size_);
}

void ChunkCollection::Append(const DataChunk& chunk) {
  if (chunk.size() == 0) return;
  size_t offset = 0;
  while (offset < chunk.size()) {
    if (chunks_.empty() || chunks_.back().size() == chunks_.back().capacity()) {
      chunks_.emplace_back(types_);
    }
    DataChunk& last = chunks_.back();
    size_t n = std::min(chunk.size() - offset, last.capacity() - last.size());
    for (size_t c = 0; c < types_.size(); c++) {
      // Chunks taken as-is (AppendOwned) may hold only the rows they came with.
      last.column(c).GrowFor(last.size(), n, last.capacity());
      last.column(c).CopyRange(chunk.column(c), offset, n, last.size());
    }
    last.set_size(last.size() + n);
    offset += n;
    rows_ += n;
  }
  for (size_t c = 0; c < types_.size(); c++) {
    bytes_ += chunk.size() * PhysicalSize(types_[c].physical());
  }
}

void ChunkCollection::AppendOwned(DataChunk&& chunk) {
  if (chunk.size() == 0) return;
  chunk.Flatten();
  rows_ += chunk.size();
  for (size_t c = 0; c < types_.size(); c++) {
    bytes_ += chunk.size() * PhysicalSize(types_[c].physical());
  }
  chunks_.push_back(std::move(chunk));
}

Value ChunkCollection::GetValue(size_t column, size_t row) const {
  for (const auto& c : chunks_) {
    if (row < c.size()) return c.column(column).GetValue(row);
    row -= c.size();
  }
  return Value::Null(types_[column]);
}

}  // namespace sql
