#include "services/s3/cors_rules.h"

#include <gtest/gtest.h>

#include "platform/aws/api_error.h"

namespace s3 {
namespace {

base::Json Rules() {
  return base::Json::parse(R"([
    {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"],
     "AllowedHeaders": ["content-*", "x-amz-date"], "ExposeHeaders": ["ETag"],
     "MaxAgeSeconds": 300},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}
  ])");
}

TEST(CorsRulesTest, FirstMatchingRuleWins) {
  CorsRules rules = CorsRules::FromJson(Rules());
  const CorsRules::Rule* r = rules.Match("https://app.example.com", "PUT", {"content-type"});
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->max_age_seconds, 300);
  EXPECT_EQ(rules.Match("https://app.example.com", "PUT", {"authorization"}), nullptr);
  EXPECT_EQ(rules.Match("https://other.org", "PUT", {}), nullptr);
  r = rules.Match("https://other.org", "GET", {});
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->max_age_seconds);
}

TEST(CorsRulesTest, HeadersOfPreflightAndActualResponses) {
  CorsRules rules = CorsRules::FromJson(Rules());
  const CorsRules::Rule* r = rules.Match("https://a.example.com", "GET", {});
  http::Headers preflight;
  CorsRules::AddHeaders(*r, "https://a.example.com", true, {"x-amz-date"}, preflight);
  EXPECT_EQ(preflight.Get("Access-Control-Allow-Origin"), "https://a.example.com");
  EXPECT_EQ(preflight.Get("Access-Control-Allow-Methods"), "GET, PUT");
  EXPECT_EQ(preflight.Get("Access-Control-Allow-Headers"), "x-amz-date");
  EXPECT_EQ(preflight.Get("Access-Control-Max-Age"), "300");
  http::Headers actual;
  const CorsRules::Rule* any = rules.Match("https://x.org", "GET", {});
  CorsRules::AddHeaders(*any, "https://x.org", false, {}, actual);
  EXPECT_EQ(actual.Get("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(actual.Has("Access-Control-Allow-Methods"));
}

TEST(CorsRulesTest, RefusesWhatS3Refuses) {
  EXPECT_THROW(CorsRules::FromJson(base::Json::array()), aws::ApiError);
  EXPECT_THROW(CorsRules::FromJson(base::Json::parse(
                   R"([{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}])")),
               aws::ApiError);
  EXPECT_THROW(CorsRules::FromJson(base::Json::parse(
                   R"([{"AllowedOrigins": ["*.*"], "AllowedMethods": ["GET"]}])")),
               aws::ApiError);
  EXPECT_THROW(CorsRules::FromJson(base::Json::parse(R"([{"AllowedMethods": ["GET"]}])")),
               aws::ApiError);
}

}  // namespace
}  // namespace s3
