#include "platform/aws/request_id.h"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace aws {
namespace {

TEST(RequestIdTest, LooksLikeAVersion4Uuid) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) {
    std::string id = NewRequestId();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
  }
}

TEST(RequestIdTest, ConsecutiveIdsDifferInTheirLastGroup) {
  std::string a = NewRequestId();
  std::string b = NewRequestId();
  EXPECT_EQ(a.substr(0, 24), b.substr(0, 24));  // the thread's random part
  EXPECT_NE(a.substr(24), b.substr(24));
}

TEST(RequestIdTest, UniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::mutex mu;
  std::set<std::string> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < kPerThread; ++i) mine.push_back(NewRequestId());
      std::lock_guard lock(mu);
      ids.insert(mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
  // Each thread has its own random prefix.
  std::set<std::string> prefixes;
  for (const std::string& id : ids) prefixes.insert(id.substr(0, 24));
  EXPECT_EQ(prefixes.size(), static_cast<size_t>(kThreads));
}

}  // namespace
}  // namespace aws
