// Moving files between a job's sandbox and the object store: uploading a local file as an
// object (model.tar.gz, checkpoints, profiler output) and downloading an object to a local
// file (sourcedir.tar.gz). Files are opened without following symbolic links. Objects are
// written with the account's canonical owner, as UniStudio's S3 API writes them. Stateless;
// thread-safe.
#pragma once

#include <filesystem>
#include <string>

#include "engines/storage/object_store.h"

namespace sagemaker {

// Uploads `file` to `bucket`/`key`. Throws base::IoError or storage::StorageError.
storage::ObjectInfo UploadFile(storage::ObjectStore& objects, const std::string& bucket,
                               const std::string& key, const std::filesystem::path& file,
                               const std::string& owner, const std::string& content_type);
// Uploads bytes held in memory.
storage::ObjectInfo UploadBytes(storage::ObjectStore& objects, const std::string& bucket,
                                const std::string& key, std::string bytes, const std::string& owner,
                                const std::string& content_type);

// Writes the object `reader` reads to `file` (replacing it, not following a symbolic link);
// returns the bytes written. Throws base::IoError.
uint64_t WriteObjectToFile(storage::ObjectReader& reader, const std::filesystem::path& file);
// Writes the object to `file` (replacing it). Throws base::IoError or storage::StorageError.
uint64_t DownloadFile(storage::ObjectStore& objects, const std::string& bucket,
                      const std::string& key, const std::filesystem::path& file);

}  // namespace sagemaker
