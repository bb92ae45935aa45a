// The JSON bodies of the json and rest-json protocols, walked by shape in both directions:
// wire JSON (member `locationName`s, base64 blobs, epoch-second timestamps) to handler JSON
// (codec.h conventions) and back. Internal to the protocol library; stateless, thread-safe.
#pragma once

#include "base/json.h"
#include "platform/aws/protocol/shape.h"

namespace aws::protocol::detail {

// Reads the members of `shape` from the wire object `wire` into `out`. With `body_only`,
// members bound to the URI, headers, query string or status code are skipped (rest-json).
// Throws InputError(kType) when a value does not fit its shape.
void DecodeJsonStructure(const Shape& shape, const base::Json& wire, bool body_only,
                         base::Json* out);
// One value of any shape (a rest-json structure payload, a document).
base::Json DecodeJsonValue(const ShapeRef& ref, const base::Json& wire);

// The wire object for the members of `shape` in the handler value `value`; throws OutputError.
base::Json EncodeJsonStructure(const Shape& shape, const base::Json& value, bool body_only);
base::Json EncodeJsonValue(const ShapeRef& ref, const base::Json& value);

}  // namespace aws::protocol::detail
