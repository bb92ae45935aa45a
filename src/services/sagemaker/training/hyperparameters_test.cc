#include "services/sagemaker/training/hyperparameters.h"

#include <gtest/gtest.h>

namespace sagemaker {
namespace {

using base::Json;

TEST(HyperparametersTest, DecodesJsonValuesAndKeepsOtherStrings) {
  EXPECT_EQ(DecodeHyperparameter("100"), Json(100));
  EXPECT_EQ(DecodeHyperparameter("0.001"), Json(0.001));
  EXPECT_EQ(DecodeHyperparameter("\"train.py\""), Json("train.py"));
  EXPECT_EQ(DecodeHyperparameter("true"), Json(true));
  EXPECT_EQ(DecodeHyperparameter("reg:squarederror"), Json("reg:squarederror"));
  EXPECT_EQ(DecodeHyperparameter(""), Json(""));
}

TEST(HyperparametersTest, SplitsFrameworkParameters) {
  DecodedHyperparameters hp = DecodeHyperparameters({{"epochs", "10"},
                                                     {"sagemaker_program", "\"train.py\""},
                                                     {"lr", "0.1"}});
  EXPECT_EQ(hp.user.size(), 2u);
  EXPECT_EQ(hp.framework["sagemaker_program"], "train.py");
  EXPECT_FALSE(hp.user.contains("sagemaker_program"));
}

TEST(HyperparametersTest, PythonStrMatchesPython) {
  EXPECT_EQ(PythonStr(Json(0.001)), "0.001");
  EXPECT_EQ(PythonStr(Json(1e-05)), "1e-05");
  EXPECT_EQ(PythonStr(Json(100.0)), "100.0");
  EXPECT_EQ(PythonStr(Json(1e16)), "1e+16");
  EXPECT_EQ(PythonStr(Json(123456789012345.0)), "123456789012345.0");
  EXPECT_EQ(PythonStr(Json(0.1 + 0.2)), "0.30000000000000004");
  EXPECT_EQ(PythonStr(Json(-2.5)), "-2.5");
  EXPECT_EQ(PythonStr(Json(0.0001)), "0.0001");
  EXPECT_EQ(PythonStr(Json(true)), "True");
  EXPECT_EQ(PythonStr(Json(nullptr)), "None");
  EXPECT_EQ(PythonStr(Json::parse("[1, \"a\", 2.5]")), "[1, 'a', 2.5]");
  EXPECT_EQ(PythonStr(Json::parse("{\"k\": \"it's\"}")), "{'k': \"it's\"}");
}

TEST(HyperparametersTest, CommandArgsAreSortedWithToolkitDashes) {
  Json hp = {{"learning-rate", 0.001}, {"epochs", 3}, {"b", 32}, {"flag", false},
             {"opts", {{"y", 2}, {"x", 1}}}};
  std::vector<std::string> expected = {"-b", "32", "--epochs", "3", "--flag", "False",
                                       "--learning-rate", "0.001", "--opts", "x=1,y=2"};
  EXPECT_EQ(ToCommandArgs(hp), expected);
}

TEST(HyperparametersTest, EnvValuesAreStringsOrCompactJson) {
  EXPECT_EQ(EnvValue(Json("adam")), "adam");
  EXPECT_EQ(EnvValue(Json(10)), "10");
  EXPECT_EQ(EnvValue(Json(true)), "true");
  EXPECT_EQ(EnvValue(Json(1e-05)), "1e-05");
  EXPECT_EQ(CompactJson(Json{{"b", 1.0}, {"a", "x"}}), "{\"a\":\"x\",\"b\":1.0}");
}

}  // namespace
}  // namespace sagemaker
