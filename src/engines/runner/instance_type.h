// The catalog of SageMaker `ml.*` instance types a job may ask for: vCPUs, memory and GPUs as
// AWS publishes them for the underlying EC2 instance. The runner turns a type into resource
// limits scaled to this host (see resource_limits.h). The catalog is immutable static data;
// every function here is thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace runner {

struct InstanceType {
  std::string_view name;  // "ml.m5.large"
  int vcpus;
  double memory_gib;
  int gpus;  // NVIDIA GPUs; Trainium and Inferentia accelerators are not counted
};

// The type called `name`, or nullptr when the catalog does not know it.
const InstanceType* FindInstanceType(std::string_view name);

// Every known type, in catalog order (family by family).
std::span<const InstanceType> InstanceTypes();

}  // namespace runner
