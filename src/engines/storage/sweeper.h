// The storage engine's background thread: every interval it applies each bucket's lifecycle
// rules (which the caller's provider reads from wherever the S3 layer keeps them, typically
// the bucket's "lifecycle" configuration document) and compacts sparse packs.
//
// Start() launches the thread, Stop() (or destruction) ends it; RunOnce() performs a pass on
// the calling thread. Thread-safe. Must be destroyed before the ObjectStore.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engines/storage/lifecycle.h"
#include "engines/storage/object_store.h"

namespace storage {

class Sweeper {
 public:
  // Returns the enabled and disabled rules of a bucket (empty when it has none).
  using RulesProvider = std::function<std::vector<LifecycleRule>(const BucketInfo& bucket)>;

  Sweeper(ObjectStore& store, RulesProvider rules, std::chrono::milliseconds interval);
  ~Sweeper();
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  void Start();
  void Stop();
  // One pass over every bucket as of `now`; failures of one bucket are logged, not thrown.
  LifecycleReport RunOnce(base::TimePoint now);
  uint64_t passes() const;

 private:
  void Loop();

  ObjectStore& store_;
  RulesProvider rules_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace storage
