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

Committer::Committer(meta::Store& meta, BlobFiles& files) : meta_(meta), files_(files) {}

Committer::~Committer() {
  if (pack_fd_ < 0) return;
  SealPack();
  std::vector<Waiter*> none;
  RunBatch(none);
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
  // A batch takes the whole queue, so all of `waiters` are done together, and a thread that
  // leads a batch finds its own waiters in it.
  Waiter* mine = waiters.front();
  mine->waits = true;
  std::unique_lock<std::mutex> lock(mu_);
  for (Waiter* w : waiters) queue_.push_back(w);
  while (leader_busy_) {
    lock.unlock();
    if (mine->Wait()) return;
    lock.lock();
  }
  leader_busy_ = true;
  std::vector<Waiter*> batch(queue_.begin(), queue_.end());
  queue_.clear();
  lock.unlock();
  RunBatch(batch);
  for (Waiter* w : batch) {
    if (w->waits && w != mine) w->Finish();
  }
  lock.lock();
  leader_busy_ = false;
  // Only the first waiter of the next batch wakes, to lead it; the others sleep on. Under
  // the lock: a queued waiter cannot be finished (and destroyed) meanwhile.
  if (!queue_.empty()) queue_.front()->Nudge();
}

void Committer::OpenPack() {
  auto [id, fd] = files_.CreatePack();
  pack_id_ = id;
  pack_fd_ = fd;
  pack_end_ = 0;
  active_pack_ = id;
}

void Committer::SealPack() {
  ::close(pack_fd_);
  pack_fd_ = -1;
  active_pack_ = 0;
  files_.UnpinOne(pack_id_);
  candidates_.push_back(pack_id_);
}

void Committer::WritePayloads(std::vector<Waiter*>& batch, std::map<int64_t, uint64_t>& touched) {
  std::vector<Waiter*> written;
  // Payloads bound for the active pack from `pending_start` on, written in one call.
  std::vector<iovec> pending;
  uint64_t pending_start = 0;
  try {
    for (Waiter* w : batch) {
      if (w->request->payloads.empty()) continue;
      written.push_back(w);
      for (std::string_view p : w->request->payloads) {
        if (pack_fd_ >= 0 && pack_end_ > 0 && pack_end_ + p.size() > kPackCapacity) {
          WriteAt(pack_fd_, pending, pending_start);
          if (touched.count(pack_id_) != 0) Sync(pack_fd_);
          SealPack();
        }
        if (pack_fd_ < 0) OpenPack();
        if (pending.size() == kMaxWriteBuffers) WriteAt(pack_fd_, pending, pending_start);
        if (pending.empty()) pending_start = pack_end_;
        if (!p.empty()) pending.push_back(iovec{const_cast<char*>(p.data()), p.size()});
        w->locations.push_back(PackLocation{pack_id_, pack_end_});
        pack_end_ += p.size();
        touched[pack_id_] = pack_end_;
      }
    }
    if (pack_fd_ >= 0) WriteAt(pack_fd_, pending, pending_start);
    if (pack_fd_ >= 0 && touched.count(pack_id_) != 0) Sync(pack_fd_);
  } catch (...) {
    // The pack's tail is in an unknown state: fail every request with payloads in this batch
    // and start a new pack next time.
    auto error = std::current_exception();
    for (Waiter* w : written) w->request->error = error;
    touched.clear();
    if (pack_fd_ >= 0) SealPack();
  }
}

void Committer::RunBatch(std::vector<Waiter*>& batch) {
  const uint64_t number = ++batches_;
  requests_ += batch.size();
  std::map<int64_t, uint64_t> touched;
  WritePayloads(batch, touched);

  size_t live = 0;
  for (Waiter* w : batch) live += w->request->error ? 0 : 1;
  std::vector<int64_t> candidates = std::move(candidates_);
  candidates_.clear();
  if (live == 0 && candidates.empty()) return;
  std::vector<int64_t> garbage;
  try {
    meta_.Write([&](meta::Transaction& tx) {
      garbage.clear();
      for (const auto& [id, size] : touched) {
        tx.Exec(
            "INSERT INTO storage_blobs(id, kind, size) VALUES(?, 1, ?) "
            "ON CONFLICT(id) DO UPDATE SET size = excluded.size",
            {meta::Int(id), meta::Int(static_cast<int64_t>(size))});
      }
      bool isolate = live > 1;
      std::vector<int64_t> unreferenced;
      for (Waiter* w : batch) {
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
      unreferenced.insert(unreferenced.end(), candidates.begin(), candidates.end());
      std::sort(unreferenced.begin(), unreferenced.end());
      unreferenced.erase(std::unique(unreferenced.begin(), unreferenced.end()), unreferenced.end());
      for (int64_t id : unreferenced) {
        if (id == pack_id_ && pack_fd_ >= 0) continue;  // still being appended to
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
    for (Waiter* w : batch) {
      if (!w->request->error) w->request->error = error;
    }
    // Nothing was committed: check these blobs again next time.
    candidates_.insert(candidates_.end(), candidates.begin(), candidates.end());
    return;
  }
  for (int64_t id : garbage) files_.Remove(id);
}

}  // namespace storage
