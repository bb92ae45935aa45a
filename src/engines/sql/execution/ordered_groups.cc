#include "engines/sql/execution/ordered_groups.h"

namespace sql {

bool OrderedGroups::FindOrCreate(const Vector& key, size_t count, uint32_t* group_ids) {
  if (count == 0) return true;
  const int64_t* k = key.data<int64_t>();
  if (key.has_nulls()) {
    const uint8_t* valid = key.validity();
    for (size_t i = 0; i < count; i++) {
      if (!valid[i]) return false;
    }
  }
  for (size_t i = 1; i < count; i++) {
    if (k[i] < k[i - 1]) return false;
  }
  bool continues = !keys_.empty() && k[0] >= keys_.back();
  if (!continues) {
    if (run_starts_.size() >= kMaxRuns) return false;
    run_starts_.push_back(keys_.size());
  }
  // The first row joins the run's last group when it holds the same key.
  bool open = continues;
  for (size_t i = 0; i < count; i++) {
    if (!open || k[i] != keys_.back()) keys_.push_back(k[i]);
    open = true;
    group_ids[i] = static_cast<uint32_t>(keys_.size() - 1);
  }
  return true;
}

void OrderedGroups::Append(OrderedGroups& other) {
  for (size_t s : other.run_starts_) run_starts_.push_back(keys_.size() + s);
  keys_.insert(keys_.end(), other.keys_.begin(), other.keys_.end());
  other.keys_.clear();
  other.run_starts_.clear();
}

void OrderedGroups::Merge(std::vector<uint8_t*>& states,
                          const std::function<void(uint8_t* from, uint8_t* to)>& fold) {
  std::vector<int64_t> keys;
  std::vector<uint8_t*> merged;
  // Pairs of neighbouring runs merge until one is left: each pass reads every group once.
  while (run_starts_.size() > 1) {
    keys.clear();
    merged.clear();
    keys.reserve(keys_.size());
    merged.reserve(keys_.size());
    std::vector<size_t> starts;
    auto end_of = [&](size_t r) { return r + 1 < run_starts_.size() ? run_starts_[r + 1] : keys_.size(); };
    for (size_t r = 0; r < run_starts_.size(); r += 2) {
      starts.push_back(keys.size());
      size_t i = run_starts_[r], ie = end_of(r);
      size_t j = r + 1 < run_starts_.size() ? run_starts_[r + 1] : ie, je = r + 1 < run_starts_.size() ? end_of(r + 1) : ie;
      while (i < ie && j < je) {
        if (keys_[i] < keys_[j]) {
          keys.push_back(keys_[i]);
          merged.push_back(states[i++]);
        } else if (keys_[j] < keys_[i]) {
          keys.push_back(keys_[j]);
          merged.push_back(states[j++]);
        } else {
          fold(states[j++], states[i]);
          keys.push_back(keys_[i]);
          merged.push_back(states[i++]);
        }
      }
      for (; i < ie; i++) {
        keys.push_back(keys_[i]);
        merged.push_back(states[i]);
      }
      for (; j < je; j++) {
        keys.push_back(keys_[j]);
        merged.push_back(states[j]);
      }
    }
    keys_.swap(keys);
    states.swap(merged);
    run_starts_ = std::move(starts);
  }
}

}  // namespace sql
