#include "platform/aws/sigv4/content_sha256_reader.h"

#include <string_view>
#include <utility>

#include "base/strings.h"
#include "platform/aws/sigv4/payload_error.h"

namespace aws::sigv4 {

ContentSha256Reader::ContentSha256Reader(http::BodyReader* raw, std::string expected_hex)
    : raw_(raw), expected_hex_(std::move(expected_hex)), digest_(base::DigestAlgorithm::kSha256) {}

size_t ContentSha256Reader::Read(char* buf, size_t n) {
  if (error_) std::rethrow_exception(error_);
  if (done_ || n == 0) return 0;
  try {
    size_t got = raw_->Read(buf, n);
    if (got > 0) {
      digest_.Update(std::string_view(buf, got));
      return got;
    }
    done_ = true;
    std::string actual = base::HexEncode(digest_.Final());
    if (!base::EqualsIgnoreCase(actual, expected_hex_)) {
      throw PayloadError(PayloadError::Reason::kContentSha256Mismatch,
                         "The provided 'x-amz-content-sha256' header does not match what was "
                         "computed.",
                         expected_hex_, actual);
    }
    return 0;
  } catch (...) {
    error_ = std::current_exception();
    throw;
  }
}

}  // namespace aws::sigv4
