// A BodyReader decorator for requests whose x-amz-content-sha256 is the hex SHA-256 of the body:
// it passes the bytes through while hashing them and, when the body ends, throws a PayloadError
// (kContentSha256Mismatch, S3's XAmzContentSHA256Mismatch) instead of reporting the end if the
// digest differs. A consumer that commits only after Read returns 0 therefore never commits a
// body the signature does not cover. Not thread-safe: the handler's thread only.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include "base/crypto.h"
#include "platform/http/request.h"

namespace aws::sigv4 {

class ContentSha256Reader : public http::BodyReader {
 public:
  // `raw` is not owned and must outlive this reader; `expected_hex` is the header's value.
  ContentSha256Reader(http::BodyReader* raw, std::string expected_hex);

  size_t Read(char* buf, size_t n) override;
  std::optional<uint64_t> ContentLength() const override { return raw_->ContentLength(); }

 private:
  http::BodyReader* raw_;
  std::string expected_hex_;
  base::Digest digest_;
  bool done_ = false;
  std::exception_ptr error_;
};

}  // namespace aws::sigv4
