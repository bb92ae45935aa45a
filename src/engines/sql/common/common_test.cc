#include <gtest/gtest.h>

#include "engines/sql/common/date_time.h"
#include "engines/sql/common/numeric.h"
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

}  // namespace
}  // namespace sql
