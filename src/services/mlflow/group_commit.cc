#include "services/mlflow/group_commit.h"

#include <algorithm>

namespace mlflow {

void GroupCommit::Write(const std::function<void(meta::Transaction&)>& fn) {
  Call me{&fn, nullptr, false};
  std::unique_lock<std::mutex> lock(mu_);
  waiting_.push_back(&me);
  for (;;) {
    turn_.wait(lock, [&] { return me.done || !writing_; });
    if (me.done) break;
    // This caller's turn: it writes for the oldest waiting calls, up to max_group_ (its own
    // among them unless more than that arrived before it; then it waits for its turn again).
    writing_ = true;
    size_t n = std::min(waiting_.size(), max_group_);
    std::vector<Call*> group(waiting_.begin(), waiting_.begin() + static_cast<ptrdiff_t>(n));
    waiting_.erase(waiting_.begin(), waiting_.begin() + static_cast<ptrdiff_t>(n));
    lock.unlock();
    RunGroup(group);
    lock.lock();
    for (Call* c : group) c->done = true;
    writing_ = false;
    turn_.notify_all();
  }
  if (me.error) std::rethrow_exception(me.error);
}

size_t GroupCommit::waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_.size();
}

void GroupCommit::RunGroup(const std::vector<Call*>& group) {
  try {
    store_.Write([&](meta::Transaction& tx) {
      for (Call* c : group) {
        c->error = nullptr;
        tx.Exec("SAVEPOINT mlflow_call");
        try {
          (*c->fn)(tx);
        } catch (...) {
          c->error = std::current_exception();
          // Undoes this call's writes only. If the failure already ended the transaction,
          // this throws and the whole group fails below.
          tx.Exec("ROLLBACK TO mlflow_call");
        }
        tx.Exec("RELEASE mlflow_call");
      }
    });
  } catch (...) {
    // Nothing of the group was committed: every call fails with the error that its own call
    // raised, or the commit's.
    std::exception_ptr failure = std::current_exception();
    for (Call* c : group) {
      if (!c->error) c->error = failure;
    }
  }
}

}  // namespace mlflow
