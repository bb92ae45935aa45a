#include "platform/aws/sigv4/signing_key_cache.h"

#include "base/crypto.h"

namespace aws::sigv4 {

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret += secret;
  std::string k_date = base::HmacSha256(k_secret, date);
  std::string k_region = base::HmacSha256(k_date, region);
  std::string k_service = base::HmacSha256(k_region, service);
  return base::HmacSha256(k_service, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return base::HexEncode(base::HmacSha256(signing_key, string_to_sign));
}

std::string SigningKeyCache::Get(std::string_view secret, std::string_view date,
                                 std::string_view region, std::string_view service) {
  // Length-prefixed so that no two scopes share a cache key whatever bytes the parts hold.
  std::string cache_key;
  cache_key.reserve(secret.size() + date.size() + region.size() + service.size() + 24);
  for (std::string_view part : {secret, date, region, service}) {
    cache_key += std::to_string(part.size());
    cache_key += ':';
    cache_key += part;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(cache_key);
    if (it != keys_.end()) return it->second;
  }
  std::string key = DeriveSigningKey(secret, date, region, service);
  std::lock_guard<std::mutex> lock(mu_);
  ++derivations_;
  if (keys_.size() >= capacity_) keys_.clear();
  keys_.emplace(std::move(cache_key), key);
  return key;
}

uint64_t SigningKeyCache::derivations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return derivations_;
}

}  // namespace aws::sigv4
