// GroupHashTable: string keys copied into the table, or shared with the key vectors; keys
// merged with the tags of the table they come from; rows looked up by their hash's tag.
#include "engines/sql/execution/group_hash_table.h"

#include <gtest/gtest.h>

namespace sql {
namespace {

TEST(GroupHashTableTest, SharedStringKeysPointIntoTheKeyVectorsHeap) {
  QueryState query;
  ExecContext ctx(&query);
  std::vector<Vector> keys(1);
  keys[0].Initialize(Type::Varchar(), 3);
  for (size_t i = 0; i < 3; i++) {
    keys[0].data<std::string_view>()[i] = keys[0].AddString(i == 1 ? "customer-a" : "customer-b");
  }
  uint32_t ids[3];
  GroupHashTable copied({Type::Varchar()}, &ctx);
  copied.FindOrCreate(keys, 3, ids);
  GroupHashTable shared({Type::Varchar()}, &ctx);
  shared.ShareStrings();
  shared.FindOrCreate(keys, 3, ids);
  EXPECT_EQ(ids[0], 0u);
  EXPECT_EQ(ids[1], 1u);
  EXPECT_EQ(ids[2], 0u);
  ASSERT_EQ(shared.size(), 2u);
  const std::string_view* in = keys[0].data<std::string_view>();
  for (size_t g = 0; g < 2; g++) {
    std::string_view c = copied.keys()[0].data<std::string_view>()[g];
    std::string_view s = shared.keys()[0].data<std::string_view>()[g];
    EXPECT_EQ(c, in[g]);
    EXPECT_NE(c.data(), in[g].data());  // a copy in the table's heap
    EXPECT_EQ(s.data(), in[g].data());  // the key vector's bytes
  }
  // The shared bytes outlive the key vectors.
  keys.clear();
  EXPECT_EQ(shared.keys()[0].data<std::string_view>()[1], "customer-a");
}

TEST(GroupHashTableTest, KeysWithKnownTagsAreNotHashedAgain) {
  QueryState query;
  ExecContext ctx(&query);
  std::vector<Vector> keys(1);
  keys[0].Initialize(Type::Bigint(), 4);
  int64_t values[4] = {7, 9, 7, 11};
  for (size_t i = 0; i < 4; i++) keys[0].data<int64_t>()[i] = values[i];
  uint32_t ids[4];
  GroupHashTable partial({Type::Bigint()}, &ctx);
  partial.FindOrCreate(keys, 4, ids);
  ASSERT_EQ(partial.size(), 3u);
  uint32_t tags[3];
  partial.GroupTags(tags);
  // Merging the partial groups with their tags finds them where hashing puts them: 7 and 9
  // are the merged table's first groups whichever way they come in.
  GroupHashTable merged({Type::Bigint()}, &ctx);
  merged.FindOrCreate(keys, 2, ids);
  uint32_t merged_ids[3];
  merged.FindOrCreate(partial.keys(), 3, tags, merged_ids);
  EXPECT_EQ(merged_ids[0], 0u);
  EXPECT_EQ(merged_ids[1], 1u);
  EXPECT_EQ(merged_ids[2], 2u);
  EXPECT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged.keys()[0].data<int64_t>()[2], 11);
  // The tags are used as given, not recomputed: 7 under the tag of 9 is a group of its own.
  uint32_t wrong[1] = {tags[1]};
  uint32_t id;
  merged.FindOrCreate(keys, 1, wrong, &id);
  EXPECT_EQ(id, 3u);
}

TEST(GroupHashTableTest, RowsAreFoundByTheTagOfTheirHash) {
  QueryState query;
  ExecContext ctx(&query);
  std::vector<Vector> keys(2);
  keys[0].Initialize(Type::Bigint(), 4);
  keys[1].Initialize(Type::Varchar(), 4);
  const int64_t numbers[4] = {5, 5, 6, 5};
  const char* names[4] = {"a", "b", "a", "a"};
  for (size_t i = 0; i < 4; i++) {
    keys[0].data<int64_t>()[i] = numbers[i];
    keys[1].data<std::string_view>()[i] = keys[1].AddString(names[i]);
  }
  keys[1].SetNull(2);
  uint64_t hashes[4];
  GroupHashTable::Hash(keys, 4, hashes);
  EXPECT_EQ(hashes[0], hashes[3]);
  EXPECT_NE(hashes[0], hashes[1]);
  GroupHashTable table({Type::Bigint(), Type::Varchar()}, &ctx);
  uint32_t ids[2];
  table.FindOrCreate(keys, 2, ids);  // (5, a) and (5, b)
  EXPECT_EQ(table.FindRow(keys, 3, static_cast<uint32_t>(hashes[3])), 0u);
  EXPECT_EQ(table.FindRow(keys, 1, static_cast<uint32_t>(hashes[1])), 1u);
  EXPECT_EQ(table.FindRow(keys, 2, static_cast<uint32_t>(hashes[2])), UINT32_MAX);  // (6, NULL)
  // Under another row's tag a key is not found.
  EXPECT_EQ(table.FindRow(keys, 0, static_cast<uint32_t>(hashes[1])), UINT32_MAX);
  EXPECT_EQ(table.size(), 2u);
}

}  // namespace
}  // namespace sql
