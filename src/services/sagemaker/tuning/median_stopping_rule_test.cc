#include "services/sagemaker/tuning/median_stopping_rule.h"

#include <gtest/gtest.h>

namespace sagemaker {
namespace {

// Three earlier jobs whose accuracy rises each epoch.
const std::vector<std::vector<double>> kEarlier = {
    {0.5, 0.6, 0.7, 0.8}, {0.6, 0.7, 0.8, 0.9}, {0.4, 0.5, 0.6, 0.7}};

TEST(MedianStoppingRuleTest, StopsAJobWorseThanTheMedianOfRunningAverages) {
  // Epoch 1: the averages are 0.5, 0.6, 0.4; their median is 0.5.
  MedianRuleVerdict v = ApplyMedianRule({0.45}, kEarlier);
  EXPECT_TRUE(v.stop);
  EXPECT_DOUBLE_EQ(v.median, 0.5);
  EXPECT_EQ(v.jobs, 3u);
  EXPECT_FALSE(ApplyMedianRule({0.5}, kEarlier).stop);  // equal is not worse
  EXPECT_FALSE(ApplyMedianRule({0.55}, kEarlier).stop);
  // Epoch 3: the averages are 0.6, 0.7, 0.5 (median 0.6); the current value decides, not
  // the job's own average.
  v = ApplyMedianRule({0.1, 0.2, 0.61}, kEarlier);
  EXPECT_FALSE(v.stop);
  EXPECT_NEAR(v.median, 0.6, 1e-12);
  EXPECT_TRUE(ApplyMedianRule({0.9, 0.9, 0.59}, kEarlier).stop);
}

TEST(MedianStoppingRuleTest, DecidesOnlyWithEnoughJobsAtTheSameEpoch) {
  EXPECT_FALSE(ApplyMedianRule({0.0}, {kEarlier[0], kEarlier[1]}).stop);
  EXPECT_EQ(ApplyMedianRule({0.0}, {kEarlier[0], kEarlier[1]}).jobs, 2u);
  EXPECT_FALSE(ApplyMedianRule({}, kEarlier).stop);
  // A job stopped after two epochs counts at epochs 1 and 2 only.
  std::vector<std::vector<double>> earlier = kEarlier;
  earlier.push_back({0.9, 0.9});
  EXPECT_EQ(ApplyMedianRule({0.1, 0.1}, earlier).jobs, 4u);
  MedianRuleVerdict late = ApplyMedianRule({0.1, 0.1, 0.1}, earlier);
  EXPECT_EQ(late.jobs, 3u);
  EXPECT_TRUE(late.stop);
  // Four jobs: the median is the mean of the middle two (0.5, 0.6 -> 0.55 at epoch 1).
  MedianRuleVerdict even = ApplyMedianRule({0.54}, earlier);
  EXPECT_NEAR(even.median, 0.55, 1e-12);
  EXPECT_TRUE(even.stop);
  EXPECT_FALSE(ApplyMedianRule({0.56}, earlier).stop);
}

}  // namespace
}  // namespace sagemaker
