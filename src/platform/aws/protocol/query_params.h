// The request side of the query protocol (IAM, STS): form parameters such as
// "UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=ml" become the input document of
// the operation's input shape. Structures nest with '.', lists are "Name.member.N" (or, when
// flattened, "Name.N"), maps "Name.entry.N.key/value"; list and map indices are 1-based and
// taken in numeric order; "Name=" alone is an empty list. Parameters that match no member are
// ignored, as AWS ignores them. Internal to the protocol library; stateless and thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/json.h"
#include "platform/aws/protocol/shape.h"

namespace aws::protocol::detail {

// Throws InputError(kType) when a value does not fit its member's shape.
base::Json DecodeQueryParams(const Shape& shape,
                             const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace aws::protocol::detail
