#include "base/crypto.h"

#include <gtest/gtest.h>

namespace base {

TEST(Crypto, KnownDigests) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexEncode(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, IncrementalDigestMatchesOneShot) {
  Digest d(DigestAlgorithm::kSha256);
  d.Update("hello ");
  d.Update("world");
  EXPECT_EQ(d.Final(), Sha256("hello world"));
}

TEST(Crypto, Checksums) {
  // The standard check value of each CRC over "123456789".
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc64Nvme("123456789"), 0xAE8B14860A799888ull);
  // Incremental over a split that crosses the 8-byte slicing boundary.
  std::string long_text(1000, 'x');
  EXPECT_EQ(Crc32c(long_text.substr(13), Crc32c(long_text.substr(0, 13))), Crc32c(long_text));
  EXPECT_EQ(Base64Encode(BigEndianBytes(Crc32("hello"))), "NhCmhg==");
}

TEST(Crypto, Encodings) {
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(*Base64Decode("Zm8="), "fo");
  EXPECT_EQ(*Base64Decode(""), "");
  EXPECT_FALSE(Base64Decode("Zm8"));
  EXPECT_FALSE(Base64Decode("Z=8="));
  EXPECT_FALSE(Base64Decode("Zm9v!mFy"));
  EXPECT_EQ(*HexDecode("00ff10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("0g"));
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

TEST(Crypto, RandomIdentifiers) {
  EXPECT_EQ(RandomHex(10).size(), 10u);
  EXPECT_NE(RandomSecret(40), RandomSecret(40));
  std::string u = Uuid4();
  EXPECT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
}

}  // namespace base
