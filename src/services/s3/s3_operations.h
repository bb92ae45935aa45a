// The registration functions of the S3 operation families, one file each, and the wrappers
// that translate the storage engine's errors into S3 errors for the request's bucket and key.
#pragma once

#include <functional>

#include "base/json.h"
#include "platform/aws/service.h"
#include "services/s3/service_state.h"

namespace s3 {

void RegisterBucketOperations(ServiceState& state, aws::Service& svc);
void RegisterObjectOperations(ServiceState& state, aws::Service& svc);
void RegisterListOperations(ServiceState& state, aws::Service& svc);
void RegisterMultipartOperations(ServiceState& state, aws::Service& svc);
// Browser access: CORS preflights and POST uploads with a signed policy.
void RegisterBrowserOperations(ServiceState& state, aws::Service& svc);

// Adds the Access-Control-* headers of `bucket`'s CORS rules to the answer of a request that
// carries an Origin header.
void AddCorsHeaders(ServiceState& state, aws::RequestContext& ctx, const std::string& bucket);

// Handlers whose storage::StorageError becomes the S3 error naming input Bucket and Key.
aws::JsonHandler Translated(aws::JsonHandler handler);
aws::StreamHandler TranslatedStream(aws::StreamHandler handler);
// The same for an asynchronous handler: what it throws and what its reply's output throws.
aws::AsyncHandler TranslatedAsync(aws::AsyncHandler handler);

// Resource functions: the input's bucket, and the input's object.
std::string BucketResource(const aws::RequestContext&, const base::Json& in);
std::string ObjectResource(const aws::RequestContext&, const base::Json& in);
// An action that becomes `versioned` when the request names a versionId.
aws::ActionFn VersionedAction(std::string plain, std::string versioned);

}  // namespace s3
