// Checks a decoded input document against its shape's constraints the way AWS reports them:
// required members, min/max length of strings, blobs, lists and maps, numeric min/max, enum
// values and patterns (RE2, compiled once per shape). Each violation is one message such as
// "Value null at 'userName' failed to satisfy constraint: Member must not be null"; member
// paths lower-case the first letter of each member name ('tags.1.member.key'). Internal to
// the protocol library; stateless and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "platform/aws/protocol/shape.h"

namespace aws::protocol::detail {

std::vector<std::string> ValidateInput(const Shape& shape, const base::Json& input);

// "1 validation error detected: <a>" or "2 validation errors detected: <a>; <b>".
std::string ValidationMessage(const std::vector<std::string>& violations);

}  // namespace aws::protocol::detail
