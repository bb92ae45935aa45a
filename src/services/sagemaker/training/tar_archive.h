// Gzip-compressed tar archives of directory trees: the model.tar.gz and output.tar.gz a
// training job leaves in S3, and the sourcedir.tar.gz script mode runs code from.
//
// Writing never follows symbolic links: a link in the tree is stored as a link, so a job
// cannot smuggle files from outside its sandbox into its artifacts. Reading extracts only
// what stays inside the destination: absolute names, ".." components, entries under a
// symbolic link and links pointing outside are skipped (and counted), never written.
// Archives use ustar headers with pax records for long names, and read ustar, pax and GNU
// long-name archives (Python's tarfile and GNU tar). Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace sagemaker {

struct ArchiveStats {
  size_t files = 0;
  size_t directories = 0;
  size_t links = 0;
  size_t skipped = 0;  // entries refused as unsafe or of an unsupported type
  uint64_t bytes = 0;  // file content
};

// Archives the contents of each directory in `roots` (missing ones are skipped) under
// relative names; when two roots hold the same name, the first root's entry is kept.
// Throws base::IoError.
ArchiveStats WriteTarGz(const std::filesystem::path& archive,
                        const std::vector<std::filesystem::path>& roots);

// Extracts `archive` into `destination` (created if missing). Throws base::IoError on I/O
// failures and base::ParseError on a corrupt archive.
ArchiveStats ExtractTarGz(const std::filesystem::path& archive,
                          const std::filesystem::path& destination);

}  // namespace sagemaker
