#include "services/s3/preconditions.h"

#include <gtest/gtest.h>

#include "platform/aws/api_error.h"

namespace s3 {
namespace {

int Outcome(const base::Json& in) {
  storage::ObjectInfo info;
  info.etag = "abc";
  info.last_modified = base::FromUnixMillis(1'700'000'000'500);  // 0.5 s past a second
  try {
    CheckReadPreconditions(in, info);
  } catch (const aws::ApiError& e) {
    return e.http_status();
  }
  return 200;
}

TEST(PreconditionsTest, EtagConditions) {
  EXPECT_EQ(Outcome({{"IfMatch", "\"abc\""}}), 200);
  EXPECT_EQ(Outcome({{"IfMatch", "\"x\", \"abc\""}}), 200);
  EXPECT_EQ(Outcome({{"IfMatch", "*"}}), 200);
  EXPECT_EQ(Outcome({{"IfMatch", "\"other\""}}), 412);
  EXPECT_EQ(Outcome({{"IfNoneMatch", "\"abc\""}}), 304);
  EXPECT_EQ(Outcome({{"IfNoneMatch", "\"other\""}}), 200);
}

TEST(PreconditionsTest, TimeConditionsCompareWholeSeconds) {
  EXPECT_EQ(Outcome({{"IfModifiedSince", 1'700'000'000}}), 304);
  EXPECT_EQ(Outcome({{"IfModifiedSince", 1'699'999'999}}), 200);
  EXPECT_EQ(Outcome({{"IfUnmodifiedSince", 1'700'000'000}}), 200);
  EXPECT_EQ(Outcome({{"IfUnmodifiedSince", 1'699'999'999}}), 412);
}

TEST(PreconditionsTest, EtagConditionsOverrideTimeConditions) {
  // If-Match holds, so a failing If-Unmodified-Since is not consulted.
  EXPECT_EQ(Outcome({{"IfMatch", "\"abc\""}, {"IfUnmodifiedSince", 1}}), 200);
  // If-None-Match does not match, so If-Modified-Since is not consulted.
  EXPECT_EQ(Outcome({{"IfNoneMatch", "\"zzz\""}, {"IfModifiedSince", 1'800'000'000}}), 200);
  // 412 wins over 304.
  EXPECT_EQ(Outcome({{"IfMatch", "\"zzz\""}, {"IfNoneMatch", "\"abc\""}}), 412);
}

}  // namespace
}  // namespace s3
