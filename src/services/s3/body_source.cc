#include "services/s3/body_source.h"

#include "base/crypto.h"
#include "base/strings.h"
#include "engines/storage/storage_error.h"
#include "platform/aws/api_error.h"

namespace s3 {

BodySource::BodySource(aws::RequestContext& ctx) : ctx_(ctx) {
  std::optional<std::string_view> declared = ctx.http_request().headers.Get("x-amz-trailer");
  if (!declared) return;
  std::string name = base::ToLower(base::Trim(*declared));
  constexpr std::string_view kPrefix = "x-amz-checksum-";
  if (name.rfind(kPrefix, 0) != 0) return;
  algorithm_ = storage::ParseChecksumAlgorithm(std::string_view(name).substr(kPrefix.size()));
  if (!algorithm_) {
    throw aws::ApiError(400, "InvalidRequest",
                        "The value specified in the x-amz-trailer header is not supported");
  }
  trailer_name_ = name;
  sum_.emplace(*algorithm_);
}

size_t BodySource::Read(char* buf, size_t n) {
  if (done_) return 0;
  size_t got = ctx_.body().Read(buf, n);
  if (!sum_) return got;
  if (got > 0) {
    sum_->Update(std::string_view(buf, got));
    return got;
  }
  done_ = true;
  std::optional<std::string> sent = ctx_.trailer(trailer_name_);
  std::string computed = base::Base64Encode(sum_->Final());
  if (!sent) {
    throw aws::ApiError(400, "InvalidRequest",
                        "The trailing checksum declared in x-amz-trailer was not sent.");
  }
  if (std::string(base::Trim(*sent)) != computed) {
    throw storage::StorageError(storage::ErrorCode::kChecksumMismatch,
                                "The " + std::string(storage::ChecksumAlgorithmName(*algorithm_)) +
                                    " you specified did not match the calculated checksum.");
  }
  trailer_value_ = computed;
  return 0;
}

}  // namespace s3
