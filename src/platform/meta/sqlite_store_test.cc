#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "platform/meta/store.h"

namespace meta {
namespace {

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("meta_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = OpenSqliteStore((dir_ / "meta.db").string());
    const Migration m[] = {{1, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"}};
    store_->Migrate("test", m);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  int64_t Count() {
    int64_t n = -1;
    store_->Read([&](Transaction& tx) { n = tx.QueryOne("SELECT count(*) FROM kv")->Int(0); });
    return n;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, WriteThenRead) {
  store_->Write([](Transaction& tx) {
    tx.Exec("INSERT INTO kv(k, v) VALUES(?, ?)", {Text("東京"), Int(7)});
    EXPECT_EQ(tx.Exec("UPDATE kv SET v = v + 1 WHERE k = ?", {Text("東京")}), 1);
  });
  store_->Read([](Transaction& tx) {
    auto row = tx.QueryOne("SELECT k, v, NULL FROM kv");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->Text(0), "東京");
    EXPECT_EQ(row->Int(1), 8);
    EXPECT_TRUE(row->IsNull(2));
    EXPECT_FALSE(row->OptText(2));
  });
}

TEST_F(SqliteStoreTest, ExceptionRollsBackTheWholeTransaction) {
  EXPECT_THROW(store_->Write([](Transaction& tx) {
    tx.Exec("INSERT INTO kv(k, v) VALUES('a', 1)");
    throw std::runtime_error("handler failed");
  }),
               std::runtime_error);
  EXPECT_EQ(Count(), 0);
}

TEST_F(SqliteStoreTest, ConstraintViolationIsTyped) {
  store_->Write([](Transaction& tx) { tx.Exec("INSERT INTO kv(k, v) VALUES('a', 1)"); });
  EXPECT_THROW(store_->Write([](Transaction& tx) {
    tx.Exec("INSERT INTO kv(k, v) VALUES('b', 2)");
    tx.Exec("INSERT INTO kv(k, v) VALUES('a', 3)");
  }),
               ConstraintError);
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteStoreTest, MigrationsApplyOnceAndInOrder) {
  const Migration m[] = {
      {1, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"},
      {2, "ALTER TABLE kv ADD COLUMN note TEXT; CREATE INDEX kv_v ON kv(v);"},
  };
  store_->Migrate("test", m);
  store_->Migrate("test", m);  // idempotent
  store_->Write([](Transaction& tx) { tx.Exec("INSERT INTO kv(k, v, note) VALUES('a', 1, 'n')"); });
  EXPECT_EQ(Count(), 1);
  const Migration older[] = {{1, "SELECT 1"}};
  EXPECT_THROW(store_->Migrate("test", older), StoreError);
}

TEST_F(SqliteStoreTest, BadStatementAndParameterCountAreErrors) {
  EXPECT_THROW(store_->Read([](Transaction& tx) { tx.Query("SELEC nonsense"); }), StoreError);
  EXPECT_THROW(store_->Read([](Transaction& tx) { tx.Query("SELECT ?", {}); }), StoreError);
}

TEST_F(SqliteStoreTest, ConcurrentWritersAndReadersNeverSeeBusy) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          store_->Write([&](Transaction& tx) {
            tx.Exec("INSERT INTO kv(k, v) VALUES(?, ?)",
                    {Text(std::to_string(t) + ":" + std::to_string(i)), Int(i)});
          });
          Count();
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Count(), kThreads * kPerThread);
}

TEST_F(SqliteStoreTest, DataSurvivesReopen) {
  store_->Write([](Transaction& tx) { tx.Exec("INSERT INTO kv(k, v) VALUES('durable', 42)"); });
  store_ = OpenSqliteStore((dir_ / "meta.db").string());
  store_->Read([](Transaction& tx) {
    EXPECT_EQ(tx.QueryOne("SELECT v FROM kv WHERE k = 'durable'")->Int(0), 42);
  });
}

}  // namespace
}  // namespace meta
