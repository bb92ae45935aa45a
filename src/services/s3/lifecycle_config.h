// Bucket lifecycle configurations (PutBucketLifecycleConfiguration's Rules, in botocore member
// form) translated to the storage engine's rules, with S3's validation: each rule needs a
// Status and at least one action, day counts are positive, dates fall on midnight UTC, IDs are
// unique. Transitions between storage classes are refused (one storage class exists here).
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "base/json.h"
#include "engines/storage/lifecycle.h"

namespace s3 {

// Throws aws::ApiError (MalformedXML, InvalidArgument, NotImplemented).
std::vector<storage::LifecycleRule> ParseLifecycleRules(const base::Json& rules);

}  // namespace s3
