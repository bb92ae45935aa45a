#include "engines/storage/checksum.h"

#include <gtest/gtest.h>

#include "base/crypto.h"

namespace storage {
namespace {

std::string B64(ChecksumAlgorithm a, std::string_view data) {
  return base::Base64Encode(ComputeChecksum(a, data));
}

TEST(ChecksumTest, KnownValuesOfTheCheckString) {
  // The standard check input "123456789" and the catalogued CRC values.
  EXPECT_EQ(ComputeChecksum(ChecksumAlgorithm::kCrc32, "123456789"),
            base::BigEndianBytes(uint32_t{0xCBF43926}));
  EXPECT_EQ(ComputeChecksum(ChecksumAlgorithm::kCrc32c, "123456789"),
            base::BigEndianBytes(uint32_t{0xE3069283}));
  EXPECT_EQ(ComputeChecksum(ChecksumAlgorithm::kCrc64Nvme, "123456789"),
            base::BigEndianBytes(uint64_t{0xAE8B14860A799888}));
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, "123456789"), "y/Q5Jg==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, "123456789"), "4waSgw==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, "123456789"), "rosUhgp5mIg=");
  EXPECT_EQ(base::HexEncode(ComputeChecksum(ChecksumAlgorithm::kSha1, "abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(base::HexEncode(ComputeChecksum(ChecksumAlgorithm::kSha256, "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(base::HexEncode(ComputeChecksum(ChecksumAlgorithm::kMd5, "abc")),
            "900150983cd24fb0d6963f7d28e17f72");
  // Empty input: the CRCs of nothing are zero.
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, ""), "AAAAAA==");
}

TEST(ChecksumTest, IncrementalEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>(i * 7 + i / 13));
  for (ChecksumAlgorithm a : kAllChecksumAlgorithms) {
    Checksummer c(a);
    for (size_t at = 0; at < data.size(); at += 4099)
      c.Update(std::string_view(data).substr(at, 4099));
    EXPECT_EQ(c.Final(), ComputeChecksum(a, data)) << ChecksumAlgorithmName(a);
  }
}

TEST(ChecksumTest, CombinedCrcEqualsCrcOfConcatenation) {
  std::string a = "The quick brown fox ";
  std::string b;
  for (int i = 0; i < 70000; ++i) b.push_back(static_cast<char>(i % 251));
  for (ChecksumAlgorithm alg :
       {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme}) {
    std::string combined =
        CombineCrc(alg, ComputeChecksum(alg, a), ComputeChecksum(alg, b), b.size());
    EXPECT_EQ(combined, ComputeChecksum(alg, a + b)) << ChecksumAlgorithmName(alg);
    // Appending nothing changes nothing.
    EXPECT_EQ(CombineCrc(alg, ComputeChecksum(alg, a), ComputeChecksum(alg, ""), 0),
              ComputeChecksum(alg, a));
  }
  EXPECT_THROW(CombineCrc(ChecksumAlgorithm::kSha256, "", "", 1), std::invalid_argument);
}

TEST(ChecksumTest, NamesAndMultipartRules) {
  for (ChecksumAlgorithm a : kAllChecksumAlgorithms) {
    EXPECT_EQ(ParseChecksumAlgorithm(ChecksumAlgorithmName(a)), a);
  }
  EXPECT_EQ(ParseChecksumAlgorithm("crc64nvme"), ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_FALSE(ParseChecksumAlgorithm("CRC16"));
  EXPECT_EQ(ParseChecksumType("FULL_OBJECT"), ChecksumType::kFullObject);
  EXPECT_EQ(ChecksumTypeName(ChecksumType::kComposite), "COMPOSITE");
  EXPECT_TRUE(MultipartSupports(ChecksumAlgorithm::kCrc32, ChecksumType::kFullObject));
  EXPECT_TRUE(MultipartSupports(ChecksumAlgorithm::kSha256, ChecksumType::kComposite));
  EXPECT_FALSE(MultipartSupports(ChecksumAlgorithm::kSha256, ChecksumType::kFullObject));
  EXPECT_FALSE(MultipartSupports(ChecksumAlgorithm::kCrc64Nvme, ChecksumType::kComposite));
  EXPECT_EQ(DefaultMultipartChecksumType(ChecksumAlgorithm::kCrc64Nvme), ChecksumType::kFullObject);
  EXPECT_EQ(DefaultMultipartChecksumType(ChecksumAlgorithm::kCrc32), ChecksumType::kComposite);
}

}  // namespace
}  // namespace storage
