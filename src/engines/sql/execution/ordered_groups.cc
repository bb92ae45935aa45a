#include "engines/sql/execution/ordered_groups.h"

#include <algorithm>

namespace sql {

bool OrderedGroups::FindOrCreate(const Vector& key, size_t count, uint32_t* group_ids) {
  if (count == 0) return true;
  if (merged_) return false;
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
  // The first row joins the run's last group when it holds the same key; every other row
  // joins the group of the row before it or, when the key changes, the next one. Counted
  // without a branch: runs of equal keys are short (an order's few items), and a branch
  // on each key change is mispredicted about as often as it is taken.
  size_t n = keys_.size();
  keys_.resize(n + count);
  int64_t* out = keys_.data();
  size_t g = continues && k[0] == out[n - 1] ? n - 1 : n;
  out[g] = k[0];
  group_ids[0] = static_cast<uint32_t>(g);
  for (size_t i = 1; i < count; i++) {
    g += k[i] != k[i - 1];
    out[g] = k[i];
    group_ids[i] = static_cast<uint32_t>(g);
  }
  keys_.resize(g + 1);
  return true;
}

void OrderedGroups::Erase(const std::vector<uint8_t>& erase) {
  std::vector<size_t> starts;
  size_t run = 0, live = 0;
  for (size_t g = 0; g < keys_.size(); g++) {
    while (run < run_starts_.size() && run_starts_[run] == g) {
      if (starts.empty() || starts.back() != live) starts.push_back(live);
      run++;
    }
    if (!erase[g]) keys_[live++] = keys_[g];
  }
  if (!starts.empty() && starts.back() == live) starts.pop_back();  // emptied trailing runs
  keys_.resize(live);
  run_starts_ = std::move(starts);
}

void OrderedGroups::Append(OrderedGroups& other) {
  for (size_t s : other.run_starts_) run_starts_.push_back(keys_.size() + s);
  keys_.insert(keys_.end(), other.keys_.begin(), other.keys_.end());
  other.keys_.clear();
  other.run_starts_.clear();
}

void OrderedGroups::Merge(std::vector<uint8_t*>& states,
                          const std::function<void(uint8_t* from, uint8_t* to)>& fold) {
  if (run_starts_.size() > 1) {
    // Walks the runs in key order together (a heap of their next groups): a key that
    // several runs hold folds into its first group, and the others are marked dead.
    struct Next {
      int64_t key;
      size_t group, end;  // the group, and the end of its run
    };
    auto later = [](const Next& a, const Next& b) { return a.key > b.key; };
    std::vector<Next> heap;
    for (size_t r = 0; r < run_starts_.size(); r++) {
      size_t end = r + 1 < run_starts_.size() ? run_starts_[r + 1] : keys_.size();
      if (run_starts_[r] < end) heap.push_back({keys_[run_starts_[r]], run_starts_[r], end});
    }
    std::make_heap(heap.begin(), heap.end(), later);
    std::vector<char> dead(keys_.size(), 0);
    size_t first = SIZE_MAX;  // the live group of the key last taken
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      Next n = heap.back();
      heap.pop_back();
      if (first != SIZE_MAX && keys_[first] == n.key) {
        fold(states[n.group], states[first]);
        dead[n.group] = 1;
      } else {
        first = n.group;
      }
      if (n.group + 1 < n.end) {
        heap.push_back({keys_[n.group + 1], n.group + 1, n.end});
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
    size_t live = 0;
    for (size_t g = 0; g < keys_.size(); g++) {
      if (dead[g]) continue;
      keys_[live] = keys_[g];
      states[live++] = states[g];
    }
    keys_.resize(live);
    states.resize(live);
    run_starts_ = {0};
  }
  merged_ = true;
}

}  // namespace sql
