#include "engines/runner/admission_queue.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace runner {

AdmissionQueue::AdmissionQueue(HostCapacity capacity, double cpu_overcommit,
                               double memory_overcommit)
    : capacity_(std::move(capacity)),
      cpu_overcommit_(std::max(1.0, cpu_overcommit)),
      memory_overcommit_(std::max(1.0, memory_overcommit)),
      core_load_(capacity_.cpu_ids.size(), 0.0),
      gpu_in_use_(static_cast<size_t>(std::max(0, capacity_.gpus)), false) {}

void AdmissionQueue::Enqueue(std::string job_id, const std::vector<ResourceLimits>& hosts) {
  Entry entry{std::move(job_id), hosts, 0, 0};
  for (const ResourceLimits& l : hosts) {
    entry.cpus += l.cpus > 0 ? l.cpus : capacity_.cpus();
    entry.memory_bytes += l.memory_bytes > 0 ? l.memory_bytes : capacity_.memory_bytes;
    entry.gpus += l.gpus;
  }
  queue_.push_back(std::move(entry));
}

bool AdmissionQueue::Remove(std::string_view job_id) {
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [&](const Entry& e) { return e.job_id == job_id; });
  if (it == queue_.end()) return false;
  queue_.erase(it);
  return true;
}

bool AdmissionQueue::IsWaiting(std::string_view job_id) const {
  return std::any_of(queue_.begin(), queue_.end(),
                     [&](const Entry& e) { return e.job_id == job_id; });
}

bool AdmissionQueue::Fits(const Entry& entry) const {
  if (admitted_.empty()) return true;
  constexpr double kEpsilon = 1e-9;
  return admitted_gpus() + entry.gpus <= capacity_.gpus &&
         used_cpus_ + entry.cpus <= capacity_.cpus() * cpu_overcommit_ + kEpsilon &&
         static_cast<double>(used_memory_ + entry.memory_bytes) <=
             static_cast<double>(capacity_.memory_bytes) * memory_overcommit_;
}

std::vector<int> AdmissionQueue::PickCores(double cpus, Admitted* admitted) {
  const size_t n = capacity_.cpu_ids.size();
  const size_t want = cpus > 0 ? static_cast<size_t>(std::ceil(cpus - 1e-9)) : n;
  if (want == 0 || want >= n) return {};
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return core_load_[a] < core_load_[b]; });
  order.resize(want);
  std::sort(order.begin(), order.end());
  std::vector<int> cores;
  const double load = cpus / static_cast<double>(want);
  for (size_t index : order) {
    core_load_[index] += load;
    admitted->core_load.emplace_back(index, load);
    cores.push_back(capacity_.cpu_ids[index]);
  }
  return cores;
}

int AdmissionQueue::admitted_gpus() const {
  return static_cast<int>(std::count(gpu_in_use_.begin(), gpu_in_use_.end(), true));
}

std::vector<int> AdmissionQueue::PickGpus(int count, Admitted* admitted) {
  std::vector<int> gpus;
  for (size_t id = 0; id < gpu_in_use_.size() && static_cast<int>(gpus.size()) < count; ++id) {
    if (gpu_in_use_[id]) continue;
    gpu_in_use_[id] = true;
    gpus.push_back(static_cast<int>(id));
    admitted->gpus.push_back(static_cast<int>(id));
  }
  return gpus;
}

std::vector<AdmissionQueue::Admission> AdmissionQueue::AdmitReady() {
  std::vector<Admission> out;
  while (!queue_.empty() && Fits(queue_.front())) {
    Entry entry = std::move(queue_.front());
    queue_.pop_front();
    Admitted& admitted = admitted_[entry.job_id];
    admitted.cpus = entry.cpus;
    admitted.memory_bytes = entry.memory_bytes;
    used_cpus_ += entry.cpus;
    used_memory_ += entry.memory_bytes;
    Admission admission{entry.job_id, {}, {}};
    for (const ResourceLimits& l : entry.hosts) {
      admission.host_cpus.push_back(PickCores(l.cpus, &admitted));
      admission.host_gpus.push_back(PickGpus(l.gpus, &admitted));
    }
    out.push_back(std::move(admission));
  }
  return out;
}

void AdmissionQueue::Release(std::string_view job_id) {
  auto it = admitted_.find(job_id);
  if (it == admitted_.end()) return;
  used_cpus_ -= it->second.cpus;
  used_memory_ -= it->second.memory_bytes;
  for (const auto& [index, load] : it->second.core_load) {
    core_load_[index] = std::max(0.0, core_load_[index] - load);
  }
  for (int gpu : it->second.gpus) gpu_in_use_[static_cast<size_t>(gpu)] = false;
  admitted_.erase(it);
  if (admitted_.empty()) {
    used_cpus_ = 0;
    used_memory_ = 0;
  }
}

}  // namespace runner
