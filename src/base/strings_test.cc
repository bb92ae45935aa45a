#include "base/strings.h"

#include <gtest/gtest.h>

namespace base {

TEST(Strings, UriEncodeFollowsRfc3986) {
  EXPECT_EQ(UriEncode("a b/c~d*e"), "a%20b%2Fc~d%2Ae");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("東"), "%E6%9D%B1");
}

TEST(Strings, UriDecode) {
  EXPECT_EQ(*UriDecode("a%20b+c"), "a b+c");
  EXPECT_EQ(*UriDecode("a%20b+c", true), "a b c");
  EXPECT_FALSE(UriDecode("%4"));
  EXPECT_FALSE(UriDecode("%zz"));
}

TEST(Strings, ParseQueryString) {
  auto q = ParseQueryString("b=2&a=1&empty=&flag");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>("b", "2")));
  EXPECT_EQ((*q)[3], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_FALSE(ParseQueryString("a=%"));
}

TEST(Strings, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("東京 tokyo"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));        // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));    // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe6\x9d"));        // truncated
}

TEST(Strings, XmlEscape) { EXPECT_EQ(XmlEscape("<a & 'b'>"), "&lt;a &amp; &apos;b&apos;&gt;"); }

}  // namespace base
