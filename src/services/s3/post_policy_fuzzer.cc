// Fuzzes the POST policy document parser and its checks: the input is the JSON document (the
// fuzzer base64-encodes it as a browser form carries it), then checked against a fixed form.
// Any document must parse or throw InvalidPolicyDocument, and a check must pass or throw
// AccessDenied (both aws::ApiError), never anything else and never crash.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "base/crypto.h"
#include "base/time.h"
#include "platform/aws/api_error.h"
#include "services/s3/post_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string document(reinterpret_cast<const char*>(data), size);
  const std::map<std::string, std::string> fields = {
      {"bucket", "fuzz-bucket"}, {"key", "uploads/a.txt"}, {"content-type", "text/plain"},
      {"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-meta-note", ""}};
  try {
    s3::PostPolicy policy = s3::PostPolicy::Parse(base::Base64Encode(document));
    policy.Check(fields, "fuzz-bucket", base::FromUnixMillis(1700000000000));
  } catch (const aws::ApiError&) {
  }
  return 0;
}
