// The SQL engine's FileSystem over the object store, so that queries, crawlers and ETL jobs
// read and write `s3://bucket/key` paths in-process, with no HTTP in between. Reads use the
// store's ObjectReader (pread at any offset, the version pinned while the file is open);
// writes are buffered and become an object when the file is closed; globs list the bucket
// under the pattern's literal prefix. Only s3:// (and s3a://, s3n://) paths exist here, so a
// query can never reach the server's local disk.
//
// Thread-safe, like the store; open files may be read from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engines/sql/catalog/file_system.h"
#include "engines/storage/object_store.h"

namespace glue {

// A bucket and key split out of an s3:// URI.
struct S3Uri {
  std::string bucket;
  std::string key;

  // nullopt unless `uri` is s3://bucket[/key] (s3a:// and s3n:// are accepted too).
  static std::optional<S3Uri> Parse(std::string_view uri);
  std::string ToString() const { return "s3://" + bucket + "/" + key; }
  // The ARN IAM knows the object (or prefix) by: arn:aws:s3:::bucket/key.
  std::string Arn() const { return "arn:aws:s3:::" + bucket + "/" + key; }
};

class ObjectStoreFileSystem : public sql::FileSystem {
 public:
  // Objects written are owned by `owner` (the account's canonical user id).
  ObjectStoreFileSystem(storage::ObjectStore& store, std::string owner)
      : store_(store), owner_(std::move(owner)) {}

  // Throws sql::ExecutionError (HIVE_CANNOT_OPEN_SPLIT) naming the path when the object or
  // its bucket does not exist, or the path is not an s3:// URI.
  std::unique_ptr<sql::RandomAccessFile> Open(const std::string& path) override;
  // The object appears when the file is closed; until then nothing is visible.
  std::unique_ptr<sql::WritableFile> Create(const std::string& path) override;
  // An exact object, the objects under a "directory" (recursively; folder markers excluded),
  // or the keys matching a glob ('*', '?' within a component, '**' across components).
  // A bucket that does not exist holds no files.
  std::vector<sql::FileEntry> Glob(const std::string& pattern) override;
  // Files of one bucket become visible together, in one storage commit.
  void WriteFiles(const std::vector<std::pair<std::string, std::string>>& files) override;

  storage::ObjectStore& store() { return store_; }

 private:
  storage::ObjectStore& store_;
  std::string owner_;
};

// Whether `path` matches the glob `pattern` ('*' and '?' within one '/'-separated component,
// '**' any number of components).
bool GlobMatches(std::string_view pattern, std::string_view path);

}  // namespace glue
