#include "services/s3/s3_common.h"

#include <cmath>

#include "base/crypto.h"
#include "base/strings.h"

namespace s3 {

using base::Json;
using storage::ChecksumAlgorithm;
using storage::ErrorCode;

std::string BucketArn(std::string_view bucket) { return "arn:aws:s3:::" + std::string(bucket); }

std::string ObjectArn(std::string_view bucket, std::string_view key) {
  return BucketArn(bucket) + "/" + std::string(key);
}

std::string OwnerId(const aws::RequestContext& ctx) {
  return base::HexEncode(base::Sha256("unistudio-canonical-user:" + ctx.account_id()));
}

Json OwnerJson(const std::string& owner_id) {
  return {{"ID", owner_id}, {"DisplayName", "unistudio"}};
}

std::string QuoteEtag(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

std::string UnquoteEtag(std::string_view etag) {
  etag = base::Trim(etag);
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

std::string InputString(const Json& in, const char* name) {
  auto it = in.find(name);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> OptionalString(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<base::TimePoint> OptionalTime(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_number()) return std::nullopt;
  return base::FromUnixMillis(static_cast<int64_t>(std::llround(it->get<double>() * 1000)));
}

double EpochSeconds(base::TimePoint t) { return base::ToUnixMillis(t) / 1000.0; }

namespace {

int StatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNoSuchBucket:
    case ErrorCode::kNoSuchKey:
    case ErrorCode::kNoSuchVersion:
    case ErrorCode::kNoSuchUpload:
      return 404;
    case ErrorCode::kBucketAlreadyExists:
    case ErrorCode::kBucketAlreadyOwnedByYou:
    case ErrorCode::kBucketNotEmpty:
      return 409;
    case ErrorCode::kInvalidRange:
      return 416;
    case ErrorCode::kPreconditionFailed:
      return 412;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kInternalError:
      return 500;
    default:
      return 400;
  }
}

}  // namespace

aws::ApiError ToApiError(const storage::StorageError& e, std::string_view bucket,
                         std::string_view key) {
  aws::ApiError api(StatusOf(e.code()), std::string(storage::ErrorCodeName(e.code())), e.what());
  switch (e.code()) {
    case ErrorCode::kNoSuchBucket:
    case ErrorCode::kBucketAlreadyExists:
    case ErrorCode::kBucketAlreadyOwnedByYou:
    case ErrorCode::kBucketNotEmpty:
    case ErrorCode::kInvalidBucketName:
      api.With("BucketName", std::string(bucket));
      break;
    case ErrorCode::kNoSuchKey:
    case ErrorCode::kNoSuchVersion:
      api.With("Key", std::string(key));
      break;
    default:
      break;
  }
  if (!bucket.empty()) {
    api.With("Resource", "/" + std::string(bucket) + (key.empty() ? "" : "/" + std::string(key)));
  }
  if (e.is_delete_marker()) {
    api.headers().emplace_back("x-amz-delete-marker", "true");
    api.headers().emplace_back("x-amz-version-id", *e.delete_marker_version());
    if (e.code() == ErrorCode::kMethodNotAllowed) {
      api.headers().emplace_back("Allow", "DELETE");
    }
  }
  return api;
}

aws::ApiError InvalidArgument(const std::string& message, std::string_view name,
                              std::string_view value) {
  aws::ApiError e(400, "InvalidArgument", message);
  if (!name.empty()) {
    e.With("ArgumentName", std::string(name));
    e.With("ArgumentValue", std::string(value));
  }
  return e;
}

aws::ApiError InvalidRequest(const std::string& message) {
  return aws::ApiError(400, "InvalidRequest", message);
}

const char* ChecksumMember(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return "ChecksumCRC32";
    case ChecksumAlgorithm::kCrc32c:
      return "ChecksumCRC32C";
    case ChecksumAlgorithm::kCrc64Nvme:
      return "ChecksumCRC64NVME";
    case ChecksumAlgorithm::kSha1:
      return "ChecksumSHA1";
    case ChecksumAlgorithm::kSha256:
      return "ChecksumSHA256";
    case ChecksumAlgorithm::kMd5:
      return "ChecksumMD5";
  }
  return nullptr;
}

namespace {

size_t RawChecksumSize(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      return 4;
    case ChecksumAlgorithm::kCrc64Nvme:
      return 8;
    case ChecksumAlgorithm::kSha1:
      return 20;
    case ChecksumAlgorithm::kSha256:
      return 32;
    case ChecksumAlgorithm::kMd5:
      return 16;
  }
  return 0;
}

}  // namespace

storage::Checksums InputChecksums(const Json& in) {
  storage::Checksums sums;
  for (ChecksumAlgorithm a : storage::kAllChecksumAlgorithms) {
    std::optional<std::string> value = OptionalString(in, ChecksumMember(a));
    if (!value) continue;
    std::optional<std::string> raw = base::Base64Decode(*value);
    if (!raw || raw->size() != RawChecksumSize(a)) {
      std::string header = "x-amz-checksum-" + base::ToLower(storage::ChecksumAlgorithmName(a));
      throw InvalidRequest("Value for " + header + " header is invalid.");
    }
    sums[a] = *value;
  }
  return sums;
}

std::optional<ChecksumAlgorithm> InputChecksumAlgorithm(const Json& in, const char* member) {
  std::optional<std::string> name = OptionalString(in, member);
  if (!name) return std::nullopt;
  std::optional<ChecksumAlgorithm> a = storage::ParseChecksumAlgorithm(*name);
  if (!a || ChecksumMember(*a) == nullptr) {
    throw InvalidRequest("Checksum algorithm " + *name + " is not supported.");
  }
  return a;
}

void AddChecksums(const storage::Checksums& sums, storage::ChecksumType type, Json& out) {
  bool any = false;
  for (const auto& [algorithm, value] : sums) {
    if (algorithm == ChecksumAlgorithm::kMd5) continue;
    out[ChecksumMember(algorithm)] = value;
    any = true;
  }
  if (any) out["ChecksumType"] = std::string(storage::ChecksumTypeName(type));
}

storage::ObjectAttributes InputAttributes(const Json& in) {
  storage::ObjectAttributes a;
  a.content_type = OptionalString(in, "ContentType");
  a.content_disposition = OptionalString(in, "ContentDisposition");
  a.content_language = OptionalString(in, "ContentLanguage");
  a.cache_control = OptionalString(in, "CacheControl");
  if (std::optional<std::string> encoding = OptionalString(in, "ContentEncoding")) {
    std::vector<std::string> kept;
    for (const std::string& part : base::Split(*encoding, ',')) {
      std::string coding(base::Trim(part));
      if (!coding.empty() && !base::EqualsIgnoreCase(coding, "aws-chunked")) kept.push_back(coding);
    }
    if (!kept.empty()) a.content_encoding = base::Join(kept, ",");
  }
  if (std::optional<base::TimePoint> expires = OptionalTime(in, "Expires")) {
    a.expires = base::FormatHttpDate(*expires);
  }
  if (auto it = in.find("Metadata"); it != in.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      if (value.is_string()) a.metadata[name] = value.get<std::string>();
    }
  }
  if (std::optional<std::string> cls = OptionalString(in, "StorageClass")) a.storage_class = *cls;
  if (std::optional<std::string> redirect = OptionalString(in, "WebsiteRedirectLocation")) {
    a.system["WebsiteRedirectLocation"] = *redirect;
  }
  return a;
}

void AddAttributes(const storage::ObjectAttributes& a, Json& out) {
  if (a.content_type) out["ContentType"] = *a.content_type;
  if (a.content_encoding) out["ContentEncoding"] = *a.content_encoding;
  if (a.content_disposition) out["ContentDisposition"] = *a.content_disposition;
  if (a.content_language) out["ContentLanguage"] = *a.content_language;
  if (a.cache_control) out["CacheControl"] = *a.cache_control;
  if (a.expires) {
    if (std::optional<base::TimePoint> t = base::ParseHttpDate(*a.expires)) {
      out["Expires"] = EpochSeconds(*t);
    }
  }
  if (!a.metadata.empty()) out["Metadata"] = a.metadata;
  if (a.storage_class != "STANDARD") out["StorageClass"] = a.storage_class;
  if (auto it = a.system.find("WebsiteRedirectLocation"); it != a.system.end()) {
    out["WebsiteRedirectLocation"] = it->second;
  }
}

storage::TagSet ParseTaggingHeader(std::string_view text) {
  storage::TagSet tags;
  if (text.empty()) return tags;
  auto pairs = base::ParseQueryString(text, /*plus_is_space=*/true);
  if (!pairs)
    throw InvalidArgument(
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
        "without tag name duplicates.");
  for (auto& [k, v] : *pairs) tags.push_back({std::move(k), std::move(v)});
  return tags;
}

storage::TagSet TagsFromJson(const Json& tag_set) {
  storage::TagSet tags;
  if (!tag_set.is_array()) return tags;
  for (const Json& t : tag_set) tags.push_back({InputString(t, "Key"), InputString(t, "Value")});
  return tags;
}

Json TagsToJson(const storage::TagSet& tags) {
  Json out = Json::array();
  for (const storage::Tag& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

}  // namespace s3
