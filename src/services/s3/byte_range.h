// HTTP byte ranges as S3 reads them: `Range: bytes=first-last`, `bytes=first-` and the suffix
// form `bytes=-count` on GetObject (a header S3 cannot parse, or one with several ranges, is
// ignored and the whole object is sent; a range that starts past the end is InvalidRange 416),
// and the strict `x-amz-copy-source-range` of UploadPartCopy. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engines/storage/object_types.h"

namespace s3 {

// The range of an object of `size` bytes that a Range header selects, clamped to the object;
// nullopt for the whole object. Throws aws::ApiError InvalidRange (416) when unsatisfiable.
std::optional<storage::ByteRange> ParseRange(std::string_view header, uint64_t size);

// "bytes first-last/size".
std::string ContentRange(const storage::ByteRange& range, uint64_t size);

// x-amz-copy-source-range "bytes=first-last": must lie within a source of `size` bytes.
// Throws aws::ApiError InvalidArgument (400) when malformed or out of the source, as S3.
storage::ByteRange ParseCopySourceRange(std::string_view header, uint64_t size);

}  // namespace s3
