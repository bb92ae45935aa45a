// libFuzzer target: the rest-json router and decoder (Bedrock Runtime, DataZone models).
#include <cstddef>
#include <cstdint>

#include "platform/aws/protocol/fuzz_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using aws::protocol::ServiceModel;
  static const ServiceModel* runtime = ServiceModel::Find("bedrock-runtime");
  static const ServiceModel* datazone = ServiceModel::Find("datazone");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  aws::protocol::fuzzing::DecodeForFuzzing(*runtime, input);
  aws::protocol::fuzzing::DecodeForFuzzing(*datazone, input);
  return 0;
}
