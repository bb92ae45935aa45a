// An open object version: its metadata and its bytes, read at any offset or as a sequential
// range. The reader pins the blobs it reads, so an overwrite or delete of the key, or pack
// compaction, never pulls bytes from under it: it keeps seeing the version it opened,
// complete, until it is destroyed. Segments() names the files and byte ranges that hold the
// object for callers that pread or mmap them directly; those paths stay valid while any copy
// of the reader lives.
//
// Copies share one open state. Thread-safe: ReadAt may be called from many threads at once.
// Readers must be destroyed before the ObjectStore that opened them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engines/storage/byte_source.h"
#include "engines/storage/object_types.h"

namespace storage {

class BlobFiles;
struct SegmentRow;

class ObjectReader {
 public:
  const ObjectInfo& info() const;
  // Part boundaries of an object completed from a multipart upload (empty otherwise).
  const std::vector<ObjectPart>& parts() const;
  // The object's bytes, in order, as ranges of files.
  std::vector<PhysicalSegment> Segments() const;
  // Copies up to `n` bytes at `offset` into `buf`; returns fewer only at the object's end.
  size_t ReadAt(uint64_t offset, char* buf, size_t n) const;
  // A sequential reader of `length` bytes from `offset` (kInvalidRange beyond the end).
  std::unique_ptr<ByteSource> OpenRange(uint64_t offset, uint64_t length) const;
  // The whole object as a sequential reader.
  std::unique_ptr<ByteSource> Open() const { return OpenRange(0, info().size); }

 private:
  friend class ObjectStore;
  // Takes over the pins of `pinned`, which must cover every segment's blob.
  ObjectReader(BlobFiles& files, ObjectInfo info, std::vector<ObjectPart> parts,
               const std::vector<SegmentRow>& segments, std::vector<int64_t> pinned);

  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace storage
