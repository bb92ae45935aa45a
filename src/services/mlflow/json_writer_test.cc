#include "services/mlflow/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace mlflow {
namespace {

TEST(JsonWriterTest, WritesMembersEscapesAndSpecialDoubles) {
  JsonWriter w;
  w.BeginObject().Key("a\"b").String("x\n\x01y").Key("n").Int(-42).Key("d").Double(0.1);
  w.Key("nan").Double(std::nan("")).Key("inf").Double(-INFINITY).Key("list").BeginArray();
  w.Bool(true).Raw("{}").EndArray().EndObject();
  EXPECT_EQ(w.str(),
            "{\"a\\\"b\":\"x\\n\\u0001y\",\"n\":-42,\"d\":0.1,\"nan\":\"NaN\","
            "\"inf\":\"-Infinity\",\"list\":[true,{}]}");
}

TEST(JsonWriterTest, SpilledPiecesMakeTheSameTextAsOneString) {
  auto write = [](JsonWriter& w) {
    w.BeginObject().Key("metrics").BeginArray();
    for (int i = 0; i < 5000; ++i) {
      w.BeginObject().Key("key").String("loss").Key("value").Double(1.0 / (i + 1));
      w.Key("step").Int(i).EndObject();
    }
    w.EndArray().Key("next_page_token").String("tok").EndObject();
  };
  JsonWriter whole;
  write(whole);

  std::vector<std::string> pieces;
  JsonWriter spilled;
  spilled.SpillTo(4096, [&](std::string_view p) { pieces.emplace_back(p); });
  write(spilled);
  std::string joined;
  for (const std::string& p : pieces) {
    EXPECT_GE(p.size(), 4096u);
    EXPECT_LT(p.size(), 4096u + 200);  // a piece ends at the first value end past the size
    joined += p;
  }
  ASSERT_GT(pieces.size(), 10u);
  EXPECT_LT(spilled.str().size(), 4096u);
  EXPECT_EQ(joined + spilled.str(), whole.str());
}

TEST(JsonWriterTest, SmallOutputIsNeverSpilled) {
  int calls = 0;
  JsonWriter w;
  w.SpillTo(1 << 20, [&](std::string_view) { ++calls; });
  w.BeginObject().Key("run_id").String("abc").EndObject();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(w.str(), "{\"run_id\":\"abc\"}");
}

}  // namespace
}  // namespace mlflow
