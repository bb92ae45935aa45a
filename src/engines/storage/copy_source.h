// Helpers shared by CopyObject and UploadPartCopy: evaluating x-amz-copy-source-if-*
// conditions, cutting a byte range out of a segment list, and the signal that the source
// version vanished between reading it and committing the copy (the copy is then retried).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "engines/storage/catalog.h"
#include "engines/storage/object_types.h"

namespace storage {

// Thrown inside a commit when the source version read earlier no longer exists.
struct SourceChanged {};
inline constexpr int kCopyAttempts = 5;

// kPreconditionFailed unless the conditions hold for `source`.
void CheckSourceConditions(const ObjectInfo& source, const SourceConditions& conditions);

// The segments covering `length` bytes from `offset` of the object `segments` make up.
std::vector<SegmentRow> SliceSegments(const std::vector<SegmentRow>& segments, uint64_t offset,
                                      uint64_t length);

}  // namespace storage
