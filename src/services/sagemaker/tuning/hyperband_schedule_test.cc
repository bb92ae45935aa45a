#include "services/sagemaker/tuning/hyperband_schedule.h"

#include <gtest/gtest.h>

namespace sagemaker {
namespace {

using Rungs = std::vector<int64_t>;

TEST(HyperbandScheduleTest, BracketsAndRungs) {
  // R / r = 9: s_max = 2, three brackets starting at 1, 3 and 9 epochs.
  HyperbandSchedule nine(1, 9);
  EXPECT_EQ(nine.brackets(), 3u);
  EXPECT_EQ(nine.Rungs(0), (Rungs{1, 3}));
  EXPECT_EQ(nine.Rungs(1), (Rungs{3}));
  EXPECT_EQ(nine.Rungs(2), Rungs{});
  EXPECT_EQ(nine.BracketOf(0), 0u);
  EXPECT_EQ(nine.BracketOf(4), 1u);
  EXPECT_EQ(nine.BracketOf(8), 2u);
  HyperbandSchedule wide(1, 81);
  EXPECT_EQ(wide.brackets(), 5u);
  EXPECT_EQ(wide.Rungs(0), (Rungs{1, 3, 9, 27}));
  EXPECT_EQ(wide.Rungs(3), (Rungs{27}));
  // 2 x 3 > 5: one bracket, one rung. r = R: no rung at all.
  HyperbandSchedule narrow(2, 5);
  EXPECT_EQ(narrow.brackets(), 1u);
  EXPECT_EQ(narrow.Rungs(0), (Rungs{2}));
  EXPECT_EQ(HyperbandSchedule(4, 4).Rungs(0), Rungs{});
  HyperbandSchedule three(1, 3);
  EXPECT_EQ(three.brackets(), 2u);
  EXPECT_EQ(three.Rungs(0), (Rungs{1}));
  EXPECT_EQ(three.Rungs(1), Rungs{});
}

TEST(HyperbandScheduleTest, KeepsTheTopThirdAtEachRung) {
  HyperbandSchedule hb(1, 9);
  // The first two jobs at a rung are never judged.
  EXPECT_FALSE(hb.Report("a", 0, {0.9}));
  EXPECT_FALSE(hb.Report("b", 0, {0.8}));
  // The third is judged among three: only the best one (ceil(3 / 3)) goes on.
  auto stop = hb.Report("c", 0, {0.5});
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->resource, 1);
  EXPECT_NE(stop->reason.find("top 1 of 3"), std::string::npos) << stop->reason;
  EXPECT_FALSE(hb.Report("d", 0, {0.95}));  // best so far
  // Five values: the top two (0.95, 0.9) go on.
  stop = hb.Report("e", 0, {0.85});
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->resource, 1);
  // Reports grow: "a" passes rung 1 once and reaches rung 3 with its third value.
  EXPECT_FALSE(hb.Report("a", 0, {0.9, 0.91}));
  EXPECT_FALSE(hb.Report("a", 0, {0.9, 0.91, 0.92}));
  EXPECT_FALSE(hb.Report("d", 0, {0.95, 0.96, 0.97}));
  stop = hb.Report("b", 0, {0.8, 0.85, 0.3, 0.99});
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->resource, 3);  // judged at epoch 3 on its third value, 0.3
}

TEST(HyperbandScheduleTest, BracketsAreJudgedApartAndMaxResourceEndsAJob) {
  HyperbandSchedule hb(1, 9);
  EXPECT_FALSE(hb.Report("a", 0, {0.9}));
  EXPECT_FALSE(hb.Report("b", 0, {0.9}));
  // Bracket 1 starts at 3 epochs: a poor first value does not stop its job.
  EXPECT_FALSE(hb.Report("c", 1, {0.1}));
  EXPECT_FALSE(hb.Report("c", 1, {0.1, 0.1, 0.1}));
  // Bracket 2 has no rung; past MaxResource every job stops.
  std::vector<double> series(9, 0.5);
  EXPECT_FALSE(hb.Report("d", 2, series));
  series.push_back(0.5);
  auto stop = hb.Report("d", 2, series);
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->resource, 9);
  EXPECT_NE(stop->reason.find("MaxResource"), std::string::npos);
}

}  // namespace
}  // namespace sagemaker
