// Operators let go of what they have consumed as soon as they have: a hash join build side
// of its input operators once built, a probe of its input and the build side once drained,
// an aggregation and a sort of their input once read.
#include <gtest/gtest.h>

#include "engines/sql/execution/operators.h"

namespace sql {
namespace {

// Rows 0, 1, ..., n - 1 of one BIGINT column in one chunk; clears `*alive` when destroyed.
class Numbers : public PhysicalOperator {
 public:
  Numbers(size_t n, bool* alive) : PhysicalOperator({Type::Bigint()}), n_(n), alive_(alive) {
    *alive_ = true;
  }
  ~Numbers() override { *alive_ = false; }
  bool Next(DataChunk& out) override {
    if (done_) {
      out.set_size(0);
      return false;
    }
    done_ = true;
    out.Initialize(types_, n_);
    for (size_t i = 0; i < n_; i++) out.column(0).data<int64_t>()[i] = static_cast<int64_t>(i);
    out.set_size(n_);
    return true;
  }

 private:
  size_t n_;
  bool* alive_;
  bool done_ = false;
};

std::vector<BoundExprPtr> FirstColumn() {
  std::vector<BoundExprPtr> exprs;
  exprs.push_back(MakeColumnRef(ColumnBinding{0, 0}, Type::Bigint(), "x"));
  exprs.back()->index = 0;
  return exprs;
}

TEST(OperatorReleaseTest, HashJoinsLetGoOfBuildInputsAndBuildSides) {
  QueryState query;
  ExecContext ctx(&query);
  bool build_input = false, probe_input = false;
  auto build =
      MakeHashJoinBuild(&ctx, std::make_unique<Numbers>(100, &build_input), FirstColumn(), {false});
  std::weak_ptr<HashJoinBuild> watch = build;
  PrepareHashJoinBuild(*build);
  EXPECT_FALSE(build_input);  // built: its input operator is gone
  PhysicalPtr probe = MakeHashJoinProbe(&ctx, std::make_unique<Numbers>(10, &probe_input),
                                        std::move(build), JoinType::kInner, FirstColumn(), {false},
                                        nullptr, {Type::Bigint(), Type::Bigint()});
  ChunkCollection rows = Materialize(*probe, &ctx);
  ASSERT_EQ(rows.row_count(), 10u);
  EXPECT_EQ(rows.GetValue(1, 9).ToString(), "9");
  EXPECT_FALSE(probe_input);
  EXPECT_TRUE(watch.expired());  // the last probe let go of the build side
}

TEST(OperatorReleaseTest, AggregationsAndSortsLetGoOfTheirInput) {
  QueryState query;
  ExecContext ctx(&query);
  bool agg_input = false, sort_input = false;
  PhysicalPtr agg = MakeHashAggregate(&ctx, std::make_unique<Numbers>(50, &agg_input),
                                      FirstColumn(), {}, {}, {}, {Type::Bigint()});
  DataChunk out;
  ASSERT_TRUE(agg->Next(out));
  EXPECT_EQ(out.size(), 50u);
  EXPECT_FALSE(agg_input);
  std::vector<BoundOrder> orders;
  orders.push_back(BoundOrder{std::move(FirstColumn()[0]), true, false});
  PhysicalPtr sort =
      MakeSort(&ctx, std::make_unique<Numbers>(50, &sort_input), std::move(orders), 5, 0);
  ASSERT_TRUE(sort->Next(out));
  EXPECT_EQ(out.size(), 5u);
  EXPECT_EQ(out.column(0).data<int64_t>()[0], 49);
  EXPECT_FALSE(sort_input);
}

}  // namespace
}  // namespace sql
