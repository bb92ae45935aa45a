// An AWS service model (botocore's service-2.json, embedded in the binary from
// src/platform/aws/models/): the service metadata, its operations and its shapes. The protocol
// codecs (codec.h) are driven by it.
//
//   const ServiceModel* iam = ServiceModel::Find("iam");
//   const OperationModel* op = iam->FindOperation("CreateUser");
//
// Find() parses a model on first use and caches it for the life of the process; it is
// thread-safe, and a ServiceModel is immutable once built, so the pointers it returns may be
// shared freely between threads.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/aws/protocol/operation_model.h"
#include "platform/aws/protocol/shape.h"

namespace aws::protocol {

class RestRouteTable;

enum class Protocol { kJson, kRestJson, kRestXml, kQuery };

class ServiceModel {
 public:
  // The model of a service by its botocore name ("s3", "sagemaker-runtime"), or null when the
  // binary does not embed it.
  static const ServiceModel* Find(std::string_view service);
  // The botocore names of all embedded services.
  static std::span<const std::string_view> Names();

  // Parses a model document (exposed for tests and tools; services use Find). Throws
  // base::ParseError when the document is not a usable model.
  static std::unique_ptr<ServiceModel> Parse(std::string_view name, std::string_view json);

  ~ServiceModel();
  ServiceModel(const ServiceModel&) = delete;
  ServiceModel& operator=(const ServiceModel&) = delete;

  const std::string& name() const { return name_; }
  Protocol protocol() const { return protocol_; }
  const std::string& protocol_name() const { return protocol_name_; }
  const std::string& json_version() const { return json_version_; }  // "1.0", "1.1"
  const std::string& target_prefix() const { return target_prefix_; }
  // `signingName`, defaulting to `endpointPrefix` as botocore does.
  const std::string& signing_name() const { return signing_name_; }
  const std::string& endpoint_prefix() const { return endpoint_prefix_; }
  // `xmlNamespace` of the metadata; for rest-xml models without one (S3), the namespace their
  // payload shapes declare.
  const std::string& xml_namespace() const { return xml_namespace_; }
  const std::string& api_version() const { return api_version_; }
  const std::string& service_id() const { return service_id_; }

  // Operations in name order.
  const std::vector<std::unique_ptr<OperationModel>>& operations() const { return operations_; }
  const OperationModel* FindOperation(std::string_view name) const;
  const Shape* FindShape(std::string_view name) const;
  // The exception shape whose error code is `code` (its `error.code` trait or its name).
  const Shape* FindError(std::string_view code) const;

  // The REST routing table (null for the json and query protocols).
  const RestRouteTable* routes() const { return routes_.get(); }

 private:
  friend class ServiceModelBuilder;
  ServiceModel();

  std::string name_;
  Protocol protocol_ = Protocol::kJson;
  std::string protocol_name_;
  std::string json_version_;
  std::string target_prefix_;
  std::string signing_name_;
  std::string endpoint_prefix_;
  std::string xml_namespace_;
  std::string api_version_;
  std::string service_id_;
  std::vector<std::unique_ptr<OperationModel>> operations_;
  std::map<std::string, std::unique_ptr<Shape>, std::less<>> shapes_;
  std::map<std::string, const Shape*, std::less<>> errors_by_code_;
  std::unique_ptr<RestRouteTable> routes_;
};

}  // namespace aws::protocol
