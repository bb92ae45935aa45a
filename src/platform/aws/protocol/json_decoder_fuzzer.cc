// libFuzzer target: the json protocol decoder (Glue and SageMaker models).
#include <cstddef>
#include <cstdint>

#include "platform/aws/protocol/fuzz_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using aws::protocol::ServiceModel;
  static const ServiceModel* glue = ServiceModel::Find("glue");
  static const ServiceModel* sagemaker = ServiceModel::Find("sagemaker");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  aws::protocol::fuzzing::DecodeForFuzzing(*glue, input);
  aws::protocol::fuzzing::DecodeForFuzzing(*sagemaker, input);
  return 0;
}
