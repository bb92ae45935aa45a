// A fixed pool of worker threads running submitted tasks; Run() executes a batch of tasks in
// parallel (the calling thread helps) and waits for all of them, rethrowing the first
// exception. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sql {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // Runs every task (possibly concurrently) and returns when all have finished.
  void Run(std::vector<std::function<void()>> tasks);

 private:
  void Work();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> workers_;
  bool stop_ = false;
};

}  // namespace sql
