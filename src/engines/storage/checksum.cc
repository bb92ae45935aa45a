#include "engines/storage/checksum.h"

#include <array>
#include <stdexcept>

#include "base/strings.h"

namespace storage {
namespace {

// GF(2) matrices over W-bit CRC registers, as zlib's crc32_combine: applying the "append one
// zero bit" operator 2^k times by repeated squaring shifts crc(A) past len(B) zero bytes.
template <typename T>
class CrcShifter {
 public:
  static constexpr int kBits = sizeof(T) * 8;
  using Matrix = std::array<T, kBits>;

  static T Times(const Matrix& m, T vec) {
    T sum = 0;
    for (int i = 0; vec != 0; ++i, vec >>= 1) {
      if (vec & 1) sum ^= m[i];
    }
    return sum;
  }

  static Matrix Square(const Matrix& m) {
    Matrix out{};
    for (int n = 0; n < kBits; ++n) out[n] = Times(m, m[n]);
    return out;
  }

  // crc(A||B) for reflected CRCs with all-ones init and final xor.
  static T Combine(T poly, T crc_a, T crc_b, uint64_t len_b) {
    if (len_b == 0) return crc_a;
    Matrix odd{};
    odd[0] = poly;  // the operator for one zero bit
    T row = 1;
    for (int n = 1; n < kBits; ++n) {
      odd[n] = row;
      row <<= 1;
    }
    Matrix even = Square(odd);  // two zero bits
    odd = Square(even);         // four zero bits
    do {
      even = Square(odd);  // first pass: one zero byte
      if (len_b & 1) crc_a = Times(even, crc_a);
      len_b >>= 1;
      if (len_b == 0) break;
      odd = Square(even);
      if (len_b & 1) crc_a = Times(odd, crc_a);
      len_b >>= 1;
    } while (len_b != 0);
    return crc_a ^ crc_b;
  }
};

template <typename T>
T FromBigEndian(std::string_view bytes) {
  T v = 0;
  for (char c : bytes) v = static_cast<T>((v << 8) | static_cast<unsigned char>(c));
  return v;
}

base::DigestAlgorithm DigestFor(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kSha1:
      return base::DigestAlgorithm::kSha1;
    case ChecksumAlgorithm::kMd5:
      return base::DigestAlgorithm::kMd5;
    default:
      return base::DigestAlgorithm::kSha256;
  }
}

}  // namespace

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return "CRC32";
    case ChecksumAlgorithm::kCrc32c:
      return "CRC32C";
    case ChecksumAlgorithm::kCrc64Nvme:
      return "CRC64NVME";
    case ChecksumAlgorithm::kSha1:
      return "SHA1";
    case ChecksumAlgorithm::kSha256:
      return "SHA256";
    case ChecksumAlgorithm::kMd5:
      return "MD5";
  }
  return "";
}

std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  for (ChecksumAlgorithm a : kAllChecksumAlgorithms) {
    if (base::EqualsIgnoreCase(name, ChecksumAlgorithmName(a))) return a;
  }
  return std::nullopt;
}

std::string_view ChecksumTypeName(ChecksumType type) {
  return type == ChecksumType::kFullObject ? "FULL_OBJECT" : "COMPOSITE";
}

std::optional<ChecksumType> ParseChecksumType(std::string_view name) {
  if (base::EqualsIgnoreCase(name, "FULL_OBJECT")) return ChecksumType::kFullObject;
  if (base::EqualsIgnoreCase(name, "COMPOSITE")) return ChecksumType::kComposite;
  return std::nullopt;
}

bool MultipartSupports(ChecksumAlgorithm algorithm, ChecksumType type) {
  bool crc = algorithm == ChecksumAlgorithm::kCrc32 || algorithm == ChecksumAlgorithm::kCrc32c ||
             algorithm == ChecksumAlgorithm::kCrc64Nvme;
  if (type == ChecksumType::kFullObject) return crc;
  return algorithm != ChecksumAlgorithm::kCrc64Nvme;
}

ChecksumType DefaultMultipartChecksumType(ChecksumAlgorithm algorithm) {
  return algorithm == ChecksumAlgorithm::kCrc64Nvme ? ChecksumType::kFullObject
                                                    : ChecksumType::kComposite;
}

Checksummer::Checksummer(ChecksumAlgorithm algorithm) : algorithm_(algorithm), state_(0u) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      state_.emplace<uint32_t>(0);
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      state_.emplace<uint64_t>(0);
      break;
    default:
      state_.emplace<base::Digest>(DigestFor(algorithm));
  }
}

void Checksummer::Update(std::string_view data) {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      std::get<uint32_t>(state_) = base::Crc32(data, std::get<uint32_t>(state_));
      break;
    case ChecksumAlgorithm::kCrc32c:
      std::get<uint32_t>(state_) = base::Crc32c(data, std::get<uint32_t>(state_));
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      std::get<uint64_t>(state_) = base::Crc64Nvme(data, std::get<uint64_t>(state_));
      break;
    default:
      std::get<base::Digest>(state_).Update(data);
  }
}

std::string Checksummer::Final() {
  if (auto* crc = std::get_if<uint32_t>(&state_)) return base::BigEndianBytes(*crc);
  if (auto* crc = std::get_if<uint64_t>(&state_)) return base::BigEndianBytes(*crc);
  return std::get<base::Digest>(state_).Final();
}

std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data) {
  Checksummer c(algorithm);
  c.Update(data);
  return c.Final();
}

std::string CombineCrc(ChecksumAlgorithm algorithm, std::string_view crc_a, std::string_view crc_b,
                       uint64_t length_b) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return base::BigEndianBytes(CrcShifter<uint32_t>::Combine(
          0xEDB88320u, FromBigEndian<uint32_t>(crc_a), FromBigEndian<uint32_t>(crc_b), length_b));
    case ChecksumAlgorithm::kCrc32c:
      return base::BigEndianBytes(CrcShifter<uint32_t>::Combine(
          0x82F63B78u, FromBigEndian<uint32_t>(crc_a), FromBigEndian<uint32_t>(crc_b), length_b));
    case ChecksumAlgorithm::kCrc64Nvme:
      return base::BigEndianBytes(
          CrcShifter<uint64_t>::Combine(0x9A6C9329AC4BC9B5ull, FromBigEndian<uint64_t>(crc_a),
                                        FromBigEndian<uint64_t>(crc_b), length_b));
    default:
      throw std::invalid_argument("CombineCrc needs a CRC algorithm");
  }
}

}  // namespace storage
