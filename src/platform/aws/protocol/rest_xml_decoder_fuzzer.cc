// libFuzzer target: the rest-xml router and decoder (S3 model).
#include <cstddef>
#include <cstdint>

#include "platform/aws/protocol/fuzz_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const aws::protocol::ServiceModel* s3 = aws::protocol::ServiceModel::Find("s3");
  aws::protocol::fuzzing::DecodeForFuzzing(
      *s3, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
