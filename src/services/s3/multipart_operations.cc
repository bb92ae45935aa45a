// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy,
// CompleteMultipartUpload, AbortMultipartUpload and ListParts.
#include <algorithm>

#include "base/strings.h"
#include "engines/storage/storage_error.h"
#include "services/s3/body_source.h"
#include "services/s3/byte_range.h"
#include "services/s3/copy_source_header.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/s3/upload_options.h"

namespace s3 {

using base::Json;

namespace {

int PartNumber(const Json& in) {
  auto it = in.find("PartNumber");
  if (it == in.end() || !it->is_number_integer() || it->get<int64_t>() < 1 ||
      it->get<int64_t>() > storage::kMaxPartNumber) {
    throw InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                          "partNumber", it == in.end() ? "" : it->dump());
  }
  return it->get<int>();
}

Json CreateMultipartUpload(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  storage::MultipartOptions o;
  o.attributes = InputAttributes(in);
  o.tags = ParseTaggingHeader(InputString(in, "Tagging"));
  o.owner = OwnerId(ctx);
  o.checksum_algorithm = InputChecksumAlgorithm(in, "ChecksumAlgorithm");
  if (auto type = OptionalString(in, "ChecksumType")) {
    o.checksum_type = storage::ParseChecksumType(*type);
    if (!o.checksum_type) throw InvalidRequest("Value for x-amz-checksum-type header is invalid.");
    if (!o.checksum_algorithm) {
      throw InvalidRequest(
          "The x-amz-checksum-type header can only be used with the "
          "x-amz-checksum-algorithm header.");
    }
  }
  if (o.checksum_algorithm &&
      !storage::MultipartSupports(
          *o.checksum_algorithm,
          o.checksum_type.value_or(storage::DefaultMultipartChecksumType(*o.checksum_algorithm)))) {
    throw InvalidRequest("The " +
                         std::string(storage::ChecksumAlgorithmName(*o.checksum_algorithm)) +
                         " checksum algorithm does not support this checksum type.");
  }
  storage::MultipartUpload u =
      s.store().CreateMultipartUpload(InputString(in, "Bucket"), InputString(in, "Key"), o);
  Json out = {{"Bucket", u.bucket}, {"Key", u.key}, {"UploadId", u.upload_id}};
  if (u.checksum_algorithm) {
    out["ChecksumAlgorithm"] = std::string(storage::ChecksumAlgorithmName(*u.checksum_algorithm));
    out["ChecksumType"] = std::string(storage::ChecksumTypeName(u.checksum_type));
  }
  return out;
}

Json UploadPart(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  BodySource body(ctx);
  storage::PartOptions o;
  o.expected_size = ctx.body().ContentLength();
  o.content_md5 = ContentMd5(in);
  o.expected_checksums = InputChecksums(in);
  int part_number = PartNumber(in);
  storage::PartInfo p = s.store().UploadPart(InputString(in, "Bucket"), InputString(in, "Key"),
                                             InputString(in, "UploadId"), part_number, body, o);
  Json out = {{"ETag", QuoteEtag(p.etag)}};
  for (const auto& [algorithm, value] : p.checksums) {
    if (algorithm != storage::ChecksumAlgorithm::kMd5) out[ChecksumMember(algorithm)] = value;
  }
  if (body.trailer_algorithm() && !p.checksums.contains(*body.trailer_algorithm())) {
    out[ChecksumMember(*body.trailer_algorithm())] = body.trailer_value();
  }
  return out;
}

Json UploadPartCopy(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  storage::CopySource source = ParseCopySource(in);
  AuthorizeCopySource(ctx, source);
  int part_number = PartNumber(in);
  std::optional<storage::ByteRange> range;
  if (auto header = OptionalString(in, "CopySourceRange")) {
    storage::ObjectInfo src = s.store().HeadObject(source.bucket, source.key, source.version_id);
    range = ParseCopySourceRange(*header, src.size);
  }
  storage::PartInfo p =
      s.store().UploadPartCopy(InputString(in, "Bucket"), InputString(in, "Key"),
                               InputString(in, "UploadId"), part_number, source, range);
  Json result = {{"ETag", QuoteEtag(p.etag)}, {"LastModified", EpochSeconds(p.last_modified)}};
  for (const auto& [algorithm, value] : p.checksums) {
    if (algorithm != storage::ChecksumAlgorithm::kMd5) result[ChecksumMember(algorithm)] = value;
  }
  Json out = {{"CopyPartResult", std::move(result)}};
  if (source.version_id) out["CopySourceVersionId"] = *source.version_id;
  return out;
}

Json CompleteMultipartUpload(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  std::string bucket = InputString(in, "Bucket");
  std::string key = InputString(in, "Key");
  std::vector<storage::CompletedPart> parts;
  if (auto mp = in.find("MultipartUpload"); mp != in.end() && mp->is_object()) {
    for (const Json& p : mp->value("Parts", Json::array())) {
      storage::CompletedPart part;
      part.part_number = p.value("PartNumber", 0);
      part.etag = UnquoteEtag(InputString(p, "ETag"));
      part.checksums = InputChecksums(p);
      parts.push_back(std::move(part));
    }
  }
  if (parts.empty()) {
    throw aws::ApiError(400, "MalformedXML",
                        "The XML you provided was not well-formed or did not validate against "
                        "our published schema");
  }
  storage::CompleteOptions o;
  o.expected_checksums = InputChecksums(in);
  if (auto it = in.find("MpuObjectSize"); it != in.end() && it->is_number_integer()) {
    o.expected_size = it->get<uint64_t>();
  }
  o.conditions = WriteConditionsOf(in);
  storage::ObjectInfo info =
      s.store().CompleteMultipartUpload(bucket, key, InputString(in, "UploadId"), parts, o);
  std::optional<std::string_view> host = ctx.http_request().headers.Get("Host");
  Json out = {{"Location", "http://" + std::string(host.value_or("localhost")) + "/" + bucket +
                               "/" + base::UriEncode(key, true)},
              {"Bucket", bucket},
              {"Key", key},
              {"ETag", QuoteEtag(info.etag)}};
  if (!info.version_id.empty() && info.version_id != storage::kNullVersionId) {
    out["VersionId"] = info.version_id;
  }
  AddChecksums(info.checksums, info.checksum_type, out);
  return out;
}

Json ListParts(ServiceState& s, const Json& in) {
  int marker = in.value("PartNumberMarker", 0);
  int max_parts = std::clamp(in.value("MaxParts", 1000), 0, 1000);
  storage::ListPartsResult r =
      s.store().ListParts(InputString(in, "Bucket"), InputString(in, "Key"),
                          InputString(in, "UploadId"), marker, static_cast<size_t>(max_parts));
  Json parts = Json::array();
  for (const storage::PartInfo& p : r.parts) {
    Json e = {{"PartNumber", p.part_number},
              {"LastModified", EpochSeconds(p.last_modified)},
              {"ETag", QuoteEtag(p.etag)},
              {"Size", p.size}};
    for (const auto& [algorithm, value] : p.checksums) {
      if (algorithm != storage::ChecksumAlgorithm::kMd5) e[ChecksumMember(algorithm)] = value;
    }
    parts.push_back(std::move(e));
  }
  Json out = {
      {"Bucket", r.upload.bucket},
      {"Key", r.upload.key},
      {"UploadId", r.upload.upload_id},
      {"PartNumberMarker", marker},
      {"MaxParts", max_parts},
      {"IsTruncated", r.is_truncated},
      {"Initiator", OwnerJson(r.upload.owner)},
      {"Owner", OwnerJson(r.upload.owner)},
      {"StorageClass", r.upload.storage_class.empty() ? "STANDARD" : r.upload.storage_class}};
  if (!parts.empty()) out["Parts"] = std::move(parts);
  if (r.is_truncated) out["NextPartNumberMarker"] = r.next_part_number_marker;
  if (r.upload.checksum_algorithm) {
    out["ChecksumAlgorithm"] =
        std::string(storage::ChecksumAlgorithmName(*r.upload.checksum_algorithm));
    out["ChecksumType"] = std::string(storage::ChecksumTypeName(r.upload.checksum_type));
  }
  return out;
}

}  // namespace

void RegisterMultipartOperations(ServiceState& s, aws::Service& svc) {
  svc.Handle("CreateMultipartUpload", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return CreateMultipartUpload(s, ctx, in);
             }))
      .Action("s3:PutObject")
      .Resource(ObjectResource);
  svc.Handle("UploadPart", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return UploadPart(s, ctx, in);
             }))
      .Action("s3:PutObject")
      .Resource(ObjectResource);
  svc.Handle("UploadPartCopy", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return UploadPartCopy(s, ctx, in);
             }))
      .Action("s3:PutObject")
      .Resource(ObjectResource);
  svc.Handle("CompleteMultipartUpload", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return CompleteMultipartUpload(s, ctx, in);
             }))
      .Action("s3:PutObject")
      .Resource(ObjectResource);
  svc.Handle("AbortMultipartUpload", Translated([&s](aws::RequestContext&, const Json& in) {
               s.store().AbortMultipartUpload(InputString(in, "Bucket"), InputString(in, "Key"),
                                              InputString(in, "UploadId"));
               return Json::object();
             }))
      .Action("s3:AbortMultipartUpload")
      .Resource(ObjectResource);
  svc.Handle("ListParts",
             Translated([&s](aws::RequestContext&, const Json& in) { return ListParts(s, in); }))
      .Action("s3:ListMultipartUploadParts")
      .Resource(ObjectResource);
}

}  // namespace s3
