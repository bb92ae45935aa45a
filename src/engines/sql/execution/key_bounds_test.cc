// KeyBounds: which keys an ascending input has seen the last of, from row-group ranges.
#include "engines/sql/execution/key_bounds.h"

#include <gtest/gtest.h>

namespace sql {
namespace {

TEST(KeyBoundsTest, TouchingRangesProveInteriorKeysExclusive) {
  // Row groups [1, 100], [100, 250], [251, 400], given out of order.
  auto b = KeyBounds::FromRanges({{251, 400}, {1, 100}, {100, 250}});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->CompleteBelow(1), INT64_MIN);    // still in the first row group
  EXPECT_EQ(b->CompleteBelow(100), INT64_MIN);  // 100 may continue in the second
  EXPECT_EQ(b->CompleteBelow(101), 100);        // past the first row group
  EXPECT_EQ(b->CompleteBelow(251), 250);
  EXPECT_EQ(b->CompleteBelow(1000), 400);
  EXPECT_EQ(b->BoundaryAtOrAbove(INT64_MIN), 1);
  EXPECT_EQ(b->BoundaryAtOrAbove(1), 1);
  EXPECT_EQ(b->BoundaryAtOrAbove(2), 100);
  EXPECT_EQ(b->BoundaryAtOrAbove(101), 250);
  EXPECT_EQ(b->BoundaryAtOrAbove(251), 251);
  EXPECT_EQ(b->BoundaryAtOrAbove(252), 400);
  EXPECT_EQ(b->BoundaryAtOrAbove(401), INT64_MAX);
}

TEST(KeyBoundsTest, OverlappingRangesProveNothing) {
  EXPECT_EQ(KeyBounds::FromRanges({{1, 100}, {99, 200}}), nullptr);
  // Ranges that only touch at 5 still prove the keys strictly inside [5, 9] exclusive.
  EXPECT_NE(KeyBounds::FromRanges({{5, 5}, {5, 5}, {5, 9}}), nullptr);
  EXPECT_EQ(KeyBounds::FromRanges({{5, 9}, {5, 9}}), nullptr);
  EXPECT_EQ(KeyBounds::FromRanges({{1, 10}, {3, 4}}), nullptr);  // nested
}

}  // namespace
}  // namespace sql
