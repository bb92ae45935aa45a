#include "services/sagemaker/tuning/parameter_space.h"

#include <gtest/gtest.h>

#include <cmath>

#include "platform/aws/api_error.h"
#include "services/sagemaker/tuning/gaussian_process.h"
#include "services/sagemaker/tuning/search_strategy.h"

namespace sagemaker {
namespace {

using base::Json;

Json Ranges() {
  return Json::parse(R"({
    "IntegerParameterRanges": [{"Name": "batch_size", "MinValue": "32", "MaxValue": "256"}],
    "ContinuousParameterRanges": [
      {"Name": "learning_rate", "MinValue": "0.0001", "MaxValue": "0.1",
       "ScalingType": "Logarithmic"},
      {"Name": "momentum", "MinValue": "0.5", "MaxValue": "0.999",
       "ScalingType": "ReverseLogarithmic"}],
    "CategoricalParameterRanges": [{"Name": "optimizer", "Values": ["sgd", "adam", "rmsprop"]}]
  })");
}

TEST(ParameterSpaceTest, MapsTheUnitCubeThroughEachScaling) {
  ParameterSpace space = ParameterSpace::Parse(Ranges(), Json::object());
  ASSERT_EQ(space.size(), 4u);
  auto low = space.Values({0, 0, 0, 0});
  EXPECT_EQ(low["batch_size"], "32");
  EXPECT_EQ(low["learning_rate"], "0.0001");
  EXPECT_EQ(low["momentum"], "0.5");
  EXPECT_EQ(low["optimizer"], "sgd");
  auto high = space.Values({1, 1, 1, 1});
  EXPECT_EQ(high["batch_size"], "256");
  EXPECT_EQ(high["learning_rate"], "0.1");
  EXPECT_EQ(high["momentum"], "0.999");
  EXPECT_EQ(high["optimizer"], "rmsprop");
  // Logarithmic: the middle of the cube is the geometric mean.
  auto mid = space.Values({0.5, 0.5, 0.5, 0.5});
  EXPECT_NEAR(std::stod(mid["learning_rate"]), std::sqrt(0.0001 * 0.1), 1e-9);
  EXPECT_EQ(mid["batch_size"], "144");
  EXPECT_EQ(mid["optimizer"], "adam");
  // ReverseLogarithmic: 1 - v is logarithmic, so the middle is close to 1.
  EXPECT_NEAR(std::stod(mid["momentum"]), 1 - std::sqrt(0.5 * 0.001), 1e-9);
  // Snapped points give the same values and are stable.
  UnitPoint snapped = space.Snap({0.5, 0.37, 0.61, 0.52});
  EXPECT_EQ(space.Snap(snapped), snapped);
  EXPECT_EQ(space.Values(snapped), space.Values({0.5, 0.37, 0.61, 0.52}));
}

TEST(ParameterSpaceTest, RefusesInvalidRanges) {
  auto parse = [](const char* text, Json statics = Json::object()) {
    return ParameterSpace::Parse(Json::parse(text), statics);
  };
  EXPECT_THROW(parse(R"({})"), aws::ApiError);
  EXPECT_THROW(parse(R"({"IntegerParameterRanges": [{"Name": "a", "MinValue": "5",
                         "MaxValue": "1"}]})"),
               aws::ApiError);
  EXPECT_THROW(parse(R"({"IntegerParameterRanges": [{"Name": "a", "MinValue": "1.5",
                         "MaxValue": "3"}]})"),
               aws::ApiError);
  EXPECT_THROW(parse(R"({"ContinuousParameterRanges": [{"Name": "a", "MinValue": "x",
                         "MaxValue": "3"}]})"),
               aws::ApiError);
  EXPECT_THROW(parse(R"({"ContinuousParameterRanges": [{"Name": "a", "MinValue": "0",
                         "MaxValue": "3", "ScalingType": "Logarithmic"}]})"),
               aws::ApiError);
  EXPECT_THROW(parse(R"({"ContinuousParameterRanges": [{"Name": "a", "MinValue": "0.5",
                         "MaxValue": "1", "ScalingType": "ReverseLogarithmic"}]})"),
               aws::ApiError);
  EXPECT_THROW(parse(R"({"CategoricalParameterRanges": [{"Name": "a", "Values": []}]})"),
               aws::ApiError);
  EXPECT_THROW(parse(R"({"CategoricalParameterRanges": [{"Name": "a", "Values": ["x"]},
                         {"Name": "a", "Values": ["y"]}]})"),
               aws::ApiError);
  EXPECT_THROW(parse(R"({"CategoricalParameterRanges": [{"Name": "a", "Values": ["x"]}]})",
                     Json{{"a", "1"}}),
               aws::ApiError);
}

TEST(ParameterSpaceTest, GridEnumeratesEveryCombination) {
  ParameterSpace space = ParameterSpace::Parse(Json::parse(R"({"CategoricalParameterRanges": [
      {"Name": "a", "Values": ["1", "2"]}, {"Name": "b", "Values": ["x", "y", "z"]}]})"),
                                               Json::object());
  std::vector<UnitPoint> grid = space.Grid();
  ASSERT_EQ(grid.size(), 6u);
  std::set<std::string> seen;
  for (const UnitPoint& p : grid) {
    auto v = space.Values(p);
    seen.insert(v["a"] + v["b"]);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"1x", "1y", "1z", "2x", "2y", "2z"}));
  auto strategy = MakeSearchStrategy("Grid", space, 1);
  EXPECT_EQ(strategy->Limit(), 6u);
  std::vector<Trial> trials;
  while (auto next = strategy->Next(trials)) trials.push_back({*next, std::nullopt, false});
  EXPECT_EQ(trials.size(), 6u);
  EXPECT_THROW(ParameterSpace::Parse(Ranges(), Json::object()).Grid(), aws::ApiError);
}

TEST(ParameterSpaceTest, PointOfInvertsValues) {
  ParameterSpace space = ParameterSpace::Parse(Ranges(), Json::object());
  UnitPoint p = space.Snap({0.25, 0.8, 0.3, 0.9});
  std::optional<UnitPoint> back = space.PointOf(space.Values(p));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR((*back)[i], p[i], 1e-6) << i;
  EXPECT_EQ(space.Values(*back), space.Values(p));
  // Values outside a range (a parent job's, searched over other ranges) are clamped.
  std::map<std::string, std::string> wide = {{"batch_size", "1000"}, {"learning_rate", "1e-9"},
                                             {"momentum", "0.5"}, {"optimizer", "adam"}};
  back = space.PointOf(wide);
  ASSERT_TRUE(back);
  EXPECT_EQ(space.Values(*back)["batch_size"], "256");
  EXPECT_EQ(space.Values(*back)["learning_rate"], "0.0001");
  EXPECT_EQ(space.Values(*back)["optimizer"], "adam");
  // Missing, unparsable and unknown categorical values give no point.
  auto missing = wide;
  missing.erase("momentum");
  EXPECT_FALSE(space.PointOf(missing));
  auto garbled = wide;
  garbled["batch_size"] = "12abc";
  EXPECT_FALSE(space.PointOf(garbled));
  auto unknown = wide;
  unknown["optimizer"] = "adagrad";
  EXPECT_FALSE(space.PointOf(unknown));
}

TEST(GaussianProcessTest, InterpolatesAndIsUncertainAwayFromData) {
  GaussianProcess gp({{0.1}, {0.5}, {0.9}}, {1.0, 3.0, 2.0});
  EXPECT_NEAR(gp.Predict({0.5}).mean, 3.0, 1e-2);
  EXPECT_NEAR(gp.Predict({0.1}).mean, 1.0, 1e-2);
  EXPECT_LT(gp.Predict({0.5}).stddev, 0.05);
  EXPECT_GT(gp.Predict({0.3}).stddev, gp.Predict({0.5}).stddev);
  // Improvement is expected near the best point, hardly at a known poor one.
  EXPECT_GT(gp.ExpectedImprovement({0.6}), gp.ExpectedImprovement({0.1}));
}

TEST(SearchStrategyTest, BayesianFindsTheMaximumOfASmoothFunction) {
  ParameterSpace space = ParameterSpace::Parse(Json::parse(R"({"ContinuousParameterRanges": [
      {"Name": "x", "MinValue": "0", "MaxValue": "1"},
      {"Name": "y", "MinValue": "0", "MaxValue": "1"}]})"),
                                               Json::object());
  auto objective = [](const UnitPoint& p) {
    return -((p[0] - 0.7) * (p[0] - 0.7) + (p[1] - 0.2) * (p[1] - 0.2));
  };
  auto best_of = [&](const std::string& name) {
    auto strategy = MakeSearchStrategy(name, space, 7);
    std::vector<Trial> trials;
    double best = -1e9;
    for (int i = 0; i < 25; ++i) {
      UnitPoint p = *strategy->Next(trials);
      double v = objective(p);
      best = std::max(best, v);
      trials.push_back({p, v, true});
    }
    return best;
  };
  double bayesian = best_of("Bayesian");
  // Observations a warm start brings are used at once: with the known results of earlier
  // jobs, the first point is proposed by the model near the best of them, not at random.
  std::vector<Trial> known;
  for (double x : {0.1, 0.3, 0.5, 0.9}) {
    for (double y : {0.1, 0.5, 0.9}) known.push_back({{x, y}, objective({x, y}), true});
  }
  for (uint64_t seed : {1, 2, 3}) {
    UnitPoint first = *MakeSearchStrategy("Bayesian", space, seed)->Next(known);
    EXPECT_GT(objective(first), -0.08) << first[0] << ", " << first[1];
  }
  EXPECT_GT(bayesian, -0.002);  // within ~0.045 of the optimum
  EXPECT_GE(bayesian, best_of("Random"));
  EXPECT_THROW(MakeSearchStrategy("Annealing", space, 1), aws::ApiError);
}

}  // namespace
}  // namespace sagemaker
