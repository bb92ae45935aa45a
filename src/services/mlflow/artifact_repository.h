// The artifacts of a tracking server, stored as objects in the project's S3 through the
// storage engine (in-process): `mlflow-artifacts:/<path>` URIs resolve under the server's
// ArtifactStoreUri (s3://bucket/prefix), `s3://bucket/key` URIs to themselves. Lists a
// directory one level deep (objects are files, common prefixes directories), streams files
// in and out, deletes files or whole directories, and runs multipart uploads. Storage errors
// become MlflowError (RESOURCE_DOES_NOT_EXIST for a missing bucket, file or upload;
// INVALID_PARAMETER_VALUE for bad parts or keys). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engines/storage/object_store.h"
#include "services/mlflow/entities.h"

namespace mlflow {

// An object key or key prefix (no trailing slash; empty for a bucket's root).
struct ArtifactLocation {
  std::string bucket;
  std::string key;

  // The location of `relative` (a checked relative path) inside this one.
  ArtifactLocation Child(const std::string& relative) const;
  std::string S3Uri() const { return "s3://" + bucket + "/" + key; }
};

class ArtifactRepository {
 public:
  explicit ArtifactRepository(storage::ObjectStore& objects) : objects_(objects) {}

  // Where `uri` lives for a server whose artifact store is `store_uri`. INVALID_PARAMETER_VALUE
  // for schemes other than mlflow-artifacts: and s3://.
  static ArtifactLocation Resolve(const std::string& store_uri, const std::string& uri);
  // s3://bucket/prefix of an ArtifactStoreUri; nullopt when it is not one.
  static std::optional<ArtifactLocation> ParseS3Uri(const std::string& uri);

  // The files and directories directly inside `dir`, by name; paths are names relative to
  // `dir`. Empty when nothing is there.
  std::vector<FileInfo> List(const ArtifactLocation& dir);
  storage::ObjectReader Open(const ArtifactLocation& file);
  void Put(const ArtifactLocation& file, storage::ByteSource& body, std::optional<uint64_t> size,
           const std::string& content_type);
  // Deletes the file, or everything under the directory.
  void Delete(const ArtifactLocation& path);

  std::string CreateMultipartUpload(const ArtifactLocation& file);
  // Returns the part's ETag.
  std::string UploadPart(const ArtifactLocation& file, const std::string& upload_id,
                         int part_number, storage::ByteSource& body, std::optional<uint64_t> size);
  void CompleteMultipartUpload(const ArtifactLocation& file, const std::string& upload_id,
                               const std::vector<std::pair<int, std::string>>& parts);
  void AbortMultipartUpload(const ArtifactLocation& file, const std::string& upload_id);

 private:
  storage::ObjectStore& objects_;
};

}  // namespace mlflow
