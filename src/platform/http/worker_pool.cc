#include "platform/http/worker_pool.h"

#include <algorithm>
#include <exception>

#include "base/error.h"
#include "base/log.h"

namespace http {

WorkerPool::WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit)
    : max_threads_(std::max<size_t>(max_threads, 1)), idle_exit_(idle_exit) {}

WorkerPool::~WorkerPool() { Shutdown(); }

void WorkerPool::Submit(std::function<void()> task) {
  std::vector<std::thread> exited;
  {
    std::lock_guard lock(mu_);
    if (shutdown_) throw base::Error("worker pool is shut down");
    tasks_.push_back(std::move(task));
    size_t live = threads_.size() - exited_.size();
    if (idle_ < tasks_.size() && live < max_threads_) {
      std::thread t([this] { Loop(); });
      threads_.emplace(t.get_id(), std::move(t));
    }
    exited = TakeExitedLocked();
  }
  wake_.notify_one();
  for (auto& t : exited) t.join();
}

void WorkerPool::Shutdown() {
  std::unordered_map<std::thread::id, std::thread> threads;
  {
    std::lock_guard lock(mu_);
    shutdown_ = true;
    threads.swap(threads_);
    exited_.clear();
  }
  wake_.notify_all();
  for (auto& [id, t] : threads) t.join();
}

size_t WorkerPool::threads() const {
  std::lock_guard lock(mu_);
  return threads_.size() - exited_.size();
}

size_t WorkerPool::idle_threads() const {
  std::lock_guard lock(mu_);
  return idle_;
}

void WorkerPool::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (!tasks_.empty()) {
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      try {
        task();
      } catch (const std::exception& e) {
        LOG_ERROR("worker task failed", {{"error", e.what()}});
      } catch (...) {
        LOG_ERROR("worker task failed");
      }
      task = nullptr;  // Releases what the task held before taking the lock again.
      lock.lock();
      continue;
    }
    if (shutdown_) break;
    ++idle_;
    bool woken = wake_.wait_for(lock, idle_exit_, [this] { return !tasks_.empty() || shutdown_; });
    --idle_;
    if (!woken) break;
  }
  // Shutdown() has already taken this thread's handle; otherwise the next Submit joins it.
  if (!shutdown_) exited_.push_back(std::this_thread::get_id());
}

std::vector<std::thread> WorkerPool::TakeExitedLocked() {
  std::vector<std::thread> out;
  for (auto id : exited_) {
    auto it = threads_.find(id);
    out.push_back(std::move(it->second));
    threads_.erase(it);
  }
  exited_.clear();
  return out;
}

}  // namespace http
