#include "services/s3/upload_options.h"

#include <algorithm>

#include "base/crypto.h"
#include "platform/aws/api_error.h"
#include "services/s3/s3_common.h"

namespace s3 {

std::optional<std::string> ContentMd5(const base::Json& in) {
  std::optional<std::string> header = OptionalString(in, "ContentMD5");
  if (!header) return std::nullopt;
  std::optional<std::string> raw = base::Base64Decode(*header);
  if (!raw || raw->size() != 16) {
    throw aws::ApiError(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
        .With("Content-MD5", *header);
  }
  return raw;
}

std::vector<storage::ChecksumAlgorithm> UploadChecksumAlgorithms(const base::Json& in,
                                                                 const BodySource& body) {
  std::vector<storage::ChecksumAlgorithm> out;
  if (auto a = InputChecksumAlgorithm(in, "ChecksumAlgorithm")) out.push_back(*a);
  if (auto a = body.trailer_algorithm()) out.push_back(*a);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

storage::WriteConditions WriteConditionsOf(const base::Json& in) {
  storage::WriteConditions c;
  if (std::optional<std::string> none = OptionalString(in, "IfNoneMatch")) {
    if (*none != "*") {
      throw aws::ApiError(501, "NotImplemented",
                          "A header you provided implies functionality that is not implemented")
          .With("Header", "If-None-Match");
    }
    c.if_none_match_any = true;
  }
  if (std::optional<std::string> match = OptionalString(in, "IfMatch")) {
    c.if_match = *match == "*" ? *match : UnquoteEtag(*match);
  }
  return c;
}

}  // namespace s3
