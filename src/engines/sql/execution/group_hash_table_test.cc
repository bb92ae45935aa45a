// GroupHashTable: string keys copied into the table, or shared with the key vectors.
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

}  // namespace
}  // namespace sql
