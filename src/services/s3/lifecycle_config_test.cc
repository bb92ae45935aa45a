#include "services/s3/lifecycle_config.h"

#include <gtest/gtest.h>

#include "platform/aws/api_error.h"

namespace s3 {
namespace {

int StatusOf(const char* json) {
  try {
    ParseLifecycleRules(base::Json::parse(json));
  } catch (const aws::ApiError& e) {
    return e.http_status();
  }
  return 200;
}

TEST(LifecycleConfigTest, TranslatesRules) {
  auto rules = ParseLifecycleRules(base::Json::parse(R"([
    {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 3}},
    {"ID": "old", "Status": "Disabled",
     "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}],
                        "ObjectSizeGreaterThan": 10}},
     "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2},
     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
    {"Status": "Enabled", "Prefix": "legacy/", "Expiration": {"Date": 1893456000}}
  ])"));
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].prefix, "tmp/");
  EXPECT_EQ(rules[0].expiration_days, 3);
  EXPECT_FALSE(rules[1].enabled);
  EXPECT_EQ(rules[1].prefix, "logs/");
  ASSERT_EQ(rules[1].tags.size(), 1u);
  EXPECT_EQ(rules[1].tags[0].value, "v");
  EXPECT_EQ(rules[1].object_size_greater_than, 10u);
  EXPECT_EQ(rules[1].noncurrent_days, 30);
  EXPECT_EQ(rules[1].newer_noncurrent_versions, 2);
  EXPECT_EQ(rules[1].abort_incomplete_multipart_days, 7);
  EXPECT_EQ(rules[2].prefix, "legacy/");
  EXPECT_TRUE(rules[2].expiration_date);
}

TEST(LifecycleConfigTest, RefusesWhatS3Refuses) {
  EXPECT_EQ(StatusOf(R"([{"Status": "Enabled", "Filter": {}}])"), 400);  // no action
  EXPECT_EQ(StatusOf(R"([{"Status": "On", "Expiration": {"Days": 1}}])"), 400);
  EXPECT_EQ(StatusOf(R"([{"Status": "Enabled", "Expiration": {"Days": 0}}])"), 400);
  EXPECT_EQ(StatusOf(R"([{"Status": "Enabled", "Expiration": {"Date": 1893456001}}])"), 400);
  EXPECT_EQ(StatusOf(R"([{"ID": "a", "Status": "Enabled", "Expiration": {"Days": 1}},
                         {"ID": "a", "Status": "Enabled", "Expiration": {"Days": 2}}])"),
            400);
  EXPECT_EQ(StatusOf(R"([{"Status": "Enabled", "Transitions": [{"Days": 1}]}])"), 501);
  EXPECT_EQ(StatusOf(R"([])"), 400);
}

}  // namespace
}  // namespace s3
