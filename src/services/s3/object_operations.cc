// Single-object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects,
// CopyObject and object tagging.
#include <algorithm>

#include "base/crypto.h"
#include "base/strings.h"
#include "engines/storage/storage_error.h"
#include "services/s3/body_source.h"
#include "services/s3/byte_range.h"
#include "services/s3/copy_source_header.h"
#include "services/s3/preconditions.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/s3/upload_options.h"

namespace s3 {

using base::Json;

namespace {

constexpr size_t kReadChunk = 1 << 20;

void AddVersionId(const std::string& version_id, Json& out) {
  if (!version_id.empty() && version_id != storage::kNullVersionId) out["VersionId"] = version_id;
}

// Answers once the group commit has published the object (or failed): the body is read and
// staged here, and no thread waits for the commit.
void PutObject(ServiceState& s, aws::RequestContext& ctx, const Json& in, aws::Reply reply) {
  std::string bucket = InputString(in, "Bucket");
  std::string key = InputString(in, "Key");
  BodySource body(ctx);
  storage::PutOptions o;
  o.attributes = InputAttributes(in);
  o.tags = ParseTaggingHeader(InputString(in, "Tagging"));
  o.owner = OwnerId(ctx);
  o.expected_size = ctx.body().ContentLength();
  o.content_md5 = ContentMd5(in);
  o.expected_checksums = InputChecksums(in);
  o.checksum_algorithms = UploadChecksumAlgorithms(in, body);
  o.conditions = WriteConditionsOf(in);
  s.store().PutObjectAsync(bucket, key, body, o,
                           [reply = std::move(reply)](storage::PutOutcome outcome) {
                             reply([outcome = std::move(outcome)] {
                               if (outcome.error) std::rethrow_exception(outcome.error);
                               const storage::ObjectInfo& info = outcome.info;
                               Json out = {{"ETag", QuoteEtag(info.etag)}};
                               AddVersionId(info.version_id, out);
                               AddChecksums(info.checksums, info.checksum_type, out);
                               return out;
                             });
                           });
}

// The headers GetObject and HeadObject answer with.
Json ObjectHeaders(const storage::ObjectInfo& info, const Json& in) {
  Json out = {{"ETag", QuoteEtag(info.etag)},
              {"LastModified", EpochSeconds(info.last_modified)},
              {"AcceptRanges", "bytes"}};
  AddAttributes(info.attributes, out);
  AddVersionId(info.version_id, out);
  if (info.tag_count > 0) out["TagCount"] = info.tag_count;
  static constexpr std::pair<const char*, const char*> kOverrides[] = {
      {"ResponseCacheControl", "CacheControl"},
      {"ResponseContentDisposition", "ContentDisposition"},
      {"ResponseContentEncoding", "ContentEncoding"},
      {"ResponseContentLanguage", "ContentLanguage"},
      {"ResponseContentType", "ContentType"}};
  for (const auto& [from, to] : kOverrides) {
    if (auto v = OptionalString(in, from)) out[to] = *v;
  }
  if (auto it = in.find("ResponseExpires"); it != in.end() && it->is_number()) out["Expires"] = *it;
  return out;
}

// GetObject and HeadObject: the same answer, with or without the bytes.
void ReadObject(ServiceState& s, aws::RequestContext& ctx, const Json& in, bool with_body) {
  std::string bucket = InputString(in, "Bucket");
  std::string key = InputString(in, "Key");
  storage::ObjectReader reader = s.store().GetObject(bucket, key, OptionalString(in, "VersionId"));
  const storage::ObjectInfo& info = reader.info();
  CheckReadPreconditions(in, info);
  Json out = ObjectHeaders(info, in);
  std::optional<storage::ByteRange> range;
  if (auto part = in.find("PartNumber"); part != in.end() && part->is_number_integer()) {
    int n = part->get<int>();
    const std::vector<storage::ObjectPart>& parts = reader.parts();
    if (parts.empty() ? n != 1 : (n < 1 || n > static_cast<int>(parts.size()))) {
      throw aws::ApiError(416, "InvalidPartNumber", "The requested partnumber is not satisfiable")
          .With("PartNumberRequested", std::to_string(n))
          .With("ActualPartCount", std::to_string(std::max<size_t>(parts.size(), 1)));
    }
    if (!parts.empty()) {
      const storage::ObjectPart& p = parts[n - 1];
      if (p.size > 0) range = storage::ByteRange{p.offset, p.offset + p.size - 1};
      out["PartsCount"] = static_cast<int>(parts.size());
    } else if (info.size > 0) {
      range = storage::ByteRange{0, info.size - 1};
    }
  } else if (auto header = OptionalString(in, "Range")) {
    range = ParseRange(*header, info.size);
  }
  bool whole =
      !range || (range->first == 0 && range->last + 1 == info.size && !in.contains("PartNumber"));
  if (whole && InputString(in, "ChecksumMode") == "ENABLED") {
    AddChecksums(info.checksums, info.checksum_type, out);
  }
  uint64_t first = range ? range->first : 0;
  uint64_t length = range ? range->last - range->first + 1 : info.size;
  int status = 0;
  if (range) {
    out["ContentRange"] = ContentRange(*range, info.size);
    status = 206;
  }
  ctx.BeginStreamingOutput(out, length, status);
  if (with_body && length > 0) {
    std::unique_ptr<storage::ByteSource> source = reader.OpenRange(first, length);
    std::string buf(std::min<uint64_t>(length, kReadChunk), '\0');
    while (size_t n = source->Read(buf.data(), buf.size())) {
      ctx.response().Write(std::string_view(buf.data(), n));
    }
  }
  ctx.response().End();
}

Json DeleteObject(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  if (in.contains("IfMatch") || in.contains("IfMatchSize") ||
      in.contains("IfMatchLastModifiedTime")) {
    throw aws::ApiError(501, "NotImplemented", "Conditional deletes are not supported.");
  }
  storage::DeleteResult r =
      s.store().DeleteObject(InputString(in, "Bucket"), InputString(in, "Key"),
                             OptionalString(in, "VersionId"), OwnerId(ctx));
  Json out = Json::object();
  if (r.delete_marker) out["DeleteMarker"] = true;
  if (!r.version_id.empty() && (r.delete_marker || r.version_id != storage::kNullVersionId)) {
    out["VersionId"] = r.version_id;
  }
  return out;
}

Json DeleteObjects(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  std::string bucket = InputString(in, "Bucket");
  const Json& del = in.at("Delete");
  const Json objects = del.value("Objects", Json::array());
  if (objects.empty() || objects.size() > 1000) {
    throw aws::ApiError(400, "MalformedXML",
                        "The XML you provided was not well-formed or did not validate against "
                        "our published schema");
  }
  bool quiet = del.value("Quiet", false);
  Json errors = Json::array();
  std::vector<storage::ObjectIdentifier> allowed;
  for (const Json& o : objects) {
    storage::ObjectIdentifier id{InputString(o, "Key"), OptionalString(o, "VersionId")};
    try {
      ctx.Authorize(id.version_id ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
                    ObjectArn(bucket, id.key), in);
      allowed.push_back(std::move(id));
    } catch (const aws::ApiError& e) {
      Json err = {{"Key", id.key}, {"Code", e.code()}, {"Message", e.message()}};
      if (id.version_id) err["VersionId"] = *id.version_id;
      errors.push_back(std::move(err));
    }
  }
  Json deleted = Json::array();
  if (!allowed.empty()) {
    for (const storage::DeleteOutcome& r : s.store().DeleteObjects(bucket, allowed, OwnerId(ctx))) {
      if (r.error_code) {
        Json err = {{"Key", r.object.key}, {"Code", *r.error_code}, {"Message", r.error_message}};
        if (r.object.version_id) err["VersionId"] = *r.object.version_id;
        errors.push_back(std::move(err));
        continue;
      }
      if (quiet) continue;
      Json d = {{"Key", r.object.key}};
      if (r.object.version_id) d["VersionId"] = *r.object.version_id;
      if (r.result && r.result->delete_marker) {
        d["DeleteMarker"] = true;
        d["DeleteMarkerVersionId"] = r.result->version_id;
      }
      deleted.push_back(std::move(d));
    }
  }
  Json out = Json::object();
  if (!deleted.empty()) out["Deleted"] = std::move(deleted);
  if (!errors.empty()) out["Errors"] = std::move(errors);
  return out;
}

Json CopyObject(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  std::string bucket = InputString(in, "Bucket");
  std::string key = InputString(in, "Key");
  storage::CopySource source = ParseCopySource(in);
  AuthorizeCopySource(ctx, source);
  storage::CopyOptions o;
  o.owner = OwnerId(ctx);
  std::string metadata_directive = InputString(in, "MetadataDirective");
  std::string tagging_directive = InputString(in, "TaggingDirective");
  if (!metadata_directive.empty() && metadata_directive != "COPY" &&
      metadata_directive != "REPLACE") {
    throw InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive",
                          metadata_directive);
  }
  if (!tagging_directive.empty() && tagging_directive != "COPY" && tagging_directive != "REPLACE") {
    throw InvalidArgument("Unknown tagging directive.", "x-amz-tagging-directive",
                          tagging_directive);
  }
  if (metadata_directive == "REPLACE") o.attributes = InputAttributes(in);
  if (tagging_directive == "REPLACE") o.tags = ParseTaggingHeader(InputString(in, "Tagging"));
  if (auto a = InputChecksumAlgorithm(in, "ChecksumAlgorithm")) o.checksum_algorithms = {*a};
  o.conditions = WriteConditionsOf(in);
  if (source.bucket == bucket && source.key == key && !source.version_id &&
      metadata_directive != "REPLACE" && o.checksum_algorithms.empty() &&
      !in.contains("StorageClass") && !in.contains("WebsiteRedirectLocation")) {
    throw InvalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without "
        "changing the object's metadata, storage class, website redirect location or encryption "
        "attributes.");
  }
  storage::ObjectInfo info = s.store().CopyObject(source, bucket, key, o);
  Json result = {{"ETag", QuoteEtag(info.etag)},
                 {"LastModified", EpochSeconds(info.last_modified)}};
  AddChecksums(info.checksums, info.checksum_type, result);
  Json out = {{"CopyObjectResult", std::move(result)}};
  AddVersionId(info.version_id, out);
  if (source.version_id) out["CopySourceVersionId"] = *source.version_id;
  return out;
}

Json TaggingOutput(const std::string& version_id, Json out) {
  AddVersionId(version_id, out);
  return out;
}

}  // namespace

void RegisterObjectOperations(ServiceState& s, aws::Service& svc) {
  svc.Async("PutObject",
            TranslatedAsync([&s](aws::RequestContext& ctx, const Json& in, aws::Reply reply) {
              PutObject(s, ctx, in, std::move(reply));
            }))
      .Action("s3:PutObject")
      .Resource(ObjectResource)
      .ConditionKeys([](const aws::RequestContext&, const Json& in, auth::ContextKeys& keys) {
        if (auto acl = OptionalString(in, "ACL")) keys.Set("s3:x-amz-acl", {*acl});
      });
  svc.Stream("GetObject", TranslatedStream([&s](aws::RequestContext& ctx, const Json& in) {
               ReadObject(s, ctx, in, true);
             }))
      .Action(VersionedAction("s3:GetObject", "s3:GetObjectVersion"))
      .Resource(ObjectResource);
  svc.Stream("HeadObject", TranslatedStream([&s](aws::RequestContext& ctx, const Json& in) {
               ReadObject(s, ctx, in, false);
             }))
      .Action(VersionedAction("s3:GetObject", "s3:GetObjectVersion"))
      .Resource(ObjectResource);
  svc.Handle("DeleteObject", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return DeleteObject(s, ctx, in);
             }))
      .Action(VersionedAction("s3:DeleteObject", "s3:DeleteObjectVersion"))
      .Resource(ObjectResource);
  svc.Handle("DeleteObjects", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return DeleteObjects(s, ctx, in);
             }))
      .HandlerAuthorizes()
      .Resource(BucketResource);
  svc.Handle("CopyObject", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return CopyObject(s, ctx, in);
             }))
      .Action("s3:PutObject")
      .Resource(ObjectResource);
  svc.Handle("PutObjectTagging", Translated([&s](aws::RequestContext&, const Json& in) {
               storage::TagSet tags = TagsFromJson(in.at("Tagging").value("TagSet", Json::array()));
               return TaggingOutput(
                   s.store().PutObjectTagging(InputString(in, "Bucket"), InputString(in, "Key"),
                                              OptionalString(in, "VersionId"), tags),
                   Json::object());
             }))
      .Action(VersionedAction("s3:PutObjectTagging", "s3:PutObjectVersionTagging"))
      .Resource(ObjectResource);
  svc.Handle("GetObjectTagging", Translated([&s](aws::RequestContext&, const Json& in) {
               storage::TaggingResult r =
                   s.store().GetObjectTagging(InputString(in, "Bucket"), InputString(in, "Key"),
                                              OptionalString(in, "VersionId"));
               return TaggingOutput(r.version_id, {{"TagSet", TagsToJson(r.tags)}});
             }))
      .Action(VersionedAction("s3:GetObjectTagging", "s3:GetObjectVersionTagging"))
      .Resource(ObjectResource);
  svc.Handle("DeleteObjectTagging", Translated([&s](aws::RequestContext&, const Json& in) {
               return TaggingOutput(
                   s.store().DeleteObjectTagging(InputString(in, "Bucket"), InputString(in, "Key"),
                                                 OptionalString(in, "VersionId")),
                   Json::object());
             }))
      .Action(VersionedAction("s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"))
      .Resource(ObjectResource);
}

}  // namespace s3
