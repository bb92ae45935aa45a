// The AWS front door: serves every request that is not a reserved `/_` route.
//
// For each request it resolves the target service and operation (SigV4 credential scope,
// X-Amz-Target, the query Action, REST path templates; S3 is the fallback), verifies the
// signature against the credential provider's secret, decodes the input with the service's
// protocol codec, authorizes the operation's IAM action on its resource with the caller's
// identity policies and the resource's policy, runs the handler, and encodes the output or
// the error in the service's protocol. It logs one line per request and records metrics.
// Uploads whose operation answers asynchronously can be served by HandleAsync on the HTTP I/O
// thread, with the answer written once the handler replies.
// Services are registered at startup; Handle is called concurrently afterwards.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "platform/aws/credential_provider.h"
#include "platform/aws/service.h"
#include "platform/http/async_exchange.h"
#include "platform/http/request.h"
#include "platform/http/response_writer.h"

namespace aws {

struct DispatcherOptions {
  // The region of requests that name none (unsigned requests).
  std::string default_region = "us-east-1";
  std::string account_id;
  // The largest body a non-streaming operation may have.
  size_t max_document_bytes = 32 << 20;
};

class Dispatcher {
 public:
  Dispatcher(DispatcherOptions options, CredentialProvider& credentials);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Adds a service; its model must be embedded (platform/aws/models). Not thread-safe: call
  // before serving.
  void Register(std::unique_ptr<Service> service);

  // Serves a request on the calling thread, which may block.
  void Handle(http::Request& request, http::ResponseWriter& response);
  // An http::AsyncHandler: serves, without blocking, a request whose operation has an
  // asynchronous handler (an upload whose body came with its head); returns false, having
  // touched nothing, for any other request, which then goes to Handle.
  bool HandleAsync(const std::shared_ptr<http::AsyncExchange>& exchange);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aws
