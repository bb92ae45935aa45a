// Browser access to buckets: CORS preflights (OPTIONS, answered from the bucket's CORS rules
// without authentication), Access-Control-* headers on the answers to cross-origin requests,
// and POST uploads of HTML forms signed with a policy document (SigV4 POST policy), which are
// authenticated here against the credential provider and then authorized as s3:PutObject.
#include <algorithm>

#include "base/crypto.h"
#include "base/strings.h"
#include "engines/storage/storage_error.h"
#include "platform/aws/sigv4/signing_key.h"
#include "services/s3/form_data_reader.h"
#include "services/s3/post_policy.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace s3 {

using base::Json;

namespace {

constexpr size_t kMaxFieldBytes = 64 * 1024;
constexpr size_t kMaxFormFieldsBytes = 256 * 1024;

// The bucket of a routed path "/bucket" or "/bucket/"; empty for anything else.
std::string PathBucket(std::string_view path) {
  if (path.empty() || path.front() != '/') return "";
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty() || path.find('/') != std::string_view::npos) return "";
  return base::UriDecode(path).value_or("");
}

std::vector<std::string> RequestedHeaders(const http::Request& req) {
  std::vector<std::string> out;
  for (std::string_view value : req.headers.GetAll("Access-Control-Request-Headers")) {
    for (const std::string& h : base::Split(value, ',')) {
      std::string name = base::ToLower(base::Trim(h));
      if (!name.empty()) out.push_back(name);
    }
  }
  return out;
}

void Preflight(ServiceState& s, aws::RequestContext& ctx) {
  const http::Request& req = ctx.http_request();
  std::optional<std::string_view> origin = req.headers.Get("Origin");
  std::optional<std::string_view> method = req.headers.Get("Access-Control-Request-Method");
  if (!origin || !method) {
    throw aws::ApiError(400, "BadRequest",
                        "Insufficient information. Origin request header needed.");
  }
  std::string_view path = ctx.routed_path();
  path.remove_prefix(std::min<size_t>(path.size(), 1));
  std::string bucket = base::UriDecode(path.substr(0, path.find('/'))).value_or("");
  std::shared_ptr<const CorsRules> rules = bucket.empty() ? nullptr : s.Cors(bucket);
  if (!rules) {
    throw aws::ApiError(403, "AccessForbidden",
                        "CORSResponse: CORS is not enabled for this bucket.")
        .With("Method", std::string(*method))
        .With("ResourceType", "BUCKET");
  }
  std::vector<std::string> headers = RequestedHeaders(req);
  const CorsRules::Rule* rule = rules->Match(*origin, *method, headers);
  if (rule == nullptr) {
    throw aws::ApiError(403, "AccessForbidden",
                        "CORSResponse: This CORS request is not allowed. This is usually because "
                        "the evalution of Origin, request method / Access-Control-Request-Method "
                        "or Access-Control-Request-Headers are not whitelisted by the resource's "
                        "CORS spec.")
        .With("Method", std::string(*method))
        .With("ResourceType", "OBJECT");
  }
  CorsRules::AddHeaders(*rule, *origin, true, headers, ctx.response().headers());
  ctx.response().SetStatus(200);
  ctx.response().Send("");
}

// The form's file part as a ByteSource, held to the policy's content-length-range.
class FileSource : public storage::ByteSource {
 public:
  FileSource(FormDataReader& form, std::optional<std::pair<uint64_t, uint64_t>> range)
      : form_(form), range_(range) {}
  size_t Read(char* buf, size_t n) override {
    size_t got = form_.Read(buf, n);
    total_ += got;
    if (range_ && total_ > range_->second) {
      throw aws::ApiError(400, "EntityTooLarge",
                          "Your proposed upload exceeds the maximum allowed size")
          .With("MaxSizeAllowed", std::to_string(range_->second));
    }
    if (got == 0 && range_ && total_ < range_->first) {
      throw aws::ApiError(400, "EntityTooSmall",
                          "Your proposed upload is smaller than the minimum allowed size")
          .With("MinSizeAllowed", std::to_string(range_->first));
    }
    return got;
  }

 private:
  FormDataReader& form_;
  std::optional<std::pair<uint64_t, uint64_t>> range_;
  uint64_t total_ = 0;
};

std::string Field(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

// Verifies the SigV4 POST signature over the policy and sets the caller on `ctx`; returns the
// parsed policy.
PostPolicy Authenticate(aws::RequestContext& ctx, const std::map<std::string, std::string>& fields,
                        const std::string& bucket) {
  std::string policy_text = Field(fields, "policy");
  if (Field(fields, "x-amz-algorithm") != "AWS4-HMAC-SHA256") {
    throw InvalidArgument("Only AWS4-HMAC-SHA256 is supported for POST policy signatures",
                          "x-amz-algorithm", Field(fields, "x-amz-algorithm"));
  }
  std::vector<std::string> scope = base::Split(Field(fields, "x-amz-credential"), '/');
  if (scope.size() != 5 || scope[3] != "s3" || scope[4] != "aws4_request") {
    throw InvalidArgument("Invalid credential scope", "x-amz-credential",
                          Field(fields, "x-amz-credential"));
  }
  std::optional<aws::Credentials> creds = ctx.credentials()->Lookup(scope[0]);
  if (!creds || !creds->active) {
    throw aws::ApiError(403, "InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not exist in our records.")
        .With("AWSAccessKeyId", scope[0]);
  }
  if (!base::ConstantTimeEqual(Field(fields, "x-amz-security-token"), creds->session_token)) {
    throw aws::ApiError(403, "InvalidToken",
                        "The provided token is malformed or otherwise invalid.");
  }
  std::string expected = aws::sigv4::SignatureHex(
      aws::sigv4::DeriveSigningKey(creds->secret_access_key, scope[1], scope[2], "s3"),
      policy_text);
  if (!base::ConstantTimeEqual(expected, base::ToLower(Field(fields, "x-amz-signature")))) {
    throw aws::ApiError(403, "SignatureDoesNotMatch",
                        "The request signature we calculated does not match the signature you "
                        "provided. Check your key and signing method.");
  }
  if (creds->expiration && *creds->expiration < base::Now()) {
    throw aws::ApiError(400, "ExpiredToken", "The provided token has expired.");
  }
  ctx.set_principal(creds->principal);
  ctx.set_session_policy(creds->session_policy);
  PostPolicy policy = PostPolicy::Parse(policy_text);
  policy.Check(fields, bucket, base::Now());
  return policy;
}

storage::ObjectAttributes FormAttributes(const std::map<std::string, std::string>& fields,
                                         const std::map<std::string, std::string>& original) {
  storage::ObjectAttributes a;
  auto set = [&](const char* name, std::optional<std::string>& slot) {
    if (auto it = fields.find(name); it != fields.end()) slot = it->second;
  };
  set("content-type", a.content_type);
  set("content-encoding", a.content_encoding);
  set("content-disposition", a.content_disposition);
  set("content-language", a.content_language);
  set("cache-control", a.cache_control);
  set("expires", a.expires);
  for (const auto& [name, value] : original) {
    std::string lower = base::ToLower(name);
    if (lower.rfind("x-amz-meta-", 0) == 0) a.metadata[lower.substr(11)] = value;
  }
  return a;
}

void PostObject(ServiceState& s, aws::RequestContext& ctx) {
  std::string bucket = PathBucket(ctx.routed_path());
  AddCorsHeaders(s, ctx, bucket);
  std::string boundary =
      FormDataReader::BoundaryOf(ctx.http_request().headers.Get("Content-Type").value_or(""));
  FormDataReader form(ctx.body(), boundary);
  std::map<std::string, std::string> fields;    // lower-case names
  std::map<std::string, std::string> original;  // names as sent
  size_t total = 0;
  FormDataReader::Part part;
  bool file = false;
  while (form.NextPart(&part)) {
    if (base::ToLower(part.name) == "file") {
      file = true;
      break;
    }
    std::string value = form.ReadAll(kMaxFieldBytes);
    total += part.name.size() + value.size();
    if (total > kMaxFormFieldsBytes) {
      throw aws::ApiError(400, "MaxPostPreDataLengthExceeded",
                          "Your POST request fields preceeding the upload file was too large.");
    }
    fields[base::ToLower(part.name)] = value;
    original[part.name] = value;
  }
  if (!file) {
    throw InvalidArgument("POST requires exactly one file upload per request.", "file", "0");
  }
  std::string key = Field(fields, "key");
  if (key.empty()) {
    throw InvalidArgument(
        "Bucket POST must contain a field named 'key'.  If it is specified, "
        "please check the order of the fields.",
        "key", "");
  }
  if (size_t at = key.find("${filename}"); at != std::string::npos) {
    key.replace(at, 11, part.filename);
  }
  std::optional<std::pair<uint64_t, uint64_t>> range;
  if (fields.contains("policy")) {
    range = Authenticate(ctx, fields, bucket).length_range();
  } else if (fields.contains("x-amz-signature")) {
    throw InvalidArgument("Bucket POST must contain a policy when it is signed", "policy", "");
  }
  if (fields.contains("tagging")) {
    throw aws::ApiError(501, "NotImplemented", "Tagging POST uploads is not supported.");
  }
  ctx.Authorize("s3:PutObject", ObjectArn(bucket, key), Json{{"Bucket", bucket}});

  storage::PutOptions o;
  o.attributes = FormAttributes(fields, original);
  if (!o.attributes.content_type && !part.content_type.empty()) {
    o.attributes.content_type = part.content_type;
  }
  o.owner = ctx.principal().is_anonymous() ? "" : OwnerId(ctx);
  FileSource source(form, range);
  storage::ObjectInfo info;
  try {
    info = s.store().PutObject(bucket, key, source, o);
  } catch (const storage::StorageError& e) {
    throw ToApiError(e, bucket, key);
  }
  std::optional<std::string_view> host = ctx.http_request().headers.Get("Host");
  std::string location = "http://" + std::string(host.value_or("localhost")) + "/" + bucket + "/" +
                         base::UriEncode(key, true);
  http::ResponseWriter& res = ctx.response();
  res.headers().Set("ETag", QuoteEtag(info.etag));
  res.headers().Set("Location", location);
  if (info.version_id != storage::kNullVersionId) {
    res.headers().Set("x-amz-version-id", info.version_id);
  }
  std::string redirect = Field(fields, "success_action_redirect");
  std::string status = Field(fields, "success_action_status");
  if (!redirect.empty()) {
    std::string sep = redirect.find('?') == std::string::npos ? "?" : "&";
    res.headers().Set("Location", redirect + sep + "bucket=" + base::UriEncode(bucket) +
                                      "&key=" + base::UriEncode(key) +
                                      "&etag=" + base::UriEncode(QuoteEtag(info.etag)));
    res.SetStatus(303);
    res.Send("");
  } else if (status == "201") {
    res.SetStatus(201);
    res.headers().Set("Content-Type", "application/xml");
    res.Send("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>" +
             base::XmlEscape(location) + "</Location><Bucket>" + base::XmlEscape(bucket) +
             "</Bucket><Key>" + base::XmlEscape(key) + "</Key><ETag>" +
             base::XmlEscape(QuoteEtag(info.etag)) + "</ETag></PostResponse>");
  } else {
    res.SetStatus(status == "200" ? 200 : 204);
    res.Send("");
  }
}

}  // namespace

void AddCorsHeaders(ServiceState& s, aws::RequestContext& ctx, const std::string& bucket) {
  std::optional<std::string_view> origin = ctx.http_request().headers.Get("Origin");
  if (!origin || bucket.empty()) return;
  std::shared_ptr<const CorsRules> rules = s.Cors(bucket);
  if (!rules) return;
  if (const CorsRules::Rule* rule = rules->Match(*origin, ctx.http_request().method, {})) {
    CorsRules::AddHeaders(*rule, *origin, false, {}, ctx.response().headers());
  }
}

void RegisterBrowserOperations(ServiceState& s, aws::Service& svc) {
  svc.Raw(
      "PreflightRequest",
      [](const http::Request& req, std::string_view) { return req.method == "OPTIONS"; },
      [&s](aws::RequestContext& ctx, const Json&) { Preflight(s, ctx); });
  svc.Raw(
      "PostObject",
      [](const http::Request& req, std::string_view path) {
        return req.method == "POST" && !PathBucket(path).empty() &&
               !FormDataReader::BoundaryOf(req.headers.Get("Content-Type").value_or("")).empty();
      },
      [&s](aws::RequestContext& ctx, const Json&) { PostObject(s, ctx); });
}

}  // namespace s3
