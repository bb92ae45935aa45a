// libFuzzer target: the query protocol decoder (IAM and STS models).
#include <cstddef>
#include <cstdint>

#include "platform/aws/protocol/fuzz_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using aws::protocol::ServiceModel;
  static const ServiceModel* iam = ServiceModel::Find("iam");
  static const ServiceModel* sts = ServiceModel::Find("sts");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  aws::protocol::fuzzing::DecodeForFuzzing(*iam, input);
  aws::protocol::fuzzing::DecodeForFuzzing(*sts, input);
  return 0;
}
