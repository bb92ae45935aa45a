// The AWS wire-protocol codecs: json (1.0, 1.1), rest-json, rest-xml and query, driven by the
// service models (service_model.h). A request becomes a JSON input document for the service
// handler; the handler's JSON output document, or the ApiError it throws, becomes the response.
//
//   const ServiceModel& iam = *ServiceModel::Find("iam");
//   RouteMatch route = ResolveOperation(iam, request);            // throws ApiError
//   Json input = DecodeInput(iam, *route.operation, request, &route);  // throws ApiError
//   WireResponse response = EncodeOutput(iam, *route.operation, handler(input), request_id);
//   ... or, on ApiError e: EncodeError(iam, e, request_id)
//
// Handler JSON conventions (every service codes against these):
// - Strings are UTF-8 (input whose strings are not is refused as mistyped).
// - Structures are JSON objects keyed by botocore member names (not wire names). Absent
//   members are omitted, never null; in handler output null counts as absent. Lists are
//   arrays, maps are objects. Members the shape does not know are ignored.
// - timestamp: decoded input holds epoch seconds (an integer, or a number with a fraction).
//   Output may hold epoch seconds or an ISO 8601 string; the encoder writes what the protocol
//   and the member's timestampFormat require (json bodies: epoch seconds; query and rest-xml
//   bodies: "2015-08-30T12:36:00.000Z"; headers: RFC 1123 dates). Times outside years
//   1678-2261 (the range of base::TimePoint) are refused as input.
// - blob: the raw bytes in a JSON string; the codecs base64 them where the protocol does.
//   Such strings may hold any bytes: dump them with an error handler, or not at all.
// - integer, long: JSON integers (range-checked: int32, int64); float, double: JSON numbers;
//   boolean: JSON booleans. jsonvalue header members carry any JSON value.
// - document (a structure with the `document` trait): any JSON value, passed through.
// - Streaming payloads (S3 PutObject/UploadPart bodies, event streams): DecodeInput does not
//   touch the body of an operation whose input payload streams and leaves the member out;
//   for an output payload that streams, EncodeOutput produces status and headers only, and
//   the caller streams the body itself. Other payload members (a blob, a string, a
//   structure) are the whole body, in or out.
// - A handler may change the status of an encoded response (S3 GetObject answers 206 for a
//   range), and add headers.
//
// All functions are thread-safe: they read only immutable models.
#pragma once

#include <string_view>

#include "base/json.h"
#include "platform/aws/api_error.h"
#include "platform/aws/protocol/rest_router.h"
#include "platform/aws/protocol/service_model.h"
#include "platform/aws/protocol/wire_message.h"

namespace aws::protocol {

// Which operation a request calls: json by `X-Amz-Target: <targetPrefix>.<Operation>`, query
// by the `Action` parameter (query string or form body), REST by MatchRestOperation (the
// match carries the URI labels; for json and query it has none). Throws the protocol's
// unknown-operation ApiError (see UnknownOperation), or a 400 when the request cannot be read
// (a malformed form body or URI).
RouteMatch ResolveOperation(const ServiceModel& model, const WireRequest& request);

// The input document of `operation`, validated against its input shape. `route` supplies the
// URI labels of REST requests (null for json and query). Throws ApiError with the protocol's
// codes: json/rest-json SerializationException for malformed or mistyped JSON and
// ValidationException for constraint violations; query MalformedQueryString and
// ValidationError; rest-xml MalformedXML, InvalidArgument and MissingRequestBodyError.
base::Json DecodeInput(const ServiceModel& model, const OperationModel& operation,
                       const WireRequest& request, const RouteMatch* route);

// The response for a handler's output document (null or an object). Never throws for output
// that does not fit the shape: it logs the mismatch and returns a 500 InternalFailure error.
WireResponse EncodeOutput(const ServiceModel& model, const OperationModel& operation,
                          const base::Json& output, std::string_view request_id);

// The response for an error, in the protocol's error shape, with the error's extra fields and
// headers.
WireResponse EncodeError(const ServiceModel& model, const ApiError& error,
                         std::string_view request_id);

// The error for a request naming no operation of the model: json 400
// UnknownOperationException, rest-json 404 UnknownOperationException, rest-xml 405
// MethodNotAllowed, query 400 InvalidAction. `name` is the operation name, or for REST a
// description of the request ("POST /b/k").
ApiError UnknownOperationError(const ServiceModel& model, std::string_view name);
WireResponse UnknownOperation(const ServiceModel& model, std::string_view name,
                              std::string_view request_id);

}  // namespace aws::protocol
