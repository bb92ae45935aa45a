#include "platform/http/worker_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/error.h"
#include "gtest/gtest.h"

namespace http {
namespace {

using namespace std::chrono_literals;

// Polls `condition` for up to five seconds.
template <class F>
bool Eventually(F condition) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

TEST(WorkerPoolTest, GrowsOnDemandUpToTheLimitAndQueuesBeyond) {
  WorkerPool pool(4, 10s);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<int> done{0};
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  for (int i = 0; i < 10; ++i) {
    pool.Submit([&] {
      int now = ++running;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      gate.wait();
      --running;
      ++done;
    });
  }
  ASSERT_TRUE(Eventually([&] { return running == 4; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(running, 4);
  EXPECT_EQ(pool.threads(), 4u);
  release.set_value();
  ASSERT_TRUE(Eventually([&] { return done == 10; }));
  EXPECT_EQ(peak, 4);
}

TEST(WorkerPoolTest, ReusesAnIdleThread) {
  WorkerPool pool(8, 10s);
  std::vector<std::thread::id> ids;
  for (int i = 0; i < 20; ++i) {
    std::promise<std::thread::id> id;
    pool.Submit([&] { id.set_value(std::this_thread::get_id()); });
    ids.push_back(id.get_future().get());
    ASSERT_TRUE(Eventually([&] { return pool.idle_threads() == 1; }));
  }
  EXPECT_EQ(pool.threads(), 1u);
  for (const auto& id : ids) EXPECT_EQ(id, ids.front());
}

TEST(WorkerPoolTest, IdleThreadsExit) {
  WorkerPool pool(8, 50ms);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> started{0};
  for (int i = 0; i < 3; ++i) {
    pool.Submit([&] {
      ++started;
      gate.wait();
    });
  }
  ASSERT_TRUE(Eventually([&] { return started == 3; }));
  EXPECT_EQ(pool.threads(), 3u);
  release.set_value();
  EXPECT_TRUE(Eventually([&] { return pool.threads() == 0; }));
  // The pool still works after its threads have gone.
  std::promise<int> value;
  pool.Submit([&] { value.set_value(7); });
  EXPECT_EQ(value.get_future().get(), 7);
}

TEST(WorkerPoolTest, SurvivesThrowingTasksAndRefusesWorkAfterShutdown) {
  WorkerPool pool(2, 10s);
  pool.Submit([] { throw std::runtime_error("task failure"); });
  std::promise<int> value;
  pool.Submit([&] { value.set_value(42); });
  EXPECT_EQ(value.get_future().get(), 42);
  std::atomic<int> ran{0};
  for (int i = 0; i < 5; ++i) {
    pool.Submit([&] {
      std::this_thread::sleep_for(10ms);
      ++ran;
    });
  }
  pool.Shutdown();  // runs what was queued
  EXPECT_EQ(ran, 5);
  EXPECT_EQ(pool.threads(), 0u);
  EXPECT_THROW(pool.Submit([] {}), base::Error);
}

}  // namespace
}  // namespace http
