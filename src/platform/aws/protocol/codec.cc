#include "platform/aws/protocol/codec.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"
#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/input_validator.h"
#include "platform/aws/protocol/json_body.h"
#include "platform/aws/protocol/json_document.h"
#include "platform/aws/protocol/query_params.h"
#include "platform/aws/protocol/rest_bindings.h"
#include "platform/aws/protocol/rest_xml_roots.h"
#include "platform/aws/protocol/value_codec.h"
#include "platform/aws/protocol/xml_body.h"
#include "platform/aws/protocol/xml_writer.h"

namespace aws::protocol {

using base::Json;
using detail::InputError;
using detail::OutputError;

namespace {

constexpr std::string_view kMalformedXmlMessage =
    "The XML you provided was not well-formed or did not validate against our published schema";

bool HasBodyMembers(const Shape& shape) {
  return std::any_of(shape.members().begin(), shape.members().end(),
                     [](const Member& m) { return m.location == Location::kBody; });
}

bool IsRawPayload(const Member& payload) {
  return payload.shape->type() == ShapeType::kBlob || payload.shape->type() == ShapeType::kString;
}

// A blob or string payload: the body itself, which for a string must be UTF-8.
std::string RawPayload(const Member& payload, const std::string& body) {
  if (payload.shape->type() == ShapeType::kString && !base::IsValidUtf8(body)) {
    throw InputError(InputError::Kind::kType, "The body of '" + payload.name + "' is not UTF-8");
  }
  return body;
}

std::string JsonContentType(const ServiceModel& model) {
  return "application/x-amz-json-" + model.json_version();
}

// ---- Errors raised while decoding --------------------------------------------------------

ApiError InputFailure(Protocol protocol, const InputError& e) {
  bool malformed = e.kind() == InputError::Kind::kMalformed;
  switch (protocol) {
    case Protocol::kJson:
    case Protocol::kRestJson:
      return ApiError(400, "SerializationException", e.what());
    case Protocol::kRestXml:
      if (malformed) return ApiError(400, "MalformedXML", std::string(kMalformedXmlMessage));
      return ApiError(400, "InvalidArgument", e.what());
    case Protocol::kQuery:
      if (malformed) return ApiError(400, "MalformedQueryString", e.what());
      return ApiError(400, "ValidationError", e.what());
  }
  return ApiError(400, "InvalidRequest", e.what());
}

ApiError ValidationFailure(Protocol protocol, const std::vector<std::string>& violations) {
  std::string message = detail::ValidationMessage(violations);
  switch (protocol) {
    case Protocol::kJson:
    case Protocol::kRestJson:
      return ApiError(400, "ValidationException", message);
    case Protocol::kQuery:
      return ApiError(400, "ValidationError", message);
    case Protocol::kRestXml:
      break;
  }
  return ApiError(400, "InvalidArgument", message);
}

// The parameters of a query-protocol request: the query string, then the form body.
std::vector<std::pair<std::string, std::string>> QueryParams(const WireRequest& request) {
  std::vector<std::pair<std::string, std::string>> params = request.query;
  if (!request.body.empty()) {
    auto form = base::ParseQueryString(request.body, /*plus_is_space=*/true);
    if (!form) {
      throw InputError(InputError::Kind::kMalformed,
                       "The request body is not a well-formed form encoding.");
    }
    params.insert(params.end(), form->begin(), form->end());
  }
  return params;
}

// ---- Decoding ------------------------------------------------------------------------------

void DecodeRestJsonBody(const OperationModel& op, const WireRequest& request, Json* input) {
  const Shape& shape = *op.input()->shape;
  if (const Member* payload = shape.payload()) {
    if (op.input_streaming() || request.body.empty()) return;
    if (IsRawPayload(*payload)) {
      (*input)[payload->name] = RawPayload(*payload, request.body);
    } else {
      (*input)[payload->name] =
          detail::DecodeJsonValue(*payload, detail::ParseJsonDocument(request.body));
    }
    return;
  }
  if (request.body.empty() || !HasBodyMembers(shape)) return;
  detail::DecodeJsonStructure(shape, detail::ParseJsonDocument(request.body), true, input);
}

void DecodeRestXmlBody(const OperationModel& op, const WireRequest& request, Json* input) {
  const Shape& shape = *op.input()->shape;
  const Member* payload = shape.payload();
  if (payload != nullptr && (op.input_streaming() || request.body.empty())) return;
  if (payload != nullptr && IsRawPayload(*payload)) {
    (*input)[payload->name] = RawPayload(*payload, request.body);
    return;
  }
  if (payload == nullptr && (request.body.empty() || !HasBodyMembers(shape))) return;
  try {
    pugi::xml_document doc;
    detail::ParseXmlDocument(request.body, &doc);
    if (payload != nullptr) {
      Json value = Json::object();
      detail::DecodeXmlStructure(*payload->shape, doc.document_element(), false, &value);
      (*input)[payload->name] = std::move(value);
    } else {
      detail::DecodeXmlStructure(shape, doc.document_element(), true, input);
    }
  } catch (const InputError& e) {
    // S3 reports any body it cannot read as MalformedXML, mistyped values included.
    throw InputError(InputError::Kind::kMalformed, e.what());
  }
}

// S3 answers a request whose required body is absent with MissingRequestBodyError.
void CheckRestXmlBodyPresent(const OperationModel& op, const WireRequest& request,
                             const Json& input) {
  const Member* payload = op.input()->shape->payload();
  if (payload != nullptr && payload->required && request.body.empty() && !op.input_streaming() &&
      !input.contains(payload->name)) {
    throw ApiError(400, "MissingRequestBodyError", "Request Body is empty");
  }
}

// ---- Encoding ------------------------------------------------------------------------------

void WriteNamespace(const std::string& uri, detail::XmlWriter* w) {
  if (!uri.empty()) w->Attribute("xmlns", uri);
}

std::string RestXmlNamespace(const ServiceModel& model, const ShapeRef& ref) {
  return ref.xml_namespace_uri.empty() || !ref.xml_namespace_prefix.empty() ? model.xml_namespace()
                                                                            : ref.xml_namespace_uri;
}

// The value of an output payload member that still needs encoding as a structure, or null when
// there is nothing more to write: the payload streams, is absent, or is a raw blob/string
// (which becomes the body as it is).
const Json* StructuredPayload(const OperationModel& op, const Member& payload, const Json& value,
                              WireResponse* response) {
  if (op.output_streaming()) return nullptr;
  auto it = value.find(payload.name);
  if (it == value.end() || it->is_null()) return nullptr;
  if (!IsRawPayload(payload)) return &*it;
  if (!it->is_string()) detail::OutputMismatch(payload.name, payload.shape->type(), *it);
  response->body = it->get<std::string>();
  return nullptr;
}

void EncodeRestJson(const OperationModel& op, const Json& value, WireResponse* response) {
  const Shape& shape = *op.output()->shape;
  detail::EncodeRestBindings(shape, value, response);
  if (const Member* payload = shape.payload()) {
    const Json* structured = StructuredPayload(op, *payload, value, response);
    if (structured == nullptr) return;
    response->body = detail::DumpJson(detail::EncodeJsonValue(*payload, *structured));
  } else if (HasBodyMembers(shape)) {
    response->body = detail::DumpJson(detail::EncodeJsonStructure(shape, value, true));
  } else {
    return;
  }
  response->headers.Set("Content-Type", "application/json");
}

void EncodeRestXml(const ServiceModel& model, const OperationModel& op, const Json& value,
                   WireResponse* response) {
  const ShapeRef& output = *op.output();
  const Shape& shape = *output.shape;
  detail::EncodeRestBindings(shape, value, response);
  detail::XmlWriter w;
  if (const Member* payload = shape.payload()) {
    const Json* structured = StructuredPayload(op, *payload, value, response);
    if (structured == nullptr) return;
    std::string root(payload->WireName(payload->name));
    w.Declaration();
    w.Open(root);
    WriteNamespace(RestXmlNamespace(model, *payload), &w);
    detail::EncodeXmlMembers(*payload->shape, *structured, false, &w);
    w.Close(root);
  } else if (HasBodyMembers(shape)) {
    std::string root = detail::RestXmlRootName(op);
    w.Declaration();
    w.Open(root);
    WriteNamespace(RestXmlNamespace(model, output), &w);
    const Member* only = shape.members().size() == 1 ? &shape.members().front() : nullptr;
    if (only != nullptr && only->shape->is_scalar() && only->WireName(only->name) == root) {
      // A body that is a single scalar element (S3 GetBucketLocation's LocationConstraint).
      auto it = value.find(only->name);
      if (it != value.end() && !it->is_null()) {
        w.Text(detail::EncodeScalarText(*only, *it, TimestampFormat::kIso8601, only->name));
      }
    } else {
      detail::EncodeXmlMembers(shape, value, true, &w);
    }
    w.Close(root);
  } else {
    return;
  }
  response->body = w.Take();
  response->headers.Set("Content-Type", "application/xml");
}

void EncodeQuery(const ServiceModel& model, const OperationModel& op, const Json& value,
                 std::string_view request_id, WireResponse* response) {
  std::string root = op.name() + "Response";
  detail::XmlWriter w;
  w.Open(root);
  WriteNamespace(model.xml_namespace(), &w);
  if (const ShapeRef* output = op.output()) {
    const std::string& wrapper = output->result_wrapper;
    if (!wrapper.empty()) w.Open(wrapper);
    detail::EncodeXmlMembers(*output->shape, value, false, &w);
    if (!wrapper.empty()) w.Close(wrapper);
  }
  w.Open("ResponseMetadata");
  w.Element("RequestId", request_id);
  w.Close("ResponseMetadata");
  w.Close(root);
  response->body = w.Take();
  response->headers.Set("Content-Type", "text/xml");
}

// S3's x-amz-id-2 / HostId: an opaque base64 token; here, derived from the request id.
std::string HostId(std::string_view request_id) { return base::Base64Encode(request_id); }

void AddRequestId(const ServiceModel& model, std::string_view request_id, WireResponse* response) {
  if (model.protocol() == Protocol::kRestXml) {
    response->headers.Set("x-amz-request-id", std::string(request_id));
    response->headers.Set("x-amz-id-2", HostId(request_id));
  } else {
    response->headers.Set("x-amzn-RequestId", std::string(request_id));
  }
}

// "message", unless the modeled error shape spells it "Message" (Glue, Athena, SageMaker...).
std::string MessageKey(const ServiceModel& model, const std::string& code) {
  const Shape* shape = model.FindError(code);
  if (shape != nullptr && shape->FindMember("Message") != nullptr &&
      shape->FindMember("message") == nullptr) {
    return "Message";
  }
  return "message";
}

std::string JsonErrorBody(const ServiceModel& model, const ApiError& error, bool with_type) {
  base::OrderedJson body = base::OrderedJson::object();
  if (with_type) body["__type"] = error.code();
  std::string key = MessageKey(model, error.code());
  body[key] = error.message();
  for (const auto& [name, value] : error.fields()) {
    if (name != key && name != "__type") body[name] = value;
  }
  return body.dump(-1, ' ', false, base::OrderedJson::error_handler_t::replace);
}

std::string S3ErrorBody(const ApiError& error, std::string_view request_id) {
  detail::XmlWriter w;
  w.Declaration();
  w.Open("Error");
  w.Element("Code", error.code());
  w.Element("Message", error.message());
  for (const auto& [name, value] : error.fields()) w.Element(name, value);
  w.Element("RequestId", request_id);
  w.Element("HostId", HostId(request_id));
  w.Close("Error");
  return w.Take();
}

std::string QueryErrorBody(const ServiceModel& model, const ApiError& error,
                           std::string_view request_id) {
  detail::XmlWriter w;
  w.Open("ErrorResponse");
  WriteNamespace(model.xml_namespace(), &w);
  w.Open("Error");
  w.Element("Type", error.http_status() >= 500 ? "Receiver" : "Sender");
  w.Element("Code", error.code());
  w.Element("Message", error.message());
  for (const auto& [name, value] : error.fields()) w.Element(name, value);
  w.Close("Error");
  w.Element("RequestId", request_id);
  w.Close("ErrorResponse");
  return w.Take();
}

}  // namespace

RouteMatch ResolveOperation(const ServiceModel& model, const WireRequest& request) {
  RouteMatch match;
  switch (model.protocol()) {
    case Protocol::kJson: {
      std::string_view target = request.headers.Get("X-Amz-Target").value_or("");
      size_t dot = target.rfind('.');
      std::string_view name = dot == std::string_view::npos ? target : target.substr(dot + 1);
      if (dot == std::string_view::npos || target.substr(0, dot) != model.target_prefix()) {
        throw UnknownOperationError(model, target);
      }
      match.operation = model.FindOperation(name);
      if (match.operation == nullptr) throw UnknownOperationError(model, name);
      return match;
    }
    case Protocol::kQuery: {
      std::vector<std::pair<std::string, std::string>> params;
      try {
        params = QueryParams(request);
      } catch (const InputError& e) {
        throw InputFailure(model.protocol(), e);
      }
      auto action = std::find_if(params.begin(), params.end(),
                                 [](const auto& p) { return p.first == "Action"; });
      if (action == params.end()) {
        throw ApiError(400, "MissingAction", "The request must contain the parameter Action.");
      }
      match.operation = model.FindOperation(action->second);
      if (match.operation == nullptr) throw UnknownOperationError(model, action->second);
      return match;
    }
    case Protocol::kRestJson:
    case Protocol::kRestXml: {
      if (!base::UriDecode(request.path)) {
        bool xml = model.protocol() == Protocol::kRestXml;
        throw ApiError(400, xml ? "InvalidURI" : "SerializationException",
                       "Couldn't parse the specified URI.");
      }
      auto found = MatchRestOperation(model, request);
      if (!found) throw UnknownOperationError(model, request.method + " " + request.path);
      return std::move(*found);
    }
  }
  throw UnknownOperationError(model, "");
}

Json DecodeInput(const ServiceModel& model, const OperationModel& operation,
                 const WireRequest& request, const RouteMatch* route) {
  Json input = Json::object();
  const ShapeRef* in = operation.input();
  if (in == nullptr) return input;
  const Shape& shape = *in->shape;
  try {
    switch (model.protocol()) {
      case Protocol::kJson: {
        Json body = detail::ParseJsonDocument(request.body.empty() ? "{}" : request.body);
        detail::DecodeJsonStructure(shape, body, false, &input);
        break;
      }
      case Protocol::kRestJson:
        detail::DecodeRestBindings(shape, request, route, &input);
        DecodeRestJsonBody(operation, request, &input);
        break;
      case Protocol::kRestXml:
        detail::DecodeRestBindings(shape, request, route, &input);
        DecodeRestXmlBody(operation, request, &input);
        CheckRestXmlBodyPresent(operation, request, input);
        break;
      case Protocol::kQuery:
        input = detail::DecodeQueryParams(shape, QueryParams(request));
        break;
    }
  } catch (const InputError& e) {
    throw InputFailure(model.protocol(), e);
  }
  std::vector<std::string> violations = detail::ValidateInput(shape, input);
  if (!violations.empty()) throw ValidationFailure(model.protocol(), violations);
  return input;
}

WireResponse EncodeOutput(const ServiceModel& model, const OperationModel& operation,
                          const Json& output, std::string_view request_id) {
  WireResponse response;
  response.status = operation.response_code();
  const Json value = output.is_null() ? Json::object() : output;
  try {
    if (!value.is_object()) {
      throw OutputError("output must be an object, not " + detail::DescribeJson(value));
    }
    switch (model.protocol()) {
      case Protocol::kJson:
        response.headers.Set("Content-Type", JsonContentType(model));
        response.body = operation.output() == nullptr
                            ? "{}"
                            : detail::DumpJson(detail::EncodeJsonStructure(
                                  *operation.output()->shape, value, false));
        break;
      case Protocol::kRestJson:
        if (operation.output() != nullptr) EncodeRestJson(operation, value, &response);
        break;
      case Protocol::kRestXml:
        if (operation.output() != nullptr) EncodeRestXml(model, operation, value, &response);
        break;
      case Protocol::kQuery:
        EncodeQuery(model, operation, value, request_id, &response);
        break;
    }
  } catch (const OutputError& e) {
    LOG_ERROR("handler output does not fit its shape",
              {{"service", model.name()}, {"operation", operation.name()}, {"error", e.what()}});
    return EncodeError(model,
                       ApiError(500, "InternalFailure",
                                "The server encountered an "
                                "internal error."),
                       request_id);
  }
  if (operation.output_event_stream()) {
    response.headers.Set("Content-Type", "application/vnd.amazon.eventstream");
  }
  AddRequestId(model, request_id, &response);
  return response;
}

WireResponse EncodeError(const ServiceModel& model, const ApiError& error,
                         std::string_view request_id) {
  WireResponse response;
  response.status = error.http_status();
  switch (model.protocol()) {
    case Protocol::kJson:
      response.headers.Set("Content-Type", JsonContentType(model));
      response.headers.Set("x-amzn-ErrorType", error.code());
      response.body = JsonErrorBody(model, error, true);
      break;
    case Protocol::kRestJson:
      response.headers.Set("Content-Type", "application/json");
      response.headers.Set("x-amzn-ErrorType", error.code());
      response.body = JsonErrorBody(model, error, false);
      break;
    case Protocol::kRestXml:
      response.headers.Set("Content-Type", "application/xml");
      response.body = S3ErrorBody(error, request_id);
      break;
    case Protocol::kQuery:
      response.headers.Set("Content-Type", "text/xml");
      response.body = QueryErrorBody(model, error, request_id);
      break;
  }
  for (const auto& [name, value] : error.headers()) response.headers.Add(name, value);
  AddRequestId(model, request_id, &response);
  return response;
}

ApiError UnknownOperationError(const ServiceModel& model, std::string_view name) {
  std::string n(name);
  switch (model.protocol()) {
    case Protocol::kJson:
      return ApiError(400, "UnknownOperationException",
                      n.empty() ? "Missing or malformed X-Amz-Target header."
                                : "The operation " + n + " is not supported.");
    case Protocol::kRestJson:
      return ApiError(404, "UnknownOperationException", "No operation matches " + n + ".");
    case Protocol::kRestXml:
      return ApiError(405, "MethodNotAllowed",
                      "The specified method is not allowed against this resource.");
    case Protocol::kQuery:
      break;
  }
  return ApiError(400, "InvalidAction",
                  "Could not find operation " + n + " for version " + model.api_version());
}

WireResponse UnknownOperation(const ServiceModel& model, std::string_view name,
                              std::string_view request_id) {
  return EncodeError(model, UnknownOperationError(model, name), request_id);
}

}  // namespace aws::protocol
