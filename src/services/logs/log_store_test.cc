#include "services/logs/log_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace logs {
namespace {

namespace fs = std::filesystem;

class LogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("logstore-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()
                                                  ->current_test_info()
                                                  ->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    meta_ = meta::OpenSqliteStore((dir_ / "meta.db").string());
    store_ = std::make_unique<LogStore>(*meta_);
  }
  void TearDown() override {
    store_.reset();
    meta_.reset();
    fs::remove_all(dir_);
  }

  std::vector<StoredEvent> ScanAll(EventScan scan) {
    std::vector<StoredEvent> out;
    store_->Scan(scan, [&](const StoredEvent& e) {
      out.push_back(e);
      return true;
    });
    return out;
  }

  fs::path dir_;
  std::unique_ptr<meta::Store> meta_;
  std::unique_ptr<LogStore> store_;
};

TEST_F(LogStoreTest, AppendCreatesGroupAndStreamAndKeepsTimeOrder) {
  std::vector<LogEvent> events = {{300, "third"}, {100, "first"}, {200, "second"}};
  store_->Append("/aws/sagemaker/TrainingJobs", "job/algo-1-1", events);
  auto group = store_->FindGroup("/aws/sagemaker/TrainingJobs");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->stored_bytes, (5 + 26) + (5 + 26) + (6 + 26));
  auto stream = store_->FindStream("/aws/sagemaker/TrainingJobs", "job/algo-1-1");
  ASSERT_TRUE(stream);
  EXPECT_EQ(*stream->first_event_ms, 100);
  EXPECT_EQ(*stream->last_event_ms, 300);
  EventScan scan;
  scan.group = "/aws/sagemaker/TrainingJobs";
  auto all = ScanAll(scan);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].message, "first");
  EXPECT_EQ(all[1].message, "second");
  EXPECT_EQ(all[2].message, "third");
  EXPECT_EQ(all[0].stream, "job/algo-1-1");
}

TEST_F(LogStoreTest, EqualTimestampsKeepArrivalOrderAndPositionsPage) {
  std::vector<LogEvent> a = {{50, "a1"}, {50, "a2"}};
  std::vector<LogEvent> b = {{50, "a3"}, {60, "a4"}};
  store_->Append("g", "s", a);
  store_->Append("g", "s", b);
  EventScan scan;
  scan.group = "g";
  scan.streams = {"s"};
  auto all = ScanAll(scan);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].message, "a3");
  scan.after = EventPosition{all[1].timestamp_ms, all[1].id};
  auto rest = ScanAll(scan);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].message, "a3");
  scan.after.reset();
  scan.before = EventPosition{all[2].timestamp_ms, all[2].id};
  scan.descending = true;
  auto before = ScanAll(scan);
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].message, "a2");
  EXPECT_EQ(before[1].message, "a1");
}

TEST_F(LogStoreTest, ScanFiltersByStreamsPrefixAndTime) {
  std::vector<LogEvent> one = {{10, "x"}, {20, "y"}};
  std::vector<LogEvent> two = {{15, "z"}};
  store_->Append("g", "job-a/algo-1", one);
  store_->Append("g", "job-b/algo-1", two);
  EventScan scan;
  scan.group = "g";
  scan.stream_prefix = "job-a/";
  EXPECT_EQ(ScanAll(scan).size(), 2u);
  scan.stream_prefix.clear();
  scan.start_ms = 15;
  scan.end_ms = 20;
  auto window = ScanAll(scan);
  ASSERT_EQ(window.size(), 1u);
  EXPECT_EQ(window[0].message, "z");
  scan.start_ms.reset();
  scan.end_ms.reset();
  scan.streams = {"job-a/algo-1", "job-b/algo-1"};
  EXPECT_EQ(ScanAll(scan).size(), 3u);
}

TEST_F(LogStoreTest, CreateDeleteAndListings) {
  EXPECT_EQ(store_->CreateGroup("alpha"), CreateResult::kCreated);
  EXPECT_EQ(store_->CreateGroup("alpha"), CreateResult::kAlreadyExists);
  EXPECT_EQ(store_->CreateStream("missing", "s"), CreateResult::kNoGroup);
  EXPECT_EQ(store_->CreateStream("alpha", "s1"), CreateResult::kCreated);
  EXPECT_EQ(store_->CreateStream("alpha", "s1"), CreateResult::kAlreadyExists);
  store_->CreateGroup("beta/Training");
  store_->CreateGroup("gamma");
  auto groups = store_->Groups("", "", "", 10);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].name, "alpha");
  EXPECT_EQ(store_->Groups("", "TRAIN", "", 10).at(0).name, "beta/Training");
  EXPECT_EQ(store_->Groups("g", "", "", 10).size(), 1u);
  EXPECT_EQ(store_->Groups("", "", "alpha", 1).at(0).name, "beta/Training");

  std::vector<LogEvent> late = {{900, "late"}};
  std::vector<LogEvent> early = {{100, "early"}};
  store_->Append("alpha", "s2", late);
  store_->Append("alpha", "s1", early);
  auto by_time = store_->Streams("alpha", "", true, true, 0, 10);
  ASSERT_EQ(by_time.size(), 2u);
  EXPECT_EQ(by_time[0].name, "s2");
  auto by_name = store_->Streams("alpha", "", false, false, 1, 10);
  ASSERT_EQ(by_name.size(), 1u);
  EXPECT_EQ(by_name[0].name, "s2");

  EXPECT_TRUE(store_->DeleteStream("alpha", "s2"));
  EXPECT_FALSE(store_->DeleteStream("alpha", "s2"));
  EXPECT_EQ(store_->FindGroup("alpha")->stored_bytes, 5 + 26);
  EXPECT_TRUE(store_->DeleteGroup("alpha"));
  EXPECT_FALSE(store_->FindGroup("alpha"));
  EventScan scan;
  scan.group = "alpha";
  EXPECT_TRUE(ScanAll(scan).empty());
}

}  // namespace
}  // namespace logs
