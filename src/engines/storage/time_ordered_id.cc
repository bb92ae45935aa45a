#include "engines/storage/time_ordered_id.h"

#include <atomic>
#include <chrono>

#include "base/crypto.h"

namespace storage {
namespace {

// ASCII order, so fixed-width numbers in this alphabet sort as the numbers do.
constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int kClockDigits = 11;  // 62^11 > 2^64
constexpr int kRandomDigits = 21;

std::atomic<uint64_t> last_micros{0};

uint64_t NextMicros() {
  auto now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
  uint64_t last = last_micros.load(std::memory_order_relaxed);
  while (true) {
    uint64_t next = now > last ? now : last + 1;
    if (last_micros.compare_exchange_weak(last, next, std::memory_order_relaxed)) return next;
  }
}

}  // namespace

std::string NewTimeOrderedId() {
  std::string id(kClockDigits + kRandomDigits, '0');
  uint64_t t = NextMicros();
  for (int i = kClockDigits - 1; i >= 0; --i) {
    id[i] = kAlphabet[t % kAlphabet.size()];
    t /= kAlphabet.size();
  }
  std::string random = base::RandomBytes(kRandomDigits);
  for (int i = 0; i < kRandomDigits; ++i) {
    id[kClockDigits + i] = kAlphabet[static_cast<unsigned char>(random[i]) % kAlphabet.size()];
  }
  return id;
}

}  // namespace storage
