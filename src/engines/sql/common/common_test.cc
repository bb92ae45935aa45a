#include <gtest/gtest.h>

#include "engines/sql/common/date_time.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/common/string_heap.h"
#include "engines/sql/common/types.h"
#include "engines/sql/common/vector.h"

namespace sql {
namespace {

TEST(TypesTest, ParsesNamesAndFindsSuperTypes) {
  EXPECT_EQ(*ParseTypeName("DECIMAL(10, 2)"), Type::Decimal(10, 2));
  EXPECT_EQ(*ParseTypeName("varchar(8)"), Type::Varchar());
  EXPECT_FALSE(ParseTypeName("SIGNED").has_value());
  EXPECT_EQ(*CommonSuperType(Type::Integer(), Type::Bigint()), Type::Bigint());
  EXPECT_EQ(*CommonSuperType(Type::Integer(), Type::Decimal(5, 2)), Type::Decimal(12, 2));
  EXPECT_EQ(*CommonSuperType(Type::Decimal(5, 2), Type::Double()), Type::Double());
  EXPECT_FALSE(CommonSuperType(Type::Varchar(), Type::Integer()).has_value());
  EXPECT_EQ(Type::Decimal(20, 2).physical(), PhysicalType::kInt128);
}

TEST(NumericTest, DecimalTextAndRounding) {
  EXPECT_EQ(DecimalToString(-1250, 2), "-12.50");
  EXPECT_EQ(DecimalToString(5, 3), "0.005");
  auto d = ParseDecimal("-0.25");
  ASSERT_TRUE(d);
  EXPECT_EQ(static_cast<int64_t>(d->unscaled), -25);
  EXPECT_EQ(d->scale, 2);
  EXPECT_EQ(static_cast<int64_t>(*Rescale(125, 2, 1)), 13);   // 1.25 -> 1.3
  EXPECT_EQ(static_cast<int64_t>(*Rescale(-125, 2, 1)), -13);
  EXPECT_EQ(DoubleToString(1.5), "1.5");
  EXPECT_EQ(DoubleToString(1e20), "1.0E20");
  EXPECT_EQ(DoubleToString(0.1 + 0.2), "0.30000000000000004");
}

TEST(DateTimeTest, CivilRoundTripAndMonthArithmetic) {
  EXPECT_EQ(*ParseDate("1970-01-01"), 0);
  EXPECT_EQ(FormatDate(*ParseDate("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(ParseDate("2023-02-29").has_value());
  EXPECT_EQ(FormatDate(AddMonthsToDays(*ParseDate("2024-01-31"), 1)), "2024-02-29");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2024-03-01 12:34:56.789")), "2024-03-01 12:34:56.789");
  EXPECT_EQ(DayOfWeek(*ParseDate("2024-03-04")), 1);  // a Monday
}

TEST(VectorTest, GatherKeepsValuesNullsAndStrings) {
  Vector v(Type::Varchar(), 4);
  v.SetValue(0, Value::Varchar("a"));
  v.SetValue(1, Value::Null(Type::Varchar()));
  v.SetValue(2, Value::Varchar("ccc"));
  uint32_t sel[] = {2, 1, 0};
  Vector g;
  g.Gather(v, sel, 3);
  EXPECT_EQ(g.GetValue(0).str(), "ccc");
  EXPECT_TRUE(g.GetValue(1).is_null());
  EXPECT_EQ(g.GetValue(2).str(), "a");
}

TEST(VectorTest, ChunkCollectionAppendsAcrossChunks) {
  ChunkCollection c({Type::Bigint()});
  DataChunk chunk({Type::Bigint()});
  for (size_t i = 0; i < kVectorSize; i++) chunk.column(0).data<int64_t>()[i] = static_cast<int64_t>(i);
  chunk.set_size(kVectorSize);
  c.Append(chunk);
  c.Append(chunk);
  EXPECT_EQ(c.row_count(), 2 * kVectorSize);
  EXPECT_EQ(c.GetValue(0, kVectorSize + 7).int64(), 7);
}

TEST(VectorTest, SmallChunksAppendInPlace) {
  std::vector<Type> types{Type::Bigint(), Type::Varchar()};
  DataChunk a(types), b(types);
  a.column(0).SetValue(0, Value::Bigint(1));
  a.column(1).SetValue(0, Value::Varchar("one"));
  a.set_size(1);
  b.column(0).SetValue(0, Value::Null(Type::Bigint()));
  b.column(1).SetValue(0, Value::Varchar("two"));
  b.column(0).SetValue(1, Value::Bigint(3));
  b.column(1).SetValue(1, Value::Null(Type::Varchar()));
  b.set_size(2);
  ASSERT_TRUE(a.AppendInPlace(b));
  b = DataChunk();  // the appended strings must not depend on b
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.column(0).GetValue(0).int64(), 1);
  EXPECT_TRUE(a.column(0).GetValue(1).is_null());
  EXPECT_EQ(a.column(0).GetValue(2).int64(), 3);
  EXPECT_EQ(a.column(1).GetValue(1).str(), "two");
  EXPECT_TRUE(a.column(1).GetValue(2).is_null());
  // A chunk whose buffers are shared (or full) refuses and stays as it was.
  DataChunk shared;
  shared.columns().resize(2);
  shared.column(0).Reference(a.column(0));
  shared.column(1).Reference(a.column(1));
  shared.set_size(3);
  EXPECT_FALSE(a.AppendInPlace(shared));
  EXPECT_EQ(a.size(), 3u);
}

TEST(VectorTest, SlicedChunkHoldsItsRowsAndGrowsWhenAppendedTo) {
  std::vector<Type> types{Type::Bigint(), Type::Varchar()};
  DataChunk a(types);
  for (size_t i = 0; i < 100; i++) {
    a.column(0).SetValue(i, Value::Bigint(static_cast<int64_t>(i)));
    a.column(1).SetValue(i, Value::Varchar("s" + std::to_string(i)));
  }
  a.set_size(100);
  uint32_t sel[] = {5, 50, 99};
  a.Slice(sel, 3);
  EXPECT_EQ(a.column(0).capacity(), 3u);
  EXPECT_EQ(a.column(1).capacity(), 3u);
  EXPECT_EQ(a.capacity(), kVectorSize);
  DataChunk b(types);
  b.column(0).SetValue(0, Value::Null(Type::Bigint()));
  b.column(1).SetValue(0, Value::Varchar("b0"));
  b.set_size(1);
  // Appends grow the columns (at least doubling) up to the chunk's capacity.
  for (size_t n = 3; n < kVectorSize; n++) ASSERT_TRUE(a.AppendInPlace(b)) << n;
  EXPECT_EQ(a.column(0).capacity(), kVectorSize);
  EXPECT_FALSE(a.AppendInPlace(b));
  ASSERT_EQ(a.size(), kVectorSize);
  EXPECT_EQ(a.column(0).GetValue(1).int64(), 50);
  EXPECT_EQ(a.column(1).GetValue(2).str(), "s99");
  EXPECT_TRUE(a.column(0).GetValue(3).is_null());
  EXPECT_TRUE(a.column(0).GetValue(kVectorSize - 1).is_null());
  EXPECT_EQ(a.column(1).GetValue(kVectorSize - 1).str(), "b0");
}

TEST(VectorTest, ChunkCollectionAppendsAfterAnOwnedSlicedChunk) {
  ChunkCollection c({Type::Bigint()});
  DataChunk owned({Type::Bigint()});
  for (size_t i = 0; i < 10; i++) owned.column(0).data<int64_t>()[i] = static_cast<int64_t>(i);
  owned.set_size(10);
  uint32_t sel[] = {9, 8};
  owned.Slice(sel, 2);
  c.AppendOwned(std::move(owned));
  DataChunk more({Type::Bigint()});
  for (size_t i = 0; i < 300; i++) more.column(0).data<int64_t>()[i] = 1000 + static_cast<int64_t>(i);
  more.set_size(300);
  c.Append(more);
  ASSERT_EQ(c.chunk_count(), 1u);
  EXPECT_GE(c.chunk(0).column(0).capacity(), 302u);
  EXPECT_EQ(c.row_count(), 302u);
  EXPECT_EQ(c.GetValue(0, 0).int64(), 9);
  EXPECT_EQ(c.GetValue(0, 1).int64(), 8);
  EXPECT_EQ(c.GetValue(0, 301).int64(), 1299);
}

TEST(StringHeapTest, BlocksGrowFromWhatIsStored) {
  StringHeap small;
  EXPECT_EQ(small.Add("abc"), "abc");
  EXPECT_LE(small.reserved(), 256u);
  StringHeap big;
  std::string s(100, 'x');
  for (int i = 0; i < 5000; i++) {
    s[0] = static_cast<char>('a' + i % 26);
    ASSERT_EQ(big.Add(s), s);
  }
  EXPECT_EQ(big.bytes(), 500000u);
  // Doubling blocks: the unused tails stay below a block's worth of the largest size.
  EXPECT_LT(big.reserved(), big.bytes() + (64u << 10));
  StringHeap wide;
  std::string huge(100000, 'y');
  EXPECT_EQ(wide.Add(huge), huge);
  EXPECT_EQ(wide.reserved(), 100000u);
}

}  // namespace
}  // namespace sql
