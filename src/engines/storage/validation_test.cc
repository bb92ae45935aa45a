#include "engines/storage/validation.h"

#include <gtest/gtest.h>

#include "engines/storage/storage_error.h"
#include "engines/storage/time_ordered_id.h"

namespace storage {
namespace {

ErrorCode CodeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const StorageError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no StorageError";
  return ErrorCode::kInternalError;
}

TEST(ValidationTest, BucketNames) {
  for (const char* ok : {"abc", "my-bucket", "my.bucket.name", "a1b2c3", "123bucket"}) {
    EXPECT_TRUE(IsValidBucketName(ok)) << ok;
  }
  EXPECT_TRUE(IsValidBucketName(std::string(63, 'a')));
  EXPECT_FALSE(IsValidBucketName(std::string(64, 'a')));
  for (const char* bad : {"ab",
                          "",
                          "UpperCase",
                          "under_score",
                          "-leading",
                          "trailing-",
                          ".dot",
                          "dot.",
                          "a..b",
                          "192.168.5.4",
                          "xn--bucket",
                          "sthree-bucket",
                          "amzn-s3-demo-bucket",
                          "bucket-s3alias",
                          "bucket--ol-s3",
                          "bucket.mrap",
                          "bucket--x-s3",
                          "bucket--table-s3",
                          "sp ace",
                          "_studio"}) {
    EXPECT_FALSE(IsValidBucketName(bad)) << bad;
  }
  EXPECT_EQ(CodeOf([] { ValidateBucketName("Bad"); }), ErrorCode::kInvalidBucketName);
  // Dotted names that only resemble an address are fine.
  EXPECT_TRUE(IsValidBucketName("192.168.5.x"));
}

TEST(ValidationTest, Keys) {
  ValidateKey("a");
  ValidateKey("../..//x");
  ValidateKey("/leading");
  ValidateKey("日本語 キー");
  ValidateKey(std::string(1024, 'k'));
  EXPECT_EQ(CodeOf([] { ValidateKey(std::string(1025, 'k')); }), ErrorCode::kKeyTooLong);
  EXPECT_EQ(CodeOf([] { ValidateKey(""); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([] { ValidateKey("\xff\xfe"); }), ErrorCode::kInvalidArgument);
}

TEST(ValidationTest, Tags) {
  ValidateTags({{"project", "alpha beta"}, {"path", "a/b:c@d+e=f.g_h-i"}, {"名前", "値"}});
  ValidateTags({{"empty-value", ""}});
  TagSet eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back({"k" + std::to_string(i), "v"});
  EXPECT_EQ(CodeOf([&] { ValidateTags(eleven); }), ErrorCode::kInvalidTag);
  eleven.pop_back();
  ValidateTags(eleven);
  EXPECT_EQ(CodeOf([] { ValidateTags({{"", "v"}}); }), ErrorCode::kInvalidTag);
  EXPECT_EQ(CodeOf([] { ValidateTags({{std::string(129, 'k'), "v"}}); }), ErrorCode::kInvalidTag);
  ValidateTags({{std::string(128, 'k'), std::string(256, 'v')}});
  // 128 characters, not bytes.
  std::string kanji;
  for (int i = 0; i < 128; ++i) kanji += "漢";
  ValidateTags({{kanji, "v"}});
  EXPECT_EQ(CodeOf([] { ValidateTags({{"k", std::string(257, 'v')}}); }), ErrorCode::kInvalidTag);
  EXPECT_EQ(CodeOf([] { ValidateTags({{"k", "v"}, {"k", "w"}}); }), ErrorCode::kInvalidTag);
  EXPECT_EQ(CodeOf([] { ValidateTags({{"aws:reserved", "v"}}); }), ErrorCode::kInvalidTag);
  EXPECT_EQ(CodeOf([] { ValidateTags({{"semi;colon", "v"}}); }), ErrorCode::kInvalidTag);
}

TEST(ValidationTest, Attributes) {
  ObjectAttributes a;
  a.metadata["name"] = std::string(2000, 'x');
  ValidateAttributes(a);
  a.metadata["more"] = std::string(100, 'x');
  EXPECT_EQ(CodeOf([&] { ValidateAttributes(a); }), ErrorCode::kMetadataTooLarge);
  ObjectAttributes b;
  b.content_type = "\xc3";
  EXPECT_EQ(CodeOf([&] { ValidateAttributes(b); }), ErrorCode::kInvalidArgument);
}

TEST(TimeOrderedIdTest, UrlSafeUniqueAndOrderedByTime) {
  std::string prev = NewTimeOrderedId();
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewTimeOrderedId();
    ASSERT_EQ(id.size(), 32u);
    for (char c : id) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
    ASSERT_GT(id, prev);
    prev = id;
  }
}

TEST(StorageErrorTest, NamesAndDeleteMarkers) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNoSuchBucket), "NoSuchBucket");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kChecksumMismatch), "BadDigest");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kKeyTooLong), "KeyTooLongError");
  StorageError e = StorageError::DeleteMarker(ErrorCode::kNoSuchKey, "v1");
  EXPECT_TRUE(e.is_delete_marker());
  EXPECT_EQ(*e.delete_marker_version(), "v1");
  EXPECT_FALSE(StorageError(ErrorCode::kNoSuchKey, "x").is_delete_marker());
}

}  // namespace
}  // namespace storage
