// The tags of SageMaker resources, keyed by ARN, and the AddTags / ListTags / DeleteTags
// operations over them. Modules that own resources register their resource type (the ARN
// part before '/', "training-job") with a function telling whether an ARN exists, so tags are
// only kept for real resources; their Create operations store the request's Tags with Set,
// and their Delete operations drop them with RemoveAll. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "base/json.h"
#include "platform/aws/service.h"
#include "platform/meta/store.h"

namespace sagemaker {

class TagStore {
 public:
  using ExistsFn = std::function<bool(const std::string& arn)>;

  // Migrates the module's table.
  explicit TagStore(meta::Store& store);

  void RegisterResourceType(const std::string& type, ExistsFn exists);
  void RegisterOperations(aws::Service& service);

  // Adds or replaces tags ([{"Key","Value"}]); throws ValidationError when the resource would
  // carry more than 50 tags.
  void Set(const std::string& arn, const base::Json& tags);
  void Remove(const std::string& arn, const base::Json& keys);
  void RemoveAll(const std::string& arn);
  // [{"Key","Value"}] ordered by key.
  base::Json List(const std::string& arn);

 private:
  // Throws ValidationError unless `arn` names an existing resource of a registered type.
  void RequireResource(const std::string& arn);

  meta::Store& store_;
  std::mutex mu_;
  std::map<std::string, ExistsFn> types_;
};

}  // namespace sagemaker
