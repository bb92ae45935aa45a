// Input channels in File mode: which S3 objects a channel's S3DataSource names and how they
// land under /opt/ml/input/data/<channel>.
//
// S3Prefix takes every object under the prefix; ManifestFile takes the objects a manifest
// lists ([{"prefix": "s3://bucket/p/"}, "rel/key", ...]). An object's path under the channel
// is its key after the prefix's last '/' (so s3://b/data/train/ gives train's files and
// s3://b/data/train.csv gives train.csv), or its manifest entry. Keys whose path would leave
// the channel directory are skipped. ShardedByS3Key gives host i of n every n-th object of
// the sorted list from the i-th on; FullyReplicated gives every host everything. Stateless;
// thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "engines/storage/object_store.h"

namespace sagemaker {

// A channel that cannot be read; the message is the job's FailureReason or the request's
// ValidationException.
class ChannelError : public base::Error {
 public:
  using base::Error::Error;
};

struct ChannelObject {
  std::string key;
  std::string path;  // relative to the channel directory
  uint64_t size = 0;
};

struct ChannelListing {
  std::string bucket;
  std::vector<ChannelObject> objects;  // sorted by key
};

// Lists what `s3_data_source` (the S3DataSource member of a Channel) names. Throws
// ChannelError for a missing bucket, an empty prefix or a malformed manifest.
ChannelListing ListChannel(storage::ObjectStore& objects, const base::Json& s3_data_source);

// The objects host `index` of `count` receives under `distribution` ("FullyReplicated" or
// "ShardedByS3Key").
std::vector<ChannelObject> ShardFor(const std::vector<ChannelObject>& objects,
                                    const std::string& distribution, size_t index, size_t count);

// Copies `objects` of `bucket` into `directory`. Returns the bytes written. Throws
// ChannelError when an object vanished, base::IoError on local failures.
uint64_t DownloadChannel(storage::ObjectStore& objects, const std::string& bucket,
                         const std::vector<ChannelObject>& list,
                         const std::filesystem::path& directory);

}  // namespace sagemaker
