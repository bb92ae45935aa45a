#include "services/s3/post_policy.h"

#include <gtest/gtest.h>

#include "base/crypto.h"
#include "platform/aws/api_error.h"

namespace s3 {
namespace {

std::string Encode(const std::string& json) { return base::Base64Encode(json); }

const char* kPolicy = R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [
  {"bucket": "photos"}, ["starts-with", "$key", "user/"], {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
  ["eq", "$Content-Type", "image/png"], ["content-length-range", 1, "1048576"]]})";

std::map<std::string, std::string> Fields() {
  return {{"key", "user/a.png"},
          {"x-amz-algorithm", "AWS4-HMAC-SHA256"},
          {"content-type", "image/png"},
          {"policy", "..."},
          {"x-amz-signature", "..."}};
}

int Check(const std::map<std::string, std::string>& fields, const std::string& bucket,
          base::TimePoint now) {
  try {
    PostPolicy::Parse(Encode(kPolicy)).Check(fields, bucket, now);
  } catch (const aws::ApiError& e) {
    return e.http_status();
  }
  return 200;
}

TEST(PostPolicyTest, ExpirationsOutsideTheClockRange) {
  auto status = [](const std::string& expiration) {
    try {
      PostPolicy::Parse(Encode(R"({"expiration": ")" + expiration +
                               R"(", "conditions": [{"bucket": "photos"}]})"))
          .Check({}, "photos", base::Now());
    } catch (const aws::ApiError& e) {
      return e.http_status();
    }
    return 200;
  };
  EXPECT_EQ(status("1015-01-01T00:00:00Z"), 403);  // long expired
  EXPECT_EQ(status("1969-12-31T23:59:59Z"), 403);
  EXPECT_EQ(status("1015-13-01T00:00:00Z"), 400);  // not a date
  EXPECT_EQ(status("9999-01-01T00:00:00Z"), 400);  // beyond what a time point holds
  EXPECT_EQ(status("2199-12-31T00:00:00Z"), 200);
  EXPECT_EQ(status("20x0-01-01T00:00:00Z"), 400);
}

TEST(PostPolicyTest, ConditionsAndLengthRange) {
  PostPolicy p = PostPolicy::Parse(Encode(kPolicy));
  ASSERT_TRUE(p.length_range());
  EXPECT_EQ(p.length_range()->first, 1u);
  EXPECT_EQ(p.length_range()->second, 1048576u);
  base::TimePoint now = base::Now();
  EXPECT_EQ(Check(Fields(), "photos", now), 200);
  EXPECT_EQ(Check(Fields(), "other", now), 403);
  auto wrong_key = Fields();
  wrong_key["key"] = "admin/a.png";
  EXPECT_EQ(Check(wrong_key, "photos", now), 403);
  auto extra = Fields();
  extra["x-amz-meta-sneaky"] = "1";
  EXPECT_EQ(Check(extra, "photos", now), 403);
  auto ignored = Fields();
  ignored["x-ignore-me"] = "1";
  EXPECT_EQ(Check(ignored, "photos", now), 200);
  EXPECT_EQ(Check(Fields(), "photos", *base::ParseIso8601("2031-01-01T00:00:00Z")), 403);
}

TEST(PostPolicyTest, MalformedPolicies) {
  EXPECT_THROW(PostPolicy::Parse("%%%"), aws::ApiError);
  EXPECT_THROW(PostPolicy::Parse(Encode("[]")), aws::ApiError);
  EXPECT_THROW(PostPolicy::Parse(Encode(R"({"conditions": []})")), aws::ApiError);
  EXPECT_THROW(PostPolicy::Parse(Encode(
                   R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["gt", "$k", "1"]]})")),
               aws::ApiError);
}

}  // namespace
}  // namespace s3
