// SigV4 signing keys: kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
// "aws4_request"), and a cache of them. Deriving a key costs four HMACs; a key is valid for one
// (secret, date, region, service) and so can be reused by every request of that day, which keeps
// verification to one SHA-256 and one HMAC. SigningKeyCache is thread-safe; it is bounded and
// starts over when full (keys roll over daily anyway).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace aws::sigv4 {

// The raw 32-byte signing key.
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

// The lower-case hex HMAC-SHA256 of `string_to_sign` under `signing_key`: a SigV4 signature.
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 4096) : capacity_(capacity) {}
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key for the scope, derived on first use.
  std::string Get(std::string_view secret, std::string_view date, std::string_view region,
                  std::string_view service);
  // How many keys have been derived (cache misses) so far.
  uint64_t derivations() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> keys_;
  uint64_t derivations_ = 0;
};

}  // namespace aws::sigv4
