#include "services/s3/byte_range.h"

#include <gtest/gtest.h>

#include "platform/aws/api_error.h"

namespace s3 {
namespace {

int StatusOf(std::string_view header, uint64_t size) {
  try {
    ParseRange(header, size);
  } catch (const aws::ApiError& e) {
    return e.http_status();
  }
  return 0;
}

TEST(ByteRangeTest, ClosedOpenAndSuffixRanges) {
  auto r = ParseRange("bytes=10-19", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 10u);
  EXPECT_EQ(r->last, 19u);
  r = ParseRange("bytes=90-", 100);
  EXPECT_EQ(r->first, 90u);
  EXPECT_EQ(r->last, 99u);
  r = ParseRange("bytes=-5", 100);
  EXPECT_EQ(r->first, 95u);
  EXPECT_EQ(r->last, 99u);
  r = ParseRange("bytes=-500", 100);  // a suffix longer than the object is the whole object
  EXPECT_EQ(r->first, 0u);
  EXPECT_EQ(r->last, 99u);
  r = ParseRange("bytes=50-1000", 100);  // clamped
  EXPECT_EQ(r->last, 99u);
  EXPECT_EQ(ContentRange(*r, 100), "bytes 50-99/100");
}

TEST(ByteRangeTest, UnparsableRangesAreIgnored) {
  for (const char* h : {"", "bytes=abc", "items=0-1", "bytes=5-2", "bytes=0-1,3-4", "bytes=-"}) {
    EXPECT_FALSE(ParseRange(h, 100)) << h;
  }
}

TEST(ByteRangeTest, UnsatisfiableRangesAre416) {
  EXPECT_EQ(StatusOf("bytes=100-", 100), 416);
  EXPECT_EQ(StatusOf("bytes=100-200", 100), 416);
  EXPECT_EQ(StatusOf("bytes=-0", 100), 416);
  EXPECT_EQ(StatusOf("bytes=0-", 0), 416);
  EXPECT_EQ(StatusOf("bytes=99-", 100), 0);
}

std::string CopyRangeError(std::string_view header, uint64_t size) {
  try {
    ParseCopySourceRange(header, size);
  } catch (const aws::ApiError& e) {
    return std::to_string(e.http_status()) + " " + e.code();
  }
  return "ok";
}

TEST(ByteRangeTest, CopySourceRangeIsStrict) {
  storage::ByteRange r = ParseCopySourceRange("bytes=3-9", 10);
  EXPECT_EQ(r.first, 3u);
  EXPECT_EQ(r.last, 9u);
  EXPECT_EQ(CopyRangeError("bytes=0-10", 10), "400 InvalidArgument");
  EXPECT_EQ(CopyRangeError("bytes=5-", 10), "400 InvalidArgument");
  EXPECT_EQ(CopyRangeError("bytes=-5", 10), "400 InvalidArgument");
  EXPECT_EQ(CopyRangeError("0-5", 10), "400 InvalidArgument");
  EXPECT_EQ(CopyRangeError("bytes=6-5", 10), "400 InvalidArgument");
}

}  // namespace
}  // namespace s3
