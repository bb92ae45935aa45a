// A request body read from a ByteSource, hashed and verified, and staged for a commit: small
// bodies are kept in memory for the Committer to append to a pack; larger ones are streamed
// to a temp file and published as their own blob. Until Release() the staged blob belongs to
// this object, which removes it when destroyed (a failed commit leaves nothing behind).
// A body larger than kPackedBodyMax is hashed and written by two helper threads (one for
// MD5, one for the other checksums and the file writes) while the caller's thread reads its
// next chunk, unless its known size came whole in the first read; a third makes the file
// durable in steps as it grows, so the final fdatasync has little left to wait for. Memory stays
// bounded: two buffers of at most 1 MiB plus at most kPackedBodyMax held bytes. Used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engines/storage/blob_files.h"
#include "engines/storage/byte_source.h"
#include "engines/storage/catalog.h"
#include "engines/storage/checksum.h"
#include "engines/storage/object_types.h"

namespace storage {

// Bodies up to this size go into packs.
inline constexpr uint64_t kPackedBodyMax = 256 << 10;

struct BodyExpectations {
  std::optional<uint64_t> size;
  uint64_t max_size = 0;           // kEntityTooLarge beyond
  std::optional<std::string> md5;  // raw
  std::vector<ChecksumAlgorithm> algorithms;
  Checksums checksums;  // base64, verified
};

class StagedBody {
 public:
  // Reads `source` to its end and verifies it (kIncompleteBody, kEntityTooLarge, kBadDigest,
  // kChecksumMismatch); on any error nothing remains on disk.
  StagedBody(ByteSource& source, const BodyExpectations& expect, BlobFiles& files);
  ~StagedBody();
  StagedBody(const StagedBody&) = delete;
  StagedBody& operator=(const StagedBody&) = delete;

  uint64_t size() const { return size_; }
  const std::string& md5() const { return md5_; }            // raw
  std::string etag() const;                                  // hex MD5
  const Checksums& checksums() const { return checksums_; }  // base64, every computed one
  // The bytes the Committer must append to a pack for this body (none for an own blob).
  std::vector<std::string_view> Payloads() const;
  // Inside the commit: the segments that hold the body (recording a whole-body blob). A
  // request that carries several bodies names the index of this body's first payload.
  std::vector<SegmentRow> Segments(CommitContext& ctx, size_t first_payload = 0) const;
  // The bytes of a large body made durable while it streamed in, before the final sync.
  uint64_t synced_early() const { return synced_early_; }
  // Called once the commit that references the blob succeeded.
  void Release() { released_ = true; }

 private:
  bool packed() const { return !blob_id_.has_value(); }

  BlobFiles& files_;
  uint64_t size_ = 0;
  uint64_t synced_early_ = 0;
  std::string md5_;
  Checksums checksums_;
  std::string bytes_;
  std::optional<int64_t> blob_id_;
  bool released_ = false;
};

}  // namespace storage
