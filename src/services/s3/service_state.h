// What the S3 operation handlers share: the object store, the service options, the
// virtual-host router, and caches of each bucket's parsed policy and CORS rules (read on every
// request, so kept parsed; dropped when a bucket's configuration changes or the bucket goes).
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engines/storage/object_store.h"
#include "engines/storage/sweeper.h"
#include "platform/auth/policy.h"
#include "services/s3/cors_rules.h"
#include "services/s3/s3_service.h"
#include "services/s3/virtual_host.h"

namespace s3 {

class ServiceState {
 public:
  ServiceState(storage::ObjectStore& store, S3Options options);

  storage::ObjectStore& store() { return store_; }
  const S3Options& options() const { return options_; }
  const VirtualHost& virtual_host() const { return virtual_host_; }

  // The bucket's policy (null when it has none or does not exist).
  std::shared_ptr<const auth::Policy> Policy(const std::string& bucket);
  // The bucket's CORS rules (null when it has none or does not exist).
  std::shared_ptr<const CorsRules> Cors(const std::string& bucket);
  // Forgets what is cached about `bucket`; call after changing its configuration.
  void Invalidate(const std::string& bucket);

  // The lifecycle sweeper (created on first start).
  void StartSweeper();
  void StopSweeper();

 private:
  struct Cached {
    std::optional<std::shared_ptr<const auth::Policy>> policy;
    std::optional<std::shared_ptr<const CorsRules>> cors;
  };
  template <typename T, typename Load>
  std::shared_ptr<const T> Lookup(const std::string& bucket,
                                  std::optional<std::shared_ptr<const T>> Cached::*slot, Load load);

  storage::ObjectStore& store_;
  S3Options options_;
  VirtualHost virtual_host_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;
  std::unique_ptr<storage::Sweeper> sweeper_;
};

}  // namespace s3
