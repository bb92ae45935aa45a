// Maps rows of one integer-like key (BIGINT, INTEGER, DATE...: physical int64) to dense group
// ids, like GroupHashTable, for input that arrives clustered on the key: a table stored in
// key order (lineitem by l_orderkey) read a row group at a time. Rows must come in ascending
// runs: a chunk continues the current run (its first key at least the run's last) or starts
// a new one, so equal keys are neighbours and a group is created only when the key changes;
// no hash table is built. Runs (one per stretch of ascending input, and those of other
// copies of the aggregation) are merged at the end by walking them in key order together,
// folding the states of keys that several runs hold; nothing is copied. Input that is not
// clustered is refused chunk by chunk, and the caller goes on with a hash table. Not
// thread-safe: one instance per thread, merged after.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "engines/sql/common/vector.h"

namespace sql {

class OrderedGroups {
 public:
  // Runs kept before input counts as not clustered.
  static constexpr size_t kMaxRuns = 16;

  // Finds or creates the group of each of the `count` rows of the flat vector `key`,
  // writing ids to group_ids[0..count). Returns false, changing nothing, when a key is
  // NULL, the keys descend inside the chunk, or the chunk would start run kMaxRuns + 1.
  bool FindOrCreate(const Vector& key, size_t count, uint32_t* group_ids);

  size_t size() const { return keys_.size(); }
  size_t runs() const { return run_starts_.size(); }
  int64_t key(size_t group) const { return keys_[group]; }

  // Removes the groups g for which erase[g] is set (size() entries), keeping the others in
  // order, their ids shifting down; a run left empty disappears. Not after Merge.
  void Erase(const std::vector<uint8_t>& erase);
  // Appends `other`'s groups as runs after this one's (other's group g becomes group
  // size() + g), leaving `other` empty. Neither may have merged.
  void Append(OrderedGroups& other);
  // Ends the input: folds the groups of keys that several runs hold into one, leaving
  // distinct keys, no longer in order. `states[g]` belongs to group g before and after
  // (the vector shrinks alongside); fold(from, to) combines a state into the one kept.
  // FindOrCreate refuses every chunk after this.
  void Merge(std::vector<uint8_t*>& states,
             const std::function<void(uint8_t* from, uint8_t* to)>& fold);

 private:
  std::vector<int64_t> keys_;
  std::vector<size_t> run_starts_;  // the first group of each run
  bool merged_ = false;
};

}  // namespace sql
