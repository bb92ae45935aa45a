// The source of CopyObject and UploadPartCopy: x-amz-copy-source ("bucket/key" or
// "/bucket/key", URL-encoded, optionally "?versionId=...") with the x-amz-copy-source-if-*
// conditions, and the authorization S3 requires on it (s3:GetObject, or s3:GetObjectVersion
// for a version, under the source bucket's policy). Stateless; thread-safe.
#pragma once

#include "base/json.h"
#include "engines/storage/object_types.h"
#include "platform/aws/request_context.h"

namespace s3 {

// Throws aws::ApiError InvalidArgument for a malformed header.
storage::CopySource ParseCopySource(const base::Json& in);

// Throws AccessDenied when the caller may not read the source.
void AuthorizeCopySource(const aws::RequestContext& ctx, const storage::CopySource& source);

}  // namespace s3
