#include "platform/aws/request_id.h"

#include <cstdint>
#include <cstring>

#include "base/crypto.h"

namespace aws {
namespace {

constexpr uint64_t kMask48 = (uint64_t{1} << 48) - 1;

// A bijection on 48-bit words (xor-shifts and multiplication by an odd constant, both
// invertible modulo 2^48): distinct counters give distinct words, and consecutive ids share
// no visible digits.
uint64_t Mix48(uint64_t x) {
  x &= kMask48;
  x ^= x >> 24;
  x = (x * 0x9e3779b97f4bULL) & kMask48;
  x ^= x >> 21;
  x = (x * 0xbf58476d1ce5ULL) & kMask48;
  x ^= x >> 24;
  return x;
}

// Per thread: 74 random bits drawn once (the first four groups, less the UUID version and
// variant bits) and a counter for the last group.
struct Generator {
  Generator() {
    std::string seed = base::RandomBytes(sizeof high + sizeof variant_group);
    std::memcpy(&high, seed.data(), sizeof high);
    std::memcpy(&variant_group, seed.data() + sizeof high, sizeof variant_group);
    high = (high & ~uint64_t{0xf000}) | 0x4000;                                // version 4
    variant_group = static_cast<uint16_t>((variant_group & 0x3fff) | 0x8000);  // RFC 4122
  }
  uint64_t high = 0;
  uint16_t variant_group = 0;
  uint64_t counter = 0;
};

void PutHex(uint64_t bits, int digits, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = kHex[bits & 0xf];
    bits >>= 4;
  }
}

}  // namespace

std::string NewRequestId() {
  thread_local Generator generator;
  // A thread repeats itself only after 2^48 ids; two threads collide only if their 74 random
  // bits do.
  uint64_t tail = Mix48(++generator.counter);
  std::string id(36, '-');
  PutHex(generator.high >> 32, 8, &id[0]);
  PutHex(generator.high >> 16, 4, &id[9]);
  PutHex(generator.high, 4, &id[14]);
  PutHex(generator.variant_group, 4, &id[19]);
  PutHex(tail, 12, &id[24]);
  return id;
}

}  // namespace aws
