// Group commit of every metadata change the ObjectStore makes.
//
// A caller hands a CommitRequest: small bodies to append to the active pack (payloads) and a
// function that applies its change inside a metadata write transaction. Requests that arrive
// while a batch is running queue up, and the next caller to find no batch running becomes the
// leader for all of them: it appends their payloads to the pack, fdatasyncs the pack once,
// then runs one write transaction in which each request applies inside its own savepoint (a
// failing request rolls back alone), and finally deletes the blobs that commit left
// unreferenced. So N concurrent small PUTs cost one pack fdatasync and one SQLite commit, and
// nothing is acknowledged before its bytes and metadata are durable.
//
// A reference query decides when a blob is garbage: after a request notes (Unreference) that
// it removed segments of a blob, the batch deletes the blob if no segment names it any more.
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>
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

  Committer(meta::Store& meta, BlobFiles& files);
  // Seals the active pack; deletes it if nothing references it.
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Commits one request; rethrows its error.
  void Commit(CommitRequest& request);
  // Commits requests together (each may fail alone; errors are left in the requests).
  void CommitAll(const std::vector<CommitRequest*>& requests);

  // The pack being appended to, or 0.
  int64_t active_pack() const { return active_pack_.load(); }
  uint64_t batches() const { return batches_.load(); }
  uint64_t requests() const { return requests_.load(); }

 private:
  // One request in the queue. The thread that enqueued it sleeps on the first of its waiters
  // until the batch that took them is done, or until it is first in the queue when a leader
  // finishes (to lead the next batch). Each waiter has its own mutex so that a finishing
  // leader wakes its batch's threads without holding the queue's mutex (a thread woken under
  // that mutex would only block on it again): the leader touches a finished waiter only under
  // the waiter's mutex, so the woken thread may destroy the waiter as soon as it sees `done`.
  struct Waiter {
    explicit Waiter(CommitRequest* r) : request(r) {}
    // Marks the waiter's batch done and wakes its thread.
    void Finish();
    // Wakes its thread to lead the next batch (called under the queue's mutex).
    void Nudge();
    // Sleeps until Finish (true) or Nudge (false).
    bool Wait();

    CommitRequest* request;
    std::vector<PackLocation> locations;
    bool waits = false;  // its thread sleeps on it (the first of that thread's waiters)
    std::mutex mu;
    std::condition_variable wake;
    bool done = false;    // guarded by mu
    bool nudged = false;  // guarded by mu
  };

  void Enqueue(const std::vector<Waiter*>& waiters);
  void RunBatch(std::vector<Waiter*>& batch);
  void WritePayloads(std::vector<Waiter*>& batch, std::map<int64_t, uint64_t>& touched);
  void OpenPack();
  void SealPack();

  meta::Store& meta_;
  BlobFiles& files_;

  std::mutex mu_;
  std::deque<Waiter*> queue_;
  bool leader_busy_ = false;

  // Leader-only state.
  int64_t pack_id_ = 0;
  int pack_fd_ = -1;
  uint64_t pack_end_ = 0;
  std::vector<int64_t> candidates_;  // blobs to check at the next commit

  std::atomic<int64_t> active_pack_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> requests_{0};
};

}  // namespace storage
