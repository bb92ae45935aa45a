#include "engines/storage/staged_body.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "base/crypto.h"
#include "engines/storage/storage_error.h"

namespace storage {
namespace {

constexpr size_t kChunk = 1 << 20;
// A large body is made durable in steps of this size while it streams in (by a third helper,
// so neither the file writes nor the reading wait for it): the disk's write cache is then
// flushed bit by bit, and the final fdatasync only has the last step left. With one sync at
// the end, that sync waited for the whole body (~40 ms for 64 MiB on a virtio disk); with
// 8 MiB steps the syncs still pending once the last byte was in took 4-6 ms, with 2 MiB steps
// 1-3 ms. A step is taken only when the syncer is idle, so slow syncs batch more bytes.
constexpr uint64_t kSyncStep = 2 << 20;

// Consumes a large body's chunks (hashing or writing) on a helper thread while the request's
// thread reads the next chunk from the client, so the two overlap instead of taking turns.
// One chunk is in flight at a time: Submit waits for the previous one.
class ChunkWorker {
 public:
  explicit ChunkWorker(std::function<void(std::string_view)> consume)
      : consume_(std::move(consume)), thread_([this] { Loop(); }) {}

  // Finishes the chunk in flight, if any, and stops.
  ~ChunkWorker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  ChunkWorker(const ChunkWorker&) = delete;
  ChunkWorker& operator=(const ChunkWorker&) = delete;

  // Waits until the previous chunk is consumed (rethrowing its failure), then hands over
  // `data`, which must stay valid until the next Submit or Drain returns.
  void Submit(std::string_view data) {
    std::unique_lock<std::mutex> lock(mu_);
    WaitIdle(lock);
    chunk_ = data;
    pending_ = true;
    cv_.notify_all();
  }

  // Hands over `data` if the previous chunk is consumed already; false (and nothing handed
  // over) if not, or if a chunk failed.
  bool TrySubmit(std::string_view data) {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_ || error_) return false;
    chunk_ = data;
    pending_ = true;
    cv_.notify_all();
    return true;
  }

  // Waits until every chunk is consumed; rethrows a failure.
  void Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    WaitIdle(lock);
  }

 private:
  void WaitIdle(std::unique_lock<std::mutex>& lock) {
    cv_.wait(lock, [&] { return !pending_; });
    if (error_) std::rethrow_exception(error_);
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return pending_ || stop_; });
      if (!pending_) return;
      std::string_view data = chunk_;
      bool failed = error_ != nullptr;
      lock.unlock();
      std::exception_ptr error;
      if (!failed) {
        try {
          consume_(data);
        } catch (...) {
          error = std::current_exception();
        }
      }
      lock.lock();
      if (error) error_ = error;
      pending_ = false;
      cv_.notify_all();
    }
  }

  std::function<void(std::string_view)> consume_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string_view chunk_;
  bool pending_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the rest is initialized
};

}  // namespace

StagedBody::StagedBody(ByteSource& source, const BodyExpectations& expect, BlobFiles& files)
    : files_(files) {
  std::vector<ChecksumAlgorithm> algorithms = expect.algorithms;
  for (const auto& [algorithm, value] : expect.checksums) algorithms.push_back(algorithm);
  std::sort(algorithms.begin(), algorithms.end());
  algorithms.erase(std::unique(algorithms.begin(), algorithms.end()), algorithms.end());
  std::vector<Checksummer> sums;
  for (ChecksumAlgorithm a : algorithms) sums.emplace_back(a);
  base::Digest md5(base::DigestAlgorithm::kMd5);

  // A known small size needs a buffer one byte larger (to notice a longer body).
  size_t chunk = kChunk;
  if (expect.size && *expect.size < kChunk) chunk = static_cast<size_t>(*expect.size) + 1;
  auto digest = [&](std::string_view data) {
    md5.Update(data);
    for (auto& s : sums) s.Update(data);
  };
  std::string buf(chunk, '\0');
  std::string spare;  // the chunk the helpers consume while `buf` is read into
  std::optional<BlobFiles::TempFile> file;
  // After what they use, so they stop first. MD5 alone is about as slow as the disk, so it
  // gets a thread of its own; the other checksums and the file writes share the second; the
  // third makes the file durable step by step.
  std::optional<ChunkWorker> syncer;
  std::optional<ChunkWorker> hasher;
  std::optional<ChunkWorker> writer;
  auto too_large = [] {
    return StorageError(ErrorCode::kEntityTooLarge,
                        "Your proposed upload exceeds the maximum allowed size");
  };
  if (expect.size && *expect.size > expect.max_size) throw too_large();
  while (true) {
    size_t n = source.Read(buf.data(), buf.size());
    if (n == 0) break;
    size_ += n;
    if (expect.size && size_ > *expect.size) {
      throw StorageError(ErrorCode::kIncompleteBody,
                         "The request body is longer than its declared Content-Length.");
    }
    if (size_ > expect.max_size) throw too_large();
    std::string_view data(buf.data(), n);
    if (!file && bytes_.size() + n <= kPackedBodyMax) {
      digest(data);
      bytes_.append(data);
      continue;
    }
    if (!file) {
      file.emplace(files.CreateTemp());
      file->Append(bytes_.data(), bytes_.size());
      std::string().swap(bytes_);
      // A body of known size that is already read whole has no next read to overlap with.
      if (!expect.size || size_ < *expect.size) {
        spare.resize(buf.size());
        syncer.emplace([&](std::string_view) { file->Sync(); });
        hasher.emplace([&](std::string_view d) { md5.Update(d); });
        writer.emplace([&](std::string_view d) {
          for (auto& s : sums) s.Update(d);
          file->Append(d.data(), d.size());
          // A step the syncer is still busy with is simply taken later.
          if (file->size() - synced_early_ >= kSyncStep && syncer->TrySubmit({})) {
            synced_early_ = file->size();
          }
        });
      }
    }
    if (!hasher) {
      digest(data);
      file->Append(data.data(), data.size());
      continue;
    }
    // Each Submit first waits for that helper's previous chunk, so once both return neither
    // touches `spare` any more.
    hasher->Submit(data);
    writer->Submit(data);
    std::swap(buf, spare);
  }
  if (hasher) {
    hasher->Drain();
    writer->Drain();
    syncer->Drain();
  }
  if (expect.size && size_ != *expect.size) {
    throw StorageError(ErrorCode::kIncompleteBody,
                       "You did not provide the number of bytes specified by the "
                       "Content-Length HTTP header.");
  }
  md5_ = md5.Final();
  if (expect.md5 && *expect.md5 != md5_) {
    throw StorageError(ErrorCode::kBadDigest,
                       "The Content-MD5 you specified did not match what we received.");
  }
  for (auto& s : sums) checksums_[s.algorithm()] = base::Base64Encode(s.Final());
  for (const auto& [algorithm, value] : expect.checksums) {
    if (checksums_[algorithm] != value) {
      throw StorageError(ErrorCode::kChecksumMismatch,
                         "The " + std::string(ChecksumAlgorithmName(algorithm)) +
                             " you specified did not match the calculated checksum.");
    }
  }
  if (file) blob_id_ = files.Publish(*file);
}

StagedBody::~StagedBody() {
  if (blob_id_ && !released_) files_.Remove(*blob_id_);
}

std::string StagedBody::etag() const { return base::HexEncode(md5_); }

std::vector<std::string_view> StagedBody::Payloads() const {
  if (packed() && size_ > 0) return {bytes_};
  return {};
}

std::vector<SegmentRow> StagedBody::Segments(CommitContext& ctx, size_t first_payload) const {
  if (size_ == 0) return {};
  if (packed()) {
    const PackLocation& at = ctx.location(first_payload);
    return {SegmentRow{at.blob_id, at.offset, size_}};
  }
  Catalog::AddBlob(ctx.tx(), *blob_id_, size_);
  return {SegmentRow{*blob_id_, 0, size_}};
}

}  // namespace storage
