#include "engines/storage/sweeper.h"

#include "base/log.h"

namespace storage {

Sweeper::Sweeper(ObjectStore& store, RulesProvider rules, std::chrono::milliseconds interval)
    : store_(store), rules_(std::move(rules)), interval_(interval) {}

Sweeper::~Sweeper() { Stop(); }

void Sweeper::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Sweeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t Sweeper::passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

LifecycleReport Sweeper::RunOnce(base::TimePoint now) {
  LifecycleReport total;
  for (const BucketInfo& bucket : store_.ListBuckets().buckets) {
    try {
      std::vector<LifecycleRule> rules = rules_(bucket);
      if (!rules.empty()) total += store_.ApplyLifecycle(bucket.name, rules, now);
    } catch (const std::exception& e) {
      LOG_WARN("lifecycle pass failed", {{"bucket", bucket.name}, {"error", e.what()}});
    }
  }
  try {
    store_.CompactPacks();
  } catch (const std::exception& e) {
    LOG_WARN("pack compaction failed", {{"error", e.what()}});
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++passes_;
  return total;
}

void Sweeper::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (cv_.wait_for(lock, interval_, [&] { return stop_; })) break;
    lock.unlock();
    try {
      RunOnce(base::Now());
    } catch (const std::exception& e) {
      LOG_WARN("storage sweep failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace storage
