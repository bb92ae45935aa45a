#include "platform/aws/sigv4/signing_key_cache.h"

namespace aws::sigv4 {

std::shared_ptr<const SigningKey> SigningKeyCache::Get(std::string_view secret,
                                                       std::string_view date,
                                                       std::string_view region,
                                                       std::string_view service) {
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
  auto key = std::make_shared<const SigningKey>(DeriveSigningKey(secret, date, region, service));
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
