// A cache of SigV4 signing keys per (secret, date, region, service). Deriving a key costs four
// HMACs; a key serves every request of its scope for the day, so with the cache verification
// costs one SHA-256 and one HMAC. Thread-safe. Bounded: it starts over when full (keys roll
// over daily anyway).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "platform/aws/sigv4/signing_key.h"

namespace aws::sigv4 {

class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 4096) : capacity_(capacity) {}
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key for the scope, derived on first use.
  std::shared_ptr<const SigningKey> Get(std::string_view secret, std::string_view date,
                                        std::string_view region, std::string_view service);
  // How many keys have been derived (cache misses) so far.
  uint64_t derivations() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const SigningKey>> keys_;
  uint64_t derivations_ = 0;
};

}  // namespace aws::sigv4
