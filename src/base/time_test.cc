#include "base/time.h"

#include <gtest/gtest.h>

namespace base {

TEST(Time, AmzDateRoundTrip) {
  auto t = ParseAmzDate("20150830T123600Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(ToUnixMillis(*t), 1440938160000);
  EXPECT_EQ(FormatAmzDate(*t), "20150830T123600Z");
  EXPECT_FALSE(ParseAmzDate("20150230T123600Z"));
  EXPECT_FALSE(ParseAmzDate("2015083T123600Z"));
  EXPECT_FALSE(ParseAmzDate("99991231T235959Z"));  // beyond the clock's range
  EXPECT_FALSE(ParseIso8601("2262-04-12T00:00:00Z"));
  EXPECT_FALSE(ParseIso8601("1677-09-21T00:00:00-23:59"));
  EXPECT_FALSE(ParseIso8601("0001-01-01T00:00:00Z"));
  EXPECT_FALSE(ParseHttpDate("Mon, 01 Jan 0001 00:00:00 GMT"));
}

TEST(Time, Iso8601) {
  auto t = ParseIso8601("2015-08-30T12:36:00.250Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIso8601(*t), "2015-08-30T12:36:00.250Z");
  EXPECT_EQ(ToUnixMillis(*ParseIso8601("2015-08-30T21:36:00+09:00")), 1440938160000);
  EXPECT_EQ(ToUnixMillis(*ParseIso8601("1970-01-02")), 86400000);
  EXPECT_FALSE(ParseIso8601("2015-13-01"));
  EXPECT_FALSE(ParseIso8601("2015-08-30T12:36:00Zjunk"));
}

TEST(Time, HttpDate) {
  auto t = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatHttpDate(*t), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
}

TEST(Time, NegativeTimesFormat) {
  EXPECT_EQ(FormatIso8601(FromUnixMillis(-1)), "1969-12-31T23:59:59.999Z");
}

}  // namespace base
