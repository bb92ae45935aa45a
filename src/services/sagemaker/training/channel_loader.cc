#include "services/sagemaker/training/channel_loader.h"

#include <algorithm>

#include "base/files.h"
#include "engines/storage/storage_error.h"
#include "services/sagemaker/common/api_support.h"
#include "services/sagemaker/training/artifact_io.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

// Every object under `prefix`, with `path` = key minus `strip`.
void ListPrefix(storage::ObjectStore& objects, const std::string& bucket, const std::string& prefix,
                size_t strip, std::vector<ChannelObject>& out) {
  storage::ListObjectsOptions options;
  options.prefix = prefix;
  while (true) {
    storage::ListObjectsResult page = objects.ListObjects(bucket, options);
    for (const storage::ObjectSummary& o : page.objects) {
      if (o.key.ends_with("/")) continue;  // folder markers
      out.push_back({o.key, o.key.substr(strip), o.size});
    }
    if (!page.is_truncated) break;
    options.start_after = page.next_marker;
  }
}

}  // namespace

ChannelListing ListChannel(storage::ObjectStore& objects, const base::Json& source) {
  std::string uri = Str(source, "S3Uri");
  std::string type = Str(source, "S3DataType", "S3Prefix");
  std::optional<S3Location> loc = ParseS3Uri(uri);
  if (!loc) throw ChannelError("S3Uri " + uri + " is not an s3:// URI.");
  ChannelListing listing;
  listing.bucket = loc->bucket;
  try {
    if (type == "S3Prefix") {
      size_t slash = loc->key.rfind('/');
      size_t strip = slash == std::string::npos ? 0 : slash + 1;
      ListPrefix(objects, loc->bucket, loc->key, strip, listing.objects);
    } else if (type == "ManifestFile") {
      storage::ObjectReader reader = objects.GetObject(loc->bucket, loc->key);
      if (reader.info().size > (64u << 20))
        throw ChannelError("The manifest " + uri + " is too large.");
      std::unique_ptr<storage::ByteSource> body = reader.Open();
      base::Json manifest = base::Json::parse(storage::ReadAll(*body), nullptr, false);
      if (!manifest.is_array() || manifest.empty() || !manifest[0].is_object() ||
          !manifest[0].contains("prefix")) {
        throw ChannelError("The manifest " + uri +
                           " must be a JSON array starting with {\"prefix\": \"s3://...\"}.");
      }
      std::optional<S3Location> prefix = ParseS3Uri(Str(manifest[0], "prefix"));
      if (!prefix) throw ChannelError("The manifest " + uri + " has an invalid prefix.");
      listing.bucket = prefix->bucket;
      for (size_t i = 1; i < manifest.size(); ++i) {
        if (!manifest[i].is_string()) {
          throw ChannelError("The manifest " + uri + " lists a non-string entry.");
        }
        std::string relative = manifest[i].get<std::string>();
        std::string key = prefix->key + relative;
        storage::ObjectInfo info = objects.HeadObject(prefix->bucket, key);
        listing.objects.push_back({key, relative, info.size});
      }
    } else {
      throw ChannelError("S3DataType " + type + " is not supported in File mode.");
    }
  } catch (const storage::StorageError& e) {
    if (e.code() == storage::ErrorCode::kNoSuchBucket) {
      throw ChannelError("The bucket " + listing.bucket + " of " + uri + " does not exist.");
    }
    if (e.code() == storage::ErrorCode::kNoSuchKey) {
      throw ChannelError("An object that " + uri + " names does not exist: " + e.what());
    }
    throw ChannelError("Could not read " + uri + ": " + e.what());
  }
  if (listing.objects.empty()) {
    throw ChannelError("No S3 objects found under S3 URL \"" + uri +
                       "\" given in input data source. Please ensure that the bucket exists and "
                       "that objects exist under that S3 prefix.");
  }
  std::sort(listing.objects.begin(), listing.objects.end(),
            [](const ChannelObject& a, const ChannelObject& b) { return a.key < b.key; });
  return listing;
}

std::vector<ChannelObject> ShardFor(const std::vector<ChannelObject>& objects,
                                    const std::string& distribution, size_t index, size_t count) {
  if (distribution != "ShardedByS3Key" || count <= 1) return objects;
  std::vector<ChannelObject> out;
  for (size_t i = index; i < objects.size(); i += count) out.push_back(objects[i]);
  return out;
}

uint64_t DownloadChannel(storage::ObjectStore& objects, const std::string& bucket,
                         const std::vector<ChannelObject>& list, const fs::path& directory) {
  base::MakeDirs(directory);
  uint64_t total = 0;
  for (const ChannelObject& object : list) {
    std::optional<fs::path> target = base::ResolveUnder(directory, object.path);
    if (!target || *target == directory) continue;
    base::MakeDirs(target->parent_path());
    storage::ObjectReader reader = [&] {
      try {
        return objects.GetObject(bucket, object.key);
      } catch (const storage::StorageError& e) {
        throw ChannelError("Could not download s3://" + bucket + "/" + object.key + ": " +
                           e.what());
      }
    }();
    total += WriteObjectToFile(reader, *target);
  }
  return total;
}

}  // namespace sagemaker
