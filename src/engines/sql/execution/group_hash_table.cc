#include "engines/sql/execution/group_hash_table.h"

#include <algorithm>
#include <cmath>

#include "engines/sql/common/vector_ops.h"

namespace sql {

namespace {
constexpr uint32_t kEmpty = UINT32_MAX;
}

GroupHashTable::GroupHashTable(std::vector<Type> key_types, ExecContext* ctx)
    : key_types_(std::move(key_types)), ctx_(ctx) {
  slots_.assign(64, Slot{0, kEmpty});
  mask_ = slots_.size() - 1;
  capacity_ = 64;
  stored_.resize(key_types_.size());
  for (size_t c = 0; c < key_types_.size(); c++) stored_[c].Initialize(key_types_[c], capacity_);
}

void GroupHashTable::Reserve(size_t groups) {
  size_t slots = slots_.size();
  while ((groups + 1) * 2 > slots) slots *= 2;
  if (slots > slots_.size()) Rehash(slots);
  if (groups > capacity_) {
    int64_t bytes = 0;
    for (size_t c = 0; c < stored_.size(); c++) {
      stored_[c].Reserve(groups, groups_);
      bytes += static_cast<int64_t>((groups - capacity_) * PhysicalSize(key_types_[c].physical()));
    }
    ctx_->Reserve(bytes);
    capacity_ = groups;
  }
}

void GroupHashTable::GroupTags(uint32_t* tags) const {
  for (const Slot& s : slots_) {
    if (s.group != kEmpty) tags[s.group] = s.tag;
  }
}

void GroupHashTable::Clear() {
  std::fill(slots_.begin(), slots_.end(), Slot{0, kEmpty});
  groups_ = 0;
  for (size_t c = 0; c < stored_.size(); c++) stored_[c].Initialize(key_types_[c], capacity_);
}

void GroupHashTable::Grow() { Rehash(slots_.size() * 2); }

void GroupHashTable::Rehash(size_t size) {
  std::vector<Slot> old = std::move(slots_);
  ctx_->Reserve(static_cast<int64_t>((size - old.size()) * sizeof(Slot)));
  slots_.assign(size, Slot{0, kEmpty});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.group == kEmpty) continue;
    size_t p = s.tag & mask_;
    while (slots_[p].group != kEmpty) p = (p + 1) & mask_;
    slots_[p] = s;
  }
}

bool GroupHashTable::Matches(const std::vector<Vector>& keys, size_t row, uint32_t group) const {
  for (size_t c = 0; c < keys.size(); c++) {
    const Vector& k = keys[c];
    const Vector& s = stored_[c];
    size_t r = k.is_constant() ? 0 : row;
    bool valid = k.IsValid(r);
    if (valid != s.IsValid(group)) return false;
    if (!valid) continue;
    switch (s.type().physical()) {
      case PhysicalType::kBool:
        if ((k.data<uint8_t>()[r] != 0) != (s.data<uint8_t>()[group] != 0)) return false;
        break;
      case PhysicalType::kInt64:
        if (k.data<int64_t>()[r] != s.data<int64_t>()[group]) return false;
        break;
      case PhysicalType::kInt128:
        if (k.data<int128_t>()[r] != s.data<int128_t>()[group]) return false;
        break;
      case PhysicalType::kDouble: {
        // -0.0 equals 0.0 and NaN equals NaN, as in RowsEqual.
        double x = k.data<double>()[r], y = s.data<double>()[group];
        if (x != y && !(std::isnan(x) && std::isnan(y))) return false;
        break;
      }
      case PhysicalType::kString:
        if (k.data<std::string_view>()[r] != s.data<std::string_view>()[group]) return false;
        break;
    }
  }
  return true;
}

uint32_t GroupHashTable::AddGroup(std::vector<Vector>& keys, size_t row) {
  if (groups_ == capacity_) {
    size_t next = capacity_ * 2;
    int64_t bytes = 0;
    for (size_t c = 0; c < stored_.size(); c++) {
      stored_[c].Reserve(next, groups_);
      bytes += static_cast<int64_t>(capacity_ * PhysicalSize(key_types_[c].physical()));
    }
    ctx_->Reserve(bytes);
    capacity_ = next;
  }
  uint32_t g = static_cast<uint32_t>(groups_++);
  for (size_t c = 0; c < keys.size(); c++) {
    Vector& dst = stored_[c];
    const Vector& src = keys[c];
    size_t k = src.is_constant() ? 0 : row;
    if (!src.IsValid(k)) {
      if (dst.type().physical() == PhysicalType::kString) dst.data<std::string_view>()[g] = {};
      dst.SetNull(g);
      continue;
    }
    dst.SetValid(g);
    switch (dst.type().physical()) {
      case PhysicalType::kBool:
        dst.data<uint8_t>()[g] = src.data<uint8_t>()[k];
        break;
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        dst.data<int64_t>()[g] = src.data<int64_t>()[k];
        break;
      case PhysicalType::kInt128:
        dst.data<int128_t>()[g] = src.data<int128_t>()[k];
        break;
      case PhysicalType::kString:
        std::string_view v = src.data<std::string_view>()[k];
        dst.data<std::string_view>()[g] = share_strings_ ? v : dst.AddString(v);
        break;
    }
  }
  return g;
}

void GroupHashTable::Hash(const std::vector<Vector>& keys, size_t count, uint64_t* hashes) {
  for (size_t c = 0; c < keys.size(); c++) HashVector(keys[c], count, hashes, c > 0);
}

uint32_t GroupHashTable::Insert(std::vector<Vector>& keys, size_t row, uint64_t h) {
  if ((groups_ + 1) * 2 > slots_.size()) Grow();
  uint32_t tag = static_cast<uint32_t>(h);
  size_t p = tag & mask_;
  while (true) {
    Slot& s = slots_[p];
    if (s.group == kEmpty) {
      s.tag = tag;
      s.group = AddGroup(keys, row);
      return s.group;
    }
    if (s.tag == tag && Matches(keys, row, s.group)) return s.group;
    p = (p + 1) & mask_;
  }
}

void GroupHashTable::FindOrCreate(std::vector<Vector>& keys, size_t count, uint32_t* group_ids) {
  if (keys.empty()) {
    for (size_t i = 0; i < count; i++) group_ids[i] = 0;
    if (groups_ == 0 && count > 0) groups_ = 1;
    return;
  }
  KeepStrings(keys);
  hashes_.resize(count);
  Hash(keys, count, hashes_.data());
  for (size_t i = 0; i < count; i++) group_ids[i] = Insert(keys, i, hashes_[i]);
}

void GroupHashTable::FindOrCreate(std::vector<Vector>& keys, size_t count, const uint32_t* tags,
                                  uint32_t* group_ids) {
  KeepStrings(keys);
  for (size_t i = 0; i < count; i++) group_ids[i] = Insert(keys, i, tags[i]);
}

void GroupHashTable::KeepStrings(std::vector<Vector>& keys) {
  if (!share_strings_) return;
  for (size_t c = 0; c < keys.size(); c++) {
    if (key_types_[c].physical() == PhysicalType::kString) stored_[c].KeepStringsOf(keys[c]);
  }
}

uint32_t GroupHashTable::FindRow(const std::vector<Vector>& keys, size_t row, uint32_t tag) const {
  for (size_t p = tag & mask_;; p = (p + 1) & mask_) {
    const Slot& s = slots_[p];
    if (s.group == kEmpty) return kEmpty;
    if (s.tag == tag && Matches(keys, row, s.group)) return s.group;
  }
}

}  // namespace sql
