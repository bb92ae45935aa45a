// Bucket operations: create, head, delete, list, location, versioning, and the configuration
// documents (tagging, CORS, policy, lifecycle) kept with the bucket in the object store.
#include "base/strings.h"
#include "engines/storage/storage_error.h"
#include "platform/auth/policy.h"
#include "services/s3/cors_rules.h"
#include "services/s3/lifecycle_config.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace s3 {

using base::Json;

namespace {

// A bucket configuration stored as a JSON document (botocore member form) under `name`.
struct ConfigKind {
  const char* name;        // "cors"
  const char* put;         // "PutBucketCors"
  const char* get;         // "GetBucketCors"
  const char* del;         // "DeleteBucketCors"
  const char* payload;     // input member holding the document: "CORSConfiguration"
  const char* field;       // the member of the document stored: "CORSRules"
  const char* put_action;  // "s3:PutBucketCORS"
  const char* get_action;  // "s3:GetBucketCORS"
  const char* del_action;  // "s3:PutBucketCORS"
  const char* missing_code;
  const char* missing_message;
};

constexpr ConfigKind kConfigs[] = {
    {"cors", "PutBucketCors", "GetBucketCors", "DeleteBucketCors", "CORSConfiguration", "CORSRules",
     "s3:PutBucketCORS", "s3:GetBucketCORS", "s3:PutBucketCORS", "NoSuchCORSConfiguration",
     "The CORS configuration does not exist"},
    {"tagging", "PutBucketTagging", "GetBucketTagging", "DeleteBucketTagging", "Tagging", "TagSet",
     "s3:PutBucketTagging", "s3:GetBucketTagging", "s3:PutBucketTagging", "NoSuchTagSet",
     "The TagSet does not exist"},
    {"lifecycle", "PutBucketLifecycleConfiguration", "GetBucketLifecycleConfiguration",
     "DeleteBucketLifecycle", "LifecycleConfiguration", "Rules", "s3:PutLifecycleConfiguration",
     "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "NoSuchLifecycleConfiguration",
     "The lifecycle configuration does not exist"},
};

// Checks a configuration document before it is stored.
void ValidateConfig(const ConfigKind& kind, const Json& value) {
  std::string name = kind.name;
  if (name == "cors") {
    CorsRules::FromJson(value);
  } else if (name == "lifecycle") {
    ParseLifecycleRules(value);
  } else if (name == "tagging") {
    storage::TagSet tags = TagsFromJson(value);
    if (tags.size() > 50) throw InvalidRequest("Object tags cannot be greater than 50");
    for (size_t i = 0; i < tags.size(); ++i) {
      if (tags[i].key.empty() || tags[i].key.size() > 128 || tags[i].value.size() > 256) {
        throw aws::ApiError(400, "InvalidTag",
                            "The TagKey or TagValue you have provided is invalid");
      }
      for (size_t j = 0; j < i; ++j) {
        if (tags[i].key == tags[j].key) {
          throw aws::ApiError(400, "InvalidTag", "Cannot provide multiple Tags with the same key");
        }
      }
    }
  }
}

void RegisterConfig(ServiceState& s, aws::Service& svc, const ConfigKind& kind) {
  svc.Handle(kind.put, Translated([&s, &kind](aws::RequestContext&, const Json& in) {
               std::string bucket = InputString(in, "Bucket");
               Json value = in.at(kind.payload).value(kind.field, Json::array());
               ValidateConfig(kind, value);
               s.store().PutBucketConfig(bucket, kind.name, value.dump());
               s.Invalidate(bucket);
               return Json::object();
             }))
      .Action(kind.put_action)
      .Resource(BucketResource);
  svc.Handle(kind.get, Translated([&s, &kind](aws::RequestContext&, const Json& in) {
               std::string bucket = InputString(in, "Bucket");
               std::optional<std::string> doc = s.store().GetBucketConfig(bucket, kind.name);
               if (!doc) {
                 throw aws::ApiError(404, kind.missing_code, kind.missing_message)
                     .With("BucketName", bucket);
               }
               return Json{{kind.field, Json::parse(*doc)}};
             }))
      .Action(kind.get_action)
      .Resource(BucketResource);
  svc.Handle(kind.del, Translated([&s, &kind](aws::RequestContext&, const Json& in) {
               std::string bucket = InputString(in, "Bucket");
               s.store().DeleteBucketConfig(bucket, kind.name);
               s.Invalidate(bucket);
               return Json::object();
             }))
      .Action(kind.del_action)
      .Resource(BucketResource);
}

Json CreateBucket(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  std::string bucket = InputString(in, "Bucket");
  std::string region = ctx.region();
  if (auto cfg = in.find("CreateBucketConfiguration"); cfg != in.end() && cfg->is_object()) {
    std::string constraint = InputString(*cfg, "LocationConstraint");
    if (!constraint.empty() && constraint != region) {
      throw aws::ApiError(400, "IllegalLocationConstraintException",
                          "The " + constraint +
                              " location constraint is incompatible for the region specific "
                              "endpoint this request was sent to.");
    }
    if (constraint == "us-east-1") {
      throw aws::ApiError(400, "InvalidLocationConstraint",
                          "The specified location-constraint is not valid")
          .With("LocationConstraint", constraint);
    }
  } else if (region != "us-east-1") {
    throw aws::ApiError(400, "IllegalLocationConstraintException",
                        "The unspecified location constraint is incompatible for the region "
                        "specific endpoint this request was sent to.");
  }
  s.store().CreateBucket(bucket, region, OwnerId(ctx));
  s.Invalidate(bucket);
  return {{"Location", "/" + bucket}};
}

Json ListBuckets(ServiceState& s, aws::RequestContext& ctx, const Json& in) {
  storage::BucketListOptions o;
  o.prefix = InputString(in, "Prefix");
  if (auto token = OptionalString(in, "ContinuationToken")) {
    std::optional<std::string> after = base::Base64Decode(*token);
    if (!after) throw InvalidArgument("The continuation token provided is incorrect");
    o.start_after = *after;
  }
  if (auto it = in.find("MaxBuckets"); it != in.end() && it->is_number_integer()) {
    int64_t n = it->get<int64_t>();
    if (n < 1 || n > 10000) throw InvalidArgument("MaxBuckets must be between 1 and 10000");
    o.max_buckets = static_cast<size_t>(n);
  }
  std::string region_filter = InputString(in, "BucketRegion");
  storage::BucketListResult r = s.store().ListBuckets(o);
  Json buckets = Json::array();
  for (const storage::BucketInfo& b : r.buckets) {
    if (!region_filter.empty() && b.region != region_filter) continue;
    buckets.push_back(
        {{"Name", b.name}, {"CreationDate", EpochSeconds(b.created)}, {"BucketRegion", b.region}});
  }
  Json out = {{"Buckets", std::move(buckets)}, {"Owner", OwnerJson(OwnerId(ctx))}};
  if (!o.prefix.empty()) out["Prefix"] = o.prefix;
  if (r.is_truncated && !r.buckets.empty()) {
    out["ContinuationToken"] = base::Base64Encode(r.buckets.back().name);
  }
  return out;
}

Json PutBucketPolicy(ServiceState& s, const Json& in) {
  std::string bucket = InputString(in, "Bucket");
  std::string text = InputString(in, "Policy");
  try {
    auth::Policy::Parse(text, auth::PolicyKind::kResource);
  } catch (const auth::PolicyError& e) {
    throw aws::ApiError(400, "MalformedPolicy", e.what());
  }
  s.store().PutBucketConfig(bucket, "policy", text);
  s.Invalidate(bucket);
  return Json::object();
}

}  // namespace

void RegisterBucketOperations(ServiceState& s, aws::Service& svc) {
  svc.Handle("CreateBucket", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return CreateBucket(s, ctx, in);
             }))
      .Action("s3:CreateBucket")
      .Resource(BucketResource);
  svc.Handle("HeadBucket", Translated([&s](aws::RequestContext&, const Json& in) {
               storage::BucketInfo b = s.store().GetBucket(InputString(in, "Bucket"));
               return Json{{"BucketRegion", b.region}, {"BucketArn", BucketArn(b.name)}};
             }))
      .Action("s3:ListBucket")
      .Resource(BucketResource);
  svc.Handle("DeleteBucket", Translated([&s](aws::RequestContext&, const Json& in) {
               std::string bucket = InputString(in, "Bucket");
               s.store().DeleteBucket(bucket);
               s.Invalidate(bucket);
               return Json::object();
             }))
      .Action("s3:DeleteBucket")
      .Resource(BucketResource);
  svc.Handle("ListBuckets", Translated([&s](aws::RequestContext& ctx, const Json& in) {
               return ListBuckets(s, ctx, in);
             }))
      .Action("s3:ListAllMyBuckets");
  svc.Handle("GetBucketLocation", Translated([&s](aws::RequestContext&, const Json& in) {
               storage::BucketInfo b = s.store().GetBucket(InputString(in, "Bucket"));
               Json out = Json::object();
               if (b.region != "us-east-1") out["LocationConstraint"] = b.region;
               return out;
             }))
      .Action("s3:GetBucketLocation")
      .Resource(BucketResource);
  svc.Handle("PutBucketVersioning", Translated([&s](aws::RequestContext&, const Json& in) {
               std::string status = InputString(in.at("VersioningConfiguration"), "Status");
               if (status != "Enabled" && status != "Suspended") {
                 throw aws::ApiError(400, "MalformedXML",
                                     "The XML you provided was not well-formed or did not validate "
                                     "against our published schema");
               }
               s.store().SetVersioning(InputString(in, "Bucket"),
                                       status == "Enabled" ? storage::VersioningState::kEnabled
                                                           : storage::VersioningState::kSuspended);
               return Json::object();
             }))
      .Action("s3:PutBucketVersioning")
      .Resource(BucketResource);
  svc.Handle("GetBucketVersioning", Translated([&s](aws::RequestContext&, const Json& in) {
               storage::BucketInfo b = s.store().GetBucket(InputString(in, "Bucket"));
               Json out = Json::object();
               if (b.versioning == storage::VersioningState::kEnabled) out["Status"] = "Enabled";
               if (b.versioning == storage::VersioningState::kSuspended)
                 out["Status"] = "Suspended";
               return out;
             }))
      .Action("s3:GetBucketVersioning")
      .Resource(BucketResource);
  svc.Handle("PutBucketPolicy", Translated([&s](aws::RequestContext&, const Json& in) {
               return PutBucketPolicy(s, in);
             }))
      .Action("s3:PutBucketPolicy")
      .Resource(BucketResource);
  svc.Handle("GetBucketPolicy", Translated([&s](aws::RequestContext&, const Json& in) {
               std::string bucket = InputString(in, "Bucket");
               std::optional<std::string> doc = s.store().GetBucketConfig(bucket, "policy");
               if (!doc) {
                 throw aws::ApiError(404, "NoSuchBucketPolicy", "The bucket policy does not exist")
                     .With("BucketName", bucket);
               }
               return Json{{"Policy", *doc}};
             }))
      .Action("s3:GetBucketPolicy")
      .Resource(BucketResource);
  svc.Handle("DeleteBucketPolicy", Translated([&s](aws::RequestContext&, const Json& in) {
               std::string bucket = InputString(in, "Bucket");
               s.store().DeleteBucketConfig(bucket, "policy");
               s.Invalidate(bucket);
               return Json::object();
             }))
      .Action("s3:DeleteBucketPolicy")
      .Resource(BucketResource);
  for (const ConfigKind& kind : kConfigs) RegisterConfig(s, svc, kind);
}

}  // namespace s3
