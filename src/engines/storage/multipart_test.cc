#include <fcntl.h>
#include <unistd.h>

#include "engines/storage/object_store.h"
#include "engines/storage/storage_test_util.h"

namespace storage {
namespace {

using testing::CodeOf;
using testing::HexMd5;
using testing::Pattern;

constexpr uint64_t kMiB = 1 << 20;

class MultipartTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_->CreateBucket("bucket", "", "owner");
  }
  PartInfo UploadPart(const std::string& key, const std::string& upload_id, int number,
                      std::string data, const PartOptions& options = {}) {
    StringSource source(std::move(data));
    return store_->UploadPart("bucket", key, upload_id, number, source, options);
  }
};

// The S3 multipart ETag: hex MD5 of the concatenated binary part MD5s, then "-N".
std::string MultipartEtag(const std::vector<std::string>& parts) {
  std::string md5s;
  for (const auto& p : parts) md5s += base::Md5(p);
  return base::HexEncode(base::Md5(md5s)) + "-" + std::to_string(parts.size());
}

TEST_F(MultipartTest, CompletesWithoutCopyingAndReadsAcrossParts) {
  std::vector<std::string> data = {Pattern(1, 5 * kMiB), Pattern(2, 5 * kMiB + 17),
                                   Pattern(3, 1000)};
  MultipartOptions options;
  options.attributes.content_type = "video/mp4";
  options.attributes.metadata["origin"] = "camera";
  options.tags = {{"kind", "raw"}};
  MultipartUpload up = store_->CreateMultipartUpload("bucket", "movie.mp4", options);
  EXPECT_EQ(up.upload_id.size(), 32u);
  std::vector<CompletedPart> parts;
  for (int i = 0; i < 3; ++i) {
    PartInfo p = UploadPart("movie.mp4", up.upload_id, i + 1, data[i]);
    EXPECT_EQ(p.etag, HexMd5(data[i]));
    EXPECT_EQ(p.size, data[i].size());
    parts.push_back({i + 1, "\"" + p.etag + "\"", {}});
  }
  size_t blobs = BlobFileCount();
  ObjectInfo info = store_->CompleteMultipartUpload("bucket", "movie.mp4", up.upload_id, parts, {});
  EXPECT_EQ(BlobFileCount(), blobs) << "completion must not copy part bytes";
  EXPECT_EQ(info.etag, MultipartEtag(data));
  EXPECT_EQ(info.parts_count, 3);
  EXPECT_EQ(info.size, data[0].size() + data[1].size() + data[2].size());
  EXPECT_EQ(info.last_modified, up.initiated);
  EXPECT_EQ(info.attributes.content_type, "video/mp4");
  EXPECT_EQ(store_->GetObjectTagging("bucket", "movie.mp4").tags, options.tags);

  std::string whole = data[0] + data[1] + data[2];
  ObjectReader reader = store_->GetObject("bucket", "movie.mp4");
  EXPECT_EQ(HexMd5(ReadAll(*reader.Open())), HexMd5(whole));
  // Reads straddling the part boundaries.
  for (uint64_t at : {5 * kMiB - 10, 10 * kMiB + 17 - 10}) {
    char buf[20];
    ASSERT_EQ(reader.ReadAt(at, buf, sizeof buf), sizeof buf);
    EXPECT_EQ(std::string(buf, sizeof buf), whole.substr(at, sizeof buf));
  }
  ASSERT_EQ(reader.parts().size(), 3u);
  EXPECT_EQ(reader.parts()[1].offset, 5 * kMiB);
  EXPECT_EQ(reader.parts()[2].offset, 10 * kMiB + 17);
  EXPECT_EQ(reader.parts()[2].size, 1000u);
  // The physical segments hold the bytes in order.
  std::string via_segments;
  for (const PhysicalSegment& s : reader.Segments()) {
    int fd = ::open(s.path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    std::string chunk(s.length, '\0');
    ASSERT_EQ(::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(s.offset)),
              static_cast<ssize_t>(chunk.size()));
    ::close(fd);
    via_segments += chunk;
  }
  EXPECT_EQ(via_segments, whole);
  EXPECT_EQ(CodeOf([&] { store_->ListParts("bucket", "movie.mp4", up.upload_id); }),
            ErrorCode::kNoSuchUpload);
}

TEST_F(MultipartTest, CompletionRules) {
  MultipartUpload up = store_->CreateMultipartUpload("bucket", "k", {});
  PartInfo p1 = UploadPart("k", up.upload_id, 1, Pattern(1, kMiB));
  PartInfo p2 = UploadPart("k", up.upload_id, 2, Pattern(2, 5 * kMiB));
  PartInfo p3 = UploadPart("k", up.upload_id, 3, Pattern(3, 10));
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload("bucket", "k", up.upload_id,
                                              {{2, p2.etag, {}}, {1, p1.etag, {}}}, {});
            }),
            ErrorCode::kInvalidPartOrder);
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload("bucket", "k", up.upload_id,
                                              {{2, p2.etag, {}}, {2, p2.etag, {}}}, {});
            }),
            ErrorCode::kInvalidPartOrder);
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload("bucket", "k", up.upload_id,
                                              {{1, p1.etag, {}}, {3, p3.etag, {}}}, {});
            }),
            ErrorCode::kEntityTooSmall);
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload("bucket", "k", up.upload_id,
                                              {{2, p1.etag, {}}, {3, p3.etag, {}}}, {});
            }),
            ErrorCode::kInvalidPart);
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload("bucket", "k", up.upload_id,
                                              {{2, p2.etag, {}}, {4, p3.etag, {}}}, {});
            }),
            ErrorCode::kInvalidPart);
  EXPECT_EQ(CodeOf([&] { store_->CompleteMultipartUpload("bucket", "k", up.upload_id, {}, {}); }),
            ErrorCode::kInvalidRequest);
  EXPECT_EQ(CodeOf([&] { UploadPart("k", up.upload_id, 0, "x"); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { UploadPart("k", up.upload_id, 10001, "x"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { UploadPart("k", "no-such-upload", 1, "x"); }), ErrorCode::kNoSuchUpload);
  EXPECT_EQ(CodeOf([&] { UploadPart("other-key", up.upload_id, 1, "x"); }),
            ErrorCode::kNoSuchUpload);
  CompleteOptions size_check;
  size_check.expected_size = 1;
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload("bucket", "k", up.upload_id,
                                              {{2, p2.etag, {}}, {3, p3.etag, {}}}, size_check);
            }),
            ErrorCode::kInvalidRequest);
  // A failed completion changes nothing: the upload and its parts remain.
  EXPECT_EQ(store_->ListParts("bucket", "k", up.upload_id).parts.size(), 3u);
  // Parts left out of the completed list are deleted with the upload.
  size_t blobs = BlobFileCount();
  ObjectInfo info = store_->CompleteMultipartUpload("bucket", "k", up.upload_id,
                                                    {{2, p2.etag, {}}, {3, p3.etag, {}}}, {});
  EXPECT_EQ(info.etag, MultipartEtag({Pattern(2, 5 * kMiB), Pattern(3, 10)}));
  EXPECT_EQ(info.parts_count, 2);
  EXPECT_LT(BlobFileCount(), blobs);  // part 1's blob is gone
  EXPECT_EQ(store_->CheckIntegrity().unreferenced_blobs, 0u);
}

TEST_F(MultipartTest, ReplacingAndAbortingParts) {
  MultipartUpload up = store_->CreateMultipartUpload("bucket", "k", {});
  size_t blobs = BlobFileCount();
  UploadPart("k", up.upload_id, 1, Pattern(1, kMiB));
  std::string second = Pattern(2, kMiB);
  PartInfo replaced = UploadPart("k", up.upload_id, 1, second);
  ListPartsResult parts = store_->ListParts("bucket", "k", up.upload_id);
  ASSERT_EQ(parts.parts.size(), 1u);
  EXPECT_EQ(parts.parts[0].etag, HexMd5(second));
  EXPECT_EQ(BlobFileCount(), blobs + 1);  // the first upload of part 1 was deleted
  ObjectInfo info =
      store_->CompleteMultipartUpload("bucket", "k", up.upload_id, {{1, replaced.etag, {}}}, {});
  EXPECT_EQ(Get("bucket", "k"), second);
  EXPECT_EQ(info.etag, MultipartEtag({second}));

  MultipartUpload doomed = store_->CreateMultipartUpload("bucket", "gone", {});
  size_t before_parts = BlobFileCount();
  for (int i = 1; i <= 3; ++i) UploadPart("gone", doomed.upload_id, i, Pattern(i, kMiB));
  EXPECT_EQ(BlobFileCount(), before_parts + 3);
  store_->AbortMultipartUpload("bucket", "gone", doomed.upload_id);
  EXPECT_EQ(BlobFileCount(), before_parts);
  EXPECT_EQ(CodeOf([&] { store_->ListParts("bucket", "gone", doomed.upload_id); }),
            ErrorCode::kNoSuchUpload);
  EXPECT_EQ(CodeOf([&] { store_->AbortMultipartUpload("bucket", "gone", doomed.upload_id); }),
            ErrorCode::kNoSuchUpload);
}

TEST_F(MultipartTest, ListsPartsAndUploadsWithPaging) {
  MultipartUpload up = store_->CreateMultipartUpload("bucket", "k", {});
  for (int i = 1; i <= 5; ++i) UploadPart("k", up.upload_id, i * 2, "part" + std::to_string(i));
  std::vector<int> numbers;
  int marker = 0;
  while (true) {
    ListPartsResult r = store_->ListParts("bucket", "k", up.upload_id, marker, 2);
    for (const auto& p : r.parts) numbers.push_back(p.part_number);
    if (!r.is_truncated) break;
    marker = r.next_part_number_marker;
  }
  EXPECT_EQ(numbers, (std::vector<int>{2, 4, 6, 8, 10}));

  std::vector<std::string> ids;
  for (const char* key : {"a/1", "a/2", "b", "b", "c/d/e"}) {
    ids.push_back(store_->CreateMultipartUpload("bucket", key, {}).upload_id);
  }
  ListUploadsResult all = store_->ListMultipartUploads("bucket", {});
  std::vector<std::string> keys;
  for (const auto& u : all.uploads) keys.push_back(u.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2", "b", "b", "c/d/e", "k"}));
  EXPECT_EQ(all.uploads[2].upload_id, ids[2]);  // same key: by initiation
  EXPECT_EQ(all.uploads[3].upload_id, ids[3]);

  ListUploadsOptions rolled;
  rolled.delimiter = "/";
  ListUploadsResult r = store_->ListMultipartUploads("bucket", rolled);
  EXPECT_EQ(r.common_prefixes, (std::vector<std::string>{"a/", "c/"}));
  EXPECT_EQ(r.uploads.size(), 3u);

  ListUploadsOptions paged;
  paged.max_uploads = 1;
  std::vector<std::string> seen;
  while (true) {
    ListUploadsResult p = store_->ListMultipartUploads("bucket", paged);
    for (const auto& u : p.uploads) seen.push_back(u.upload_id);
    if (!p.is_truncated) break;
    paged.key_marker = p.next_key_marker;
    paged.upload_id_marker = p.next_upload_id_marker;
  }
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[2], ids[2]);
  EXPECT_EQ(seen[3], ids[3]);
}

TEST_F(MultipartTest, CompositeAndFullObjectChecksums) {
  std::vector<std::string> data = {Pattern(7, 5 * kMiB), Pattern(8, 123)};
  std::string whole = data[0] + data[1];

  MultipartOptions composite;
  composite.checksum_algorithm = ChecksumAlgorithm::kCrc32;
  MultipartUpload a = store_->CreateMultipartUpload("bucket", "composite", composite);
  EXPECT_EQ(a.checksum_type, ChecksumType::kComposite);
  std::vector<CompletedPart> parts;
  std::string raw_sums;
  for (int i = 0; i < 2; ++i) {
    PartInfo p = UploadPart("composite", a.upload_id, i + 1, data[i]);
    std::string crc = base::BigEndianBytes(base::Crc32(data[i]));
    EXPECT_EQ(p.checksums.at(ChecksumAlgorithm::kCrc32), base::Base64Encode(crc));
    raw_sums += crc;
    parts.push_back({i + 1, p.etag, {{ChecksumAlgorithm::kCrc32, base::Base64Encode(crc)}}});
  }
  std::string expected_composite =
      base::Base64Encode(base::BigEndianBytes(base::Crc32(raw_sums))) + "-2";
  CompleteOptions expect;
  expect.expected_checksums[ChecksumAlgorithm::kCrc32] = expected_composite;
  ObjectInfo info =
      store_->CompleteMultipartUpload("bucket", "composite", a.upload_id, parts, expect);
  EXPECT_EQ(info.checksums.at(ChecksumAlgorithm::kCrc32), expected_composite);
  EXPECT_EQ(info.checksum_type, ChecksumType::kComposite);
  ObjectReader r = store_->GetObject("bucket", "composite");
  EXPECT_EQ(r.parts()[0].checksums.at(ChecksumAlgorithm::kCrc32),
            base::Base64Encode(base::BigEndianBytes(base::Crc32(data[0]))));

  MultipartOptions full;
  full.checksum_algorithm = ChecksumAlgorithm::kCrc64Nvme;
  MultipartUpload b = store_->CreateMultipartUpload("bucket", "full", full);
  EXPECT_EQ(b.checksum_type, ChecksumType::kFullObject);
  parts.clear();
  for (int i = 0; i < 2; ++i) {
    parts.push_back({i + 1, UploadPart("full", b.upload_id, i + 1, data[i]).etag, {}});
  }
  ObjectInfo whole_info = store_->CompleteMultipartUpload("bucket", "full", b.upload_id, parts, {});
  EXPECT_EQ(whole_info.checksums.at(ChecksumAlgorithm::kCrc64Nvme),
            base::Base64Encode(base::BigEndianBytes(base::Crc64Nvme(whole))));

  // A wrong part checksum in the list, or a wrong expected object checksum, is refused.
  MultipartUpload c = store_->CreateMultipartUpload("bucket", "c", composite);
  PartInfo cp = UploadPart("c", c.upload_id, 1, "abc");
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload(
                  "bucket", "c", c.upload_id,
                  {{1, cp.etag, {{ChecksumAlgorithm::kCrc32, "AAAAAA=="}}}}, {});
            }),
            ErrorCode::kInvalidPart);
  CompleteOptions wrong;
  wrong.expected_checksums[ChecksumAlgorithm::kCrc32] = "AAAAAA==-1";
  EXPECT_EQ(
      CodeOf([&] {
        store_->CompleteMultipartUpload("bucket", "c", c.upload_id, {{1, cp.etag, {}}}, wrong);
      }),
      ErrorCode::kChecksumMismatch);
  PartOptions bad_part;
  bad_part.expected_checksums[ChecksumAlgorithm::kCrc32] = "AAAAAA==";
  EXPECT_EQ(CodeOf([&] { UploadPart("c", c.upload_id, 2, "abc", bad_part); }),
            ErrorCode::kChecksumMismatch);

  MultipartOptions invalid;
  invalid.checksum_algorithm = ChecksumAlgorithm::kSha256;
  invalid.checksum_type = ChecksumType::kFullObject;
  EXPECT_EQ(CodeOf([&] { store_->CreateMultipartUpload("bucket", "x", invalid); }),
            ErrorCode::kInvalidRequest);
}

TEST_F(MultipartTest, UploadPartCopyFromRanges) {
  std::string source = Pattern(5, 12 * kMiB);
  Put("bucket", "src", source);
  MultipartUpload up = store_->CreateMultipartUpload("bucket", "dst", {});
  CopySource src{"bucket", "src", std::nullopt, {}};
  size_t blobs = BlobFileCount();
  PartInfo p1 =
      store_->UploadPartCopy("bucket", "dst", up.upload_id, 1, src, ByteRange{kMiB, 7 * kMiB - 1});
  PartInfo p2 = store_->UploadPartCopy("bucket", "dst", up.upload_id, 2, src, ByteRange{100, 199});
  EXPECT_EQ(BlobFileCount(), blobs);  // ranges of the source's blob, no bytes copied
  EXPECT_EQ(p1.etag, HexMd5(source.substr(kMiB, 6 * kMiB)));
  EXPECT_EQ(p2.size, 100u);
  EXPECT_EQ(
      CodeOf([&] {
        store_->UploadPartCopy("bucket", "dst", up.upload_id, 3, src, ByteRange{0, 12 * kMiB});
      }),
      ErrorCode::kInvalidRange);
  CopySource guarded = src;
  guarded.conditions.if_match = "nope";
  EXPECT_EQ(CodeOf([&] {
              store_->UploadPartCopy("bucket", "dst", up.upload_id, 3, guarded, std::nullopt);
            }),
            ErrorCode::kPreconditionFailed);
  store_->CompleteMultipartUpload("bucket", "dst", up.upload_id,
                                  {{1, p1.etag, {}}, {2, p2.etag, {}}}, {});
  // The source may go away; the copy's bytes stay.
  store_->DeleteObject("bucket", "src");
  EXPECT_EQ(Get("bucket", "dst"), source.substr(kMiB, 6 * kMiB) + source.substr(100, 100));
  // Copying a multipart object's range spanning its parts.
  MultipartUpload up2 = store_->CreateMultipartUpload("bucket", "dst2", {});
  PartInfo q = store_->UploadPartCopy("bucket", "dst2", up2.upload_id, 1,
                                      {"bucket", "dst", std::nullopt, {}},
                                      ByteRange{6 * kMiB - 50, 6 * kMiB + 49});
  store_->CompleteMultipartUpload("bucket", "dst2", up2.upload_id, {{1, q.etag, {}}}, {});
  EXPECT_EQ(Get("bucket", "dst2"), source.substr(7 * kMiB - 50, 50) + source.substr(100, 50));
}

TEST_F(MultipartTest, ConditionalCompletion) {
  Put("bucket", "exists", "x");
  MultipartUpload up = store_->CreateMultipartUpload("bucket", "exists", {});
  PartInfo p = UploadPart("exists", up.upload_id, 1, "y");
  CompleteOptions create;
  create.conditions.if_none_match_any = true;
  EXPECT_EQ(CodeOf([&] {
              store_->CompleteMultipartUpload("bucket", "exists", up.upload_id, {{1, p.etag, {}}},
                                              create);
            }),
            ErrorCode::kPreconditionFailed);
  EXPECT_EQ(Get("bucket", "exists"), "x");
  CompleteOptions match;
  match.conditions.if_match = HexMd5("x");
  store_->CompleteMultipartUpload("bucket", "exists", up.upload_id, {{1, p.etag, {}}}, match);
  EXPECT_EQ(Get("bucket", "exists"), "y");
}

}  // namespace
}  // namespace storage
