#include "platform/aws/sigv4/request_signature.h"

#include <algorithm>
#include <cstdint>

#include "base/strings.h"
#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/canonical_request.h"

namespace aws::sigv4 {
namespace {

constexpr std::string_view kSigV4a = "AWS4-ECDSA-P256-SHA256";
constexpr std::string_view kCredentialShape =
    "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
constexpr std::string_view kQueryParamsRequired =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
// Client text quoted back in messages is cut to this many bytes.
constexpr size_t kMaxEcho = 256;

std::string Echo(std::string_view text) {
  if (text.size() <= kMaxEcho) return std::string(text);
  return std::string(text.substr(0, kMaxEcho)) + "...";
}

[[noreturn]] void Fail(AuthFailure kind, const std::string& message, bool presigned,
                       std::string_view access_key_id = {}) {
  AuthErrorDetails details;
  details.presigned = presigned;
  details.access_key_id = std::string(access_key_id);
  throw AuthError(kind, message, std::move(details));
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool HasNoSpaceOrControl(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; });
}

// Parses "AKID/YYYYMMDD/region/service/aws4_request" into `sig`.
void ParseCredential(std::string_view text, bool presigned, RequestSignature* sig) {
  std::string prefix = presigned ? "Error parsing the X-Amz-Credential parameter; "
                                 : "The authorization header is malformed; ";
  std::vector<std::string> parts = base::Split(text, '/');
  if (parts.size() != 5 || parts[0].empty() || parts[2].empty() || parts[3].empty() ||
      !HasNoSpaceOrControl(text)) {
    Fail(AuthFailure::kMalformedCredential,
         prefix + "the Credential is mal-formed; " + std::string(kCredentialShape), presigned);
  }
  if (parts[1].size() != 8 || !IsDigits(parts[1])) {
    Fail(AuthFailure::kMalformedCredential,
         prefix + "incorrect date format \"" + Echo(parts[1]) +
             "\". This date in the credential must be in the format \"yyyyMMdd\".",
         presigned, parts[0]);
  }
  if (parts[4] != "aws4_request") {
    Fail(AuthFailure::kMalformedCredential,
         prefix + "incorrect terminal \"" + Echo(parts[4]) +
             "\". This endpoint uses \"aws4_request\".",
         presigned, parts[0]);
  }
  sig->access_key_id = std::move(parts[0]);
  sig->date = std::move(parts[1]);
  sig->region = std::move(parts[2]);
  sig->service = std::move(parts[3]);
}

// Parses "host;x-amz-date" into lower-case names; nullopt if a name is empty.
std::optional<std::vector<std::string>> ParseSignedHeaders(std::string_view text) {
  std::vector<std::string> names = base::Split(text, ';');
  for (std::string& name : names) {
    if (name.empty() || !HasNoSpaceOrControl(name)) return std::nullopt;
    name = base::ToLower(name);
  }
  return names;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// base's date parsers map onto system_clock, whose nanosecond ticks end in 2262, so a request
// date is refused outside 1970..2199 before it is parsed. No valid request is that far off.
bool YearInRange(std::string_view year) {
  return year.size() == 4 && IsDigits(year) && year >= "1970" && year <= "2199";
}

// X-Amz-Date's instant ("20150830T123600Z").
std::optional<base::TimePoint> ParseXAmzDate(std::string_view value) {
  if (!YearInRange(value.substr(0, 4))) return std::nullopt;
  return base::ParseAmzDate(value);
}

// The Date header's instant. Besides the IMF-fixdate form, accepts the numeric zone "-0000" or
// "+0000" in place of "GMT" (Python's email.utils.formatdate, used by botocore).
std::optional<base::TimePoint> ParseDateHeader(std::string_view value) {
  if (value.size() < 16 || !YearInRange(value.substr(12, 4))) return std::nullopt;
  if (auto t = base::ParseHttpDate(value)) return t;
  if (value.size() == 31 && (value.ends_with(" -0000") || value.ends_with(" +0000"))) {
    std::string fixed(value.substr(0, 26));
    fixed += "GMT";
    return base::ParseHttpDate(fixed);
  }
  return std::nullopt;
}

void CheckCredentialDate(const RequestSignature& sig) {
  if (sig.amz_date.compare(0, 8, sig.date) != 0) {
    Fail(AuthFailure::kMalformedCredential,
         std::string(sig.presigned ? "Error parsing the X-Amz-Credential parameter; "
                                   : "The authorization header is malformed; ") +
             "Invalid credential date \"" + sig.date +
             "\". Date is not the same as X-Amz-Date: \"" + sig.amz_date.substr(0, 8) + "\".",
         sig.presigned, sig.access_key_id);
  }
}

RequestSignature FromAuthorizationHeader(std::string_view header, const http::Headers& headers) {
  std::string_view value = base::Trim(header);
  size_t space = value.find(' ');
  std::string_view scheme = value.substr(0, space);
  if (scheme.empty()) {
    Fail(AuthFailure::kIncompleteSignature, "Authorization header is empty.", false);
  }
  if (scheme == kSigV4a) {
    Fail(AuthFailure::kUnsupportedAlgorithm,
         "Signature Version 4A (AWS4-ECDSA-P256-SHA256) is not supported; sign requests with "
         "AWS4-HMAC-SHA256.",
         false);
  }
  if (scheme == "AWS") {
    Fail(AuthFailure::kUnsupportedAlgorithm,
         "Signature Version 2 is not supported; sign requests with AWS4-HMAC-SHA256.", false);
  }
  if (scheme != kAlgorithm) {
    Fail(AuthFailure::kUnsupportedAlgorithm,
         "Unsupported Authorization type '" + Echo(scheme) +
             "'; sign requests with AWS4-HMAC-SHA256.",
         false);
  }
  std::string_view rest = space == std::string_view::npos ? "" : value.substr(space + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  for (size_t start = 0; start <= rest.size();) {
    size_t comma = rest.find(',', start);
    if (comma == std::string_view::npos) comma = rest.size();
    std::string_view part = base::Trim(rest.substr(start, comma - start));
    start = comma + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      Fail(AuthFailure::kIncompleteSignature,
           "'" + Echo(part) +
               "' not a valid key=value pair (missing equal-sign) in Authorization header: '" +
               Echo(value) + "'.",
           false);
    }
    std::string_view key = base::Trim(part.substr(0, eq));
    std::string_view item = base::Trim(part.substr(eq + 1));
    std::optional<std::string_view>* slot = key == "Credential"      ? &credential
                                            : key == "SignedHeaders" ? &signed_headers
                                            : key == "Signature"     ? &signature
                                                                     : nullptr;
    if (slot == nullptr) {
      Fail(AuthFailure::kIncompleteSignature,
           "Unknown parameter '" + Echo(key) + "' in Authorization header: '" + Echo(value) + "'.",
           false);
    }
    if (slot->has_value()) {
      Fail(AuthFailure::kIncompleteSignature,
           "Authorization header has more than one '" + std::string(key) + "' parameter.", false);
    }
    if (!item.empty()) *slot = item;
  }

  std::optional<std::string_view> amz_date = headers.Get("X-Amz-Date");
  std::optional<std::string_view> http_date = headers.Get("Date");
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  bool no_date = !amz_date && !http_date;
  if (!missing.empty() || no_date) {
    std::string date_message =
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    Fail(missing.empty() ? AuthFailure::kMissingDate : AuthFailure::kIncompleteSignature,
         missing + (no_date ? date_message : "") + "Authorization=" + Echo(value), false);
  }

  RequestSignature sig;
  ParseCredential(*credential, false, &sig);
  auto names = ParseSignedHeaders(*signed_headers);
  if (!names) {
    Fail(AuthFailure::kIncompleteSignature,
         "Authorization header has a malformed 'SignedHeaders' parameter: '" +
             Echo(*signed_headers) + "'.",
         false, sig.access_key_id);
  }
  sig.signed_headers = std::move(*names);
  sig.signature = std::string(*signature);
  if (amz_date) {
    auto t = ParseXAmzDate(*amz_date);
    if (!t) {
      Fail(AuthFailure::kInvalidDate,
           "X-Amz-Date must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z'; got '" +
               Echo(*amz_date) + "'.",
           false, sig.access_key_id);
    }
    sig.request_time = *t;
    sig.amz_date = std::string(*amz_date);
  } else {
    auto t = ParseDateHeader(*http_date);
    if (!t) {
      Fail(AuthFailure::kInvalidDate,
           "The Date header must be an HTTP date such as 'Sun, 06 Nov 1994 08:49:37 GMT'; got '" +
               Echo(*http_date) + "'.",
           false, sig.access_key_id);
    }
    sig.request_time = *t;
    sig.amz_date = base::FormatAmzDate(sig.request_time);
  }
  if (!Contains(sig.signed_headers, "host")) {
    Fail(AuthFailure::kIncompleteSignature,
         "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", false,
         sig.access_key_id);
  }
  std::string_view date_header = amz_date ? "x-amz-date" : "date";
  if (!Contains(sig.signed_headers, date_header)) {
    Fail(AuthFailure::kIncompleteSignature,
         "'" + std::string(amz_date ? "X-Amz-Date" : "Date") +
             "' must be a 'SignedHeader' in the AWS Authorization.",
         false, sig.access_key_id);
  }
  CheckCredentialDate(sig);
  if (auto token = headers.Get("X-Amz-Security-Token")) sig.session_token = std::string(*token);
  return sig;
}

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The value of the one parameter called `name`; nullopt when absent. Repeats are an error.
std::optional<std::string> SingleParam(const QueryParams& params, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& [key, value] : params) {
    if (key != name) continue;
    if (found) {
      Fail(AuthFailure::kIncompleteSignature,
           "The " + std::string(name) + " parameter must not appear more than once.", true);
    }
    found = value;
  }
  return found;
}

RequestSignature FromQuery(const QueryParams& params) {
  auto algorithm = SingleParam(params, "X-Amz-Algorithm");
  if (algorithm && *algorithm == kSigV4a) {
    Fail(AuthFailure::kUnsupportedAlgorithm,
         "Signature Version 4A (AWS4-ECDSA-P256-SHA256) is not supported; sign requests with "
         "AWS4-HMAC-SHA256.",
         true);
  }
  if (algorithm && *algorithm != kAlgorithm) {
    Fail(AuthFailure::kUnsupportedAlgorithm, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".",
         true);
  }
  auto credential = SingleParam(params, "X-Amz-Credential");
  auto date = SingleParam(params, "X-Amz-Date");
  auto expires = SingleParam(params, "X-Amz-Expires");
  auto signed_headers = SingleParam(params, "X-Amz-SignedHeaders");
  auto signature = SingleParam(params, "X-Amz-Signature");
  auto token = SingleParam(params, "X-Amz-Security-Token");
  if (!algorithm || !credential || !date || !expires || !signed_headers || !signature ||
      signature->empty()) {
    Fail(AuthFailure::kIncompleteSignature, std::string(kQueryParamsRequired), true);
  }

  RequestSignature sig;
  sig.presigned = true;
  ParseCredential(*credential, true, &sig);
  auto t = ParseXAmzDate(*date);
  if (!t) {
    Fail(AuthFailure::kInvalidDate,
         "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".", true,
         sig.access_key_id);
  }
  sig.request_time = *t;
  sig.amz_date = *date;
  if (!expires->empty() && expires->front() == '-' && IsDigits(expires->substr(1))) {
    Fail(AuthFailure::kInvalidExpires, "X-Amz-Expires must be non-negative.", true,
         sig.access_key_id);
  }
  if (!IsDigits(*expires)) {
    Fail(AuthFailure::kInvalidExpires, "X-Amz-Expires should be a number.", true,
         sig.access_key_id);
  }
  int64_t seconds = 0;
  for (char c : *expires) {
    seconds = seconds * 10 + (c - '0');
    if (seconds > kMaxPresignedExpiry.count()) {
      Fail(AuthFailure::kInvalidExpires,
           "X-Amz-Expires must be less than a week (in seconds) that is 604800.", true,
           sig.access_key_id);
    }
  }
  sig.expires = std::chrono::seconds(seconds);
  auto names = ParseSignedHeaders(*signed_headers);
  if (!names) {
    Fail(AuthFailure::kIncompleteSignature,
         "X-Amz-SignedHeaders is malformed: '" + Echo(*signed_headers) + "'.", true,
         sig.access_key_id);
  }
  sig.signed_headers = std::move(*names);
  if (!Contains(sig.signed_headers, "host")) {
    Fail(AuthFailure::kIncompleteSignature,
         "'Host' must be a 'SignedHeader' in the AWS Authorization.", true, sig.access_key_id);
  }
  sig.signature = std::move(*signature);
  if (token) sig.session_token = std::move(*token);
  CheckCredentialDate(sig);
  return sig;
}

bool HasParam(const QueryParams& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(),
                     [&](const auto& param) { return param.first == name; });
}

}  // namespace

std::string RequestSignature::Scope() const { return CredentialScope(date, region, service); }

std::optional<RequestSignature> RequestSignature::Extract(const http::Request& request) {
  std::vector<std::string_view> authorization = request.headers.GetAll("Authorization");
  QueryParams params;
  if (!request.query.empty()) params = DecodeQuery(request.query);
  bool presigned = HasParam(params, "X-Amz-Algorithm") || HasParam(params, "X-Amz-Credential") ||
                   HasParam(params, "X-Amz-Signature") || HasParam(params, "X-Amz-SignedHeaders");
  bool sigv2_query = HasParam(params, "AWSAccessKeyId") && HasParam(params, "Signature");
  if (!authorization.empty() && (presigned || sigv2_query)) {
    Fail(AuthFailure::kConflictingAuth,
         "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
         "query string parameter or the Authorization header should be specified.",
         presigned);
  }
  if (authorization.size() > 1) {
    Fail(AuthFailure::kIncompleteSignature, "The request has more than one Authorization header.",
         false);
  }
  if (authorization.size() == 1) return FromAuthorizationHeader(authorization[0], request.headers);
  if (presigned) return FromQuery(params);
  if (sigv2_query) {
    Fail(AuthFailure::kUnsupportedAlgorithm,
         "Signature Version 2 is not supported; sign requests with AWS4-HMAC-SHA256.", true);
  }
  return std::nullopt;
}

}  // namespace aws::sigv4
