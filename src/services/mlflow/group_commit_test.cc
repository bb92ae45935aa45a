#include "services/mlflow/group_commit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace mlflow {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("group_commit_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = meta::OpenSqliteStore((dir_ / "meta.db").string());
    store_->Write([](meta::Transaction& tx) {
      tx.Exec("CREATE TABLE t (caller INTEGER NOT NULL, n INTEGER NOT NULL)");
    });
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  int64_t Count(const std::string& where = "1") {
    int64_t n = 0;
    store_->Read([&](meta::Transaction& tx) {
      n = tx.QueryOne("SELECT COUNT(*) FROM t WHERE " + where)->Int(0);
    });
    return n;
  }

  // Blocks the group's turn with a first call until `expected` more calls wait behind it.
  void HoldUntilWaiting(GroupCommit& group, size_t expected) {
    group.Write([&](meta::Transaction& tx) {
      tx.Exec("INSERT INTO t VALUES(0, 0)");
      holding_ = true;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (group.waiting() < expected && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }

  std::filesystem::path dir_;
  std::unique_ptr<meta::Store> store_;
  std::atomic<bool> holding_{false};
};

TEST_F(GroupCommitTest, ConcurrentCallsAllCommit) {
  GroupCommit group(*store_);
  std::vector<std::thread> threads;
  for (int c = 1; c <= 8; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < 50; ++i) {
        group.Write([&](meta::Transaction& tx) {
          tx.Exec("INSERT INTO t VALUES(?, ?)", {int64_t{c}, int64_t{i}});
          tx.Exec("INSERT INTO t VALUES(?, ?)", {int64_t{c}, int64_t{-i}});
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Count(), 8 * 50 * 2);
  for (int c = 1; c <= 8; ++c) EXPECT_EQ(Count("caller = " + std::to_string(c)), 100);
}

TEST_F(GroupCommitTest, FailedCallIsUndoneAloneAndGetsItsOwnError) {
  GroupCommit group(*store_);
  std::thread holder([&] { HoldUntilWaiting(group, 4); });
  while (!holding_) std::this_thread::yield();
  std::atomic<int> failures{0};
  std::string message;
  std::vector<std::thread> callers;
  for (int c = 1; c <= 4; ++c) {
    callers.emplace_back([&, c] {
      try {
        group.Write([&](meta::Transaction& tx) {
          tx.Exec("INSERT INTO t VALUES(?, 1)", {int64_t{c}});
          tx.Exec("INSERT INTO t VALUES(?, 2)", {int64_t{c}});
          if (c == 3) throw std::runtime_error("call 3 refused");
        });
      } catch (const std::runtime_error& e) {
        ++failures;
        message = e.what();
      }
    });
  }
  holder.join();
  for (auto& t : callers) t.join();
  EXPECT_EQ(failures.load(), 1);
  EXPECT_EQ(message, "call 3 refused");
  EXPECT_EQ(Count("caller = 3"), 0);
  for (int c : {1, 2, 4}) EXPECT_EQ(Count("caller = " + std::to_string(c)), 2) << c;
  EXPECT_EQ(Count("caller = 0"), 1);
}

TEST_F(GroupCommitTest, BrokenTransactionFailsTheWholeGroup) {
  GroupCommit group(*store_);
  std::thread holder([&] { HoldUntilWaiting(group, 3); });
  while (!holding_) std::this_thread::yield();
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int c = 1; c <= 3; ++c) {
    callers.emplace_back([&, c] {
      try {
        group.Write([&](meta::Transaction& tx) {
          tx.Exec("INSERT INTO t VALUES(?, 1)", {int64_t{c}});
          // Ends the shared transaction under the savepoints: nothing of the group can commit.
          if (c == 2) tx.Exec("ROLLBACK");
        });
      } catch (const meta::StoreError&) {
        ++failures;
      }
    });
  }
  holder.join();
  for (auto& t : callers) t.join();
  EXPECT_EQ(Count("caller > 0"), 0);
  EXPECT_EQ(failures.load(), 3);
  // The group's turn was handed on: later calls still write.
  group.Write([](meta::Transaction& tx) { tx.Exec("INSERT INTO t VALUES(9, 9)"); });
  EXPECT_EQ(Count("caller = 9"), 1);
}

TEST_F(GroupCommitTest, CallsBeyondTheGroupLimitWaitForTheNextGroup) {
  GroupCommit group(*store_, 2);
  std::thread holder([&] { HoldUntilWaiting(group, 7); });
  while (!holding_) std::this_thread::yield();
  std::vector<std::thread> callers;
  for (int c = 1; c <= 7; ++c) {
    callers.emplace_back([&, c] {
      group.Write(
          [&](meta::Transaction& tx) { tx.Exec("INSERT INTO t VALUES(?, 1)", {int64_t{c}}); });
    });
  }
  holder.join();
  for (auto& t : callers) t.join();
  EXPECT_EQ(Count("caller > 0"), 7);
}

}  // namespace
}  // namespace mlflow
