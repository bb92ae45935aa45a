// The SageMaker model registry and model records: model package groups, model packages
// (versioned in a group, ".../model-package/<group>/<n>", or unversioned), their approval
// status (PendingManualApproval, Approved, Rejected), and the models CreateModel records for
// endpoints to deploy. Records live in the metadata store (module "sagemaker-registry").
//
//   ModelRegistry registry(meta, tags);
//   registry.RegisterOperations(sagemaker_service);
//   std::optional<base::Json> model = registry.FindModel("my-model");  // DescribeModel's shape
//
// Thread-safe: every call runs in its own store transaction.
#pragma once

#include <optional>
#include <string>

#include "base/json.h"
#include "platform/aws/service.h"
#include "platform/meta/store.h"
#include "services/sagemaker/common/tag_store.h"

namespace sagemaker {

class ModelRegistry {
 public:
  // Migrates the module's tables and registers its resource types with `tags`.
  ModelRegistry(meta::Store& store, TagStore& tags);

  void RegisterOperations(aws::Service& service);

  // The DescribeModel document of a model (by name or ARN), or nullopt.
  std::optional<base::Json> FindModel(const std::string& name_or_arn);
  // The DescribeModelPackage document of a package (by ARN, or the name of an unversioned
  // one), or nullopt.
  std::optional<base::Json> FindModelPackage(const std::string& name_or_arn);

 private:
  base::Json CreateModelPackageGroup(const aws::RequestContext& ctx, const base::Json& in);
  base::Json DescribeModelPackageGroup(const base::Json& in);
  base::Json ListModelPackageGroups(const base::Json& in);
  base::Json DeleteModelPackageGroup(const base::Json& in);
  base::Json CreateModelPackage(const aws::RequestContext& ctx, const base::Json& in);
  base::Json ListModelPackages(const base::Json& in);
  base::Json UpdateModelPackage(const aws::RequestContext& ctx, const base::Json& in);
  base::Json DeleteModelPackage(const base::Json& in);
  base::Json CreateModel(const aws::RequestContext& ctx, const base::Json& in);
  base::Json ListModels(const base::Json& in);
  base::Json DeleteModel(const base::Json& in);

  meta::Store& store_;
  TagStore& tags_;
};

}  // namespace sagemaker
