#include "services/sagemaker/training/checkpoint_sync.h"

#include <sys/stat.h>

#include "base/error.h"
#include "base/files.h"
#include "base/log.h"
#include "engines/storage/storage_error.h"
#include "services/sagemaker/training/artifact_io.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

bool StatFile(const fs::path& p, uint64_t* size, int64_t* mtime_ns) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  *size = static_cast<uint64_t>(st.st_size);
  *mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

void Walk(const fs::path& root, const fs::path& dir, std::vector<std::string>& out) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::file_status st = it->symlink_status(ec);
    if (ec) continue;
    if (fs::is_directory(st)) {
      Walk(root, it->path(), out);
    } else if (fs::is_regular_file(st)) {
      out.push_back(it->path().lexically_relative(root).generic_string());
    }
  }
}

}  // namespace

CheckpointSync::CheckpointSync(storage::ObjectStore& objects, S3Location target,
                               std::string owner,
                               std::function<bool(const std::string& key)> may_write)
    : objects_(objects),
      target_(std::move(target)),
      owner_(std::move(owner)),
      may_write_(std::move(may_write)) {}

size_t CheckpointSync::Restore(const fs::path& directory) {
  base::MakeDirs(directory);
  std::string prefix = target_.key.empty() || target_.key.ends_with("/") ? target_.key
                                                                          : target_.key + "/";
  storage::ListObjectsOptions options;
  options.prefix = prefix;
  size_t restored = 0;
  while (true) {
    storage::ListObjectsResult page = objects_.ListObjects(target_.bucket, options);
    for (const storage::ObjectSummary& o : page.objects) {
      std::string relative = o.key.substr(prefix.size());
      std::optional<fs::path> file = base::ResolveUnder(directory, relative);
      if (relative.empty() || o.key.ends_with("/") || !file) continue;
      base::MakeDirs(file->parent_path());
      DownloadFile(objects_, target_.bucket, o.key, *file);
      Seen seen;
      if (StatFile(*file, &seen.size, &seen.mtime_ns)) synced_[{directory.string(), relative}] = seen;
      ++restored;
    }
    if (!page.is_truncated) break;
    options.start_after = page.next_marker;
  }
  return restored;
}

size_t CheckpointSync::Upload(const fs::path& directory) {
  std::vector<std::string> files;
  Walk(directory, directory, files);
  size_t uploaded = 0;
  for (const std::string& relative : files) {
    fs::path file = directory / relative;
    Seen before;
    if (!StatFile(file, &before.size, &before.mtime_ns)) continue;
    auto key_of = std::make_pair(directory.string(), relative);
    auto it = synced_.find(key_of);
    if (it != synced_.end() && it->second == before) continue;
    std::string key = JoinKey(target_.key, relative);
    if (!may_write_(key)) continue;
    try {
      UploadFile(objects_, target_.bucket, key, file, owner_, "");
    } catch (const base::Error& e) {
      // A file being rewritten (or removed) by the job: the next pass picks it up.
      LOG_DEBUG("checkpoint upload deferred", {{"key", key}, {"error", e.what()}});
      continue;
    }
    Seen after;
    if (StatFile(file, &after.size, &after.mtime_ns) && after == before) synced_[key_of] = before;
    ++uploaded;
  }
  return uploaded;
}

}  // namespace sagemaker
