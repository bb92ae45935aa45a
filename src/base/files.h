// File-system helpers with the durability rules the data directory needs: a file that is
// replaced is written to a temporary sibling, fsynced, renamed over, and its directory fsynced,
// so a crash leaves either the old or the new content, never a mix.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace base {

namespace fs = std::filesystem;

// Reads a whole file; nullopt when it does not exist. Throws IoError on other failures.
std::optional<std::string> ReadFile(const fs::path& path);
// Atomically replaces `path` with `content`, created with permission `mode`.
void WriteFileAtomic(const fs::path& path, std::string_view content, unsigned mode = 0644);
// fsync(2) of a directory, making renames and creations inside it durable.
void FsyncDir(const fs::path& dir);
// Creates `dir` and its parents; throws IoError on failure.
void MakeDirs(const fs::path& dir);

// Joins `relative` under `root` and returns it only if the result, after normalising "." and
// "..", stays inside `root`. Absolute `relative` paths and escapes give nullopt.
std::optional<fs::path> ResolveUnder(const fs::path& root, std::string_view relative);

}  // namespace base
