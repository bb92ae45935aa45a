// Group commit of every metadata change the ObjectStore makes, in two pipelined stages run by
// the committer's own threads, so that no caller's thread needs to wait for a commit.
//
// A caller hands a CommitRequest: small bodies to append to a pack (payloads) and a function
// that applies its change inside a metadata write transaction. Submit queues it and returns at
// once; `done` runs when it has committed or failed. Commit and CommitAll wait for that.
// Stage one makes the payloads durable: each lane is a thread appending to its own pack file.
// A free lane takes every queued request as one batch, appends their payloads with one pwritev
// and fdatasyncs that pack once; while a lane is busy, requests queue up for the next lane to
// come free, and another free lane starts early only for a queue of kExtraLaneBatch requests.
// So several fdatasyncs can be in flight at the device at once, and each covers a batch. Stage
// two commits metadata: a batch whose bytes are durable joins the metadata queue, and the
// metadata thread runs one write transaction for every batch queued there, each request inside
// its own savepoint (a failing request rolls back alone), then deletes the blobs that commit
// left unreferenced, then runs the requests' `done` functions. While one transaction runs, the
// lanes sync the next batches. Nothing is visible before its bytes are durable, and nothing is
// reported done before its metadata has committed.
//
// A reference query decides when a blob is garbage: after a request notes (Unreference) that
// it removed segments of a blob, the transaction deletes the blob if no segment names it any
// more. A pack that a lane still appends to, or whose bodies wait for their metadata, is busy
// and never collected; it is checked again in the transaction after the one that commits the
// batch that sealed it. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "engines/storage/blob_files.h"
#include "platform/meta/store.h"

namespace storage {

struct PackLocation {
  int64_t blob_id = 0;
  uint64_t offset = 0;
};

class CommitContext {
 public:
  CommitContext(meta::Transaction& tx, uint64_t batch, const std::vector<PackLocation>& locations)
      : tx_(tx), batch_(batch), locations_(locations) {}
  meta::Transaction& tx() { return tx_; }
  // The number of the batch (one write transaction) the request commits in.
  uint64_t batch() const { return batch_; }
  // Where payload `i` of the request was written.
  const PackLocation& location(size_t i) const { return locations_.at(i); }
  // Notes that segments of `blob_id` were removed by this request.
  void Unreference(int64_t blob_id) { unreferenced_.push_back(blob_id); }
  const std::vector<int64_t>& unreferenced() const { return unreferenced_; }

 private:
  meta::Transaction& tx_;
  const uint64_t batch_;
  const std::vector<PackLocation>& locations_;
  std::vector<int64_t> unreferenced_;
};

struct CommitRequest {
  CommitRequest() = default;
  CommitRequest(std::vector<std::string_view> p, std::function<void(CommitContext&)> a)
      : payloads(std::move(p)), apply(std::move(a)) {}

  std::vector<std::string_view> payloads;
  std::function<void(CommitContext&)> apply;
  std::exception_ptr error;  // set when the request failed
};

class Committer {
 public:
  // Packs are sealed once they reach this size.
  static constexpr uint64_t kPackCapacity = 64 << 20;
  // Lanes (packs appended to and synced at the same time) unless told otherwise. One: on the
  // two-core machine of bench/s3 a second lane cost 30-40 us more CPU per 4 KiB PUT (smaller
  // batches, more fdatasyncs) for no more PUTs per second; it pays only where the disk's sync
  // latency, not CPU, bounds the commits.
  static constexpr size_t kDefaultLanes = 1;
  // While a lane is busy, another one starts only for a batch of at least this many requests.
  static constexpr size_t kExtraLaneBatch = 4;

  Committer(meta::Store& meta, BlobFiles& files, size_t lanes = kDefaultLanes);
  // Commits what was submitted, stops the threads, seals every lane's pack and deletes those
  // nothing references.
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Queues `request` and returns without waiting. `done` runs on the metadata thread once the
  // request has committed, or failed (request->error is then set); `request` must stay valid
  // until then. `done` must be quick and must not wait for another commit; what it throws is
  // logged and dropped.
  void Submit(CommitRequest* request, std::function<void()> done);
  // Commits one request; rethrows its error.
  void Commit(CommitRequest& request);
  // Commits requests together (each may fail alone; errors are left in the requests).
  void CommitAll(const std::vector<CommitRequest*>& requests);

  // Whether `blob_id` is a pack a lane appends to or whose bodies await their metadata.
  bool IsBusyPack(int64_t blob_id) const;
  // Metadata transactions run, requests they carried, pack batches written (stage one), and
  // the most lanes that were writing at the same time.
  uint64_t batches() const { return batches_.load(); }
  uint64_t requests() const { return requests_.load(); }
  uint64_t syncs() const { return syncs_.load(); }
  size_t peak_lanes() const { return peak_lanes_.load(); }

 private:
  // One submitted request and where its payloads went.
  struct Item {
    CommitRequest* request = nullptr;
    std::function<void()> done;
    std::vector<PackLocation> locations;
  };

  // A pack file and how far it is written. Only its lane's thread touches it.
  struct Lane {
    int64_t pack_id = 0;
    int fd = -1;
    uint64_t end = 0;
    uint64_t zeroed = 0;  // the file holds zeros from `end` up to here
  };

  // Requests whose payloads one lane wrote and synced together.
  struct Batch {
    std::vector<Item> items;
    std::vector<std::pair<int64_t, uint64_t>> pack_sizes;  // packs written and their new ends
    std::vector<int64_t> sealed;                           // packs sealed while writing it
  };

  void Enqueue(std::vector<Item> items);
  // Stage one, on lane `index`'s thread.
  void RunLane(size_t index);
  // Stage two, on the metadata thread.
  void RunMetadata();
  // Appends the batch's payloads to the lane's pack and syncs it. Failures are left in the
  // requests.
  void WriteBatch(Lane& lane, Batch& batch);
  // Runs one write transaction for `batches`; `busy` lists packs not to collect.
  void RunTransaction(const std::vector<std::unique_ptr<Batch>>& batches,
                      const std::vector<int64_t>& busy);
  // Keeps the lane's pack filled with zeros ahead of its end (see kZeroAhead in the .cc).
  void ZeroAhead(Lane& lane);
  void OpenPack(Lane& lane);
  void SealPack(Lane& lane, std::vector<int64_t>& sealed);

  meta::Store& meta_;
  BlobFiles& files_;
  std::vector<Lane> lanes_;

  mutable std::mutex mu_;
  std::condition_variable lane_wake_;          // a lane may take the queue
  std::condition_variable metadata_wake_;      // a batch is synced, or the lanes have stopped
  std::deque<Item> queue_;                     // waiting for a lane, guarded by mu_
  std::deque<std::unique_ptr<Batch>> synced_;  // waiting for a transaction, guarded by mu_
  size_t writing_ = 0;                         // lanes writing a batch, guarded by mu_
  std::vector<int64_t> busy_packs_;            // guarded by mu_
  bool stop_lanes_ = false;                    // guarded by mu_
  bool stop_metadata_ = false;                 // guarded by mu_

  // The metadata thread's state: blobs to check at the next commit.
  std::vector<int64_t> candidates_;

  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<size_t> peak_lanes_{0};

  std::vector<std::thread> lane_threads_;
  std::thread metadata_thread_;
};

}  // namespace storage
