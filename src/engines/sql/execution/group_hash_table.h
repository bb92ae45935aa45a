// Maps rows of key columns to dense group ids (0, 1, 2, ...), storing each distinct key
// once. Open addressing over 8-byte (tag, group) slots with linear probing, the tag being
// the low 32 bits of the key hash; keys are compared column by column with NULLs equal
// (GROUP BY semantics). Used by aggregation, DISTINCT,
// set operations and hash joins. Not thread-safe: one table per thread, merged after.
#pragma once

#include <cstdint>
#include <vector>

#include "engines/sql/common/vector.h"
#include "engines/sql/execution/exec_context.h"

namespace sql {

class GroupHashTable {
 public:
  GroupHashTable(std::vector<Type> key_types, ExecContext* ctx);

  // Finds or creates the group of each row; writes ids to group_ids[0..count).
  void FindOrCreate(std::vector<Vector>& keys, size_t count, uint32_t* group_ids);
  // The same for keys whose tags are known (GroupTags of the table they were grouped in, as
  // when merging partial aggregations): the keys are not hashed again. The tags are
  // trusted: a key given another tag than its own is not found.
  void FindOrCreate(std::vector<Vector>& keys, size_t count, const uint32_t* tags,
                    uint32_t* group_ids);
  // Finds an existing group only: the group of row `row` of `keys`, whose tag (the low 32
  // bits of its Hash) is `tag`, or UINT32_MAX when the key is absent.
  uint32_t FindRow(const std::vector<Vector>& keys, size_t row, uint32_t tag) const;
  // hashes[i] = the hash of row i of `keys` (flat vectors), i < count: its low 32 bits are
  // the row's tag; its other bits are free to split rows between tables.
  static void Hash(const std::vector<Vector>& keys, size_t count, uint64_t* hashes);

  size_t size() const { return groups_; }
  // tags[g] = the tag (low 32 bits of the hash) of group g, for g < size().
  void GroupTags(uint32_t* tags) const;
  // Forgets every group, keeping the memory of the slots (stored strings are released when
  // no vector shares them).
  void Clear();
  // Makes room for `groups` groups without further growth.
  void Reserve(size_t groups);
  // From now on, string keys of new groups are not copied: the stored views point into the
  // key vectors' string heaps, which the table keeps alive. For keys that are themselves
  // stored copies (the groups of other tables being merged into this one), so that merging
  // does not copy every string again into heaps of its own.
  void ShareStrings() { share_strings_ = true; }
  // The stored key values, one vector per key column, `size()` rows.
  std::vector<Vector>& keys() { return stored_; }
  const std::vector<Type>& key_types() const { return key_types_; }

 private:
  struct Slot {
    uint32_t tag;
    uint32_t group;  // UINT32_MAX = empty
  };
  // With ShareStrings, keeps the string heaps of `keys` alive for the groups they add.
  void KeepStrings(std::vector<Vector>& keys);
  void Grow();
  void Rehash(size_t slots);  // a power of two
  bool Matches(const std::vector<Vector>& keys, size_t row, uint32_t group) const;
  // Finds or creates the group of row `row` with hash `h`.
  uint32_t Insert(std::vector<Vector>& keys, size_t row, uint64_t h);
  uint32_t AddGroup(std::vector<Vector>& keys, size_t row);

  std::vector<Type> key_types_;
  ExecContext* ctx_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t groups_ = 0;
  size_t capacity_ = 0;  // stored key capacity
  std::vector<Vector> stored_;
  std::vector<uint64_t> hashes_;
  bool share_strings_ = false;
};

}  // namespace sql
