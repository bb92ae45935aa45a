#include "services/mlflow/artifact_repository.h"

#include "engines/storage/storage_error.h"
#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.front() == '/') s.erase(0, 1);
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

[[noreturn]] void Translate(const storage::StorageError& e, const ArtifactLocation& where) {
  using storage::ErrorCode;
  switch (e.code()) {
    case ErrorCode::kNoSuchBucket:
      throw NotFound("The artifact store bucket " + where.bucket + " does not exist.");
    case ErrorCode::kNoSuchKey:
    case ErrorCode::kNoSuchVersion:
      throw NotFound("No artifact at " + where.key);
    case ErrorCode::kNoSuchUpload:
      throw NotFound("No multipart upload with that id for " + where.key);
    case ErrorCode::kIncompleteBody:
      throw MlflowError("BAD_REQUEST", e.what());
    case ErrorCode::kInternalError:
      throw MlflowError("INTERNAL_ERROR", "The artifact store failed; please retry.");
    default:
      throw InvalidParameter(e.what());
  }
}

}  // namespace

ArtifactLocation ArtifactLocation::Child(const std::string& relative) const {
  std::string rel = TrimSlashes(relative);
  if (rel.empty()) return *this;
  return ArtifactLocation{bucket, key.empty() ? rel : key + "/" + rel};
}

std::optional<ArtifactLocation> ArtifactRepository::ParseS3Uri(const std::string& uri) {
  if (!uri.starts_with("s3://")) return std::nullopt;
  std::string rest = uri.substr(5);
  size_t slash = rest.find('/');
  ArtifactLocation loc{rest.substr(0, slash),
                       slash == std::string::npos ? "" : TrimSlashes(rest.substr(slash + 1))};
  if (loc.bucket.empty()) return std::nullopt;
  return loc;
}

ArtifactLocation ArtifactRepository::Resolve(const std::string& store_uri, const std::string& uri) {
  if (uri.starts_with("mlflow-artifacts:")) {
    std::optional<ArtifactLocation> root = ParseS3Uri(store_uri);
    if (!root) throw InvalidParameter("The tracking server's artifact store is not an s3:// URI.");
    std::string path = uri.substr(17);
    // mlflow-artifacts://host:port/path carries a host before the path.
    if (path.starts_with("//")) {
      size_t slash = path.find('/', 2);
      path = slash == std::string::npos ? "" : path.substr(slash);
    }
    return root->Child(path);
  }
  if (std::optional<ArtifactLocation> s3 = ParseS3Uri(uri)) return *s3;
  throw InvalidParameter("Artifacts at '" + uri +
                         "' cannot be served: only mlflow-artifacts:/ and s3:// locations are "
                         "supported.");
}

std::vector<FileInfo> ArtifactRepository::List(const ArtifactLocation& dir) {
  std::vector<FileInfo> out;
  storage::ListObjectsOptions opts;
  opts.prefix = dir.key.empty() ? "" : dir.key + "/";
  opts.delimiter = "/";
  try {
    while (true) {
      storage::ListObjectsResult r = objects_.ListObjects(dir.bucket, opts);
      // Objects and prefixes each come sorted; merge them into one sorted listing.
      size_t i = 0, j = 0;
      while (i < r.objects.size() || j < r.common_prefixes.size()) {
        bool take_dir = j < r.common_prefixes.size() &&
                        (i == r.objects.size() || r.common_prefixes[j] < r.objects[i].key);
        if (take_dir) {
          std::string name = r.common_prefixes[j++].substr(opts.prefix.size());
          name.pop_back();
          out.push_back(FileInfo{name, true, std::nullopt});
        } else {
          const storage::ObjectSummary& o = r.objects[i++];
          std::string name = o.key.substr(opts.prefix.size());
          if (name.empty()) continue;  // a "directory marker" object
          out.push_back(FileInfo{name, false, static_cast<int64_t>(o.size)});
        }
      }
      if (!r.is_truncated) break;
      opts.start_after = r.next_marker;
    }
  } catch (const storage::StorageError& e) {
    if (e.code() == storage::ErrorCode::kNoSuchBucket) return out;
    Translate(e, dir);
  }
  return out;
}

storage::ObjectReader ArtifactRepository::Open(const ArtifactLocation& file) {
  try {
    return objects_.GetObject(file.bucket, file.key);
  } catch (const storage::StorageError& e) {
    Translate(e, file);
  }
}

void ArtifactRepository::Put(const ArtifactLocation& file, storage::ByteSource& body,
                             std::optional<uint64_t> size, const std::string& content_type) {
  if (file.key.empty()) throw InvalidParameter("Invalid path");
  storage::PutOptions opts;
  opts.expected_size = size;
  if (!content_type.empty()) opts.attributes.content_type = content_type;
  try {
    objects_.PutObject(file.bucket, file.key, body, opts);
  } catch (const storage::StorageError& e) {
    Translate(e, file);
  }
}

void ArtifactRepository::Delete(const ArtifactLocation& path) {
  try {
    std::vector<storage::ObjectIdentifier> keys;
    if (!path.key.empty()) keys.push_back({path.key, std::nullopt});
    storage::ListObjectsOptions opts;
    opts.prefix = path.key.empty() ? "" : path.key + "/";
    while (true) {
      storage::ListObjectsResult r = objects_.ListObjects(path.bucket, opts);
      for (const storage::ObjectSummary& o : r.objects) keys.push_back({o.key, std::nullopt});
      if (!r.is_truncated) break;
      opts.start_after = r.next_marker;
    }
    for (size_t i = 0; i < keys.size(); i += 1000) {
      std::vector<storage::ObjectIdentifier> chunk(
          keys.begin() + static_cast<ptrdiff_t>(i),
          keys.begin() + static_cast<ptrdiff_t>(std::min(keys.size(), i + 1000)));
      objects_.DeleteObjects(path.bucket, chunk);
    }
  } catch (const storage::StorageError& e) {
    Translate(e, path);
  }
}

std::string ArtifactRepository::CreateMultipartUpload(const ArtifactLocation& file) {
  if (file.key.empty()) throw InvalidParameter("Invalid path");
  try {
    return objects_.CreateMultipartUpload(file.bucket, file.key, storage::MultipartOptions{})
        .upload_id;
  } catch (const storage::StorageError& e) {
    Translate(e, file);
  }
}

std::string ArtifactRepository::UploadPart(const ArtifactLocation& file,
                                           const std::string& upload_id, int part_number,
                                           storage::ByteSource& body,
                                           std::optional<uint64_t> size) {
  storage::PartOptions opts;
  opts.expected_size = size;
  try {
    return objects_.UploadPart(file.bucket, file.key, upload_id, part_number, body, opts).etag;
  } catch (const storage::StorageError& e) {
    Translate(e, file);
  }
}

void ArtifactRepository::CompleteMultipartUpload(
    const ArtifactLocation& file, const std::string& upload_id,
    const std::vector<std::pair<int, std::string>>& parts) {
  std::vector<storage::CompletedPart> completed;
  for (const auto& [number, etag] : parts) {
    std::string unquoted = etag;
    if (unquoted.size() >= 2 && unquoted.front() == '"' && unquoted.back() == '"') {
      unquoted = unquoted.substr(1, unquoted.size() - 2);
    }
    completed.push_back(storage::CompletedPart{number, unquoted, {}});
  }
  try {
    objects_.CompleteMultipartUpload(file.bucket, file.key, upload_id, completed,
                                     storage::CompleteOptions{});
  } catch (const storage::StorageError& e) {
    Translate(e, file);
  }
}

void ArtifactRepository::AbortMultipartUpload(const ArtifactLocation& file,
                                              const std::string& upload_id) {
  try {
    objects_.AbortMultipartUpload(file.bucket, file.key, upload_id);
  } catch (const storage::StorageError& e) {
    Translate(e, file);
  }
}

}  // namespace mlflow
