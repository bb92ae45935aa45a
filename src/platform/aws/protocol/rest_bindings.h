// The non-body bindings of the REST protocols (rest-json, rest-xml): members carried in URI
// labels, query-string parameters, single headers, prefixed header maps (`x-amz-meta-`), and
// the response status code. Internal to the protocol library; stateless and thread-safe.
#pragma once

#include "base/json.h"
#include "platform/aws/protocol/rest_router.h"
#include "platform/aws/protocol/shape.h"
#include "platform/aws/protocol/wire_message.h"

namespace aws::protocol::detail {

// Reads the URI, query-string and header members of `input` from the request into `out`.
// Header map keys are lower-cased (header names are case-insensitive). Throws
// InputError(kType) when a value does not fit its member's shape.
void DecodeRestBindings(const Shape& input, const WireRequest& request, const RouteMatch* route,
                        base::Json* out);

// Applies the status-code and header members of `output` in `value` to the response.
// Throws OutputError when a value does not fit, or would break the header framing.
void EncodeRestBindings(const Shape& output, const base::Json& value, WireResponse* response);

}  // namespace aws::protocol::detail
