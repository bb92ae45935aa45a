// Kills a process that is writing to the store at a random moment, again and again, and
// checks that every object the reopened store lists reads back complete, that every put the
// store acknowledged before the kill is still there, and that startup cleanup leaves no temp
// file or unreferenced blob behind.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "base/log.h"
#include "base/strings.h"
#include "engines/storage/storage_test_util.h"

namespace storage {
namespace {

using testing::HexMd5;
using testing::Pattern;
using testing::PatternSource;
namespace fs = std::filesystem;

constexpr uint64_t kMiB = 1 << 20;

// Successful operations after which the child tells the parent, through a pipe, that it is
// under way.
constexpr int kWarmUpOps = 20;

// The child's workload: puts of all sizes, overwrites, deletes, copies and multipart uploads
// from several threads, and pairs of objects written in one commit, until it is killed.
[[noreturn]] void RunWorkload(const fs::path& dir, unsigned seed, int ready_fd) {
  base::SetLogLevel(base::LogLevel::kError);
  auto meta = meta::OpenSqliteStore((dir / "meta.db").string());
  ObjectStore store(dir, *meta);
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(seed * 31 + t);
      while (true) {
        const char* bucket = rng() % 2 ? "plain" : "versioned";
        std::string key = "k" + std::to_string(rng() % 40);
        unsigned op = rng() % 100;
        try {
          if (op < 60) {
            unsigned kind = rng() % 10;
            uint64_t size = kind < 7   ? rng() % 70000
                            : kind < 9 ? 300000 + rng() % kMiB
                                       : 2 * kMiB + rng() % (2 * kMiB);
            PatternSource body(rng(), size);
            PutOptions options;
            options.expected_size = size;
            store.PutObject(bucket, key, body, options);
          } else if (op < 80) {
            store.DeleteObject(bucket, key);
          } else if (op < 90) {
            store.CopyObject({bucket, key, std::nullopt, {}}, bucket,
                             "copy-" + std::to_string(rng() % 10), {});
          } else if (op < 95) {
            // A data object and its companion naming the data's ETag, written together.
            std::string data = Pattern(rng(), rng() % 2 ? rng() % 70000 : 300000 + rng() % kMiB);
            std::string pair = "pair-" + std::to_string(rng() % 10);
            StringSource body(data), companion(HexMd5(data));
            store.PutObjects("plain", {{pair, body, {}}, {pair + ".etag", companion, {}}});
          } else {
            MultipartUpload up = store.CreateMultipartUpload(bucket, "mp-" + key, {});
            PatternSource p1(rng(), 5 * kMiB);
            PatternSource p2(rng(), rng() % 100000);
            PartInfo a = store.UploadPart(bucket, up.key, up.upload_id, 1, p1, {});
            PartInfo b = store.UploadPart(bucket, up.key, up.upload_id, 2, p2, {});
            store.CompleteMultipartUpload(bucket, up.key, up.upload_id,
                                          {{1, a.etag, {}}, {2, b.etag, {}}}, {});
          }
          if (++done == kWarmUpOps) {
            char byte = 1;
            if (::write(ready_fd, &byte, 1) != 1) ::_exit(3);
          }
        } catch (const StorageError&) {
          // NoSuchKey for copies of deleted keys: part of the workload.
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ::_exit(0);
}

// The ETag a version's bytes must have: their MD5, or for a multipart object the MD5 of its
// parts' MD5s.
std::string EtagOf(const ObjectReader& reader) {
  if (reader.parts().empty()) return HexMd5(ReadAll(*reader.Open()));
  std::string md5s;
  for (const ObjectPart& p : reader.parts()) {
    md5s += base::Md5(ReadAll(*reader.OpenRange(p.offset, p.size)));
  }
  return base::HexEncode(base::Md5(md5s)) + "-" + std::to_string(reader.parts().size());
}

TEST(CrashTest, KillNineAtRandomMomentsLosesNothingCommitted) {
  fs::path dir = fs::temp_directory_path() / ("storage_crash_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    auto meta = meta::OpenSqliteStore((dir / "meta.db").string());
    ObjectStore store(dir, *meta);
    store.CreateBucket("plain", "", "owner");
    store.CreateBucket("versioned", "", "owner");
    store.SetVersioning("versioned", VersioningState::kEnabled);
  }
  std::mt19937 rng(::getpid());
  size_t checked = 0;
  size_t pairs = 0;
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE(round);
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) RunWorkload(dir, static_cast<unsigned>(rng()), ready[1]);
    // Kill at a random moment once the workload is under way.
    pollfd p{ready[0], POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 120000), 1) << "the workload did not get going";
    ::close(ready[0]);
    ::close(ready[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 600));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the workload ended on its own: " << status;

    auto meta = meta::OpenSqliteStore((dir / "meta.db").string());
    ObjectStore store(dir, *meta);
    IntegrityReport report = store.CheckIntegrity();
    EXPECT_EQ(report.temp_files, 0u);
    EXPECT_EQ(report.unreferenced_blobs, 0u);
    EXPECT_EQ(report.missing_blobs, 0u);
    for (const char* bucket : {"plain", "versioned"}) {
      for (const ObjectSummary& v : store.ListObjectVersions(bucket, {}).versions) {
        if (v.delete_marker) continue;
        if (v.key.starts_with("pair-") && !v.key.ends_with(".etag")) {
          EXPECT_EQ(ReadAll(*store.GetObject(bucket, v.key + ".etag").Open()), v.etag) << v.key;
          ++pairs;
        }
        ObjectReader reader = store.GetObject(bucket, v.key, v.version_id);
        EXPECT_EQ(reader.info().size, v.size) << v.key;
        EXPECT_EQ(EtagOf(reader), v.etag) << bucket << "/" << v.key << " " << v.version_id;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0u) << "the workload never committed anything";
  EXPECT_GT(pairs, 0u) << "no pair of objects written in one commit survived to be checked";
  ::testing::Test::RecordProperty("versions_checked", static_cast<int>(checked));
  ::testing::Test::RecordProperty("pairs_checked", static_cast<int>(pairs));
  fs::remove_all(dir);
}

// The child of AcknowledgedPutsSurviveKillNine: threads put objects under fresh keys in the
// bucket "acked" and, after each put returns, write "<key>\n" to `acked_fd` (one write below
// PIPE_BUF, so lines never interleave), until the child is killed.
[[noreturn]] void RunAckedPuts(const fs::path& dir, unsigned seed, int acked_fd) {
  base::SetLogLevel(base::LogLevel::kError);
  auto meta = meta::OpenSqliteStore((dir / "meta.db").string());
  ObjectStore store(dir, *meta);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(seed * 31 + t);
      for (int i = 0;; ++i) {
        static constexpr uint64_t kSizes[] = {0, 1, 4096, 300 << 10, 2 * kMiB};
        uint64_t size = kSizes[rng() % std::size(kSizes)];
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i) + "-" +
                          std::to_string(size);
        PatternSource body(size, size);
        PutOptions options;
        options.expected_size = size;
        store.PutObject("acked", key, body, options);
        std::string line = key + "\n";
        if (::write(acked_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          ::_exit(3);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ::_exit(0);
}

TEST(CrashTest, AcknowledgedPutsSurviveKillNine) {
  fs::path dir = fs::temp_directory_path() / ("storage_acked_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    auto meta = meta::OpenSqliteStore((dir / "meta.db").string());
    ObjectStore store(dir, *meta);
    store.CreateBucket("acked", "", "owner");
  }
  std::mt19937 rng(::getpid());
  size_t verified = 0;
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE(round);
    int acked[2];
    ASSERT_EQ(::pipe(acked), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(acked[0]);
      RunAckedPuts(dir, static_cast<unsigned>(rng()) + static_cast<unsigned>(round),
                   acked[1]);
    }
    ::close(acked[1]);
    // Reads acknowledgements while the child runs, kills it at a random moment after it got
    // going, then reads what it acknowledged before dying.
    std::string lines;
    std::optional<std::chrono::steady_clock::time_point> kill_at;
    bool killed = false;
    while (true) {
      pollfd p{acked[0], POLLIN, 0};
      ::poll(&p, 1, 20);
      if (p.revents != 0) {
        char buf[4096];
        ssize_t n = ::read(acked[0], buf, sizeof buf);
        if (n > 0) {
          lines.append(buf, static_cast<size_t>(n));
          if (!kill_at) {
            kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(rng() % 800);
          }
          continue;
        }
        if (n == 0) break;  // the child is gone and the pipe is drained
      }
      if (!killed && kill_at && std::chrono::steady_clock::now() >= *kill_at) {
        ASSERT_EQ(::kill(pid, SIGKILL), 0);
        killed = true;
      }
    }
    ::close(acked[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the workload ended on its own: " << status;

    auto meta = meta::OpenSqliteStore((dir / "meta.db").string());
    ObjectStore store(dir, *meta);
    std::set<std::string> listed;
    ListObjectsOptions options;
    while (true) {
      ListObjectsResult page = store.ListObjects("acked", options);
      for (const ObjectSummary& o : page.objects) listed.insert(o.key);
      if (!page.is_truncated) break;
      options.start_after = page.next_marker;
    }
    size_t acked_count = 0;
    for (const std::string& key : base::Split(lines, '\n')) {
      if (key.empty()) continue;
      ++acked_count;
      if (listed.count(key) == 0) {
        ADD_FAILURE() << "acknowledged put lost across kill -9: " << key;
        continue;
      }
      uint64_t size = std::stoull(key.substr(key.rfind('-') + 1));
      ObjectInfo info = store.HeadObject("acked", key, std::nullopt);
      EXPECT_EQ(info.size, size) << key;
      EXPECT_EQ(info.etag, HexMd5(Pattern(size, size))) << key;
      ++verified;
    }
    EXPECT_GT(acked_count, 0u) << "the child acknowledged nothing before the kill";
    IntegrityReport report = store.CheckIntegrity();
    EXPECT_EQ(report.temp_files, 0u);
    EXPECT_EQ(report.unreferenced_blobs, 0u);
    EXPECT_EQ(report.missing_blobs, 0u);
  }
  ::testing::Test::RecordProperty("acknowledged_puts_verified", static_cast<int>(verified));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace storage
