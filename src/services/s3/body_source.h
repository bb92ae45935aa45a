// The request body of an upload (PutObject, UploadPart, a browser POST's file) as the storage
// engine's ByteSource. When the body is aws-chunked with a trailing checksum (x-amz-trailer:
// x-amz-checksum-crc32 ...), the source computes that checksum while the engine reads and,
// at the end of the body, compares it with the trailer's value: a mismatch (or a missing
// trailer) fails the read with BadDigest, so the engine never commits the object. Used by the
// handler's thread only.
#pragma once

#include <optional>
#include <string>

#include "engines/storage/byte_source.h"
#include "engines/storage/checksum.h"
#include "platform/aws/request_context.h"

namespace s3 {

class BodySource : public storage::ByteSource {
 public:
  explicit BodySource(aws::RequestContext& ctx);

  size_t Read(char* buf, size_t n) override;

  // The algorithm of the declared trailing checksum, if any.
  std::optional<storage::ChecksumAlgorithm> trailer_algorithm() const { return algorithm_; }
  // The trailing checksum's base64 value, once the body has been read to its end.
  const std::string& trailer_value() const { return trailer_value_; }

 private:
  aws::RequestContext& ctx_;
  std::optional<storage::ChecksumAlgorithm> algorithm_;
  std::string trailer_name_;
  std::optional<storage::Checksummer> sum_;
  std::string trailer_value_;
  bool done_ = false;
};

}  // namespace s3
