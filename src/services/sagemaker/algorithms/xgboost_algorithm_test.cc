#include "services/sagemaker/algorithms/xgboost_algorithm.h"

#include <gtest/gtest.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <random>
#include <regex>

#include "services/sagemaker/algorithms/training_data.h"
#include "services/sagemaker/testing/temp_dir.h"
#include "services/sagemaker/training/metric_extractor.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::WriteText;

// y = 3 x0 - 2 x1 + noise, as CSV with the label first.
std::string RegressionCsv(int rows, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::string out;
  for (int i = 0; i < rows; ++i) {
    double x0 = u(rng), x1 = u(rng), x2 = u(rng);
    double y = 3 * x0 - 2 * x1 + 0.05 * u(rng);
    out += std::to_string(y) + "," + std::to_string(x0) + "," + std::to_string(x1) + "," +
           std::to_string(x2) + "\n";
  }
  return out;
}

class XgboostAlgorithmTest : public ::testing::Test {
 protected:
  void Configure(const std::string& hyperparameters, const std::string& channels) {
    WriteText(root() / "input/config/hyperparameters.json", hyperparameters);
    WriteText(root() / "input/config/inputdataconfig.json", channels);
  }
  fs::path root() const { return dir_.path() / "ml"; }
  int Run(std::string* out) {
    ::testing::internal::CaptureStdout();
    int rc = RunXgboostAlgorithm(root());
    *out = ::testing::internal::GetCapturedStdout();
    return rc;
  }

  testing::TempDir dir_;
};

TEST_F(XgboostAlgorithmTest, TrainsOnCsvPrintsSageMakerLinesAndSavesALoadableModel) {
  WriteText(root() / "input/data/train/part-0.csv", RegressionCsv(400, 1));
  WriteText(root() / "input/data/train/part-1.csv", RegressionCsv(400, 2));
  WriteText(root() / "input/data/validation/val.csv", RegressionCsv(200, 3));
  Configure(R"({"num_round": "30", "objective": "reg:squarederror", "max_depth": "4",
                "eta": "0.3", "eval_metric": "rmse,mae"})",
            R"({"train": {"ContentType": "text/csv"}, "validation": {"ContentType": "csv"}})");
  std::string out;
  ASSERT_EQ(Run(&out), 0) << out;
  EXPECT_NE(out.find("Train matrix has 800 rows and 3 columns"), std::string::npos) << out;
  // One evaluation line per round, with both sets and both metrics.
  std::regex first(R"(\[0\]\ttrain-rmse:[0-9.]+\ttrain-mae:[0-9.]+\tvalidation-rmse:[0-9.]+\tvalidation-mae:[0-9.]+)");
  EXPECT_TRUE(std::regex_search(out, first)) << out;
  EXPECT_NE(out.find("[29]\t"), std::string::npos);

  // SageMaker's metric definitions read those lines.
  MetricExtractor extractor(XgboostMetricDefinitions());
  std::vector<double> rmse;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    for (const MetricValue& v : extractor.Extract(line)) {
      if (v.name == "validation:rmse") rmse.push_back(v.value);
    }
  }
  ASSERT_EQ(rmse.size(), 30u);
  EXPECT_LT(rmse.back(), rmse.front() / 5);
  EXPECT_LT(rmse.back(), 0.3);

  // The model loads and predicts the relation it learned.
  BoosterHandle booster;
  ASSERT_EQ(XGBoosterCreate(nullptr, 0, &booster), 0);
  ASSERT_EQ(XGBoosterLoadModel(booster, (root() / "model/xgboost-model").c_str()), 0);
  float row[3] = {0.5f, -0.5f, 0.0f};
  DMatrixHandle m;
  ASSERT_EQ(XGDMatrixCreateFromMat(row, 1, 3, NAN, &m), 0);
  bst_ulong len = 0;
  const float* pred = nullptr;
  ASSERT_EQ(XGBoosterPredict(booster, m, 0, 0, 0, &len, &pred), 0);
  ASSERT_EQ(len, 1u);
  EXPECT_NEAR(pred[0], 2.5, 0.4);
  XGDMatrixFree(m);
  XGBoosterFree(booster);
}

TEST_F(XgboostAlgorithmTest, EarlyStoppingOnLibsvmValidation) {
  std::string train, val;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 300; ++i) {
    double x = u(rng);
    (i < 200 ? train : val) += std::string(x > 0.5 ? "1" : "0") + " 0:" + std::to_string(x) +
                               " 3:" + std::to_string(u(rng)) + "\n";
  }
  WriteText(root() / "input/data/train/t.libsvm", train);
  WriteText(root() / "input/data/validation/v.libsvm", val);
  Configure(R"({"num_round": "500", "objective": "binary:logistic", "eval_metric": "auc",
                "early_stopping_rounds": "5", "max_depth": "2"})",
            R"({"train": {"ContentType": "libsvm"}, "validation": {}})");
  std::string out;
  ASSERT_EQ(Run(&out), 0) << out;
  EXPECT_NE(out.find("Will train until validation-auc hasn't improved in 5 rounds."),
            std::string::npos);
  EXPECT_NE(out.find("Stopping. Best iteration:"), std::string::npos);
  EXPECT_EQ(out.find("[499]"), std::string::npos);
  EXPECT_TRUE(fs::exists(root() / "model/xgboost-model"));
}

TEST_F(XgboostAlgorithmTest, FailuresGoToTheFailureFile) {
  WriteText(root() / "input/data/train/a.csv", RegressionCsv(10, 1));
  Configure(R"({"objective": "reg:squarederror"})", R"({"train": {"ContentType": "text/csv"}})");
  std::string out;
  EXPECT_EQ(Run(&out), 1);
  EXPECT_EQ(ReadText(root() / "output/failure"),
            "ClientError: Missing required hyperparameter: num_round.");

  Configure(R"({"num_round": "3", "bogus_param": "1"})", R"({"train": {"ContentType": "text/csv"}})");
  EXPECT_EQ(Run(&out), 1);
  EXPECT_EQ(ReadText(root() / "output/failure"),
            "ClientError: Hyperparameter bogus_param is not valid for XGBoost.");

  WriteText(root() / "input/data/train/b.csv", "label,x\n1,2\n");
  Configure(R"({"num_round": "3"})", R"({"train": {"ContentType": "text/csv"}})");
  EXPECT_EQ(Run(&out), 1);
  EXPECT_NE(ReadText(root() / "output/failure").find("ClientError: Non-numeric value in b.csv line 1"),
            std::string::npos);

  Configure(R"({"num_round": "3", "objective": "reg:nonsense"})",
            R"({"validation": {"ContentType": "text/csv"}})");
  EXPECT_EQ(Run(&out), 1);
  EXPECT_NE(ReadText(root() / "output/failure").find("Channel \"train\" is required"),
            std::string::npos);
}

TEST(TrainingDataTest, CsvWeightsMissingValuesAndShapes) {
  testing::TempDir dir;
  WriteText(dir.path() / "d" / "a.csv", "1,0.5,2,\n0,1.5,3,4\n");
  TrainingData d = LoadTrainingData(dir.path() / "d", DataFormat::kCsv, true);
  EXPECT_EQ(d.rows, 2u);
  EXPECT_EQ(d.columns, 2u);
  EXPECT_EQ(d.weights, (std::vector<float>{0.5f, 1.5f}));
  EXPECT_TRUE(std::isnan(d.dense[1]));
  WriteText(dir.path() / "e" / "a.csv", "1,2,3\n0,1\n");
  EXPECT_THROW(LoadTrainingData(dir.path() / "e", DataFormat::kCsv, false), DataError);
  EXPECT_EQ(FormatOfContentType("text/csv; label_size=1"), DataFormat::kCsv);
  EXPECT_EQ(FormatOfContentType(""), DataFormat::kLibsvm);
  EXPECT_THROW(FormatOfContentType("application/x-parquet"), DataError);
}

}  // namespace
}  // namespace sagemaker
