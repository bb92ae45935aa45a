#include "engines/storage/lifecycle.h"

#include <thread>

#include "engines/storage/storage_test_util.h"
#include "engines/storage/sweeper.h"

namespace storage {
namespace {

using testing::CodeOf;
using testing::Pattern;

using std::chrono::hours;
constexpr auto kDay = hours(24);

base::TimePoint At(const char* iso) { return *base::ParseIso8601(iso); }

TEST(LifecycleDueTest, RoundsUpToMidnightUtc) {
  base::TimePoint created = At("2024-03-10T15:30:00Z");
  EXPECT_FALSE(LifecycleDue(created, 1, At("2024-03-11T23:59:59Z")));
  EXPECT_TRUE(LifecycleDue(created, 1, At("2024-03-12T00:00:00Z")));
  EXPECT_TRUE(LifecycleDue(At("2024-03-10T00:00:00Z"), 1, At("2024-03-11T00:00:00Z")));
  EXPECT_FALSE(LifecycleDue(created, 30, At("2024-04-09T00:00:00Z")));
  EXPECT_TRUE(LifecycleDue(created, 30, At("2024-04-10T00:00:00Z")));
}

TEST(LifecycleSelectsTest, PrefixTagsAndSize) {
  LifecycleRule rule;
  rule.prefix = "logs/";
  rule.tags = {{"tier", "cold"}};
  rule.object_size_greater_than = 10;
  rule.object_size_less_than = 100;
  EXPECT_TRUE(LifecycleSelects(rule, "logs/a", 50, {{"x", "y"}, {"tier", "cold"}}));
  EXPECT_FALSE(LifecycleSelects(rule, "data/a", 50, {{"tier", "cold"}}));
  EXPECT_FALSE(LifecycleSelects(rule, "logs/a", 50, {{"tier", "hot"}}));
  EXPECT_FALSE(LifecycleSelects(rule, "logs/a", 10, {{"tier", "cold"}}));
  EXPECT_FALSE(LifecycleSelects(rule, "logs/a", 100, {{"tier", "cold"}}));
}

class LifecycleTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_->CreateBucket("bucket", "", "owner");
  }
  std::vector<std::string> Keys() {
    std::vector<std::string> out;
    for (const auto& o : store_->ListObjects("bucket", {}).objects) out.push_back(o.key);
    return out;
  }
};

TEST_F(LifecycleTest, ExpiresCurrentObjectsByPrefixTagAndAge) {
  PutOptions cold;
  cold.tags = {{"tier", "cold"}};
  Put("bucket", "logs/a", "1", cold);
  Put("bucket", "logs/b", "2");
  Put("bucket", "data/c", "3", cold);
  LifecycleRule rule;
  rule.prefix = "logs/";
  rule.tags = {{"tier", "cold"}};
  rule.expiration_days = 7;
  base::TimePoint now = base::Now();
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {rule}, now + 3 * kDay).expired, 0u);
  LifecycleReport report = store_->ApplyLifecycle("bucket", {rule}, now + 9 * kDay);
  EXPECT_EQ(report.expired, 1u);
  EXPECT_EQ(Keys(), (std::vector<std::string>{"data/c", "logs/b"}));
  // Unversioned: the object is gone for good.
  EXPECT_TRUE(store_->ListObjectVersions("bucket", {"logs/a", "", "", "", 1000}).versions.empty());
  // A disabled rule does nothing; a date rule expires everything matching once passed.
  LifecycleRule by_date;
  by_date.expiration_date = now + kDay;
  by_date.enabled = false;
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {by_date}, now + 2 * kDay).expired, 0u);
  by_date.enabled = true;
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {by_date}, now).expired, 0u);
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {by_date}, now + 2 * kDay).expired, 2u);
  EXPECT_TRUE(Keys().empty());
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
  EXPECT_EQ(CodeOf([&] { store_->ApplyLifecycle("nope", {rule}, now); }), ErrorCode::kNoSuchBucket);
}

TEST_F(LifecycleTest, VersionedBucketsGetMarkersAndLoseNoncurrentVersions) {
  store_->SetVersioning("bucket", VersioningState::kEnabled);
  for (int i = 0; i < 4; ++i) Put("bucket", "k", "v" + std::to_string(i));
  Put("bucket", "other", "x");
  base::TimePoint now = base::Now();

  // Noncurrent versions older than 5 days go, but the newest noncurrent one is kept.
  LifecycleRule noncurrent;
  noncurrent.noncurrent_days = 5;
  noncurrent.newer_noncurrent_versions = 1;
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {noncurrent}, now + 2 * kDay).noncurrent_removed, 0u);
  LifecycleReport r = store_->ApplyLifecycle("bucket", {noncurrent}, now + 7 * kDay);
  EXPECT_EQ(r.noncurrent_removed, 2u);
  ListVersionsResult versions = store_->ListObjectVersions("bucket", {"k", "", "", "", 1000});
  ASSERT_EQ(versions.versions.size(), 2u);
  EXPECT_EQ(Get("bucket", "k", versions.versions[0].version_id), "v3");
  EXPECT_EQ(Get("bucket", "k", versions.versions[1].version_id), "v2");

  // Expiring a current version in a versioned bucket adds a delete marker.
  LifecycleRule expire;
  expire.prefix = "other";
  expire.expiration_days = 1;
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {expire}, now + 3 * kDay).expired, 1u);
  ListVersionsResult other = store_->ListObjectVersions("bucket", {"other", "", "", "", 1000});
  ASSERT_EQ(other.versions.size(), 2u);
  EXPECT_TRUE(other.versions[0].delete_marker);

  // Once the noncurrent version is gone, the lone delete marker is removed too.
  LifecycleRule cleanup;
  cleanup.prefix = "other";
  cleanup.noncurrent_days = 1;
  cleanup.expired_object_delete_marker = true;
  LifecycleReport c = store_->ApplyLifecycle("bucket", {cleanup}, now + 10 * kDay);
  EXPECT_EQ(c.noncurrent_removed, 1u);
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {cleanup}, now + 10 * kDay).markers_removed, 1u);
  EXPECT_TRUE(store_->ListObjectVersions("bucket", {"other", "", "", "", 1000}).versions.empty());
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
}

TEST_F(LifecycleTest, AbortsIncompleteUploads) {
  MultipartUpload old_upload = store_->CreateMultipartUpload("bucket", "tmp/a", {});
  StringSource part("bytes");
  store_->UploadPart("bucket", "tmp/a", old_upload.upload_id, 1, part, {});
  store_->CreateMultipartUpload("bucket", "keep/b", {});
  LifecycleRule rule;
  rule.prefix = "tmp/";
  rule.abort_incomplete_multipart_days = 2;
  base::TimePoint now = base::Now();
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {rule}, now + kDay).uploads_aborted, 0u);
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {rule}, now + 3 * kDay).uploads_aborted, 1u);
  ListUploadsResult left = store_->ListMultipartUploads("bucket", {});
  ASSERT_EQ(left.uploads.size(), 1u);
  EXPECT_EQ(left.uploads[0].key, "keep/b");
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
}

TEST_F(LifecycleTest, ManyObjectsAcrossPages) {
  // More objects than one lifecycle page, every other one selected by tag.
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 1200; i += 8) {
        PutOptions options;
        if (i % 2 == 0) options.tags = {{"expire", "yes"}};
        Put("bucket", "obj" + std::to_string(10000 + i), "x", options);
      }
    });
  }
  for (auto& th : threads) th.join();
  LifecycleRule rule;
  rule.tags = {{"expire", "yes"}};
  rule.expiration_days = 1;
  EXPECT_EQ(store_->ApplyLifecycle("bucket", {rule}, base::Now() + 2 * kDay).expired, 600u);
  EXPECT_EQ(Keys().size(), 600u);
}

TEST_F(LifecycleTest, SweeperThreadAppliesRulesFromBucketConfiguration) {
  Put("bucket", "expire/me", "x");
  Put("bucket", "keep/me", "y");
  // The provider reads a stand-in for the S3 layer's lifecycle document: an expiry prefix.
  store_->PutBucketConfig("bucket", "lifecycle", "expire/");
  Sweeper sweeper(
      *store_,
      [&](const BucketInfo& bucket) {
        std::vector<LifecycleRule> rules;
        if (auto doc = store_->GetBucketConfig(bucket.name, "lifecycle")) {
          LifecycleRule rule;
          rule.prefix = *doc;
          rule.expiration_date = base::Now() - kDay;
          rules.push_back(rule);
        }
        return rules;
      },
      std::chrono::milliseconds(20));
  sweeper.Start();
  for (int i = 0; i < 500 && sweeper.passes() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sweeper.Stop();
  EXPECT_GE(sweeper.passes(), 2u);
  EXPECT_EQ(Keys(), std::vector<std::string>{"keep/me"});
}

TEST_F(LifecycleTest, CompactionReclaimsSparsePacks) {
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) {
    keys.push_back("small" + std::to_string(i));
    Put("bucket", keys.back(), Pattern(i, 50000));
  }
  // Share one live range with a copy and a range copy (a part) so that moves keep them.
  store_->CopyObject({"bucket", "small7", std::nullopt, {}}, "bucket", "copy7", {});
  MultipartUpload up = store_->CreateMultipartUpload("bucket", "ranged", {});
  PartInfo part =
      store_->UploadPartCopy("bucket", "ranged", up.upload_id, 1,
                             {"bucket", "small9", std::nullopt, {}}, ByteRange{1000, 1999});
  Reopen();  // seals the pack those bodies went to
  for (int i = 0; i < 200; ++i) {
    if (i % 10 != 0 && i != 7 && i != 9) store_->DeleteObject("bucket", keys[i]);
  }
  std::string old_pack = store_->GetObject("bucket", "small0").Segments()[0].path;
  EXPECT_EQ(store_->CompactPacks(0.5), 1u);
  EXPECT_FALSE(std::filesystem::exists(old_pack));
  for (int i = 0; i < 200; i += 10) EXPECT_EQ(Get("bucket", keys[i]), Pattern(i, 50000));
  EXPECT_EQ(Get("bucket", "small7"), Pattern(7, 50000));
  EXPECT_EQ(Get("bucket", "copy7"), Pattern(7, 50000));
  store_->CompleteMultipartUpload("bucket", "ranged", up.upload_id, {{1, part.etag, {}}}, {});
  EXPECT_EQ(Get("bucket", "ranged"), Pattern(9, 50000).substr(1000, 1000));
  IntegrityReport report = store_->CheckIntegrity();
  EXPECT_EQ(report.unreferenced_blobs, 0u);
  EXPECT_EQ(report.missing_blobs, 0u);
  // Nothing sparse is left.
  EXPECT_EQ(store_->CompactPacks(0.5), 0u);
}

}  // namespace
}  // namespace storage
