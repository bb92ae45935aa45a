#include "services/glue/object_store_file_system.h"

#include <gtest/gtest.h>

#include "engines/sql/common/error.h"
#include "services/glue/glue_test_util.h"

namespace glue {
namespace {

class ObjectStoreFileSystemTest : public testing::StoreFixture {
 protected:
  std::vector<std::string> Paths(const std::string& pattern) {
    std::vector<std::string> out;
    for (const auto& f : fs_->Glob(pattern)) out.push_back(f.path);
    return out;
  }
};

TEST(S3UriTest, Parses) {
  auto u = S3Uri::Parse("s3://bucket/a/b.csv");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->bucket, "bucket");
  EXPECT_EQ(u->key, "a/b.csv");
  EXPECT_EQ(u->Arn(), "arn:aws:s3:::bucket/a/b.csv");
  EXPECT_EQ(S3Uri::Parse("s3a://b")->key, "");
  EXPECT_FALSE(S3Uri::Parse("/etc/passwd"));
  EXPECT_FALSE(S3Uri::Parse("s3:///key"));
  EXPECT_FALSE(S3Uri::Parse("file:///x"));
}

TEST(GlobTest, Matches) {
  EXPECT_TRUE(GlobMatches("a/*.csv", "a/x.csv"));
  EXPECT_FALSE(GlobMatches("a/*.csv", "a/b/x.csv"));
  EXPECT_TRUE(GlobMatches("a/**/*.csv", "a/b/c/x.csv"));
  EXPECT_TRUE(GlobMatches("a/**/*.csv", "a/x.csv"));
  EXPECT_TRUE(GlobMatches("a/?.csv", "a/x.csv"));
  EXPECT_FALSE(GlobMatches("a/?.csv", "a/xy.csv"));
}

TEST_F(ObjectStoreFileSystemTest, ReadsObjectsAtOffsets) {
  Put("t/a.csv", "0123456789");
  auto file = fs_->Open("s3://data/t/a.csv");
  EXPECT_EQ(file->Size(), 10u);
  char buf[4];
  ASSERT_EQ(file->ReadAt(6, 4, buf), 4u);
  EXPECT_EQ(std::string(buf, 4), "6789");
  EXPECT_EQ(file->ReadAt(8, 4, buf), 2u);
  EXPECT_EQ(file->ReadAt(20, 4, buf), 0u);
  try {
    fs_->Open("s3://data/t/missing.csv");
    FAIL();
  } catch (const sql::ExecutionError& e) {
    EXPECT_EQ(e.name(), "HIVE_CANNOT_OPEN_SPLIT");
    EXPECT_NE(std::string(e.what()).find("s3://data/t/missing.csv"), std::string::npos);
  }
  EXPECT_THROW(fs_->Open("/etc/passwd"), sql::ExecutionError);
  EXPECT_THROW(fs_->Open("s3://nobucket/x"), sql::ExecutionError);
}

TEST_F(ObjectStoreFileSystemTest, WritesAppearOnClose) {
  auto out = fs_->Create("s3://data/out/part-0.csv");
  out->Append("a,b\n");
  out->Append("1,2\n");
  EXPECT_TRUE(Paths("s3://data/out/").empty());
  out->Close();
  EXPECT_EQ(Get("out/part-0.csv"), "a,b\n1,2\n");
  EXPECT_THROW(fs_->Create("s3://data/out/"), sql::ExecutionError);
  auto missing = fs_->Create("s3://nobucket/x");
  EXPECT_THROW(missing->Close(), sql::ExecutionError);
}

// Files of one bucket are written in one commit; files across buckets one by one; a folder
// or a local path is refused before anything is written.
TEST_F(ObjectStoreFileSystemTest, WriteFilesPublishesTogether) {
  fs_->WriteFiles({{"s3://data/r/q.csv", "a,b\n"}, {"s3://data/r/q.csv.metadata", "meta"}});
  EXPECT_EQ(Get("r/q.csv"), "a,b\n");
  EXPECT_EQ(Get("r/q.csv.metadata"), "meta");
  objects_->CreateBucket("other", "us-east-1", "owner");
  fs_->WriteFiles({{"s3://data/x/1", "one"}, {"s3a://other/x/2", "two"}});
  EXPECT_EQ(Get("x/1"), "one");
  EXPECT_EQ(Get("x/2", "other"), "two");
  for (const char* bad : {"s3://data/r/folder/", "/tmp/local.csv", "s3://data"}) {
    EXPECT_THROW(fs_->WriteFiles({{"s3://data/r/first.csv", "1"}, {bad, "2"}}), sql::Error) << bad;
    EXPECT_TRUE(Paths("s3://data/r/first.csv").empty()) << bad;
  }
  // A bucket that does not exist fails the write and leaves nothing.
  EXPECT_THROW(fs_->WriteFiles({{"s3://nobucket/a", "1"}, {"s3://nobucket/b", "2"}}), sql::Error);
}

TEST_F(ObjectStoreFileSystemTest, GlobsDirectoriesAndPatterns) {
  Put("t/a.csv", "1");
  Put("t/b.json", "22");
  Put("t/sub/c.csv", "333");
  Put("t/marker/", "");
  Put("tt/d.csv", "4");
  EXPECT_EQ(Paths("s3://data/t"),
            (std::vector<std::string>{"s3://data/t/a.csv", "s3://data/t/b.json",
                                      "s3://data/t/sub/c.csv"}));
  EXPECT_EQ(Paths("s3://data/t/"), Paths("s3://data/t"));
  EXPECT_EQ(Paths("s3://data/t/*.csv"), (std::vector<std::string>{"s3://data/t/a.csv"}));
  EXPECT_EQ(Paths("s3://data/t/**/*.csv"),
            (std::vector<std::string>{"s3://data/t/a.csv", "s3://data/t/sub/c.csv"}));
  EXPECT_EQ(Paths("s3://data/t/a.csv"), (std::vector<std::string>{"s3://data/t/a.csv"}));
  auto files = fs_->Glob("s3://data/t/sub/c.csv");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].size, 3u);
  EXPECT_TRUE(Paths("s3://data/none/").empty());
  EXPECT_TRUE(Paths("s3://nobucket/t/").empty());
}

TEST_F(ObjectStoreFileSystemTest, ListsPastOnePage) {
  for (int i = 0; i < 1205; i++) Put("many/" + std::to_string(100000 + i), "x");
  EXPECT_EQ(fs_->Glob("s3://data/many/").size(), 1205u);
  EXPECT_EQ(fs_->Glob("s3://data/many/1011*").size(), 100u);
}

}  // namespace
}  // namespace glue
