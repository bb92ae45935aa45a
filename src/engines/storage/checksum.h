// The additional checksums S3 keeps with objects and parts (x-amz-checksum-*): their names,
// incremental computation, and the two ways a multipart upload derives the object's value
// from its parts (COMPOSITE: a checksum of the parts' checksums; FULL_OBJECT: CRCs combined
// as if computed over the whole byte stream).
//
// Values travel as raw bytes here (CRCs big-endian, digests as produced); the API exposes
// them base64-encoded, as S3 does. Checksummer is not thread-safe (one per stream); the free
// functions are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/crypto.h"

namespace storage {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256, kMd5 };
enum class ChecksumType { kFullObject, kComposite };

inline constexpr ChecksumAlgorithm kAllChecksumAlgorithms[] = {
    ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
    ChecksumAlgorithm::kSha1,  ChecksumAlgorithm::kSha256, ChecksumAlgorithm::kMd5};

// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "MD5".
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);
// Case-insensitive inverse of ChecksumAlgorithmName.
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
// "FULL_OBJECT", "COMPOSITE".
std::string_view ChecksumTypeName(ChecksumType type);
std::optional<ChecksumType> ParseChecksumType(std::string_view name);

// Whether a multipart upload may use `type` with `algorithm`: FULL_OBJECT needs a CRC;
// CRC64NVME exists only as FULL_OBJECT.
bool MultipartSupports(ChecksumAlgorithm algorithm, ChecksumType type);
// The type S3 picks when CreateMultipartUpload names an algorithm but no type.
ChecksumType DefaultMultipartChecksumType(ChecksumAlgorithm algorithm);

// Incremental checksum of one algorithm over a byte stream.
class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm algorithm);
  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void Update(std::string_view data);
  // The raw checksum; the object must not be updated afterwards.
  std::string Final();

 private:
  ChecksumAlgorithm algorithm_;
  std::variant<uint32_t, uint64_t, base::Digest> state_;
};

// One-shot raw checksum of `data`.
std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data);

// For a CRC algorithm: the raw CRC of A||B from the raw CRCs of A and B and B's length.
std::string CombineCrc(ChecksumAlgorithm algorithm, std::string_view crc_a, std::string_view crc_b,
                       uint64_t length_b);

}  // namespace storage
