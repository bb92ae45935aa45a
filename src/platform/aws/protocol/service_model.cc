#include "platform/aws/protocol/service_model.h"

#include <algorithm>
#include <array>
#include <mutex>

#include "base/error.h"
#include "base/json.h"
#include "base/log.h"
#include "platform/aws/protocol/rest_router.h"

// The embedded model documents (CMakeLists.txt: unistudio_embed).
extern const std::string_view aws_model_s3;
extern const std::string_view aws_model_iam;
extern const std::string_view aws_model_sts;
extern const std::string_view aws_model_sagemaker;
extern const std::string_view aws_model_sagemaker_runtime;
extern const std::string_view aws_model_glue;
extern const std::string_view aws_model_athena;
extern const std::string_view aws_model_identitystore;
extern const std::string_view aws_model_logs;
extern const std::string_view aws_model_datazone;
extern const std::string_view aws_model_bedrock;
extern const std::string_view aws_model_bedrock_runtime;
extern const std::string_view aws_model_bedrock_agent;
extern const std::string_view aws_model_bedrock_agent_runtime;
extern const std::string_view aws_model_sso_admin;

namespace aws::protocol {

// The model document keeps its keys in model order, which is member order.
using Json = base::OrderedJson;

namespace {

constexpr std::array<std::string_view, 15> kServiceNames = {
    "athena",
    "bedrock",
    "bedrock-agent",
    "bedrock-agent-runtime",
    "bedrock-runtime",
    "datazone",
    "glue",
    "iam",
    "identitystore",
    "logs",
    "s3",
    "sagemaker",
    "sagemaker-runtime",
    "sso-admin",
    "sts",
};

const std::string_view& EmbeddedDocument(size_t index) {
  static const std::array<const std::string_view*, 15> kDocuments = {
      &aws_model_athena,
      &aws_model_bedrock,
      &aws_model_bedrock_agent,
      &aws_model_bedrock_agent_runtime,
      &aws_model_bedrock_runtime,
      &aws_model_datazone,
      &aws_model_glue,
      &aws_model_iam,
      &aws_model_identitystore,
      &aws_model_logs,
      &aws_model_s3,
      &aws_model_sagemaker,
      &aws_model_sagemaker_runtime,
      &aws_model_sso_admin,
      &aws_model_sts,
  };
  return *kDocuments[index];
}

struct Registry {
  std::array<std::once_flag, kServiceNames.size()> once;
  std::array<std::unique_ptr<ServiceModel>, kServiceNames.size()> models;
};

Registry& GetRegistry() {
  static Registry registry;
  return registry;
}

[[noreturn]] void Bad(const std::string& what) { throw base::ParseError("service model: " + what); }

const std::string& StringOr(const Json& obj, const char* key, const std::string& fallback) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_string()) Bad(std::string("'") + key + "' is not a string");
  return it->get_ref<const std::string&>();
}

bool BoolOr(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

ShapeType ParseShapeType(const std::string& type) {
  static const std::map<std::string, ShapeType, std::less<>> kTypes = {
      {"structure", ShapeType::kStructure},
      {"list", ShapeType::kList},
      {"map", ShapeType::kMap},
      {"string", ShapeType::kString},
      {"character", ShapeType::kString},
      {"integer", ShapeType::kInteger},
      {"long", ShapeType::kLong},
      {"float", ShapeType::kFloat},
      {"double", ShapeType::kDouble},
      {"boolean", ShapeType::kBoolean},
      {"timestamp", ShapeType::kTimestamp},
      {"blob", ShapeType::kBlob},
  };
  auto it = kTypes.find(type);
  if (it == kTypes.end()) Bad("unknown shape type '" + type + "'");
  return it->second;
}

TimestampFormat ParseTimestampFormat(const std::string& format) {
  if (format.empty()) return TimestampFormat::kDefault;
  if (format == "iso8601") return TimestampFormat::kIso8601;
  if (format == "unixTimestamp") return TimestampFormat::kUnixTimestamp;
  if (format == "rfc822") return TimestampFormat::kRfc822;
  Bad("unknown timestampFormat '" + format + "'");
}

Location ParseLocation(const std::string& location) {
  if (location.empty()) return Location::kBody;
  if (location == "uri") return Location::kUri;
  if (location == "querystring") return Location::kQueryString;
  if (location == "header") return Location::kHeader;
  if (location == "headers") return Location::kHeaders;
  if (location == "statusCode") return Location::kStatusCode;
  Bad("unknown location '" + location + "'");
}

// `xmlNamespace` is either a URI string or {"uri": ..., "prefix": ...}.
void ParseXmlNamespace(const Json& obj, std::string* uri, std::string* prefix) {
  auto it = obj.find("xmlNamespace");
  if (it == obj.end()) return;
  static const std::string kEmpty;
  if (it->is_string()) {
    *uri = it->get<std::string>();
  } else if (it->is_object()) {
    *uri = StringOr(*it, "uri", kEmpty);
    *prefix = StringOr(*it, "prefix", kEmpty);
  }
}

std::optional<double> NumberOr(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

// Turns a botocore model document into a ServiceModel.
class ServiceModelBuilder {
 public:
  ServiceModelBuilder(std::string_view name, const Json& doc) : name_(name), doc_(doc) {}

  std::unique_ptr<ServiceModel> Build() {
    if (!doc_.is_object()) Bad("not an object");
    model_.reset(new ServiceModel());
    model_->name_ = name_;
    ReadMetadata();
    CreateShapes();
    FillShapes();
    ReadOperations();
    if (model_->protocol_ == Protocol::kRestJson || model_->protocol_ == Protocol::kRestXml) {
      model_->routes_ = std::make_unique<RestRouteTable>(*model_);
    }
    return std::move(model_);
  }

 private:
  void ReadMetadata() {
    static const std::string kEmpty;
    auto it = doc_.find("metadata");
    if (it == doc_.end() || !it->is_object()) Bad("no metadata");
    const Json& md = *it;
    ServiceModel& m = *model_;
    m.protocol_name_ = StringOr(md, "protocol", kEmpty);
    if (m.protocol_name_ == "json") {
      m.protocol_ = Protocol::kJson;
    } else if (m.protocol_name_ == "rest-json") {
      m.protocol_ = Protocol::kRestJson;
    } else if (m.protocol_name_ == "rest-xml") {
      m.protocol_ = Protocol::kRestXml;
    } else if (m.protocol_name_ == "query") {
      m.protocol_ = Protocol::kQuery;
    } else {
      Bad("unsupported protocol '" + m.protocol_name_ + "'");
    }
    m.json_version_ = StringOr(md, "jsonVersion", m.protocol_ == Protocol::kJson ? "1.0" : "");
    m.target_prefix_ = StringOr(md, "targetPrefix", kEmpty);
    m.endpoint_prefix_ = StringOr(md, "endpointPrefix", kEmpty);
    m.signing_name_ = StringOr(md, "signingName", m.endpoint_prefix_);
    m.xml_namespace_ = StringOr(md, "xmlNamespace", kEmpty);
    m.api_version_ = StringOr(md, "apiVersion", kEmpty);
    m.service_id_ = StringOr(md, "serviceId", kEmpty);
  }

  const Json& Shapes() {
    auto it = doc_.find("shapes");
    if (it == doc_.end() || !it->is_object()) Bad("no shapes");
    return *it;
  }

  void CreateShapes() {
    static const std::string kEmpty;
    for (const auto& [name, def] : Shapes().items()) {
      if (!def.is_object()) Bad("shape " + name + " is not an object");
      auto shape = std::make_unique<Shape>(name, ParseShapeType(StringOr(def, "type", kEmpty)));
      Shape& s = *shape;
      s.location_name_ = StringOr(def, "locationName", kEmpty);
      ParseXmlNamespace(def, &s.xml_namespace_uri_, &s.xml_namespace_prefix_);
      s.timestamp_format_ = ParseTimestampFormat(StringOr(def, "timestampFormat", kEmpty));
      s.flattened_ = BoolOr(def, "flattened");
      s.sensitive_ = BoolOr(def, "sensitive");
      s.document_ = BoolOr(def, "document");
      s.union_ = BoolOr(def, "union");
      s.exception_ = BoolOr(def, "exception");
      s.event_stream_ = BoolOr(def, "eventstream");
      s.min_ = NumberOr(def, "min");
      s.max_ = NumberOr(def, "max");
      s.pattern_ = StringOr(def, "pattern", kEmpty);
      if (auto e = def.find("enum"); e != def.end() && e->is_array()) {
        for (const Json& v : *e) {
          if (v.is_string()) s.enum_values_.push_back(v.get<std::string>());
        }
      }
      if (auto e = def.find("error"); e != def.end() && e->is_object()) {
        s.error_.code = StringOr(*e, "code", kEmpty);
        if (auto st = NumberOr(*e, "httpStatusCode")) s.error_.http_status = static_cast<int>(*st);
        s.error_.sender_fault = BoolOr(*e, "senderFault");
      }
      model_->shapes_.emplace(name, std::move(shape));
    }
  }

  Shape* Target(const Json& ref, const std::string& context) {
    if (!ref.is_object()) Bad(context + ": shape reference is not an object");
    auto it = ref.find("shape");
    if (it == ref.end() || !it->is_string()) Bad(context + ": reference without a shape");
    auto found = model_->shapes_.find(it->get<std::string>());
    if (found == model_->shapes_.end()) Bad(context + ": unknown shape " + it->get<std::string>());
    return found->second.get();
  }

  // A use of a shape: the reference's traits, falling back to the shape's own.
  void FillRef(const Json& ref, const std::string& context, ShapeRef* out) {
    static const std::string kEmpty;
    const Shape* target = Target(ref, context);
    out->shape = target;
    out->location = ParseLocation(StringOr(ref, "location", kEmpty));
    out->location_name = StringOr(ref, "locationName", target->location_name_);
    out->xml_namespace_uri = target->xml_namespace_uri_;
    out->xml_namespace_prefix = target->xml_namespace_prefix_;
    ParseXmlNamespace(ref, &out->xml_namespace_uri, &out->xml_namespace_prefix);
    out->timestamp_format = target->timestamp_format_;
    if (ref.contains("timestampFormat")) {
      out->timestamp_format = ParseTimestampFormat(StringOr(ref, "timestampFormat", kEmpty));
    }
    out->flattened = ref.contains("flattened") ? BoolOr(ref, "flattened") : target->flattened_;
    out->xml_attribute = BoolOr(ref, "xmlAttribute");
    out->jsonvalue = BoolOr(ref, "jsonvalue");
    out->streaming = BoolOr(ref, "streaming");
    out->idempotency_token = BoolOr(ref, "idempotencyToken");
    out->result_wrapper = StringOr(ref, "resultWrapper", kEmpty);
    if (model_->xml_namespace_.empty() && model_->protocol_ == Protocol::kRestXml &&
        out->xml_namespace_prefix.empty()) {
      model_->xml_namespace_ = out->xml_namespace_uri;
    }
  }

  void FillShapes() {
    for (const auto& [name, def] : Shapes().items()) {
      Shape& s = *model_->shapes_.find(name)->second;
      switch (s.type_) {
        case ShapeType::kStructure:
          FillStructure(def, &s);
          break;
        case ShapeType::kList:
          if (!def.contains("member")) Bad("list " + name + " without member");
          FillRef(def["member"], name, &s.element_);
          break;
        case ShapeType::kMap:
          if (!def.contains("key") || !def.contains("value")) Bad("map " + name + " incomplete");
          FillRef(def["key"], name, &s.key_);
          FillRef(def["value"], name, &s.value_);
          break;
        default:
          break;
      }
    }
  }

  void FillStructure(const Json& def, Shape* s) {
    static const std::string kEmpty;
    auto members = def.find("members");
    if (members != def.end() && members->is_object()) {
      for (const auto& [member_name, ref] : members->items()) {
        Member m;
        m.name = member_name;
        FillRef(ref, s->name_ + "." + member_name, &m);
        s->members_.push_back(std::move(m));
      }
    }
    if (auto req = def.find("required"); req != def.end() && req->is_array()) {
      for (const Json& r : *req) {
        if (!r.is_string()) continue;
        for (Member& m : s->members_) {
          if (m.name == r.get<std::string>()) m.required = true;
        }
      }
    }
    const std::string& payload = StringOr(def, "payload", kEmpty);
    if (!payload.empty()) {
      for (size_t i = 0; i < s->members_.size(); ++i) {
        if (s->members_[i].name == payload) s->payload_index_ = static_cast<int>(i);
      }
      if (s->payload_index_ < 0) Bad(s->name_ + ": payload member " + payload + " missing");
    }
    if (s->exception_) {
      const std::string& code = s->error_.code.empty() ? s->name_ : s->error_.code;
      model_->errors_by_code_.emplace(code, s);
    }
  }

  // The payload member of a structure when it streams: a blob/string with `streaming`, or an
  // event stream.
  static bool StreamingPayload(const ShapeRef& ref, bool* event_stream) {
    const Member* payload = ref.shape->payload();
    if (payload == nullptr) return false;
    *event_stream = payload->shape->is_event_stream();
    return payload->streaming || *event_stream;
  }

  void ReadOperations() {
    static const std::string kEmpty;
    auto ops = doc_.find("operations");
    if (ops == doc_.end() || !ops->is_object()) Bad("no operations");
    for (const auto& [name, def] : ops->items()) {
      auto op = std::make_unique<OperationModel>();
      op->name_ = name;
      op->deprecated_ = BoolOr(def, "deprecated");
      if (auto http = def.find("http"); http != def.end() && http->is_object()) {
        op->http_method_ = StringOr(*http, "method", op->http_method_);
        op->request_uri_ = StringOr(*http, "requestUri", op->request_uri_);
        if (auto code = NumberOr(*http, "responseCode"))
          op->response_code_ = static_cast<int>(*code);
      }
      if (auto in = def.find("input"); in != def.end()) {
        op->input_.emplace();
        FillRef(*in, name + " input", &*op->input_);
        bool event_stream = false;
        op->input_streaming_ = StreamingPayload(*op->input_, &event_stream);
      }
      if (auto out = def.find("output"); out != def.end()) {
        op->output_.emplace();
        FillRef(*out, name + " output", &*op->output_);
        op->output_streaming_ = StreamingPayload(*op->output_, &op->output_event_stream_);
      }
      if (auto errors = def.find("errors"); errors != def.end() && errors->is_array()) {
        for (const Json& ref : *errors) op->errors_.push_back(Target(ref, name + " error"));
      }
      model_->operations_.push_back(std::move(op));
    }
    std::sort(model_->operations_.begin(), model_->operations_.end(),
              [](const auto& a, const auto& b) { return a->name_ < b->name_; });
  }

  std::string name_;
  const Json& doc_;
  std::unique_ptr<ServiceModel> model_;
};

const std::string& OperationModel::input_shape_name() const {
  static const std::string kEmpty;
  return input_ ? input_->shape->name() : kEmpty;
}

const std::string& OperationModel::output_shape_name() const {
  static const std::string kEmpty;
  return output_ ? output_->shape->name() : kEmpty;
}

ServiceModel::ServiceModel() = default;
ServiceModel::~ServiceModel() = default;

std::unique_ptr<ServiceModel> ServiceModel::Parse(std::string_view name, std::string_view json) {
  Json doc;
  try {
    doc = Json::parse(json.begin(), json.end());
  } catch (const Json::exception& e) {
    throw base::ParseError(std::string("service model: ") + e.what());
  }
  return ServiceModelBuilder(name, doc).Build();
}

const ServiceModel* ServiceModel::Find(std::string_view service) {
  auto it = std::find(kServiceNames.begin(), kServiceNames.end(), service);
  if (it == kServiceNames.end()) return nullptr;
  size_t index = static_cast<size_t>(it - kServiceNames.begin());
  Registry& registry = GetRegistry();
  std::call_once(registry.once[index], [&] {
    try {
      registry.models[index] = Parse(service, EmbeddedDocument(index));
    } catch (const base::Error& e) {
      LOG_ERROR("embedded service model unusable",
                {{"service", std::string(service)}, {"error", e.what()}});
    }
  });
  return registry.models[index].get();
}

std::span<const std::string_view> ServiceModel::Names() { return kServiceNames; }

const OperationModel* ServiceModel::FindOperation(std::string_view name) const {
  auto it = std::lower_bound(operations_.begin(), operations_.end(), name,
                             [](const auto& op, std::string_view n) { return op->name() < n; });
  return it != operations_.end() && (*it)->name() == name ? it->get() : nullptr;
}

const Shape* ServiceModel::FindShape(std::string_view name) const {
  auto it = shapes_.find(name);
  return it == shapes_.end() ? nullptr : it->second.get();
}

const Shape* ServiceModel::FindError(std::string_view code) const {
  auto it = errors_by_code_.find(code);
  return it == errors_by_code_.end() ? nullptr : it->second;
}

}  // namespace aws::protocol
