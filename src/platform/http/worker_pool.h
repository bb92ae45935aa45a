// An elastic pool of threads for work that may block (request handlers). The pool starts
// empty, starts a thread whenever a task arrives and no idle thread is waiting (up to
// `max_threads`; beyond that tasks queue), and lets a thread exit after it has been idle for
// `idle_exit`. Thread-safe: Submit may be called from any thread, concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace http {

class WorkerPool {
 public:
  WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit);
  // Shuts the pool down (see Shutdown).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` to run on a pool thread. A task that throws is logged and dropped. Throws
  // base::Error once the pool has been shut down.
  void Submit(std::function<void()> task);
  // Runs the tasks already queued, then joins every thread. Idempotent.
  void Shutdown();
  // The number of live threads, and of those waiting for a task (for monitoring and tests).
  size_t threads() const;
  size_t idle_threads() const;

 private:
  void Loop();
  // Takes the threads that have left Loop so the caller can join them outside the lock.
  std::vector<std::thread> TakeExitedLocked();

  const size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::unordered_map<std::thread::id, std::thread> threads_;
  std::vector<std::thread::id> exited_;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace http
