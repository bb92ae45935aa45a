// Version ids and multipart upload ids: opaque, URL-safe, 32 characters of [0-9A-Za-z], and
// ordered by creation time when compared as strings (a fixed-width base-62 microsecond clock
// that never repeats or goes back within the process, then 21 random characters).
// Thread-safe.
#pragma once

#include <string>

namespace storage {

std::string NewTimeOrderedId();

}  // namespace storage
