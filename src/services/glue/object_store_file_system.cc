#include "services/glue/object_store_file_system.h"

#include "base/strings.h"
#include "engines/sql/common/error.h"
#include "engines/storage/storage_error.h"

namespace glue {

namespace {

sql::ExecutionError CannotOpen(const std::string& path, const std::string& why) {
  return sql::ExecutionError("HIVE_CANNOT_OPEN_SPLIT", "Error opening file " + path + ": " + why);
}

S3Uri RequireUri(const std::string& path) {
  std::optional<S3Uri> uri = S3Uri::Parse(path);
  if (!uri) throw CannotOpen(path, "only s3:// locations can be read or written");
  return *uri;
}

// The location of a file to write: an object key, not a bucket or a folder.
S3Uri RequireFileUri(const std::string& path) {
  S3Uri uri = RequireUri(path);
  if (uri.key.empty() || uri.key.ends_with('/')) {
    throw sql::ExecutionError("HIVE_WRITER_OPEN_ERROR", "Cannot write a file at " + path);
  }
  return uri;
}

class ObjectFile : public sql::RandomAccessFile {
 public:
  explicit ObjectFile(storage::ObjectReader reader) : reader_(std::move(reader)) {}
  uint64_t Size() const override { return reader_.info().size; }
  size_t ReadAt(uint64_t offset, size_t length, char* out) const override {
    if (offset >= reader_.info().size) return 0;
    return reader_.ReadAt(offset, out, length);
  }

 private:
  storage::ObjectReader reader_;
};

class ObjectWriter : public sql::WritableFile {
 public:
  ObjectWriter(storage::ObjectStore& store, S3Uri uri, std::string owner)
      : store_(store), uri_(std::move(uri)), owner_(std::move(owner)) {}
  void Append(std::string_view data) override { data_.append(data); }
  void Close() override {
    if (closed_) return;
    closed_ = true;
    storage::PutOptions options;
    options.owner = owner_;
    storage::StringSource body(std::move(data_));
    try {
      store_.PutObject(uri_.bucket, uri_.key, body, options);
    } catch (const storage::StorageError& e) {
      throw sql::ExecutionError("HIVE_WRITER_CLOSE_ERROR",
                                "Error writing " + uri_.ToString() + ": " + e.what());
    }
  }

 private:
  storage::ObjectStore& store_;
  S3Uri uri_;
  std::string owner_;
  std::string data_;
  bool closed_ = false;
};

bool MatchComponent(std::string_view pat, std::string_view s) {
  size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pat.size() && (pat[p] == '?' || pat[p] == s[i])) {
      p++;
      i++;
    } else if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') p++;
  return p == pat.size();
}

bool MatchParts(const std::vector<std::string>& p, size_t i, const std::vector<std::string>& s,
                size_t j) {
  if (i == p.size()) return j == s.size();
  if (p[i] == "**") {
    for (size_t k = j; k <= s.size(); k++) {
      if (MatchParts(p, i + 1, s, k)) return true;
    }
    return false;
  }
  if (j == s.size()) return false;
  return MatchComponent(p[i], s[j]) && MatchParts(p, i + 1, s, j + 1);
}

}  // namespace

std::optional<S3Uri> S3Uri::Parse(std::string_view uri) {
  for (std::string_view scheme : {"s3://", "s3a://", "s3n://"}) {
    if (!uri.starts_with(scheme)) continue;
    std::string_view rest = uri.substr(scheme.size());
    size_t slash = rest.find('/');
    S3Uri out;
    out.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) out.key = std::string(rest.substr(slash + 1));
    if (out.bucket.empty()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

bool GlobMatches(std::string_view pattern, std::string_view path) {
  return MatchParts(base::Split(pattern, '/'), 0, base::Split(path, '/'), 0);
}

std::unique_ptr<sql::RandomAccessFile> ObjectStoreFileSystem::Open(const std::string& path) {
  S3Uri uri = RequireUri(path);
  try {
    return std::make_unique<ObjectFile>(store_.GetObject(uri.bucket, uri.key));
  } catch (const storage::StorageError& e) {
    throw CannotOpen(path, std::string(storage::ErrorCodeName(e.code())));
  }
}

std::unique_ptr<sql::WritableFile> ObjectStoreFileSystem::Create(const std::string& path) {
  return std::make_unique<ObjectWriter>(store_, RequireFileUri(path), owner_);
}

void ObjectStoreFileSystem::WriteFiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
  if (files.empty()) return;
  std::vector<S3Uri> uris;
  for (const auto& [path, contents] : files) uris.push_back(RequireFileUri(path));
  for (const S3Uri& uri : uris) {
    if (uri.bucket != uris[0].bucket) return sql::FileSystem::WriteFiles(files);
  }
  std::vector<storage::StringSource> bodies;
  bodies.reserve(files.size());
  for (const auto& [path, contents] : files) bodies.emplace_back(contents);
  std::vector<storage::ObjectWrite> writes;
  for (size_t i = 0; i < files.size(); ++i) {
    storage::PutOptions options;
    options.owner = owner_;
    writes.push_back({uris[i].key, bodies[i], std::move(options)});
  }
  try {
    store_.PutObjects(uris[0].bucket, writes);
  } catch (const storage::StorageError& e) {
    throw sql::ExecutionError("HIVE_WRITER_CLOSE_ERROR",
                              "Error writing " + files[0].first + ": " + e.what());
  }
}

std::vector<sql::FileEntry> ObjectStoreFileSystem::Glob(const std::string& pattern) {
  S3Uri uri = RequireUri(pattern);
  size_t wild = uri.key.find_first_of("*?");
  std::string prefix = uri.key.substr(0, wild);
  bool directory = wild == std::string::npos;
  std::vector<sql::FileEntry> out;
  storage::ListObjectsOptions options;
  options.prefix = prefix;
  if (directory && !prefix.empty() && !prefix.ends_with('/')) {
    // An exact object wins; otherwise the name is a folder.
    try {
      storage::ObjectInfo info = store_.HeadObject(uri.bucket, uri.key);
      out.push_back({pattern, info.size});
      return out;
    } catch (const storage::StorageError& e) {
      if (e.code() == storage::ErrorCode::kNoSuchBucket) return out;
      if (e.code() != storage::ErrorCode::kNoSuchKey) throw CannotOpen(pattern, e.what());
    }
    options.prefix += '/';
  }
  try {
    while (true) {
      storage::ListObjectsResult page = store_.ListObjects(uri.bucket, options);
      for (const auto& o : page.objects) {
        if (o.key.ends_with('/')) continue;  // folder markers
        if (!directory && !GlobMatches(uri.key, o.key)) continue;
        out.push_back({"s3://" + uri.bucket + "/" + o.key, o.size});
      }
      if (!page.is_truncated || page.objects.empty()) break;
      options.start_after = page.objects.back().key;
    }
  } catch (const storage::StorageError& e) {
    if (e.code() == storage::ErrorCode::kNoSuchBucket) return out;
    throw CannotOpen(pattern, e.what());
  }
  return out;
}

}  // namespace glue
