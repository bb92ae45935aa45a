#include "services/s3/s3_service.h"

#include <cstdlib>

#include "engines/storage/storage_error.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/s3/service_state.h"

namespace s3 {

using base::Json;

aws::JsonHandler Translated(aws::JsonHandler handler) {
  return [handler = std::move(handler)](aws::RequestContext& ctx, const Json& in) {
    try {
      return handler(ctx, in);
    } catch (const storage::StorageError& e) {
      throw ToApiError(e, InputString(in, "Bucket"), InputString(in, "Key"));
    }
  };
}

aws::StreamHandler TranslatedStream(aws::StreamHandler handler) {
  return [handler = std::move(handler)](aws::RequestContext& ctx, const Json& in) {
    try {
      handler(ctx, in);
    } catch (const storage::StorageError& e) {
      throw ToApiError(e, InputString(in, "Bucket"), InputString(in, "Key"));
    }
  };
}

aws::AsyncHandler TranslatedAsync(aws::AsyncHandler handler) {
  return
      [handler = std::move(handler)](aws::RequestContext& ctx, const Json& in, aws::Reply reply) {
        auto translate = [bucket = InputString(in, "Bucket"),
                          key = InputString(in, "Key")](const std::function<Json()>& fn) {
          try {
            return fn();
          } catch (const storage::StorageError& e) {
            throw ToApiError(e, bucket, key);
          }
        };
        translate([&] {
          handler(ctx, in, [reply = std::move(reply), translate](std::function<Json()> output) {
            reply([translate, output = std::move(output)] { return translate(output); });
          });
          return Json();
        });
      };
}

std::string BucketResource(const aws::RequestContext&, const Json& in) {
  return BucketArn(InputString(in, "Bucket"));
}

std::string ObjectResource(const aws::RequestContext&, const Json& in) {
  return ObjectArn(InputString(in, "Bucket"), InputString(in, "Key"));
}

aws::ActionFn VersionedAction(std::string plain, std::string versioned) {
  return [plain = std::move(plain), versioned = std::move(versioned)](const aws::RequestContext&,
                                                                      const Json& in) {
    return in.contains("VersionId") ? versioned : plain;
  };
}

namespace {

S3Options WithEnvironment(S3Options options) {
  if (const char* ms = std::getenv("UNISTUDIO_S3_SWEEP_INTERVAL_MS")) {
    long value = std::strtol(ms, nullptr, 10);
    if (value > 0) options.sweep_interval = std::chrono::milliseconds(value);
  }
  return options;
}

}  // namespace

S3Service::S3Service(storage::ObjectStore& store, S3Options options)
    : state_(std::make_unique<ServiceState>(store, WithEnvironment(std::move(options)))) {}

S3Service::~S3Service() { state_->StopSweeper(); }

void S3Service::StartLifecycleSweeper() { state_->StartSweeper(); }

std::unique_ptr<aws::Service> S3Service::MakeService() {
  auto svc = std::make_unique<aws::Service>("s3", "s3");
  ServiceState& s = *state_;
  svc->set_route_path([&s](const http::Request& req) { return s.virtual_host().RoutePath(req); });
  svc->set_resource_policy([&s](const aws::RequestContext&, const Json& in) {
    std::string bucket = InputString(in, "Bucket");
    return bucket.empty() ? nullptr : s.Policy(bucket);
  });
  svc->set_request_hook([&s](aws::RequestContext& ctx, const Json& in) {
    AddCorsHeaders(s, ctx, InputString(in, "Bucket"));
  });
  RegisterBucketOperations(s, *svc);
  RegisterObjectOperations(s, *svc);
  RegisterListOperations(s, *svc);
  RegisterMultipartOperations(s, *svc);
  RegisterBrowserOperations(s, *svc);
  return svc;
}

}  // namespace s3
