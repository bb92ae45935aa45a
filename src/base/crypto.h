// Hashes, MACs, checksums, encodings and randomness, on OpenSSL and zlib.
//
// One-shot functions take the whole input; the Digest class hashes a stream incrementally
// (S3 uploads hash bytes as they arrive). All functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace base {

enum class DigestAlgorithm { kMd5, kSha1, kSha256 };

// An incremental message digest. Not copyable; one instance per stream.
class Digest {
 public:
  explicit Digest(DigestAlgorithm algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;

  void Update(std::string_view data);
  // Returns the raw digest bytes; the object must not be updated afterwards.
  std::string Final();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Raw (binary) digests.
std::string Md5(std::string_view data);
std::string Sha1(std::string_view data);
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

// CRC-32 (IEEE, as zlib) and CRC-32C (Castagnoli), continuing from `crc` (0 to start).
uint32_t Crc32(std::string_view data, uint32_t crc = 0);
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);
// CRC-64/NVME, as S3's x-amz-checksum-crc64nvme.
uint64_t Crc64Nvme(std::string_view data, uint64_t crc = 0);
// Big-endian bytes of a checksum value, the form S3 base64-encodes.
std::string BigEndianBytes(uint32_t value);
std::string BigEndianBytes(uint64_t value);

std::string HexEncode(std::string_view bytes);
// Returns nullopt when `hex` has odd length or a non-hex digit.
std::optional<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view bytes);
// Standard alphabet with padding; returns nullopt on malformed input.
std::optional<std::string> Base64Decode(std::string_view text);

// Compares in time independent of where the inputs differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// Cryptographically secure random bytes, and helpers built on them.
std::string RandomBytes(size_t n);
std::string RandomHex(size_t n_chars);
// Characters from [A-Z0-9] (for access key ids) or base64-like alphabet (for secrets).
std::string RandomUpperAlnum(size_t n_chars);
std::string RandomSecret(size_t n_chars);
// A random RFC 4122 version-4 UUID, lower-case.
std::string Uuid4();

}  // namespace base
