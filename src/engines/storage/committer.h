// Group commit of every metadata change the ObjectStore makes, in two pipelined stages.
//
// A caller hands a CommitRequest: small bodies to append to a pack (payloads) and a function
// that applies its change inside a metadata write transaction. Stage one makes the payloads
// durable: the committer keeps several lanes, each appending to its own pack file. A request
// that finds every lane free takes one together with every request queued before it, appends
// their payloads with one pwritev and fdatasyncs that pack once; while a lane is busy,
// requests queue up for the next lane to come free, and a free lane is taken early only by a
// queue of kExtraLaneBatch requests. So several fdatasyncs can be in flight at the device at
// once, and each covers a batch. Stage two commits metadata: a batch whose
// bytes are durable joins the metadata queue, and one thread at a time runs a write
// transaction for every batch queued there, each request inside its own savepoint (a failing
// request rolls back alone), then deletes the blobs that commit left unreferenced. While one
// transaction runs, the lanes sync the next batches. Nothing is visible before its bytes are
// durable, and nothing is acknowledged before its metadata has committed.
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
#include <mutex>
#include <string_view>
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
  // Seals every lane's pack; deletes those nothing references.
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

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
  // One request. The thread that enqueued it sleeps on the first of its waiters until the
  // transaction that took them is done, or until it is nudged to lead: to take a free lane
  // when it is first in the lane queue, or to run the next transaction when the batch it
  // carries is first in the metadata queue. Each waiter has its own mutex so that a finishing
  // leader wakes its batch's threads without holding the queue's mutex (a thread woken under
  // that mutex would only block on it again): the leader touches a finished waiter only under
  // the waiter's mutex, so the woken thread may destroy the waiter as soon as it sees `done`.
  struct Waiter {
    explicit Waiter(CommitRequest* r) : request(r) {}
    // Marks the waiter's batch done and wakes its thread.
    void Finish();
    // Wakes its thread to lead (called under the queue's mutex).
    void Nudge();
    // Sleeps until Finish (true) or Nudge (false).
    bool Wait();

    CommitRequest* request;
    std::vector<PackLocation> locations;
    bool waits = false;   // its thread sleeps on it (the first of that thread's waiters)
    bool queued = false;  // in the lane queue (guarded by the committer's mutex)
    std::mutex mu;
    std::condition_variable wake;
    bool done = false;    // guarded by mu
    bool nudged = false;  // guarded by mu
  };

  // A pack file and how far it is written. Only the thread holding the lane touches it.
  struct Lane {
    int64_t pack_id = 0;
    int fd = -1;
    uint64_t end = 0;
  };

  // A batch whose payloads are durable, on its way through the metadata queue. It lives on
  // the stack of the thread that wrote it (its carrier), which sleeps on `carrier`.
  struct SyncedBatch {
    std::vector<Waiter*> waiters;
    std::vector<std::pair<int64_t, uint64_t>> pack_sizes;  // packs written and their new ends
    std::vector<int64_t> sealed;                           // packs sealed while writing it
    Waiter* carrier = nullptr;
    bool taken = false;  // a transaction holds it (guarded by the committer's mutex)
  };

  void Enqueue(const std::vector<Waiter*>& waiters);
  // Stage one: appends the batch's payloads to the lane's pack and syncs it. Failures are
  // left in the requests.
  void WriteBatch(Lane& lane, SyncedBatch& batch);
  // Stage two, led by the thread whose waiter is `mine`, after `batch` joined the metadata
  // queue. Returns when `mine` is done.
  void CommitMetadata(Waiter* mine, SyncedBatch& batch, std::unique_lock<std::mutex>& lock);
  // Runs one write transaction for `batches`; `busy` lists packs not to collect.
  void RunTransaction(const std::vector<SyncedBatch*>& batches, const std::vector<int64_t>& busy);
  void OpenPack(Lane& lane);
  void SealPack(Lane& lane, std::vector<int64_t>& sealed);

  meta::Store& meta_;
  BlobFiles& files_;

  mutable std::mutex mu_;
  std::deque<Waiter*> queue_;         // waiting for a lane
  std::vector<Lane> lanes_;           // each held by at most one thread
  std::vector<bool> lane_taken_;      // guarded by mu_
  std::deque<SyncedBatch*> synced_;   // waiting for a transaction, guarded by mu_
  bool transaction_running_ = false;  // guarded by mu_
  std::vector<int64_t> busy_packs_;   // guarded by mu_

  // Transaction leader's state: blobs to check at the next commit.
  std::vector<int64_t> candidates_;

  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<size_t> peak_lanes_{0};
};

}  // namespace storage
