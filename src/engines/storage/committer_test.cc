#include "engines/storage/committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engines/storage/schema.h"
#include "engines/storage/storage_test_util.h"
#include "platform/meta/store.h"

namespace storage {
namespace {

namespace fs = std::filesystem;

class CommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("committer_test");
    meta_ = meta::OpenSqliteStore((dir_ / "meta.db").string());
    MigrateSchema(*meta_);
    files_ = std::make_unique<BlobFiles>(dir_);
  }
  void TearDown() override {
    files_.reset();
    meta_.reset();
    fs::remove_all(dir_);
  }
  std::string ReadPack(int64_t id) {
    std::ifstream in(files_->PathOf(id), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // The bytes of a pack up to the end its metadata records; what the file holds past that
  // end (while a lane appends to it) must be zeros.
  std::string PackContent(int64_t id) {
    std::string bytes = ReadPack(id);
    size_t end = static_cast<size_t>(PackRows(id));
    EXPECT_LE(end, bytes.size());
    EXPECT_EQ(bytes.find_first_not_of('\0', end), std::string::npos);
    return bytes.substr(0, end);
  }
  int64_t PackRows(int64_t id) {
    int64_t n = 0;
    meta_->Read([&](meta::Transaction& tx) {
      if (auto row = tx.QueryOne("SELECT size FROM storage_blobs WHERE id = ?", {meta::Int(id)})) {
        n = row->Int(0);
      }
    });
    return n;
  }

  fs::path dir_;
  std::unique_ptr<meta::Store> meta_;
  std::unique_ptr<BlobFiles> files_;
};

struct Placed {
  std::string body;
  PackLocation at;
};

// Many threads commit small bodies at once: with four lanes several packs are written and
// synced at the same time, every body lands whole at the location its commit was told, and the
// pack sizes recorded in the metadata cover every body.
TEST_F(CommitterTest, LanesWriteSeveralPacksAtOnce) {
  constexpr int kThreads = 12;
  constexpr int kEach = 150;
  std::vector<std::vector<Placed>> placed(kThreads);
  {
    Committer committer(*meta_, *files_, 4);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string body = "thread " + std::to_string(t) + " body " + std::to_string(i);
          PackLocation at;
          CommitRequest r({body}, [&](CommitContext& ctx) { at = ctx.location(0); });
          committer.Commit(r);
          placed[t].push_back({body, at});
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_GE(committer.peak_lanes(), 2u);
    EXPECT_LE(committer.peak_lanes(), 4u);
    EXPECT_EQ(committer.requests(), static_cast<uint64_t>(kThreads * kEach));
    // Batching: fewer pack writes and transactions than requests.
    EXPECT_LT(committer.syncs(), committer.requests());
    EXPECT_LE(committer.batches(), committer.syncs());

    std::map<int64_t, std::string> packs;
    std::set<std::pair<int64_t, uint64_t>> seen;
    for (const auto& list : placed) {
      for (const Placed& p : list) {
        if (!packs.count(p.at.blob_id)) packs[p.at.blob_id] = PackContent(p.at.blob_id);
        ASSERT_TRUE(seen.insert({p.at.blob_id, p.at.offset}).second);
        EXPECT_EQ(packs[p.at.blob_id].substr(p.at.offset, p.body.size()), p.body);
      }
    }
    EXPECT_GE(packs.size(), 2u);
    EXPECT_LE(packs.size(), 4u);
    size_t total = 0;
    for (const auto& [id, bytes] : packs) {
      EXPECT_TRUE(committer.IsBusyPack(id));
      total += bytes.size();
    }
    // The recorded ends cover every body and nothing else.
    size_t bodies = 0;
    for (const auto& list : placed) {
      for (const Placed& p : list) bodies += p.body.size();
    }
    EXPECT_EQ(total, bodies);
  }
  // Sealed at destruction, and nothing refers to them: collected.
  size_t left = 0;
  files_->ForEachBlob([&](int64_t) { ++left; });
  EXPECT_EQ(left, 0u);
}

// One lane: one pack, and never two batches written at once.
TEST_F(CommitterTest, OneLaneKeepsOnePack) {
  Committer committer(*meta_, *files_, 1);
  std::set<int64_t> packs;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        CommitRequest r({"abc"}, [&](CommitContext& ctx) {
          std::lock_guard<std::mutex> lock(mu);
          packs.insert(ctx.location(0).blob_id);
        });
        committer.Commit(r);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(committer.peak_lanes(), 1u);
  EXPECT_EQ(packs.size(), 1u);
  std::string expected;
  for (int i = 0; i < 6 * 50; ++i) expected += "abc";
  EXPECT_EQ(PackContent(*packs.begin()), expected);
}

// The two stages overlap: while one transaction runs, the next batch's bytes are written and
// synced (with one lane, so the overlap is the pipeline's and not a second lane's).
TEST_F(CommitterTest, NextBatchSyncsWhileATransactionRuns) {
  Committer committer(*meta_, *files_, 1);
  std::atomic<bool> second_synced{false};
  std::thread first([&] {
    CommitRequest r({"first"}, [&](CommitContext&) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (committer.syncs() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      second_synced = committer.syncs() >= 2;
    });
    committer.Commit(r);
  });
  while (committer.batches() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CommitRequest second({"second"}, [](CommitContext&) {});
  committer.Commit(second);
  first.join();
  EXPECT_TRUE(second_synced);
  EXPECT_EQ(committer.batches(), 2u);
}

// A pack a lane still appends to is not collected when a commit unreferences it; once sealed
// (here at destruction) and unreferenced, it is. One lane, so every commit appends to the
// same pack (with more, which lane takes a batch is up to their threads).
TEST_F(CommitterTest, BusyPacksAreCollectedOnlyOnceSealed) {
  int64_t pack = 0;
  {
    Committer committer(*meta_, *files_, 1);
    CommitRequest put({"bytes"}, [&](CommitContext& ctx) { pack = ctx.location(0).blob_id; });
    committer.Commit(put);
    CommitRequest drop({}, [&](CommitContext& ctx) { ctx.Unreference(pack); });
    committer.Commit(drop);
    EXPECT_TRUE(fs::exists(files_->PathOf(pack)));
    EXPECT_EQ(PackRows(pack), 5);
    CommitRequest more({"more"}, [&](CommitContext& ctx) {
      EXPECT_EQ(ctx.location(0).blob_id, pack);
      EXPECT_EQ(ctx.location(0).offset, 5u);
    });
    committer.Commit(more);
    EXPECT_EQ(PackContent(pack), "bytesmore");
  }
  EXPECT_FALSE(fs::exists(files_->PathOf(pack)));
  EXPECT_EQ(PackRows(pack), 0);
}

// A pack being appended to is kept filled with zeros past its end (so a batch's fdatasync
// flushes data only), never over a body; once sealed, the file is cut back to its end.
TEST_F(CommitterTest, PacksAreZeroFilledAheadAndCutWhenSealed) {
  int64_t pack = 0;
  std::string expected;
  {
    Committer committer(*meta_, *files_, 1);
    for (int i = 0; i < 3; ++i) {
      std::string body = "body number " + std::to_string(i) + ";";
      expected += body;
      CommitRequest r({body}, [&](CommitContext& ctx) {
        pack = ctx.location(0).blob_id;
        // A segment keeps the pack referenced, so that it outlives the committer.
        ctx.tx().Exec("INSERT OR REPLACE INTO storage_segments VALUES(1, 0, ?, 0, 1)",
                      {meta::Int(pack)});
      });
      committer.Commit(r);
    }
    std::string bytes = ReadPack(pack);
    ASSERT_GE(bytes.size(), expected.size() + (256 << 10));
    EXPECT_EQ(bytes.substr(0, expected.size()), expected);
    EXPECT_EQ(bytes.find_first_not_of('\0', expected.size()), std::string::npos);
    EXPECT_EQ(PackRows(pack), static_cast<int64_t>(expected.size()));
  }
  EXPECT_EQ(ReadPack(pack), expected);
}

// A request whose change fails rolls back alone; the others in its batch commit.
TEST_F(CommitterTest, AFailingRequestFailsAlone) {
  Committer committer(*meta_, *files_, 2);
  CommitRequest good({"g"},
                     [](CommitContext& ctx) { ctx.tx().Exec("INSERT INTO probe VALUES(1)"); });
  meta_->Write([](meta::Transaction& tx) { tx.Exec("CREATE TABLE probe(v INTEGER PRIMARY KEY)"); });
  CommitRequest bad({"b"}, [](CommitContext& ctx) {
    ctx.tx().Exec("INSERT INTO probe VALUES(2)");
    throw std::runtime_error("refused");
  });
  committer.CommitAll({&good, &bad});
  EXPECT_FALSE(good.error);
  ASSERT_TRUE(bad.error);
  std::vector<int64_t> rows;
  meta_->Read([&](meta::Transaction& tx) {
    tx.Each("SELECT v FROM probe", {}, [&](const meta::Row& row) {
      rows.push_back(row.Int(0));
      return true;
    });
  });
  EXPECT_EQ(rows, std::vector<int64_t>{1});
}

// Submit returns without waiting for the commit, even while the metadata stage is held up;
// `done` runs on another thread once the change is committed (readable by others), and a
// failure reaches `done` through the request's error.
TEST_F(CommitterTest, SubmitReturnsAtOnceAndDoneRunsAfterTheCommit) {
  meta_->Write([](meta::Transaction& tx) { tx.Exec("CREATE TABLE probe(v INTEGER PRIMARY KEY)"); });
  Committer committer(*meta_, *files_, 1);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::vector<std::string> events;
  auto note = [&](std::string what) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(std::move(what));
    cv.notify_all();
  };
  CommitRequest held({"held"}, [&](CommitContext& ctx) {
    ctx.tx().Exec("INSERT INTO probe VALUES(1)");
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  });
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id done_thread;
  committer.Submit(&held, [&] {
    done_thread = std::this_thread::get_id();
    int64_t rows = 0;
    meta_->Read([&](meta::Transaction& tx) {
      rows = tx.QueryOne("SELECT count(*) FROM probe", {})->Int(0);
    });
    note("held done, rows " + std::to_string(rows));
  });
  CommitRequest refused({"r"}, [](CommitContext& ctx) {
    ctx.tx().Exec("INSERT INTO probe VALUES(1)");  // a duplicate key: fails alone
  });
  committer.Submit(&refused, [&] { note(refused.error ? "refused failed" : "refused done"); });
  // Both submissions returned while the first transaction is still held.
  note("submitted");
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return events.size() == 3; }));
  EXPECT_EQ(events[0], "submitted");
  EXPECT_EQ(events[1], "held done, rows 1");
  EXPECT_EQ(events[2], "refused failed");
  EXPECT_NE(done_thread, caller);
  EXPECT_FALSE(held.error);
}

// Requests submitted just before the committer is destroyed still commit, and their `done`
// runs before the destructor returns.
TEST_F(CommitterTest, DestructionCommitsWhatWasSubmitted) {
  std::vector<std::unique_ptr<CommitRequest>> requests;
  std::atomic<int> done{0};
  std::vector<PackLocation> at(40);
  {
    Committer committer(*meta_, *files_, 1);
    for (int i = 0; i < 40; ++i) {
      requests.push_back(std::make_unique<CommitRequest>(
          std::vector<std::string_view>{"x"},
          [&at, i](CommitContext& ctx) { at[i] = ctx.location(0); }));
      committer.Submit(requests.back().get(), [&] { ++done; });
    }
  }
  EXPECT_EQ(done.load(), 40);
  for (const auto& r : requests) EXPECT_FALSE(r->error);
  for (int i = 1; i < 40; ++i) EXPECT_EQ(at[i].offset, at[i - 1].offset + 1);
}

}  // namespace
}  // namespace storage
