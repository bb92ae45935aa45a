// The root element of a rest-xml response body that is not a payload member. The models do
// not name it (botocore ignores it), but S3 clients and tools see it, so the codec uses S3's
// own names ("ListBucketResult", "InitiateMultipartUploadResult"...), keyed by output shape.
// Internal to the protocol library; thread-safe (a constant table).
#pragma once

#include <string>

#include "platform/aws/protocol/operation_model.h"

namespace aws::protocol::detail {

// The output ref's locationName, else S3's name for the output shape, else
// "<Operation>Result".
std::string RestXmlRootName(const OperationModel& operation);

}  // namespace aws::protocol::detail
