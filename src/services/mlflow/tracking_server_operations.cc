#include "services/mlflow/tracking_server_operations.h"

#include <algorithm>

#include "base/time.h"
#include "engines/storage/storage_error.h"
#include "platform/aws/api_error.h"
#include "services/mlflow/artifact_repository.h"
#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

constexpr const char* kDefaultMlflowVersion = "2.16.2";
constexpr size_t kMaxTrackingServers = 100;

aws::ApiError ResourceNotFound(const std::string& name) {
  return aws::ApiError(400, "ResourceNotFound",
                       "Tracking server with name " + name + " does not exist.");
}
aws::ApiError Conflict(const std::string& message) {
  return aws::ApiError(400, "ConflictException", message);
}
aws::ApiError Validation(const std::string& message) {
  return aws::ApiError(400, "ValidationException", message);
}

std::string Str(const base::Json& in, const char* name, const std::string& fallback = "") {
  auto it = in.find(name);
  return it != in.end() && it->is_string() ? it->get<std::string>() : fallback;
}

double NowSeconds() { return base::ToUnixSecondsDouble(base::Now()); }

base::Json UserContext(const aws::RequestContext& ctx) {
  return {
      {"IamIdentity", {{"Arn", ctx.principal().arn}, {"PrincipalId", ctx.principal().user_id}}}};
}

std::string ServerArn(const aws::RequestContext& ctx, const base::Json& in) {
  return ctx.Arn("sagemaker", "mlflow-tracking-server/" + Str(in, "TrackingServerName"));
}

// The artifact store must be an s3:// URI whose bucket exists in the project's storage.
void CheckArtifactStore(storage::ObjectStore& objects, const std::string& uri) {
  std::optional<ArtifactLocation> loc = ArtifactRepository::ParseS3Uri(uri);
  if (!loc) {
    throw Validation("ArtifactStoreUri must be an s3://bucket/prefix URI; got " + uri);
  }
  try {
    objects.GetBucket(loc->bucket);
  } catch (const storage::StorageError& e) {
    if (e.code() == storage::ErrorCode::kNoSuchBucket) {
      throw Validation("The S3 bucket " + loc->bucket +
                       " of ArtifactStoreUri does not exist; create it first.");
    }
    throw;
  }
}

TrackingServerRecord MustFind(TrackingServers& servers, const base::Json& in) {
  std::string name = Str(in, "TrackingServerName");
  std::optional<TrackingServerRecord> s = servers.Find(name);
  if (!s) throw ResourceNotFound(name);
  return *s;
}

base::Json Summary(const TrackingServerRecord& s) {
  return {{"TrackingServerArn", s.arn},       {"TrackingServerName", s.name},
          {"CreationTime", s.created},        {"LastModifiedTime", s.modified},
          {"TrackingServerStatus", s.status}, {"IsActive", s.stopped() ? "Inactive" : "Active"},
          {"MlflowVersion", s.mlflow_version}};
}

}  // namespace

std::string RequestBaseUrl(const http::Request& request, const std::string& fallback) {
  std::optional<std::string_view> host = request.headers.Get("Host");
  if (!host || host->empty()) return fallback;
  std::string scheme =
      request.headers.Get("X-Forwarded-Proto").value_or("") == "https" ? "https" : "http";
  return scheme + "://" + std::string(*host);
}

void AddTrackingServerOperations(aws::Service& svc, TrackingServers& servers,
                                 storage::ObjectStore& objects,
                                 std::function<std::string()> listen_url) {
  svc.Handle("CreateMlflowTrackingServer",
             [&servers, &objects](aws::RequestContext& ctx, const base::Json& in) {
               if (servers.List().size() >= kMaxTrackingServers) {
                 throw aws::ApiError(400, "ResourceLimitExceeded",
                                     "The account already has " +
                                         std::to_string(kMaxTrackingServers) +
                                         " tracking servers.");
               }
               TrackingServerRecord s;
               s.name = Str(in, "TrackingServerName");
               s.arn = ServerArn(ctx, in);
               s.artifact_store_uri = Str(in, "ArtifactStoreUri");
               CheckArtifactStore(objects, s.artifact_store_uri);
               s.size = Str(in, "TrackingServerSize", "Small");
               s.mlflow_version = Str(in, "MlflowVersion", kDefaultMlflowVersion);
               if (s.mlflow_version.empty()) s.mlflow_version = kDefaultMlflowVersion;
               s.role_arn = Str(in, "RoleArn");
               s.automatic_model_registration = in.value("AutomaticModelRegistration", false);
               s.maintenance_window = Str(in, "WeeklyMaintenanceWindowStart", "Tue:03:30");
               s.status = "Created";
               if (in.contains("S3BucketOwnerAccountId")) {
                 s.bucket_owner_account = Str(in, "S3BucketOwnerAccountId");
               }
               if (in.contains("S3BucketOwnerVerification")) {
                 s.bucket_owner_verification = in.value("S3BucketOwnerVerification", false);
               }
               s.tags = in.value("Tags", base::Json::array());
               s.created_by = s.modified_by = UserContext(ctx);
               s.created = s.modified = NowSeconds();
               try {
                 s = servers.Create(s);
               } catch (const MlflowError&) {
                 throw aws::ApiError(400, "ResourceLimitExceeded",
                                     "A tracking server named " + s.name + " already exists.");
               }
               return base::Json{{"TrackingServerArn", s.arn}};
             })
      .Resource(ServerArn);

  svc.Handle("DescribeMlflowTrackingServer",
             [&servers, listen_url](aws::RequestContext& ctx, const base::Json& in) {
               TrackingServerRecord s = MustFind(servers, in);
               base::Json out = Summary(s);
               out.erase("CreationTime");
               out.erase("LastModifiedTime");
               out.update({{"ArtifactStoreUri", s.artifact_store_uri},
                           {"TrackingServerSize", s.size},
                           {"RoleArn", s.role_arn},
                           {"TrackingServerUrl", RequestBaseUrl(ctx.http_request(), listen_url()) +
                                                     "/_mlflow/" + s.name},
                           {"WeeklyMaintenanceWindowStart", s.maintenance_window},
                           {"AutomaticModelRegistration", s.automatic_model_registration},
                           {"CreationTime", s.created},
                           {"CreatedBy", s.created_by},
                           {"LastModifiedTime", s.modified},
                           {"LastModifiedBy", s.modified_by}});
               if (s.bucket_owner_account) out["S3BucketOwnerAccountId"] = *s.bucket_owner_account;
               if (s.bucket_owner_verification) {
                 out["S3BucketOwnerVerification"] = *s.bucket_owner_verification;
               }
               return out;
             })
      .Resource(ServerArn);

  svc.Handle("ListMlflowTrackingServers", [&servers](aws::RequestContext&, const base::Json& in) {
    std::vector<TrackingServerRecord> all = servers.List();
    double after = in.value("CreatedAfter", 0.0);
    double before = in.value("CreatedBefore", 1e18);
    std::string status = Str(in, "TrackingServerStatus");
    std::string version = Str(in, "MlflowVersion");
    std::erase_if(all, [&](const TrackingServerRecord& s) {
      return s.created <= after || s.created >= before || (!status.empty() && s.status != status) ||
             (!version.empty() && s.mlflow_version != version);
    });
    std::string sort_by = Str(in, "SortBy", "CreationTime");
    bool ascending = Str(in, "SortOrder", "Descending") == "Ascending";
    std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
      if (sort_by == "Name") return ascending ? a.name < b.name : a.name > b.name;
      if (sort_by == "Status") return ascending ? a.status < b.status : a.status > b.status;
      return ascending ? a.created < b.created : a.created > b.created;
    });
    size_t start = 0;
    if (std::string token = Str(in, "NextToken"); !token.empty()) {
      try {
        start = std::stoul(token);
      } catch (const std::exception&) {
        throw Validation("Invalid NextToken.");
      }
    }
    size_t max = static_cast<size_t>(std::clamp<int64_t>(in.value("MaxResults", 10), 1, 100));
    base::Json out = {{"TrackingServerSummaries", base::Json::array()}};
    for (size_t i = start; i < all.size() && i < start + max; ++i) {
      out["TrackingServerSummaries"].push_back(Summary(all[i]));
    }
    if (start + max < all.size()) out["NextToken"] = std::to_string(start + max);
    return out;
  });

  svc.Handle("UpdateMlflowTrackingServer",
             [&servers, &objects](aws::RequestContext& ctx, const base::Json& in) {
               TrackingServerRecord s = MustFind(servers, in);
               if (in.contains("ArtifactStoreUri")) {
                 s.artifact_store_uri = Str(in, "ArtifactStoreUri");
                 CheckArtifactStore(objects, s.artifact_store_uri);
               }
               if (in.contains("TrackingServerSize")) s.size = Str(in, "TrackingServerSize");
               if (in.contains("AutomaticModelRegistration")) {
                 s.automatic_model_registration = in.value("AutomaticModelRegistration", false);
               }
               if (in.contains("WeeklyMaintenanceWindowStart")) {
                 s.maintenance_window = Str(in, "WeeklyMaintenanceWindowStart");
               }
               if (in.contains("S3BucketOwnerAccountId")) {
                 s.bucket_owner_account = Str(in, "S3BucketOwnerAccountId");
               }
               if (in.contains("S3BucketOwnerVerification")) {
                 s.bucket_owner_verification = in.value("S3BucketOwnerVerification", false);
               }
               if (!s.stopped()) s.status = "Updated";
               s.modified_by = UserContext(ctx);
               s.modified = NowSeconds();
               servers.Save(s);
               return base::Json{{"TrackingServerArn", s.arn}};
             })
      .Resource(ServerArn);

  svc.Handle("DeleteMlflowTrackingServer",
             [&servers](aws::RequestContext&, const base::Json& in) {
               TrackingServerRecord s = MustFind(servers, in);
               if (!servers.Delete(s.name)) throw ResourceNotFound(s.name);
               return base::Json{{"TrackingServerArn", s.arn}};
             })
      .Resource(ServerArn);

  auto set_running = [&servers](bool run) {
    return [&servers, run](aws::RequestContext& ctx, const base::Json& in) {
      TrackingServerRecord s = MustFind(servers, in);
      if (run != s.stopped()) {
        throw Conflict("Tracking server " + s.name +
                       (run ? " is not stopped." : " is already stopped."));
      }
      s.status = run ? "Started" : "Stopped";
      s.modified_by = UserContext(ctx);
      s.modified = NowSeconds();
      servers.Save(s);
      return base::Json{{"TrackingServerArn", s.arn}};
    };
  };
  svc.Handle("StartMlflowTrackingServer", set_running(true)).Resource(ServerArn);
  svc.Handle("StopMlflowTrackingServer", set_running(false)).Resource(ServerArn);

  svc.Handle("CreatePresignedMlflowTrackingServerUrl",
             [&servers, listen_url](aws::RequestContext& ctx, const base::Json& in) {
               TrackingServerRecord s = MustFind(servers, in);
               if (s.stopped()) throw Conflict("Tracking server " + s.name + " is stopped.");
               if (ctx.principal().access_key_id.empty()) {
                 throw Validation("A presigned URL needs a caller signed with an access key.");
               }
               int64_t expires = in.value("ExpiresInSeconds", 300);
               int64_t session = in.value("SessionExpirationDurationInSeconds", 43200);
               if (expires < 5 || expires > 300) {
                 throw Validation("ExpiresInSeconds must be between 5 and 300.");
               }
               if (session < 1800 || session > 43200) {
                 throw Validation(
                     "SessionExpirationDurationInSeconds must be between 1800 and "
                     "43200.");
               }
               std::string token =
                   servers.IssueToken(s.id, "url", ctx.principal().access_key_id, expires, session);
               return base::Json{
                   {"AuthorizedUrl", RequestBaseUrl(ctx.http_request(), listen_url()) +
                                         "/_mlflow/" + s.name + "/auth?authToken=" + token}};
             })
      .Resource(ServerArn);
}

}  // namespace mlflow
