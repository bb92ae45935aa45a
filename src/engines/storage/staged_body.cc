#include "engines/storage/staged_body.h"

#include <algorithm>

#include "base/crypto.h"
#include "engines/storage/storage_error.h"

namespace storage {
namespace {

constexpr size_t kChunk = 1 << 20;

}  // namespace

StagedBody::StagedBody(ByteSource& source, const BodyExpectations& expect, BlobFiles& files)
    : files_(files) {
  std::vector<ChecksumAlgorithm> algorithms = expect.algorithms;
  for (const auto& [algorithm, value] : expect.checksums) algorithms.push_back(algorithm);
  std::sort(algorithms.begin(), algorithms.end());
  algorithms.erase(std::unique(algorithms.begin(), algorithms.end()), algorithms.end());
  std::vector<Checksummer> sums;
  for (ChecksumAlgorithm a : algorithms) sums.emplace_back(a);
  base::Digest md5(base::DigestAlgorithm::kMd5);

  // A known small size needs a buffer one byte larger (to notice a longer body).
  size_t chunk = kChunk;
  if (expect.size && *expect.size < kChunk) chunk = static_cast<size_t>(*expect.size) + 1;
  std::string buf(chunk, '\0');
  std::optional<BlobFiles::TempFile> file;
  auto too_large = [] {
    return StorageError(ErrorCode::kEntityTooLarge,
                        "Your proposed upload exceeds the maximum allowed size");
  };
  if (expect.size && *expect.size > expect.max_size) throw too_large();
  while (true) {
    size_t n = source.Read(buf.data(), buf.size());
    if (n == 0) break;
    size_ += n;
    if (expect.size && size_ > *expect.size) {
      throw StorageError(ErrorCode::kIncompleteBody,
                         "The request body is longer than its declared Content-Length.");
    }
    if (size_ > expect.max_size) throw too_large();
    std::string_view data(buf.data(), n);
    md5.Update(data);
    for (auto& s : sums) s.Update(data);
    if (!file && bytes_.size() + n <= kPackedBodyMax) {
      bytes_.append(data);
      continue;
    }
    if (!file) {
      file.emplace(files.CreateTemp());
      file->Append(bytes_.data(), bytes_.size());
      std::string().swap(bytes_);
    }
    file->Append(data.data(), data.size());
  }
  if (expect.size && size_ != *expect.size) {
    throw StorageError(ErrorCode::kIncompleteBody,
                       "You did not provide the number of bytes specified by the "
                       "Content-Length HTTP header.");
  }
  md5_ = md5.Final();
  if (expect.md5 && *expect.md5 != md5_) {
    throw StorageError(ErrorCode::kBadDigest,
                       "The Content-MD5 you specified did not match what we received.");
  }
  for (auto& s : sums) checksums_[s.algorithm()] = base::Base64Encode(s.Final());
  for (const auto& [algorithm, value] : expect.checksums) {
    if (checksums_[algorithm] != value) {
      throw StorageError(ErrorCode::kChecksumMismatch,
                         "The " + std::string(ChecksumAlgorithmName(algorithm)) +
                             " you specified did not match the calculated checksum.");
    }
  }
  if (file) blob_id_ = files.Publish(*file);
}

StagedBody::~StagedBody() {
  if (blob_id_ && !released_) files_.Remove(*blob_id_);
}

std::string StagedBody::etag() const { return base::HexEncode(md5_); }

std::vector<std::string_view> StagedBody::Payloads() const {
  if (packed() && size_ > 0) return {bytes_};
  return {};
}

std::vector<SegmentRow> StagedBody::Segments(CommitContext& ctx) const {
  if (size_ == 0) return {};
  if (packed()) {
    const PackLocation& at = ctx.location(0);
    return {SegmentRow{at.blob_id, at.offset, size_}};
  }
  Catalog::AddBlob(ctx.tx(), *blob_id_, size_);
  return {SegmentRow{*blob_id_, 0, size_}};
}

}  // namespace storage
