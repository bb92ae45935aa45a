// Group commit of small concurrent writes (log-metric, log-param, set-tag and log-batch calls
// of many clients at once): calls that arrive while a write is under way wait, and the next
// write runs all of them in one store transaction, each inside its own savepoint. A call that
// throws is rolled back to its savepoint alone and gets its own exception; the others commit.
// Every caller returns only after the transaction holding its write has committed (or rethrows
// the failure that kept it from committing), so an answered call is durable as any single
// write would be.
//
//   GroupCommit group(store);
//   group.Write([&](meta::Transaction& tx) { ... });  // as store.Write, but batched
//
// Thread-safe. No leader thread: the first caller to find no write under way runs the group
// (its own call included), then hands the turn to the next waiting caller.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "platform/meta/store.h"

namespace mlflow {

class GroupCommit {
 public:
  // At most `max_group` calls share a transaction.
  explicit GroupCommit(meta::Store& store, size_t max_group = 128)
      : store_(store), max_group_(max_group) {}

  // Runs `fn` in a write transaction shared with other concurrent calls; rethrows what `fn`
  // threw (its writes undone), or the store's failure to commit.
  void Write(const std::function<void(meta::Transaction&)>& fn);
  // How many calls are waiting for a write to start.
  size_t waiting();

 private:
  struct Call {
    const std::function<void(meta::Transaction&)>* fn;
    std::exception_ptr error;
    bool done = false;
  };

  void RunGroup(const std::vector<Call*>& group);

  meta::Store& store_;
  const size_t max_group_;
  std::mutex mu_;
  std::condition_variable turn_;
  std::vector<Call*> waiting_;
  bool writing_ = false;
};

}  // namespace mlflow
