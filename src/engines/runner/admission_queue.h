// The scheduler's queue: jobs wait in FIFO order and are admitted while the host has room.
//
// A job's demand is the sum of its hosts' CPU and memory limits (a host without a limit
// demands the whole host in that dimension). The head of the queue is admitted when the
// demands of the admitted jobs plus its own stay within the capacity times the overcommit
// factor, or when nothing is admitted (so a job larger than the host still runs, alone).
// Later jobs never overtake the head. GPUs are whole devices and never overcommitted: a job
// waits until its hosts' GPUs are free, and each host is given the free device ids it asked
// for. Each admitted host whose CPU limit rounds up to fewer CPUs than the host has is given
// that many CPUs to be pinned to, the least loaded first.
// Not thread-safe: the owner serializes calls.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engines/runner/host_capacity.h"
#include "engines/runner/resource_limits.h"

namespace runner {

class AdmissionQueue {
 public:
  struct Admission {
    std::string job_id;
    // Per host, the CPU ids to pin it to; empty = all CPUs.
    std::vector<std::vector<int>> host_cpus;
    // Per host, the GPU device ids it may use.
    std::vector<std::vector<int>> host_gpus;
  };

  AdmissionQueue(HostCapacity capacity, double cpu_overcommit, double memory_overcommit);

  void Enqueue(std::string job_id, const std::vector<ResourceLimits>& hosts);
  // Takes a waiting job out of the queue; false if it is not waiting.
  bool Remove(std::string_view job_id);
  // Admits jobs from the head of the queue while they fit.
  std::vector<Admission> AdmitReady();
  // Returns an admitted job's resources.
  void Release(std::string_view job_id);

  bool IsWaiting(std::string_view job_id) const;
  size_t waiting() const { return queue_.size(); }
  double admitted_cpus() const { return used_cpus_; }
  int admitted_gpus() const;
  int64_t admitted_memory_bytes() const { return used_memory_; }

 private:
  struct Entry {
    std::string job_id;
    std::vector<ResourceLimits> hosts;
    double cpus = 0;
    int64_t memory_bytes = 0;
    int gpus = 0;
  };
  struct Admitted {
    double cpus = 0;
    int64_t memory_bytes = 0;
    std::vector<std::pair<size_t, double>> core_load;  // index into capacity_.cpu_ids, load
    std::vector<int> gpus;
  };

  bool Fits(const Entry& entry) const;
  std::vector<int> PickCores(double cpus, Admitted* admitted);
  std::vector<int> PickGpus(int count, Admitted* admitted);

  HostCapacity capacity_;
  double cpu_overcommit_;
  double memory_overcommit_;
  std::deque<Entry> queue_;
  std::map<std::string, Admitted, std::less<>> admitted_;
  std::vector<double> core_load_;
  std::vector<bool> gpu_in_use_;
  double used_cpus_ = 0;
  int64_t used_memory_ = 0;
};

}  // namespace runner
