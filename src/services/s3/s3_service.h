// The S3 API (rest-xml) over the object storage engine: buckets with versioning, tags, CORS,
// policies and lifecycle rules; objects with ranges, preconditions, checksums, copies and
// tags; multipart uploads; listings; presigned URLs (verified by the dispatcher) and browser
// POST uploads with a signed policy (verified here). Bucket policies are the service's
// resource policies, so the dispatcher evaluates them together with IAM.
//
//   s3::S3Service s3(object_store, {});
//   dispatcher.Register(s3.MakeService());
//   s3.StartLifecycleSweeper();
//
// Requests are addressed path-style (/bucket/key) or virtual-hosted (Host bucket.localhost or
// bucket.s3.<anything>), which is rewritten to path style before routing. Object bodies stream
// both ways; no object is ever held whole in memory.
//
// Thread-safe: handlers run concurrently; parsed bucket policies and CORS rules are cached and
// dropped when the bucket's configuration changes. The service must outlive the dispatcher's
// use of it and be destroyed before the ObjectStore.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engines/storage/object_store.h"
#include "platform/aws/service.h"

namespace s3 {

class ServiceState;

struct S3Options {
  // Host names under which `<bucket>.<domain>` addresses a bucket virtual-hosted style, in
  // addition to `<bucket>.s3.<anything>`.
  std::vector<std::string> base_domains = {"localhost"};
  // How often lifecycle rules are applied (UNISTUDIO_S3_SWEEP_INTERVAL_MS overrides it).
  std::chrono::milliseconds sweep_interval = std::chrono::hours(1);
};

class S3Service {
 public:
  S3Service(storage::ObjectStore& store, S3Options options);
  ~S3Service();
  S3Service(const S3Service&) = delete;
  S3Service& operator=(const S3Service&) = delete;

  // The service to register with the dispatcher; it refers to this object.
  std::unique_ptr<aws::Service> MakeService();
  // Starts the background thread that applies the buckets' lifecycle rules.
  void StartLifecycleSweeper();

 private:
  std::unique_ptr<ServiceState> state_;
};

}  // namespace s3
