// Listings: ListObjectsV2, ListObjects (v1), ListObjectVersions and ListMultipartUploads, with
// prefixes, delimiters, markers, continuation tokens, max-keys and encoding-type=url.
#include <algorithm>

#include "base/crypto.h"
#include "base/strings.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace s3 {

using base::Json;

namespace {

constexpr size_t kMaxKeys = 1000;

// encoding-type=url: keys and prefixes in the answer are URL-encoded.
class Encoder {
 public:
  explicit Encoder(const Json& in) : type_(InputString(in, "EncodingType")) {
    if (!type_.empty() && type_ != "url") {
      throw InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", type_);
    }
  }
  std::string operator()(std::string_view s) const {
    return type_.empty() ? std::string(s) : base::UriEncode(s, /*keep_slash=*/true);
  }
  void Echo(Json& out) const {
    if (!type_.empty()) out["EncodingType"] = type_;
  }

 private:
  std::string type_;
};

size_t MaxKeys(const Json& in, const char* member, const char* arg) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_number_integer()) return kMaxKeys;
  int64_t n = it->get<int64_t>();
  if (n < 0)
    throw InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", arg,
                          std::to_string(n));
  return std::min<size_t>(static_cast<size_t>(n), kMaxKeys);
}

// Common members of the request echoed in the answer.
void Echo(const Json& in, const Encoder& enc, Json& out) {
  out["Name"] = InputString(in, "Bucket");
  out["Prefix"] = enc(InputString(in, "Prefix"));
  if (auto d = OptionalString(in, "Delimiter"); d && !d->empty()) out["Delimiter"] = enc(*d);
  enc.Echo(out);
}

Json CommonPrefixes(const std::vector<std::string>& prefixes, const Encoder& enc) {
  Json out = Json::array();
  for (const std::string& p : prefixes) out.push_back({{"Prefix", enc(p)}});
  return out;
}

Json ObjectEntry(const storage::ObjectSummary& o, const Encoder& enc, bool owner) {
  Json e = {{"Key", enc(o.key)},
            {"LastModified", EpochSeconds(o.last_modified)},
            {"ETag", QuoteEtag(o.etag)},
            {"Size", o.size},
            {"StorageClass", o.storage_class.empty() ? "STANDARD" : o.storage_class}};
  if (!o.checksum_algorithms.empty()) {
    Json algorithms = Json::array();
    for (storage::ChecksumAlgorithm a : o.checksum_algorithms) {
      if (a != storage::ChecksumAlgorithm::kMd5) {
        algorithms.push_back(std::string(storage::ChecksumAlgorithmName(a)));
      }
    }
    if (!algorithms.empty()) {
      e["ChecksumAlgorithm"] = std::move(algorithms);
      e["ChecksumType"] = std::string(storage::ChecksumTypeName(o.checksum_type));
    }
  }
  if (owner) e["Owner"] = OwnerJson(o.owner);
  return e;
}

storage::ListObjectsOptions ListOptions(const Json& in, std::string start_after, size_t max_keys) {
  storage::ListObjectsOptions o;
  o.prefix = InputString(in, "Prefix");
  o.delimiter = InputString(in, "Delimiter");
  o.start_after = std::move(start_after);
  o.max_keys = max_keys;
  return o;
}

Json ListObjectsV2(ServiceState& s, const Json& in) {
  Encoder enc(in);
  size_t max_keys = MaxKeys(in, "MaxKeys", "max-keys");
  std::string start = InputString(in, "StartAfter");
  std::optional<std::string> token = OptionalString(in, "ContinuationToken");
  if (token) {
    std::optional<std::string> marker = base::Base64Decode(*token);
    if (!marker || marker->empty() || marker->front() != 'k') {
      throw InvalidArgument("The continuation token provided is incorrect", "continuation-token",
                            *token);
    }
    start = marker->substr(1);
  }
  storage::ListObjectsResult r =
      s.store().ListObjects(InputString(in, "Bucket"), ListOptions(in, start, max_keys));
  bool owner = in.value("FetchOwner", false);
  Json out = Json::object();
  Echo(in, enc, out);
  Json contents = Json::array();
  for (const storage::ObjectSummary& o : r.objects) contents.push_back(ObjectEntry(o, enc, owner));
  out["KeyCount"] = r.objects.size() + r.common_prefixes.size();
  if (!contents.empty()) out["Contents"] = std::move(contents);
  if (!r.common_prefixes.empty()) out["CommonPrefixes"] = CommonPrefixes(r.common_prefixes, enc);
  out["MaxKeys"] = max_keys;
  out["IsTruncated"] = r.is_truncated;
  if (token) out["ContinuationToken"] = *token;
  if (auto sa = OptionalString(in, "StartAfter")) out["StartAfter"] = enc(*sa);
  if (r.is_truncated) out["NextContinuationToken"] = base::Base64Encode("k" + r.next_marker);
  return out;
}

Json ListObjects(ServiceState& s, const Json& in) {
  Encoder enc(in);
  size_t max_keys = MaxKeys(in, "MaxKeys", "max-keys");
  std::string marker = InputString(in, "Marker");
  storage::ListObjectsResult r =
      s.store().ListObjects(InputString(in, "Bucket"), ListOptions(in, marker, max_keys));
  Json out = Json::object();
  Echo(in, enc, out);
  out["Marker"] = enc(marker);
  Json contents = Json::array();
  for (const storage::ObjectSummary& o : r.objects) contents.push_back(ObjectEntry(o, enc, true));
  if (!contents.empty()) out["Contents"] = std::move(contents);
  if (!r.common_prefixes.empty()) out["CommonPrefixes"] = CommonPrefixes(r.common_prefixes, enc);
  out["MaxKeys"] = max_keys;
  out["IsTruncated"] = r.is_truncated;
  if (r.is_truncated) out["NextMarker"] = enc(r.next_marker);
  return out;
}

Json ListObjectVersions(ServiceState& s, const Json& in) {
  Encoder enc(in);
  storage::ListVersionsOptions o;
  o.prefix = InputString(in, "Prefix");
  o.delimiter = InputString(in, "Delimiter");
  o.key_marker = InputString(in, "KeyMarker");
  o.version_id_marker = InputString(in, "VersionIdMarker");
  o.max_keys = MaxKeys(in, "MaxKeys", "max-keys");
  if (!o.version_id_marker.empty() && o.key_marker.empty()) {
    throw InvalidArgument("A version-id marker cannot be specified without a key marker.",
                          "version-id-marker", o.version_id_marker);
  }
  storage::ListVersionsResult r = s.store().ListObjectVersions(InputString(in, "Bucket"), o);
  Json out = Json::object();
  Echo(in, enc, out);
  out["KeyMarker"] = enc(o.key_marker);
  out["VersionIdMarker"] = o.version_id_marker;
  Json versions = Json::array();
  Json markers = Json::array();
  for (const storage::ObjectSummary& v : r.versions) {
    if (v.delete_marker) {
      markers.push_back({{"Key", enc(v.key)},
                         {"VersionId", v.version_id},
                         {"IsLatest", v.is_latest},
                         {"LastModified", EpochSeconds(v.last_modified)},
                         {"Owner", OwnerJson(v.owner)}});
      continue;
    }
    Json e = ObjectEntry(v, enc, true);
    e["VersionId"] = v.version_id;
    e["IsLatest"] = v.is_latest;
    versions.push_back(std::move(e));
  }
  if (!versions.empty()) out["Versions"] = std::move(versions);
  if (!markers.empty()) out["DeleteMarkers"] = std::move(markers);
  if (!r.common_prefixes.empty()) out["CommonPrefixes"] = CommonPrefixes(r.common_prefixes, enc);
  out["MaxKeys"] = o.max_keys;
  out["IsTruncated"] = r.is_truncated;
  if (r.is_truncated) {
    out["NextKeyMarker"] = enc(r.next_key_marker);
    out["NextVersionIdMarker"] = r.next_version_id_marker;
  }
  return out;
}

Json ListMultipartUploads(ServiceState& s, const Json& in) {
  Encoder enc(in);
  storage::ListUploadsOptions o;
  o.prefix = InputString(in, "Prefix");
  o.delimiter = InputString(in, "Delimiter");
  o.key_marker = InputString(in, "KeyMarker");
  o.upload_id_marker = InputString(in, "UploadIdMarker");
  o.max_uploads = MaxKeys(in, "MaxUploads", "max-uploads");
  std::string bucket = InputString(in, "Bucket");
  storage::ListUploadsResult r = s.store().ListMultipartUploads(bucket, o);
  Json out = {{"Bucket", bucket},
              {"KeyMarker", enc(o.key_marker)},
              {"UploadIdMarker", o.upload_id_marker},
              {"Prefix", enc(o.prefix)},
              {"MaxUploads", o.max_uploads},
              {"IsTruncated", r.is_truncated}};
  if (!o.delimiter.empty()) out["Delimiter"] = enc(o.delimiter);
  enc.Echo(out);
  Json uploads = Json::array();
  for (const storage::MultipartUpload& u : r.uploads) {
    Json e = {{"UploadId", u.upload_id},
              {"Key", enc(u.key)},
              {"Initiated", EpochSeconds(u.initiated)},
              {"StorageClass", u.storage_class.empty() ? "STANDARD" : u.storage_class},
              {"Owner", OwnerJson(u.owner)},
              {"Initiator", OwnerJson(u.owner)}};
    if (u.checksum_algorithm) {
      e["ChecksumAlgorithm"] = std::string(storage::ChecksumAlgorithmName(*u.checksum_algorithm));
      e["ChecksumType"] = std::string(storage::ChecksumTypeName(u.checksum_type));
    }
    uploads.push_back(std::move(e));
  }
  if (!uploads.empty()) out["Uploads"] = std::move(uploads);
  if (!r.common_prefixes.empty()) out["CommonPrefixes"] = CommonPrefixes(r.common_prefixes, enc);
  if (r.is_truncated) {
    out["NextKeyMarker"] = enc(r.next_key_marker);
    out["NextUploadIdMarker"] = r.next_upload_id_marker;
  }
  return out;
}

void ListConditionKeys(const aws::RequestContext&, const Json& in, auth::ContextKeys& keys) {
  keys.Set("s3:prefix", {InputString(in, "Prefix")});
  if (auto d = OptionalString(in, "Delimiter")) keys.Set("s3:delimiter", {*d});
  if (auto it = in.find("MaxKeys"); it != in.end() && it->is_number_integer()) {
    keys.Set("s3:max-keys", {std::to_string(it->get<int64_t>())});
  }
}

}  // namespace

void RegisterListOperations(ServiceState& s, aws::Service& svc) {
  svc.Handle("ListObjectsV2", Translated([&s](aws::RequestContext&, const Json& in) {
               return ListObjectsV2(s, in);
             }))
      .Action("s3:ListBucket")
      .Resource(BucketResource)
      .ConditionKeys(ListConditionKeys);
  svc.Handle("ListObjects",
             Translated([&s](aws::RequestContext&, const Json& in) { return ListObjects(s, in); }))
      .Action("s3:ListBucket")
      .Resource(BucketResource)
      .ConditionKeys(ListConditionKeys);
  svc.Handle("ListObjectVersions", Translated([&s](aws::RequestContext&, const Json& in) {
               return ListObjectVersions(s, in);
             }))
      .Action("s3:ListBucketVersions")
      .Resource(BucketResource)
      .ConditionKeys(ListConditionKeys);
  svc.Handle("ListMultipartUploads", Translated([&s](aws::RequestContext&, const Json& in) {
               return ListMultipartUploads(s, in);
             }))
      .Action("s3:ListBucketMultipartUploads")
      .Resource(BucketResource);
}

}  // namespace s3
