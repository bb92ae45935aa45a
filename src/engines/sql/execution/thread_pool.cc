#include "engines/sql/execution/thread_pool.h"

#include <atomic>
#include <exception>

namespace sql {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; i++) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_ && queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void ThreadPool::Run(std::vector<std::function<void()>> tasks) {
  if (tasks.empty()) return;
  if (tasks.size() == 1 || workers_.empty()) {
    for (auto& t : tasks) t();
    return;
  }
  struct Batch {
    std::mutex mu;
    std::condition_variable cv;
    size_t remaining;
    std::exception_ptr error;
  };
  auto batch = std::make_shared<Batch>();
  batch->remaining = tasks.size();
  auto wrap = [batch](std::function<void()> t) {
    return [batch, t = std::move(t)] {
      try {
        t();
      } catch (...) {
        std::lock_guard<std::mutex> lock(batch->mu);
        if (!batch->error) batch->error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(batch->mu);
      if (--batch->remaining == 0) batch->cv.notify_all();
    };
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 1; i < tasks.size(); i++) queue_.push_back(wrap(std::move(tasks[i])));
  }
  cv_.notify_all();
  wrap(std::move(tasks[0]))();
  // Help with queued tasks of this (or another) batch while waiting.
  while (true) {
    std::function<void()> task;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!queue_.empty()) {
        task = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (!task) break;
    task();
  }
  std::unique_lock<std::mutex> lock(batch->mu);
  batch->cv.wait(lock, [&] { return batch->remaining == 0; });
  if (batch->error) std::rethrow_exception(batch->error);
}

}  // namespace sql
