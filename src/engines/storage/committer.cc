#include "engines/storage/committer.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "engines/storage/storage_error.h"

namespace storage {
namespace {

// At most this many payloads go to the pack in one system call.
constexpr size_t kMaxWriteBuffers = 1024;  // IOV_MAX on Linux

// Writes `buffers` back to back at `offset`, then clears them.
void WriteAt(int fd, std::vector<iovec>& buffers, uint64_t offset) {
  size_t first = 0;
  while (first < buffers.size()) {
    int count = static_cast<int>(buffers.size() - first);
    ssize_t w = ::pwritev(fd, &buffers[first], count, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      throw StorageError(ErrorCode::kInternalError,
                         std::string("blob storage: pack write failed: ") +
                             (w < 0 ? std::strerror(errno) : "no progress"));
    }
    offset += static_cast<uint64_t>(w);
    for (size_t left = static_cast<size_t>(w); left > 0;) {
      iovec& b = buffers[first];
      size_t step = std::min(left, b.iov_len);
      b.iov_base = static_cast<char*>(b.iov_base) + step;
      b.iov_len -= step;
      left -= step;
      if (b.iov_len == 0) ++first;
    }
  }
  buffers.clear();
}

void Sync(int fd) {
  if (::fdatasync(fd) != 0) {
    throw StorageError(ErrorCode::kInternalError,
                       std::string("blob storage: pack sync failed: ") + std::strerror(errno));
  }
}

}  // namespace

Committer::Committer(meta::Store& meta, BlobFiles& files, size_t lanes)
    : meta_(meta),
      files_(files),
      lanes_(std::max<size_t>(lanes, 1)),
      lane_taken_(lanes_.size(), false) {}

Committer::~Committer() {
  SyncedBatch last;
  for (Lane& lane : lanes_) {
    if (lane.fd >= 0) SealPack(lane, last.sealed);
  }
  if (last.sealed.empty() && candidates_.empty()) return;
  RunTransaction({&last}, {});
}

void Committer::Commit(CommitRequest& request) {
  Waiter w(&request);
  Enqueue({&w});
  if (request.error) std::rethrow_exception(request.error);
}

void Committer::CommitAll(const std::vector<CommitRequest*>& requests) {
  if (requests.empty()) return;
  std::deque<Waiter> waiters;  // not movable (condition variables): a deque keeps them put
  std::vector<Waiter*> pointers;
  for (CommitRequest* r : requests) pointers.push_back(&waiters.emplace_back(r));
  Enqueue(pointers);
}

bool Committer::IsBusyPack(int64_t blob_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::find(busy_packs_.begin(), busy_packs_.end(), blob_id) != busy_packs_.end();
}

void Committer::Waiter::Finish() {
  std::lock_guard<std::mutex> lock(mu);
  done = true;
  wake.notify_one();
}

void Committer::Waiter::Nudge() {
  std::lock_guard<std::mutex> lock(mu);
  nudged = true;
  wake.notify_one();
}

bool Committer::Waiter::Wait() {
  std::unique_lock<std::mutex> lock(mu);
  wake.wait(lock, [this] { return done || nudged; });
  nudged = false;
  return done;
}

void Committer::Enqueue(const std::vector<Waiter*>& waiters) {
  // A batch takes the whole lane queue, so all of `waiters` are done together, and a thread
  // that takes a lane finds its own waiters in the batch.
  Waiter* mine = waiters.front();
  mine->waits = true;
  std::unique_lock<std::mutex> lock(mu_);
  for (Waiter* w : waiters) {
    w->queued = true;
    queue_.push_back(w);
  }
  size_t lane = lanes_.size();
  while (true) {
    if (mine->queued) {
      // The lowest free lane, so that sequential commits keep to one pack.
      lane = static_cast<size_t>(std::find(lane_taken_.begin(), lane_taken_.end(), false) -
                                 lane_taken_.begin());
      if (lane < lanes_.size()) break;
    }
    lock.unlock();
    if (mine->Wait()) return;
    lock.lock();
  }
  lane_taken_[lane] = true;
  size_t writing = static_cast<size_t>(std::count(lane_taken_.begin(), lane_taken_.end(), true));
  if (writing > peak_lanes_.load()) peak_lanes_ = writing;
  SyncedBatch batch;
  batch.carrier = mine;
  batch.waiters.assign(queue_.begin(), queue_.end());
  for (Waiter* w : batch.waiters) w->queued = false;
  queue_.clear();
  lock.unlock();

  WriteBatch(lanes_[lane], batch);

  lock.lock();
  // Into the metadata queue before the lane is free again: a lane's batches commit in order.
  synced_.push_back(&batch);
  lane_taken_[lane] = false;
  if (!queue_.empty()) queue_.front()->Nudge();
  CommitMetadata(mine, batch, lock);
}

void Committer::CommitMetadata(Waiter* mine, SyncedBatch& batch,
                               std::unique_lock<std::mutex>& lock) {
  while (batch.taken || transaction_running_) {
    lock.unlock();
    if (mine->Wait()) return;
    lock.lock();
  }
  transaction_running_ = true;
  std::vector<SyncedBatch*> batches(synced_.begin(), synced_.end());
  synced_.clear();
  std::vector<int64_t> sealed;
  for (SyncedBatch* b : batches) {
    b->taken = true;
    sealed.insert(sealed.end(), b->sealed.begin(), b->sealed.end());
  }
  // Packs sealed by these batches hold no body whose metadata commits later; the other busy
  // packs may.
  std::vector<int64_t> busy;
  for (int64_t id : busy_packs_) {
    if (std::find(sealed.begin(), sealed.end(), id) == sealed.end()) busy.push_back(id);
  }
  lock.unlock();

  RunTransaction(batches, busy);
  std::vector<Waiter*> finish;
  for (SyncedBatch* b : batches) {
    for (Waiter* w : b->waiters) {
      if (w->waits && w != mine) finish.push_back(w);
    }
  }
  // The batches live on their carriers' stacks: not touched once their waiters are finished.
  lock.lock();
  std::erase_if(busy_packs_, [&](int64_t id) {
    return std::find(sealed.begin(), sealed.end(), id) != sealed.end();
  });
  lock.unlock();
  for (Waiter* w : finish) w->Finish();
  lock.lock();
  transaction_running_ = false;
  // Only the carrier of the next batch wakes, to lead its transaction. Under the lock: a
  // queued batch cannot be finished (and destroyed) meanwhile.
  if (!synced_.empty()) synced_.front()->carrier->Nudge();
}

void Committer::OpenPack(Lane& lane) {
  auto [id, fd] = files_.CreatePack();
  lane.pack_id = id;
  lane.fd = fd;
  lane.end = 0;
  std::lock_guard<std::mutex> lock(mu_);
  busy_packs_.push_back(id);
}

void Committer::SealPack(Lane& lane, std::vector<int64_t>& sealed) {
  ::close(lane.fd);
  lane.fd = -1;
  files_.UnpinOne(lane.pack_id);
  sealed.push_back(lane.pack_id);
}

void Committer::WriteBatch(Lane& lane, SyncedBatch& batch) {
  ++syncs_;
  std::vector<Waiter*> written;
  // Payloads bound for the lane's pack from `pending_start` on, written in one call.
  std::vector<iovec> pending;
  uint64_t pending_start = 0;
  auto note_size = [&] {
    if (batch.pack_sizes.empty() || batch.pack_sizes.back().first != lane.pack_id) {
      batch.pack_sizes.emplace_back(lane.pack_id, lane.end);
    } else {
      batch.pack_sizes.back().second = lane.end;
    }
  };
  bool dirty = false;  // the lane's pack has unsynced bytes of this batch
  try {
    for (Waiter* w : batch.waiters) {
      if (w->request->payloads.empty()) continue;
      written.push_back(w);
      for (std::string_view p : w->request->payloads) {
        if (lane.fd >= 0 && lane.end > 0 && lane.end + p.size() > kPackCapacity) {
          WriteAt(lane.fd, pending, pending_start);
          if (dirty) Sync(lane.fd);
          dirty = false;
          SealPack(lane, batch.sealed);
        }
        if (lane.fd < 0) OpenPack(lane);
        if (pending.size() == kMaxWriteBuffers) WriteAt(lane.fd, pending, pending_start);
        if (pending.empty()) pending_start = lane.end;
        if (!p.empty()) pending.push_back(iovec{const_cast<char*>(p.data()), p.size()});
        w->locations.push_back(PackLocation{lane.pack_id, lane.end});
        lane.end += p.size();
        dirty = true;
        note_size();
      }
    }
    if (lane.fd >= 0) WriteAt(lane.fd, pending, pending_start);
    if (dirty) Sync(lane.fd);
  } catch (...) {
    // The pack's tail is in an unknown state: fail every request with payloads in this batch
    // and start a new pack next time.
    auto error = std::current_exception();
    for (Waiter* w : written) w->request->error = error;
    batch.pack_sizes.clear();
    if (lane.fd >= 0) SealPack(lane, batch.sealed);
  }
}

void Committer::RunTransaction(const std::vector<SyncedBatch*>& batches,
                               const std::vector<int64_t>& busy) {
  const uint64_t number = ++batches_;
  size_t live = 0;
  std::vector<int64_t> candidates = std::move(candidates_);
  candidates_.clear();
  for (const SyncedBatch* b : batches) {
    requests_ += b->waiters.size();
    for (Waiter* w : b->waiters) live += w->request->error ? 0 : 1;
    candidates.insert(candidates.end(), b->sealed.begin(), b->sealed.end());
  }
  if (live == 0 && candidates.empty()) return;
  std::vector<int64_t> garbage;
  try {
    meta_.Write([&](meta::Transaction& tx) {
      garbage.clear();
      for (const SyncedBatch* b : batches) {
        for (const auto& [id, size] : b->pack_sizes) {
          tx.Exec(
              "INSERT INTO storage_blobs(id, kind, size) VALUES(?, 1, ?) "
              "ON CONFLICT(id) DO UPDATE SET size = excluded.size",
              {meta::Int(id), meta::Int(static_cast<int64_t>(size))});
        }
      }
      bool isolate = live > 1;
      std::vector<int64_t> unreferenced;
      for (const SyncedBatch* b : batches) {
        for (Waiter* w : b->waiters) {
          if (w->request->error) continue;
          CommitContext ctx(tx, number, w->locations);
          if (!isolate) {
            w->request->apply(ctx);
          } else {
            tx.Exec("SAVEPOINT storage_request");
            try {
              w->request->apply(ctx);
            } catch (...) {
              w->request->error = std::current_exception();
              tx.Exec("ROLLBACK TO storage_request");
              tx.Exec("RELEASE storage_request");
              continue;
            }
            tx.Exec("RELEASE storage_request");
          }
          unreferenced.insert(unreferenced.end(), ctx.unreferenced().begin(),
                              ctx.unreferenced().end());
        }
      }
      unreferenced.insert(unreferenced.end(), candidates.begin(), candidates.end());
      std::sort(unreferenced.begin(), unreferenced.end());
      unreferenced.erase(std::unique(unreferenced.begin(), unreferenced.end()), unreferenced.end());
      for (int64_t id : unreferenced) {
        // Checked again once sealed.
        if (std::find(busy.begin(), busy.end(), id) != busy.end()) continue;
        if (tx.QueryOne("SELECT 1 FROM storage_segments WHERE blob_id = ? LIMIT 1",
                        {meta::Int(id)})) {
          continue;
        }
        tx.Exec("DELETE FROM storage_blobs WHERE id = ?", {meta::Int(id)});
        garbage.push_back(id);
      }
    });
  } catch (...) {
    auto error = std::current_exception();
    for (const SyncedBatch* b : batches) {
      for (Waiter* w : b->waiters) {
        if (!w->request->error) w->request->error = error;
      }
    }
    // Nothing was committed: check these blobs again next time.
    candidates_.insert(candidates_.end(), candidates.begin(), candidates.end());
    return;
  }
  for (int64_t id : garbage) files_.Remove(id);
}

}  // namespace storage
