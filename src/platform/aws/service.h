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
// Streaming handlers (S3 objects) write the response themselves; raw handlers serve requests
// the model does not describe (S3 browser uploads); asynchronous handlers answer after they
// return, without a thread waiting in between (S3 PutObject, whose commit is grouped). A Service is
// built at startup and read-only afterwards; handlers are called concurrently.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "platform/auth/policy.h"
#include "platform/aws/request_context.h"
#include "platform/http/request.h"

namespace aws {

using JsonHandler = std::function<base::Json(RequestContext&, const base::Json& input)>;
using StreamHandler = std::function<void(RequestContext&, const base::Json& input)>;
// How an asynchronous handler answers, once, from any thread: with a function that makes the
// output document or throws the handler's error, run later on the thread that answers.
using Reply = std::function<void(std::function<base::Json()> output)>;
// A handler that may answer after it returns. It either throws (the error is answered and
// `reply` must not be called) or calls `reply` exactly once, before or after returning. It
// must not block: for a small request the dispatcher runs it on the connection's I/O thread
// (Dispatcher::HandleAsync). Elsewhere the dispatcher's thread waits for the reply.
using AsyncHandler = std::function<void(RequestContext&, const base::Json& input, Reply reply)>;
using ResourceFn = std::function<std::string(const RequestContext&, const base::Json& input)>;
using ConditionKeysFn =
    std::function<void(const RequestContext&, const base::Json& input, auth::ContextKeys& keys)>;
using ResourcePolicyFn = std::function<std::shared_ptr<const auth::Policy>(
    const RequestContext&, const base::Json& input)>;
using ActionFn = std::function<std::string(const RequestContext&, const base::Json& input)>;
// The path a request is routed by when it is not the request's own (S3 virtual-hosted
// addressing names the bucket in the Host header); nullopt keeps the request's path.
using RoutePathFn = std::function<std::optional<std::string>(const http::Request&)>;
// Whether a request the model describes no operation for is this raw operation's (S3 browser
// POST uploads, CORS preflights); `path` is the routed path.
using RawMatcher = std::function<bool(const http::Request&, std::string_view path)>;
using RequestHookFn = std::function<void(RequestContext&, const base::Json& input)>;

struct Operation {
  std::string name;
  // The IAM action checked before the handler runs ("s3:ListBucket" for ListObjectsV2).
  std::string action;
  // When set, the action of a given request instead (s3:GetObjectVersion for a GetObject that
  // names a version).
  ActionFn action_fn;
  // The resource ARN the action is checked against; "*" when not set.
  ResourceFn resource;
  // Service-specific condition keys (s3:prefix, s3:x-amz-acl, ...).
  ConditionKeysFn condition_keys;
  // Exactly one of the three is set.
  JsonHandler handler;
  StreamHandler stream_handler;
  AsyncHandler async_handler;
  // Any authenticated caller may call it, whatever the policies say (sts:GetCallerIdentity).
  bool always_allowed = false;
  // The handler authorizes the request itself with RequestContext::Authorize (S3
  // DeleteObjects authorizes s3:DeleteObject for each key); the dispatcher does not.
  bool handler_authorizes = false;
  // For raw operations: which requests they serve.
  RawMatcher raw_matcher;

  Operation& Action(std::string a) { return action = std::move(a), *this; }
  Operation& Action(ActionFn fn) { return action_fn = std::move(fn), *this; }
  Operation& HandlerAuthorizes() { return handler_authorizes = true, *this; }
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
  // Registers an operation served by an asynchronous handler.
  Operation& Async(const std::string& name, AsyncHandler handler);
  const Operation* Find(std::string_view name) const;

  // Registers a raw operation: a request that no operation of the model matches but `matcher`
  // accepts is served by `handler` with an empty input, before any authentication. The
  // handler authenticates and authorizes the caller itself (RequestContext::credentials,
  // RequestContext::Authorize) and writes the whole response.
  Operation& Raw(const std::string& name, RawMatcher matcher, StreamHandler handler);
  // The raw operation serving `request` (routed by `path`), or null.
  const Operation* FindRaw(const http::Request& request, std::string_view path) const;

  // How requests for this service are routed when their Host names part of the resource
  // (S3 virtual-hosted buckets). Consulted for unsigned requests and for requests signed for
  // this service, before the service is resolved; the signature is still verified on the path
  // as sent.
  void set_route_path(RoutePathFn fn) { route_path_ = std::move(fn); }
  const RoutePathFn& route_path() const { return route_path_; }

  // Called for every request of a modeled operation once its input is decoded, before it is
  // authorized: sets the response headers every answer carries, errors included (S3 CORS).
  void set_request_hook(RequestHookFn fn) { request_hook_ = std::move(fn); }
  const RequestHookFn& request_hook() const { return request_hook_; }

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
  std::vector<const Operation*> raw_operations_;
  RoutePathFn route_path_;
  RequestHookFn request_hook_;
  ResourcePolicyFn resource_policy_;
  bool resource_policy_must_allow_ = false;
};

}  // namespace aws
