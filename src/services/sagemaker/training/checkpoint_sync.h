// The checkpoint directory of a job (CheckpointConfig.LocalPath, /opt/ml/checkpoints by
// default) kept in step with CheckpointConfig.S3Uri: restored from S3 when a run starts
// (a restarted spot job resumes from it), uploaded while the job runs (files that changed
// since the last pass, found by size and modification time) and once more when it ends.
// Symbolic links are not followed. Deleting a local file does not delete its object, as in
// SageMaker. Not thread-safe: one syncing thread per instance.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "engines/storage/object_store.h"
#include "services/sagemaker/common/api_support.h"

namespace sagemaker {

class CheckpointSync {
 public:
  // `may_write(key)` tells whether the job's role may write that key; refused files are
  // skipped.
  CheckpointSync(storage::ObjectStore& objects, S3Location target, std::string owner,
                 std::function<bool(const std::string& key)> may_write);

  // Downloads every object under the target into `directory`; returns how many.
  size_t Restore(const std::filesystem::path& directory);
  // Uploads the files of `directory` that changed since the last Upload or Restore; returns
  // how many were uploaded. Files that vanish or change while being read are retried on the
  // next pass.
  size_t Upload(const std::filesystem::path& directory);

 private:
  struct Seen {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const Seen&) const = default;
  };

  storage::ObjectStore& objects_;
  S3Location target_;
  std::string owner_;
  std::function<bool(const std::string&)> may_write_;
  // Per directory and relative path, what was last synced.
  std::map<std::pair<std::string, std::string>, Seen> synced_;
};

}  // namespace sagemaker
