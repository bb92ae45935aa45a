#include "engines/storage/object_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "engines/storage/committer.h"
#include "engines/storage/staged_body.h"
#include "engines/storage/storage_test_util.h"

namespace storage {
namespace {

using testing::CodeOf;
using testing::HexMd5;
using testing::Pattern;
using testing::PatternSource;
namespace fs = std::filesystem;

class ObjectStoreTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_->CreateBucket("bucket", "us-east-1", "owner");
  }
};

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

TEST_F(ObjectStoreTest, RoundTripsBodiesOfEverySize) {
  const uint64_t kMiB = 1 << 20;
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, uint64_t{4096}, uint64_t{256 << 10},
                        uint64_t{(256 << 10) + 1}, 5 * kMiB - 1, 5 * kMiB, 5 * kMiB + 1}) {
    SCOPED_TRACE(size);
    std::string key = "obj-" + std::to_string(size);
    std::string expected = Pattern(size, size);
    PatternSource body(size, size);
    PutOptions options;
    options.expected_size = size;
    ObjectInfo info = store_->PutObject("bucket", key, body, options);
    EXPECT_EQ(info.size, size);
    EXPECT_EQ(info.etag, HexMd5(expected));
    EXPECT_EQ(info.version_id, "null");
    ObjectReader reader = store_->GetObject("bucket", key);
    EXPECT_EQ(reader.info().etag, info.etag);
    std::string got = ReadAll(*reader.Open());
    EXPECT_EQ(got.size(), size);
    EXPECT_EQ(HexMd5(got), info.etag);
    if (size > 10) {
      // Positional and ranged reads.
      char buf[7];
      ASSERT_EQ(reader.ReadAt(size - 7, buf, 7), 7u);
      EXPECT_EQ(std::string(buf, 7), expected.substr(size - 7));
      EXPECT_EQ(reader.ReadAt(size - 3, buf, 7), 3u);
      EXPECT_EQ(ReadAll(*reader.OpenRange(3, 5)), expected.substr(3, 5));
    }
    EXPECT_EQ(CodeOf([&] { reader.OpenRange(size, 1); }), ErrorCode::kInvalidRange);
  }
  // Everything survives a restart.
  Reopen();
  EXPECT_EQ(HexMd5(Get("bucket", "obj-5242881")), HexMd5(Pattern(5242881, 5242881)));
  EXPECT_EQ(Get("bucket", "obj-0"), "");
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
}

TEST_F(ObjectStoreTest, StreamsHundredMebibytesInBoundedMemory) {
  const uint64_t size = uint64_t{100} << 20;
  base::Digest expected(base::DigestAlgorithm::kMd5);
  {
    PatternSource gen(42, size);
    std::string buf(1 << 20, '\0');
    while (size_t n = gen.Read(buf.data(), buf.size())) expected.Update({buf.data(), n});
  }
  std::string expected_md5 = base::HexEncode(expected.Final());
  size_t before = ResidentBytes();
  PatternSource body(42, size);
  PutOptions options;
  options.checksum_algorithms = {ChecksumAlgorithm::kCrc64Nvme};
  ObjectInfo info = store_->PutObject("bucket", "big", body, options);
  size_t after_put = ResidentBytes();
  EXPECT_EQ(info.size, size);
  EXPECT_EQ(info.etag, expected_md5);
  EXPECT_LT(after_put, before + (24 << 20)) << "RSS grew while streaming a put";

  ObjectReader reader = store_->GetObject("bucket", "big");
  auto source = reader.Open();
  base::Digest got(base::DigestAlgorithm::kMd5);
  std::string buf(1 << 20, '\0');
  uint64_t total = 0;
  while (size_t n = source->Read(buf.data(), buf.size())) {
    got.Update({buf.data(), n});
    total += n;
  }
  EXPECT_EQ(total, size);
  EXPECT_EQ(base::HexEncode(got.Final()), expected_md5);
  EXPECT_LT(ResidentBytes(), before + (24 << 20)) << "RSS grew while streaming a get";
}

// A source far faster than hashing (bytes already in memory) runs ahead of the helper threads
// until every chunk buffer is in flight; no buffer is reused before both helpers are done
// with it, so the stored bytes, the ETag and the checksum are those of the body.
TEST_F(ObjectStoreTest, AFastSourceNeverOvertakesItsHelpers) {
  const uint64_t size = (uint64_t{40} << 20) + 12345;
  std::string data = Pattern(7, size);
  StringSource body(data);
  PutOptions options;
  options.expected_size = size;
  options.checksum_algorithms = {ChecksumAlgorithm::kCrc32c};
  ObjectInfo info = store_->PutObject("bucket", "fast", body, options);
  EXPECT_EQ(info.etag, HexMd5(data));
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kCrc32c),
            base::Base64Encode(base::BigEndianBytes(base::Crc32c(data))));
  std::string stored = Get("bucket", "fast");
  ASSERT_EQ(stored.size(), data.size());
  EXPECT_TRUE(stored == data);
}

TEST_F(ObjectStoreTest, ComputesEtagsAndEveryChecksum) {
  PutOptions options;
  options.checksum_algorithms = {ChecksumAlgorithm::kCrc32,     ChecksumAlgorithm::kCrc32c,
                                 ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                                 ChecksumAlgorithm::kSha256,    ChecksumAlgorithm::kMd5};
  ObjectInfo info = Put("bucket", "check", "123456789", options);
  EXPECT_EQ(info.etag, "25f9e794323b453885f5181f1b624d0b");  // md5("123456789")
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kCrc32), "y/Q5Jg==");
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kCrc32c), "4waSgw==");
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kCrc64Nvme), "rosUhgp5mIg=");
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kSha1),
            base::Base64Encode(base::Sha1("123456789")));
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kSha256),
            base::Base64Encode(base::Sha256("123456789")));
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kMd5), base::Base64Encode(base::Md5("123456789")));
  EXPECT_EQ(info.checksum_type, ChecksumType::kFullObject);
  ObjectInfo head = store_->HeadObject("bucket", "check");
  EXPECT_EQ(head.checksums, info.checksums);
  EXPECT_EQ(head.etag, info.etag);
  // Verified values that match are accepted and stored.
  PutOptions verify;
  verify.content_md5 = base::Md5("abc");
  verify.expected_checksums[ChecksumAlgorithm::kCrc32] =
      base::Base64Encode(base::BigEndianBytes(base::Crc32("abc")));
  ObjectInfo ok = Put("bucket", "verified", "abc", verify);
  EXPECT_EQ(ok.etag, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(ok.checksums.at(ChecksumAlgorithm::kCrc32),
            verify.expected_checksums.at(ChecksumAlgorithm::kCrc32));
}

TEST_F(ObjectStoreTest, BadBodiesLeaveNothingBehind) {
  size_t blobs = BlobFileCount();
  for (uint64_t size : {uint64_t{1000}, uint64_t{3} << 20}) {
    SCOPED_TRACE(size);
    std::string data = Pattern(size, size);
    PutOptions bad_md5;
    bad_md5.content_md5 = base::Md5("something else");
    EXPECT_EQ(CodeOf([&] { Put("bucket", "k", data, bad_md5); }), ErrorCode::kBadDigest);
    PutOptions bad_sum;
    bad_sum.expected_checksums[ChecksumAlgorithm::kSha256] = base::Base64Encode(base::Sha256("x"));
    EXPECT_EQ(CodeOf([&] { Put("bucket", "k", data, bad_sum); }), ErrorCode::kChecksumMismatch);
    PutOptions longer;
    longer.expected_size = size + 1;
    EXPECT_EQ(CodeOf([&] { Put("bucket", "k", data, longer); }), ErrorCode::kIncompleteBody);
    PutOptions shorter;
    shorter.expected_size = size - 1;
    EXPECT_EQ(CodeOf([&] { Put("bucket", "k", data, shorter); }), ErrorCode::kIncompleteBody);
    EXPECT_EQ(CodeOf([&] { store_->HeadObject("bucket", "k"); }), ErrorCode::kNoSuchKey);
  }
  PutOptions huge;
  huge.expected_size = kMaxPutSize + 1;
  EXPECT_EQ(CodeOf([&] { Put("bucket", "k", "x", huge); }), ErrorCode::kEntityTooLarge);
  EXPECT_EQ(CodeOf([&] { Put("nobucket", "k", "x"); }), ErrorCode::kNoSuchBucket);
  EXPECT_EQ(CodeOf([&] { Put("bucket", std::string(1025, 'k'), "x"); }), ErrorCode::kKeyTooLong);
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.temp_files, 0u);
  EXPECT_EQ(report.unreferenced_blobs, 0u);
  EXPECT_EQ(report.blob_files, blobs);
  ListObjectsResult list = store_->ListObjects("bucket", {});
  EXPECT_TRUE(list.objects.empty());
}

TEST_F(ObjectStoreTest, AClientFailingMidBodyLeavesNothingBehind) {
  // Fails after `good` bytes, while earlier chunks are still being hashed and written.
  class FailingSource : public ByteSource {
   public:
    explicit FailingSource(uint64_t good) : pattern_(7, good) {}
    size_t Read(char* buf, size_t n) override {
      size_t got = pattern_.Read(buf, n);
      if (got == 0) throw std::runtime_error("client went away");
      return got;
    }

   private:
    PatternSource pattern_;
  };
  size_t blobs = BlobFileCount();
  for (uint64_t good : {uint64_t{300} << 10, uint64_t{5} << 20}) {
    SCOPED_TRACE(good);
    FailingSource body(good);
    EXPECT_THROW(store_->PutObject("bucket", "k", body, {}), std::runtime_error);
  }
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.temp_files, 0u);
  EXPECT_EQ(report.blob_files, blobs);
  EXPECT_EQ(CodeOf([&] { store_->HeadObject("bucket", "k"); }), ErrorCode::kNoSuchKey);
}

TEST_F(ObjectStoreTest, PutObjectsWritesSeveralKeysInOneCommit) {
  std::string data = Pattern(1, 5000);
  std::string large = Pattern(2, 300 << 10);  // its own blob, not the pack
  StringSource a(data), b("{\"rows\": 3}"), c(large);
  PutOptions typed;
  typed.attributes.content_type = "text/csv";
  StoreStats before = store_->stats();
  std::vector<ObjectInfo> infos = store_->PutObjects(
      "bucket", {{"q/1.csv", a, typed}, {"q/1.csv.metadata", b, {}}, {"q/big", c, {}}});
  EXPECT_EQ(store_->stats().commit_batches, before.commit_batches + 1);
  ASSERT_EQ(infos.size(), 3u);
  EXPECT_EQ(infos[0].key, "q/1.csv");
  EXPECT_EQ(infos[0].etag, HexMd5(data));
  EXPECT_EQ(infos[1].size, 11u);
  EXPECT_EQ(infos[2].etag, HexMd5(large));
  EXPECT_EQ(store_->HeadObject("bucket", "q/1.csv").attributes.content_type, "text/csv");
  Reopen();
  EXPECT_EQ(Get("bucket", "q/1.csv"), data);
  EXPECT_EQ(Get("bucket", "q/1.csv.metadata"), "{\"rows\": 3}");
  EXPECT_EQ(Get("bucket", "q/big"), large);
  EXPECT_TRUE(store_->PutObjects("bucket", {}).empty());
}

// One commit whose small bodies fill the active pack past its capacity (so it is sealed and a
// new one started mid-batch) and outnumber the buffers one pack write takes.
TEST_F(ObjectStoreTest, PutObjectsAcrossAPackBoundaryKeepEveryBody) {
  constexpr size_t kTiny = 1100;
  constexpr size_t kFull = Committer::kPackCapacity / kPackedBodyMax + 1;
  std::vector<std::unique_ptr<StringSource>> sources;
  std::vector<ObjectWrite> writes;
  std::vector<std::string> bodies;
  for (size_t i = 0; i < kTiny + kFull; ++i) {
    bodies.push_back(Pattern(100 + i, i < kTiny ? 1 + i % 700 : kPackedBodyMax));
    sources.push_back(std::make_unique<StringSource>(bodies.back()));
    writes.push_back(ObjectWrite{"p/" + std::to_string(i), *sources.back(), {}});
  }
  StringSource before("x");
  store_->PutObject("bucket", "before", before, {});
  std::vector<ObjectInfo> infos = store_->PutObjects("bucket", writes);
  ASSERT_EQ(infos.size(), bodies.size());
  Reopen();
  for (size_t i = 0; i < bodies.size(); ++i) {
    EXPECT_EQ(infos[i].etag, HexMd5(bodies[i])) << i;
    ASSERT_EQ(Get("bucket", "p/" + std::to_string(i)), bodies[i]) << i;
  }
  EXPECT_EQ(Get("bucket", "before"), "x");
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.blob_files, 2u);  // the sealed pack and the one started after it
  EXPECT_EQ(report.unreferenced_blobs, 0u);
  EXPECT_EQ(report.missing_blobs, 0u);
}

// Commit batches remember the buckets they read; a later batch sees bucket changes made
// between them.
TEST_F(ObjectStoreTest, WritesSeeBucketChangesMadeBetweenCommits) {
  StringSource a("a"), b("b"), c("c"), d("d");
  EXPECT_EQ(store_->PutObject("bucket", "k", a, {}).version_id, "null");
  store_->SetVersioning("bucket", VersioningState::kEnabled);
  EXPECT_NE(store_->PutObject("bucket", "k", b, {}).version_id, "null");
  store_->CreateBucket("brief", "us-east-1", "owner");
  store_->PutObject("brief", "k", c, {});
  store_->DeleteObject("brief", "k", std::nullopt, "owner");
  store_->DeleteBucket("brief");
  EXPECT_EQ(CodeOf([&] { store_->PutObject("brief", "k", d, {}); }), ErrorCode::kNoSuchBucket);
  EXPECT_EQ(Get("bucket", "k"), "b");
}

TEST_F(ObjectStoreTest, PutObjectsIsAllOrNothing) {
  Put("bucket", "exists", "old");
  size_t blobs = BlobFileCount();
  std::string large = Pattern(3, 2 << 20);
  auto attempt = [&](PutOptions second) {
    StringSource a(large), b("second");
    return CodeOf([&] { store_->PutObjects("bucket", {{"new-a", a, {}}, {"exists", b, second}}); });
  };
  PutOptions bad_md5;
  bad_md5.content_md5 = base::Md5("not this");
  EXPECT_EQ(attempt(bad_md5), ErrorCode::kBadDigest);
  PutOptions create_only;
  create_only.conditions.if_none_match_any = true;
  EXPECT_EQ(attempt(create_only), ErrorCode::kPreconditionFailed);
  StringSource a("x"), b("y");
  EXPECT_EQ(CodeOf([&] {
              store_->PutObjects("bucket", {{"ok", a, {}}, {std::string(1025, 'k'), b, {}}});
            }),
            ErrorCode::kKeyTooLong);
  // A small body of known size reaches the commit before the missing bucket is noticed.
  PutOptions sized;
  sized.expected_size = 1;
  EXPECT_EQ(CodeOf([&] { Put("nobucket", "k", "x", sized); }), ErrorCode::kNoSuchBucket);
  // Neither the first object nor its blob remains; the second key keeps its old object.
  EXPECT_EQ(CodeOf([&] { store_->HeadObject("bucket", "new-a"); }), ErrorCode::kNoSuchKey);
  EXPECT_EQ(CodeOf([&] { store_->HeadObject("bucket", "ok"); }), ErrorCode::kNoSuchKey);
  EXPECT_EQ(Get("bucket", "exists"), "old");
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.temp_files, 0u);
  EXPECT_EQ(report.unreferenced_blobs, 0u);
  EXPECT_EQ(report.blob_files, blobs);
}

TEST_F(ObjectStoreTest, ConditionalWrites) {
  PutOptions create;
  create.conditions.if_none_match_any = true;
  ObjectInfo first = Put("bucket", "k", "one", create);
  EXPECT_EQ(CodeOf([&] { Put("bucket", "k", "two", create); }), ErrorCode::kPreconditionFailed);
  EXPECT_EQ(Get("bucket", "k"), "one");

  PutOptions match;
  match.conditions.if_match = "\"" + first.etag + "\"";
  ObjectInfo second = Put("bucket", "k", "two", match);
  EXPECT_EQ(Get("bucket", "k"), "two");
  EXPECT_EQ(CodeOf([&] { Put("bucket", "k", "three", match); }), ErrorCode::kPreconditionFailed);
  match.conditions.if_match = "*";
  Put("bucket", "k", "three", match);
  EXPECT_EQ(Get("bucket", "k"), "three");
  EXPECT_EQ(CodeOf([&] { Put("bucket", "missing", "x", match); }), ErrorCode::kNoSuchKey);

  // A delete marker is no object: If-None-Match succeeds over it.
  store_->SetVersioning("bucket", VersioningState::kEnabled);
  store_->DeleteObject("bucket", "k");
  Put("bucket", "k", "four", create);
  EXPECT_EQ(Get("bucket", "k"), "four");
}

// PutObjectAsync: body errors throw at once and leave nothing; a commit's outcome (the new
// version, or a precondition failure that leaves the old one) arrives through the callback,
// on another thread, after the version is visible to readers.
TEST_F(ObjectStoreTest, AsyncPutsReportThroughTheirCallback) {
  struct Seen {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<PutOutcome> outcome;
    std::string visible;  // what a reader saw from inside the callback
    std::thread::id thread;
  };
  auto put = [&](std::string key, std::string data, const PutOptions& options) {
    auto seen = std::make_shared<Seen>();
    StringSource source(std::move(data));
    store_->PutObjectAsync("bucket", key, source, options, [this, seen, key](PutOutcome o) {
      std::string visible = o.error ? "" : Get("bucket", key);
      std::lock_guard<std::mutex> lock(seen->mu);
      seen->visible = visible;
      seen->thread = std::this_thread::get_id();
      seen->outcome = std::move(o);
      seen->cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(seen->mu);
    EXPECT_TRUE(seen->cv.wait_for(lock, std::chrono::seconds(10),
                                  [&] { return seen->outcome.has_value(); }));
    return seen;
  };
  PutOptions create;
  create.conditions.if_none_match_any = true;
  create.expected_size = 5;
  auto first = put("k", "hello", create);
  ASSERT_FALSE(first->outcome->error);
  EXPECT_EQ(first->outcome->info.etag, HexMd5("hello"));
  EXPECT_EQ(first->outcome->info.size, 5u);
  EXPECT_EQ(first->visible, "hello");
  EXPECT_NE(first->thread, std::this_thread::get_id());

  auto second = put("k", "world", create);
  ASSERT_TRUE(second->outcome->error);
  EXPECT_EQ(CodeOf([&] { std::rethrow_exception(second->outcome->error); }),
            ErrorCode::kPreconditionFailed);
  EXPECT_EQ(Get("bucket", "k"), "hello");

  size_t blobs = BlobFileCount();
  PutOptions bad_md5;
  bad_md5.content_md5 = base::Md5("something else");
  bool called = false;
  StringSource body("bytes");
  EXPECT_EQ(CodeOf([&] {
              store_->PutObjectAsync("bucket", "bad", body, bad_md5,
                                     [&](PutOutcome) { called = true; });
            }),
            ErrorCode::kBadDigest);
  EXPECT_EQ(CodeOf([&] { store_->HeadObject("bucket", "bad"); }), ErrorCode::kNoSuchKey);
  Reopen();
  EXPECT_FALSE(called);
  EXPECT_EQ(Get("bucket", "k"), "hello");
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.temp_files, 0u);
  EXPECT_EQ(report.unreferenced_blobs, 0u);
  EXPECT_EQ(report.blob_files, blobs);
}

TEST_F(ObjectStoreTest, ExactlyOneOfRacingCreatorsWins) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 5; ++round) {
    std::string key = "race-" + std::to_string(round);
    std::atomic<int> wins{0};
    std::atomic<int> losses{0};
    std::atomic<int> winner{-1};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        PutOptions create;
        create.conditions.if_none_match_any = true;
        // Half the bodies are packed, half get their own blob.
        std::string body = Pattern(t, t % 2 ? 300000 : 1000);
        start.arrive_and_wait();
        try {
          Put("bucket", key, body, create);
          ++wins;
          winner = t;
        } catch (const StorageError& e) {
          if (e.code() == ErrorCode::kPreconditionFailed) ++losses;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(losses.load(), kThreads - 1);
    int w = winner.load();
    EXPECT_EQ(Get("bucket", key), Pattern(w, w % 2 ? 300000 : 1000));
  }
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
}

TEST_F(ObjectStoreTest, ReaderKeepsSeeingTheVersionItOpened) {
  for (uint64_t size : {uint64_t{100000}, uint64_t{2} << 20}) {
    SCOPED_TRACE(size);
    std::string old_bytes = Pattern(1, size);
    Put("bucket", "hot", old_bytes);
    std::vector<PhysicalSegment> segments;
    {
      ObjectReader reader = store_->GetObject("bucket", "hot");
      segments = reader.Segments();
      ASSERT_EQ(segments.size(), 1u);
      Put("bucket", "hot", Pattern(2, size));  // overwrite
      EXPECT_EQ(Get("bucket", "hot"), Pattern(2, size));
      store_->DeleteObject("bucket", "hot");
      EXPECT_EQ(CodeOf([&] { store_->HeadObject("bucket", "hot"); }), ErrorCode::kNoSuchKey);
      // The old bytes are still complete, through the reader and through its segment paths.
      EXPECT_EQ(ReadAll(*reader.Open()), old_bytes);
      int fd = ::open(segments[0].path.c_str(), O_RDONLY);
      ASSERT_GE(fd, 0);
      std::string direct(segments[0].length, '\0');
      EXPECT_EQ(::pread(fd, direct.data(), direct.size(), static_cast<off_t>(segments[0].offset)),
                static_cast<ssize_t>(direct.size()));
      ::close(fd);
      EXPECT_EQ(direct, old_bytes);
    }
    if (size > (256 << 10)) {
      // A whole-body blob is deleted once its last reader is gone.
      EXPECT_FALSE(fs::exists(segments[0].path));
    }
    EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
  }
}

// Every key with versions has exactly one latest version, and it is the newest.
void ExpectOneLatestPerKey(ObjectStore& store) {
  std::map<std::string, int> latest;
  std::string previous_key;
  for (const auto& v : store.ListObjectVersions("bucket", {}).versions) {
    latest[v.key] += v.is_latest ? 1 : 0;
    if (v.key != previous_key) {
      EXPECT_TRUE(v.is_latest) << v.key << " " << v.version_id;
    }
    previous_key = v.key;
  }
  for (const auto& [key, n] : latest) EXPECT_EQ(n, 1) << key;
}

TEST_F(ObjectStoreTest, VersioningStateMachine) {
  // Unversioned: one null version per key.
  Put("bucket", "k", "n1");
  Put("bucket", "k", "n2");
  ListVersionsResult v = store_->ListObjectVersions("bucket", {});
  ASSERT_EQ(v.versions.size(), 1u);
  EXPECT_EQ(v.versions[0].version_id, "null");
  EXPECT_TRUE(v.versions[0].is_latest);
  EXPECT_EQ(Get("bucket", "k", "null"), "n2");
  EXPECT_EQ(CodeOf([&] { store_->SetVersioning("bucket", VersioningState::kUnset); }),
            ErrorCode::kInvalidArgument);

  // Enabled: each put adds a version; the null version stays, noncurrent.
  store_->SetVersioning("bucket", VersioningState::kEnabled);
  EXPECT_EQ(store_->GetBucket("bucket").versioning, VersioningState::kEnabled);
  ObjectInfo a1 = Put("bucket", "k", "a1");
  ObjectInfo a2 = Put("bucket", "k", "a2");
  EXPECT_NE(a1.version_id, "null");
  EXPECT_GT(a2.version_id, a1.version_id);  // ordered by time
  EXPECT_EQ(Get("bucket", "k"), "a2");
  EXPECT_EQ(Get("bucket", "k", a1.version_id), "a1");
  EXPECT_EQ(Get("bucket", "k", "null"), "n2");
  ExpectOneLatestPerKey(*store_);

  // Delete without a version: a delete marker.
  DeleteResult m1 = store_->DeleteObject("bucket", "k");
  EXPECT_TRUE(m1.delete_marker);
  try {
    store_->GetObject("bucket", "k");
    ADD_FAILURE() << "no error";
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNoSuchKey);
    EXPECT_EQ(e.delete_marker_version(), m1.version_id);
  }
  EXPECT_EQ(CodeOf([&] { store_->GetObject("bucket", "k", m1.version_id); }),
            ErrorCode::kMethodNotAllowed);
  EXPECT_EQ(CodeOf([&] { store_->GetObject("bucket", "k", "nope"); }), ErrorCode::kNoSuchVersion);
  EXPECT_EQ(Get("bucket", "k", a2.version_id), "a2");
  EXPECT_TRUE(store_->ListObjects("bucket", {}).objects.empty());
  ExpectOneLatestPerKey(*store_);

  // Suspended: puts replace the null version.
  store_->SetVersioning("bucket", VersioningState::kSuspended);
  ObjectInfo s1 = Put("bucket", "k", "s1");
  EXPECT_EQ(s1.version_id, "null");
  EXPECT_EQ(Get("bucket", "k"), "s1");
  EXPECT_EQ(Get("bucket", "k", "null"), "s1");
  v = store_->ListObjectVersions("bucket", {});
  std::vector<std::string> ids;
  for (const auto& s : v.versions) ids.push_back(s.version_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"null", m1.version_id, a2.version_id, a1.version_id}));
  EXPECT_TRUE(v.versions[0].is_latest);
  EXPECT_TRUE(v.versions[1].delete_marker);
  EXPECT_FALSE(v.versions[2].is_latest);
  ExpectOneLatestPerKey(*store_);
  // Overwriting the null version while it is the latest keeps one latest version.
  Put("bucket", "k", "s1");
  ExpectOneLatestPerKey(*store_);
  EXPECT_EQ(store_->ListObjectVersions("bucket", {}).versions.size(), 4u);

  // Suspended delete: a null delete marker replaces the null version.
  DeleteResult m2 = store_->DeleteObject("bucket", "k");
  EXPECT_TRUE(m2.delete_marker);
  EXPECT_EQ(m2.version_id, "null");
  v = store_->ListObjectVersions("bucket", {});
  ASSERT_EQ(v.versions.size(), 4u);
  EXPECT_TRUE(v.versions[0].delete_marker && v.versions[0].is_latest);
  EXPECT_EQ(v.versions[0].version_id, "null");
  ExpectOneLatestPerKey(*store_);
  EXPECT_EQ(store_->ListObjects("bucket", {}).objects.size(), 0u);

  // Deleting specific versions is permanent; the next newest becomes latest.
  DeleteResult gone = store_->DeleteObject("bucket", "k", a1.version_id);
  EXPECT_FALSE(gone.delete_marker);
  EXPECT_EQ(CodeOf([&] { store_->GetObject("bucket", "k", a1.version_id); }),
            ErrorCode::kNoSuchVersion);
  DeleteResult unmark = store_->DeleteObject("bucket", "k", std::string("null"));
  EXPECT_TRUE(unmark.delete_marker);
  EXPECT_EQ(CodeOf([&] { store_->GetObject("bucket", "k"); }), ErrorCode::kNoSuchKey);
  store_->DeleteObject("bucket", "k", m1.version_id);
  EXPECT_EQ(Get("bucket", "k"), "a2");  // a2 is current again
  ExpectOneLatestPerKey(*store_);
  v = store_->ListObjectVersions("bucket", {});
  ASSERT_EQ(v.versions.size(), 1u);
  EXPECT_TRUE(v.versions[0].is_latest);
  store_->DeleteObject("bucket", "k", a2.version_id);
  EXPECT_TRUE(store_->ListObjectVersions("bucket", {}).versions.empty());
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
}

TEST_F(ObjectStoreTest, VersionListingOrderAndPaging) {
  store_->SetVersioning("bucket", VersioningState::kEnabled);
  std::vector<std::pair<std::string, std::string>> expected;  // key, version id, newest first
  for (const std::string key : {"b", "a", "c/x", "c/y"}) {
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i)
      ids.push_back(Put("bucket", key, key + std::to_string(i)).version_id);
    if (key == "a") ids.push_back(store_->DeleteObject("bucket", key).version_id);
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) expected.emplace_back(key, *it);
  }
  std::sort(expected.begin(), expected.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : x.second > y.second;
  });
  for (size_t page : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{100}}) {
    SCOPED_TRACE(page);
    ListVersionsOptions options;
    options.max_keys = page;
    std::vector<std::pair<std::string, std::string>> seen;
    while (true) {
      ListVersionsResult r = store_->ListObjectVersions("bucket", options);
      EXPECT_LE(r.versions.size(), page);
      for (const auto& s : r.versions) seen.emplace_back(s.key, s.version_id);
      if (!r.is_truncated) break;
      options.key_marker = r.next_key_marker;
      options.version_id_marker = r.next_version_id_marker;
    }
    EXPECT_EQ(seen, expected);
  }
  // With a delimiter, c/ rolls up and is counted once.
  ListVersionsOptions rolled;
  rolled.delimiter = "/";
  ListVersionsResult r = store_->ListObjectVersions("bucket", rolled);
  EXPECT_EQ(r.versions.size(), 9u);
  EXPECT_EQ(r.common_prefixes, std::vector<std::string>{"c/"});
  ListVersionsOptions bad;
  bad.key_marker = "a";
  bad.version_id_marker = "unknown";
  EXPECT_EQ(CodeOf([&] { store_->ListObjectVersions("bucket", bad); }),
            ErrorCode::kInvalidArgument);
}

TEST_F(ObjectStoreTest, ListingWithStrangeKeys) {
  std::vector<std::string> keys = {"/leading",
                                   "//double//slash",
                                   "../../etc/passwd",
                                   "a/../b",
                                   "a/b/c",
                                   "a/b/d",
                                   "a/c",
                                   "a b c",
                                   "日本語/ファイル",
                                   "émoji/😀",
                                   "Z",
                                   "z",
                                   "a/",
                                   "a//x",
                                   "..",
                                   "a\tb"};
  for (const auto& k : keys) Put("bucket", k, "data:" + k);
  for (const auto& k : keys) EXPECT_EQ(Get("bucket", k), "data:" + k) << k;
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());  // byte order = UTF-8 code point order

  ListObjectsResult all = store_->ListObjects("bucket", {});
  std::vector<std::string> listed;
  for (const auto& o : all.objects) listed.push_back(o.key);
  EXPECT_EQ(listed, sorted);
  EXPECT_FALSE(all.is_truncated);

  ListObjectsOptions slash;
  slash.delimiter = "/";
  ListObjectsResult top = store_->ListObjects("bucket", slash);
  EXPECT_EQ(top.common_prefixes, (std::vector<std::string>{"../", "/", "a/", "émoji/", "日本語/"}));
  listed.clear();
  for (const auto& o : top.objects) listed.push_back(o.key);
  EXPECT_EQ(listed, (std::vector<std::string>{"..", "Z", "a\tb", "a b c", "z"}));

  ListObjectsOptions under_a;
  under_a.prefix = "a/";
  under_a.delimiter = "/";
  ListObjectsResult a = store_->ListObjects("bucket", under_a);
  EXPECT_EQ(a.common_prefixes, (std::vector<std::string>{"a/../", "a//", "a/b/"}));
  listed.clear();
  for (const auto& o : a.objects) listed.push_back(o.key);
  EXPECT_EQ(listed, (std::vector<std::string>{"a/", "a/c"}));

  ListObjectsOptions after;
  after.start_after = "a/b/c";
  listed.clear();
  for (const auto& o : store_->ListObjects("bucket", after).objects) listed.push_back(o.key);
  EXPECT_EQ(listed, std::vector<std::string>(std::find(sorted.begin(), sorted.end(), "a/b/d"),
                                             sorted.end()));

  // Paging with the returned marker reproduces the full listing, prefixes included.
  for (size_t page : {size_t{1}, size_t{2}, size_t{3}}) {
    ListObjectsOptions options;
    options.delimiter = "/";
    options.max_keys = page;
    std::vector<std::string> entries;
    while (true) {
      ListObjectsResult r = store_->ListObjects("bucket", options);
      EXPECT_LE(r.objects.size() + r.common_prefixes.size(), page);
      for (const auto& o : r.objects) entries.push_back(o.key);
      for (const auto& p : r.common_prefixes) entries.push_back(p);
      if (!r.is_truncated) break;
      options.start_after = r.next_marker;
    }
    std::sort(entries.begin(), entries.end());
    std::vector<std::string> expected = top.common_prefixes;
    for (const auto& o : top.objects) expected.push_back(o.key);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(entries, expected) << page;
  }
  ListObjectsOptions none;
  none.max_keys = 0;
  ListObjectsResult empty = store_->ListObjects("bucket", none);
  EXPECT_TRUE(empty.objects.empty());
  EXPECT_FALSE(empty.is_truncated);
}

TEST_F(ObjectStoreTest, CommonPrefixesAreSkippedInOneSeek) {
  // 10,000 keys in 100 directories, plus 50 top-level keys.
  constexpr int kDirs = 100;
  constexpr int kFiles = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int d = t; d < kDirs; d += 16) {
        for (int f = 0; f < kFiles; ++f) {
          char key[64];
          std::snprintf(key, sizeof key, "dir%03d/file%04d", d, f);
          Put("bucket", key, "");
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < 50; ++i) Put("bucket", "top" + std::to_string(i), "x");

  uint64_t before = store_->stats().list_rows_read;
  ListObjectsOptions options;
  options.delimiter = "/";
  ListObjectsResult r = store_->ListObjects("bucket", options);
  uint64_t rows = store_->stats().list_rows_read - before;
  EXPECT_EQ(r.common_prefixes.size(), size_t{kDirs});
  EXPECT_EQ(r.objects.size(), 50u);
  EXPECT_FALSE(r.is_truncated);
  // One index entry per directory, not one per key.
  EXPECT_LE(rows, uint64_t{kDirs + 50 + 5});

  ListObjectsOptions one_dir;
  one_dir.prefix = "dir042/";
  one_dir.delimiter = "/";
  r = store_->ListObjects("bucket", one_dir);
  EXPECT_EQ(r.objects.size(), size_t{kFiles});
  EXPECT_EQ(r.objects.front().key, "dir042/file0000");

  ListObjectsOptions paged;
  paged.max_keys = 1000;
  size_t total = 0;
  int pages = 0;
  while (true) {
    ListObjectsResult p = store_->ListObjects("bucket", paged);
    total += p.objects.size();
    ++pages;
    if (!p.is_truncated) break;
    paged.start_after = p.next_marker;
  }
  EXPECT_EQ(total, size_t{kDirs * kFiles + 50});
  EXPECT_EQ(pages, 11);
}

TEST_F(ObjectStoreTest, CopySharesBlobsAndHonoursDirectives) {
  std::string big = Pattern(9, 3 << 20);
  PutOptions options;
  options.attributes.content_type = "text/plain";
  options.attributes.metadata["color"] = "blue";
  options.tags = {{"t", "1"}};
  ObjectInfo src = Put("bucket", "src", big, options);
  size_t blobs = BlobFileCount();

  ObjectInfo copy = store_->CopyObject({"bucket", "src", std::nullopt, {}}, "bucket", "dst", {});
  EXPECT_EQ(BlobFileCount(), blobs);  // no bytes copied
  EXPECT_EQ(copy.etag, src.etag);
  EXPECT_EQ(copy.attributes.content_type, "text/plain");
  EXPECT_EQ(copy.attributes.metadata.at("color"), "blue");
  EXPECT_EQ(store_->GetObjectTagging("bucket", "dst").tags, (TagSet{{"t", "1"}}));

  CopyOptions replace;
  replace.attributes = ObjectAttributes{};
  replace.attributes->content_type = "application/json";
  replace.tags = TagSet{{"t", "2"}};
  replace.checksum_algorithms = {ChecksumAlgorithm::kSha256};
  ObjectInfo replaced =
      store_->CopyObject({"bucket", "src", std::nullopt, {}}, "bucket", "dst2", replace);
  EXPECT_EQ(replaced.attributes.content_type, "application/json");
  EXPECT_TRUE(replaced.attributes.metadata.empty());
  EXPECT_EQ(replaced.checksums.at(ChecksumAlgorithm::kSha256),
            base::Base64Encode(base::Sha256(big)));
  EXPECT_EQ(store_->GetObjectTagging("bucket", "dst2").tags, (TagSet{{"t", "2"}}));

  CopySource guarded{"bucket", "src", std::nullopt, {}};
  guarded.conditions.if_match = "\"0123\"";
  EXPECT_EQ(CodeOf([&] { store_->CopyObject(guarded, "bucket", "dst3", {}); }),
            ErrorCode::kPreconditionFailed);
  guarded.conditions = {};
  guarded.conditions.if_none_match = src.etag;
  EXPECT_EQ(CodeOf([&] { store_->CopyObject(guarded, "bucket", "dst3", {}); }),
            ErrorCode::kPreconditionFailed);
  guarded.conditions = {};
  guarded.conditions.if_modified_since = base::Now() + std::chrono::hours(1);
  EXPECT_EQ(CodeOf([&] { store_->CopyObject(guarded, "bucket", "dst3", {}); }),
            ErrorCode::kPreconditionFailed);
  guarded.conditions.if_none_match = "\"other\"";  // overrides If-Modified-Since
  store_->CopyObject(guarded, "bucket", "dst3", {});
  EXPECT_EQ(CodeOf([&] {
              store_->CopyObject({"bucket", "missing", std::nullopt, {}}, "bucket", "x", {});
            }),
            ErrorCode::kNoSuchKey);

  // The shared blob lives as long as any copy refers to it.
  std::string path = store_->GetObject("bucket", "src").Segments()[0].path;
  store_->DeleteObject("bucket", "src");
  store_->DeleteObject("bucket", "dst");
  store_->DeleteObject("bucket", "dst2");
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(HexMd5(Get("bucket", "dst3")), src.etag);
  store_->DeleteObject("bucket", "dst3");
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
}

TEST_F(ObjectStoreTest, TagsPerVersion) {
  store_->SetVersioning("bucket", VersioningState::kEnabled);
  PutOptions options;
  options.tags = {{"a", "1"}, {"b", "2"}};
  ObjectInfo v1 = Put("bucket", "k", "x", options);
  EXPECT_EQ(v1.tag_count, 2u);
  ObjectInfo v2 = Put("bucket", "k", "y");
  EXPECT_EQ(store_->GetObjectTagging("bucket", "k").tags.size(), 0u);
  TaggingResult t1 = store_->GetObjectTagging("bucket", "k", v1.version_id);
  EXPECT_EQ(t1.tags, options.tags);
  EXPECT_EQ(t1.version_id, v1.version_id);
  EXPECT_EQ(store_->PutObjectTagging("bucket", "k", std::nullopt, {{"c", "3"}}), v2.version_id);
  EXPECT_EQ(store_->GetObjectTagging("bucket", "k").tags, (TagSet{{"c", "3"}}));
  EXPECT_EQ(store_->HeadObject("bucket", "k").tag_count, 1u);
  store_->DeleteObjectTagging("bucket", "k", v1.version_id);
  EXPECT_TRUE(store_->GetObjectTagging("bucket", "k", v1.version_id).tags.empty());
  EXPECT_EQ(store_->GetObjectTagging("bucket", "k").tags.size(), 1u);
  TagSet eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back({"k" + std::to_string(i), ""});
  EXPECT_EQ(CodeOf([&] { store_->PutObjectTagging("bucket", "k", std::nullopt, eleven); }),
            ErrorCode::kInvalidTag);
  PutOptions too_many;
  too_many.tags = eleven;
  EXPECT_EQ(CodeOf([&] { Put("bucket", "k2", "x", too_many); }), ErrorCode::kInvalidTag);
  store_->DeleteObject("bucket", "k");
  EXPECT_EQ(CodeOf([&] { store_->GetObjectTagging("bucket", "k"); }), ErrorCode::kNoSuchKey);
}

TEST_F(ObjectStoreTest, BucketRules) {
  EXPECT_EQ(CodeOf([&] { store_->CreateBucket("Bad_Name", "", "owner"); }),
            ErrorCode::kInvalidBucketName);
  EXPECT_EQ(CodeOf([&] { store_->CreateBucket("bucket", "", "owner"); }),
            ErrorCode::kBucketAlreadyOwnedByYou);
  EXPECT_EQ(CodeOf([&] { store_->CreateBucket("bucket", "", "someone-else"); }),
            ErrorCode::kBucketAlreadyExists);
  BucketInfo eu = store_->CreateBucket("eu-bucket", "eu-west-1", "owner2");
  EXPECT_EQ(store_->GetBucket("eu-bucket").region, "eu-west-1");
  EXPECT_EQ(store_->GetBucket("eu-bucket").owner, "owner2");
  EXPECT_EQ(base::ToUnixMillis(store_->GetBucket("eu-bucket").created),
            base::ToUnixMillis(eu.created));
  EXPECT_EQ(CodeOf([&] { store_->GetBucket("nope"); }), ErrorCode::kNoSuchBucket);

  store_->CreateBucket("zzz", "", "owner");
  BucketListResult all = store_->ListBuckets();
  ASSERT_EQ(all.buckets.size(), 3u);
  EXPECT_EQ(all.buckets[0].name, "bucket");
  EXPECT_EQ(all.buckets[2].name, "zzz");
  BucketListResult page = store_->ListBuckets({"", "bucket", 1});
  ASSERT_EQ(page.buckets.size(), 1u);
  EXPECT_EQ(page.buckets[0].name, "eu-bucket");
  EXPECT_TRUE(page.is_truncated);
  EXPECT_EQ(store_->ListBuckets({"z", "", 0}).buckets.size(), 1u);

  // Not empty while an object, a version, a delete marker or an upload remains.
  Put("eu-bucket", "k", "x");
  EXPECT_EQ(CodeOf([&] { store_->DeleteBucket("eu-bucket"); }), ErrorCode::kBucketNotEmpty);
  store_->SetVersioning("eu-bucket", VersioningState::kEnabled);
  DeleteResult marker = store_->DeleteObject("eu-bucket", "k");
  EXPECT_EQ(CodeOf([&] { store_->DeleteBucket("eu-bucket"); }), ErrorCode::kBucketNotEmpty);
  store_->DeleteObject("eu-bucket", "k", marker.version_id);
  store_->DeleteObject("eu-bucket", "k", std::string("null"));
  MultipartUpload up = store_->CreateMultipartUpload("eu-bucket", "m", {});
  EXPECT_EQ(CodeOf([&] { store_->DeleteBucket("eu-bucket"); }), ErrorCode::kBucketNotEmpty);
  store_->AbortMultipartUpload("eu-bucket", "m", up.upload_id);

  store_->PutBucketConfig("eu-bucket", "policy", "{\"Version\":\"2012-10-17\"}");
  store_->PutBucketConfig("eu-bucket", "policy", "{\"Version\":\"2008-10-17\"}");
  store_->PutBucketConfig("eu-bucket", "cors", "<CORSConfiguration/>");
  EXPECT_EQ(store_->GetBucketConfig("eu-bucket", "policy"), "{\"Version\":\"2008-10-17\"}");
  store_->DeleteBucketConfig("eu-bucket", "cors");
  EXPECT_FALSE(store_->GetBucketConfig("eu-bucket", "cors"));
  EXPECT_EQ(CodeOf([&] { store_->GetBucketConfig("nope", "policy"); }), ErrorCode::kNoSuchBucket);

  store_->DeleteBucket("eu-bucket");
  EXPECT_EQ(CodeOf([&] { store_->GetBucket("eu-bucket"); }), ErrorCode::kNoSuchBucket);
  // The name is free again, and configuration did not outlive the bucket.
  store_->CreateBucket("eu-bucket", "", "owner3");
  EXPECT_FALSE(store_->GetBucketConfig("eu-bucket", "policy"));
  EXPECT_EQ(store_->GetBucket("eu-bucket").versioning, VersioningState::kUnset);
}

TEST_F(ObjectStoreTest, DeleteObjectsReportsEachKey) {
  Put("bucket", "a", "1");
  Put("bucket", "b", "2");
  std::vector<DeleteOutcome> out = store_->DeleteObjects(
      "bucket", {{"a", std::nullopt}, {"missing", std::nullopt}, {"", std::nullopt}, {"b", {}}});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0].result);
  EXPECT_TRUE(out[1].result);
  EXPECT_FALSE(out[2].result);
  EXPECT_EQ(out[2].error_code, "InvalidArgument");
  EXPECT_TRUE(out[3].result);
  EXPECT_TRUE(store_->ListObjects("bucket", {}).objects.empty());
}

TEST_F(ObjectStoreTest, StartupRemovesTempFilesAndOrphanBlobs) {
  Put("bucket", "keep-small", "small");
  Put("bucket", "keep-large", Pattern(3, 1 << 20));
  Close();
  // What a crash leaves: a temp file being written and a blob renamed but never committed.
  fs::path tmp = dir_ / "blobs" / "tmp" / "abandoned.tmp";
  fs::path orphan = dir_ / "blobs" / "2a" / "000000000000002a";
  std::ofstream(tmp) << "partial";
  std::ofstream(orphan) << "never committed";
  Open();
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_EQ(Get("bucket", "keep-small"), "small");
  EXPECT_EQ(Get("bucket", "keep-large"), Pattern(3, 1 << 20));
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.unreferenced_blobs, 0u);
  EXPECT_EQ(report.missing_blobs, 0u);
  EXPECT_EQ(report.temp_files, 0u);
}

TEST_F(ObjectStoreTest, OneProcessOwnsADataDirectory) {
  auto other_meta = meta::OpenSqliteStore((dir_ / "meta.db").string());
  EXPECT_EQ(CodeOf([&] { ObjectStore second(dir_, *other_meta); }), ErrorCode::kInternalError);
}

TEST_F(ObjectStoreTest, ConcurrentWritersAndReaders) {
  constexpr int kThreads = 8;
  constexpr int kOps = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOps; ++i) {
        std::string key = "k" + std::to_string(i % 10);
        uint64_t size = (i % 7 == 0) ? 400000 : 1000 + i;
        try {
          if (i % 5 == 4) {
            store_->DeleteObject("bucket", key);
          } else if (i % 3 == 0) {
            ObjectReader r = store_->GetObject("bucket", key);
            if (HexMd5(ReadAll(*r.Open())) != r.info().etag) ++failures;
          } else {
            Put("bucket", key, Pattern(t * 1000 + i, size));
          }
        } catch (const StorageError& e) {
          if (e.code() != ErrorCode::kNoSuchKey) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  StoreStats stats = store_->stats();
  EXPECT_GT(stats.commit_requests, 0u);
  EXPECT_LE(stats.commit_batches, stats.commit_requests);
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.unreferenced_blobs, 0u);
  EXPECT_EQ(report.missing_blobs, 0u);
}

}  // namespace
}  // namespace storage
