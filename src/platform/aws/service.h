// A service as the dispatcher sees it: the botocore model it speaks and its operations, each
// with the IAM action and resource it is authorized against and the handler that serves it.
//
//   auto svc = std::make_unique<aws::Service>("iam", "iam");
//   svc->Handle("CreateUser", [&](aws::RequestContext& ctx, const base::Json& in) { ... })
//       .Resource([](const aws::RequestContext& ctx, const base::Json& in) {
//         return ctx.Arn("iam", "user" + path + name, false);
//       });
//
// Handlers take the decoded input document and return the output document, using botocore
// member names (see platform/aws/protocol for the conventions), and throw aws::ApiError.
// Streaming handlers (S3 objects) write the response themselves. A Service is built at
// startup and read-only afterwards; handlers are called concurrently.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/json.h"
#include "platform/auth/policy.h"
#include "platform/aws/request_context.h"

namespace aws {

using JsonHandler = std::function<base::Json(RequestContext&, const base::Json& input)>;
using StreamHandler = std::function<void(RequestContext&, const base::Json& input)>;
using ResourceFn = std::function<std::string(const RequestContext&, const base::Json& input)>;
using ConditionKeysFn =
    std::function<void(const RequestContext&, const base::Json& input, auth::ContextKeys& keys)>;
using ResourcePolicyFn = std::function<std::shared_ptr<const auth::Policy>(
    const RequestContext&, const base::Json& input)>;

struct Operation {
  std::string name;
  // The IAM action checked before the handler runs ("s3:ListBucket" for ListObjectsV2).
  std::string action;
  // The resource ARN the action is checked against; "*" when not set.
  ResourceFn resource;
  // Service-specific condition keys (s3:prefix, s3:x-amz-acl, ...).
  ConditionKeysFn condition_keys;
  // Exactly one of the two is set.
  JsonHandler handler;
  StreamHandler stream_handler;
  // Any authenticated caller may call it, whatever the policies say (sts:GetCallerIdentity).
  bool always_allowed = false;

  Operation& Action(std::string a) { return action = std::move(a), *this; }
  Operation& Resource(ResourceFn fn) { return resource = std::move(fn), *this; }
  Operation& ConditionKeys(ConditionKeysFn fn) { return condition_keys = std::move(fn), *this; }
  Operation& AlwaysAllowed() { return always_allowed = true, *this; }
};

class Service {
 public:
  // `model` names the botocore model the service speaks (platform/aws/models/<model>.json);
  // `action_prefix` is the IAM service prefix of its actions ("s3", "sagemaker").
  Service(std::string model, std::string action_prefix)
      : model_(std::move(model)), action_prefix_(std::move(action_prefix)) {}

  const std::string& model() const { return model_; }
  const std::string& action_prefix() const { return action_prefix_; }

  // Registers an operation served by a JSON handler; the action defaults to
  // "<prefix>:<name>".
  Operation& Handle(const std::string& name, JsonHandler handler);
  // Registers an operation whose handler writes the response itself (streaming bodies).
  Operation& Stream(const std::string& name, StreamHandler handler);
  const Operation* Find(std::string_view name) const;

  // The resource-based policy that applies to a request (S3 bucket policies, role trust
  // policies), if any. With `must_allow`, the request is allowed only if that policy itself
  // allows it (a role trust policy must trust the caller whatever its identity policies say).
  void set_resource_policy(ResourcePolicyFn fn, bool must_allow = false) {
    resource_policy_ = std::move(fn);
    resource_policy_must_allow_ = must_allow;
  }
  const ResourcePolicyFn& resource_policy() const { return resource_policy_; }
  bool resource_policy_must_allow() const { return resource_policy_must_allow_; }

 private:
  Operation& Add(const std::string& name);

  std::string model_;
  std::string action_prefix_;
  std::map<std::string, Operation, std::less<>> operations_;
  ResourcePolicyFn resource_policy_;
  bool resource_policy_must_allow_ = false;
};

}  // namespace aws
