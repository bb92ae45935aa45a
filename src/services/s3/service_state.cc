#include "services/s3/service_state.h"

#include "base/log.h"
#include "engines/storage/storage_error.h"
#include "services/s3/lifecycle_config.h"

namespace s3 {
namespace {

// Past this many buckets the cache starts over (it also remembers buckets that do not exist).
constexpr size_t kMaxCachedBuckets = 10000;

std::optional<std::string> Config(storage::ObjectStore& store, const std::string& bucket,
                                  const char* name) {
  try {
    return store.GetBucketConfig(bucket, name);
  } catch (const storage::StorageError&) {
    return std::nullopt;  // no such bucket: no configuration
  }
}

}  // namespace

ServiceState::ServiceState(storage::ObjectStore& store, S3Options options)
    : store_(store), options_(std::move(options)), virtual_host_(options_.base_domains) {}

template <typename T, typename Load>
std::shared_ptr<const T> ServiceState::Lookup(const std::string& bucket,
                                              std::optional<std::shared_ptr<const T>> Cached::*slot,
                                              Load load) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(bucket);
    if (it != cache_.end() && (it->second.*slot)) return *(it->second.*slot);
  }
  std::shared_ptr<const T> value = load();
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCachedBuckets) cache_.clear();
  cache_[bucket].*slot = value;
  return value;
}

std::shared_ptr<const auth::Policy> ServiceState::Policy(const std::string& bucket) {
  return Lookup<
      auth::Policy>(bucket, &Cached::policy, [&]() -> std::shared_ptr<const auth::Policy> {
    std::optional<std::string> text = Config(store_, bucket, "policy");
    if (!text) return nullptr;
    try {
      return std::make_shared<const auth::Policy>(auth::Policy::Parse(*text));
    } catch (const auth::PolicyError& e) {
      LOG_WARN("stored bucket policy does not parse", {{"bucket", bucket}, {"error", e.what()}});
      return nullptr;
    }
  });
}

std::shared_ptr<const CorsRules> ServiceState::Cors(const std::string& bucket) {
  return Lookup<CorsRules>(bucket, &Cached::cors, [&]() -> std::shared_ptr<const CorsRules> {
    std::optional<std::string> text = Config(store_, bucket, "cors");
    if (!text) return nullptr;
    return std::make_shared<const CorsRules>(CorsRules::FromJson(base::Json::parse(*text)));
  });
}

void ServiceState::Invalidate(const std::string& bucket) {
  std::lock_guard lock(mu_);
  cache_.erase(bucket);
}

void ServiceState::StartSweeper() {
  if (sweeper_) return;
  sweeper_ = std::make_unique<storage::Sweeper>(
      store_,
      [this](const storage::BucketInfo& bucket) -> std::vector<storage::LifecycleRule> {
        std::optional<std::string> text = Config(store_, bucket.name, "lifecycle");
        if (!text) return {};
        return ParseLifecycleRules(base::Json::parse(*text));
      },
      options_.sweep_interval);
  sweeper_->Start();
}

void ServiceState::StopSweeper() {
  if (sweeper_) sweeper_->Stop();
  sweeper_.reset();
}

}  // namespace s3
