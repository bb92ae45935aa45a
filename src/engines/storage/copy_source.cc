#include "engines/storage/copy_source.h"

#include <chrono>

#include "engines/storage/storage_error.h"

namespace storage {
namespace {

// HTTP dates carry whole seconds.
int64_t Seconds(base::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

[[noreturn]] void Fail() {
  throw StorageError(ErrorCode::kPreconditionFailed,
                     "At least one of the pre-conditions you specified did not hold");
}

}  // namespace

void CheckSourceConditions(const ObjectInfo& source, const SourceConditions& c) {
  int64_t modified = Seconds(source.last_modified);
  if (c.if_match) {
    if (!EtagMatches(*c.if_match, source.etag)) Fail();
  } else if (c.if_unmodified_since && modified > Seconds(*c.if_unmodified_since)) {
    Fail();
  }
  if (c.if_none_match) {
    if (EtagMatches(*c.if_none_match, source.etag)) Fail();
  } else if (c.if_modified_since && modified <= Seconds(*c.if_modified_since)) {
    Fail();
  }
}

std::vector<SegmentRow> SliceSegments(const std::vector<SegmentRow>& segments, uint64_t offset,
                                      uint64_t length) {
  std::vector<SegmentRow> out;
  uint64_t at = 0;
  uint64_t end = offset + length;
  for (const SegmentRow& s : segments) {
    uint64_t s_end = at + s.length;
    if (s_end > offset && at < end) {
      uint64_t from = std::max(at, offset);
      uint64_t to = std::min(s_end, end);
      out.push_back(SegmentRow{s.blob_id, s.start + (from - at), to - from});
    }
    at = s_end;
    if (at >= end) break;
  }
  return out;
}

}  // namespace storage
