// The Athena service: the `athena` API (json protocol) over the SQL engine and the Glue Data
// Catalog. StartQueryExecution queues a query; a fixed number of workers (the concurrency
// limit) run queued queries in the background with QueryRunner, which writes the result files
// to the output location; GetQueryExecution reports state and statistics, GetQueryResults
// pages through the rows, StopQueryExecution cancels. A GetQueryExecution of a query that is
// still QUEUED or RUNNING waits up to `poll_wait` for it to finish before it answers, so a
// client's first poll of a small query already sees its final state. Work groups (with their result
// configuration, enforcement and bytes-scanned cutoff), named queries and the AwsDataCatalog
// data catalog are kept in the metadata store, as are query executions, so ListQueryExecutions
// and the results of finished queries survive a restart.
//
//   athena::Athena athena(meta, glue, account_id, {.max_concurrent_queries = 4});
//   dispatcher.Register(athena.MakeService());
//
// Thread-safe. Destroying it cancels queued and running queries and joins the workers; it must
// be destroyed before the Glue service and the stores it uses.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "platform/aws/service.h"
#include "platform/meta/store.h"
#include "services/glue/glue.h"

namespace athena {

struct AthenaOptions {
  int max_concurrent_queries = 4;
  int engine_threads = 0;  // per query; 0 = all cores
  // How long GetQueryExecution waits for a queued or running query to reach a final state
  // (0: answer at once). Small queries finish ~1-2 ms after StartQueryExecution returns, so
  // 10 ms lets one poll see them done, even on a busy machine, while a poll of a long query
  // holds a server worker thread for at most 10 ms.
  std::chrono::milliseconds poll_wait{10};
  // At most this many GetQueryExecution calls wait at once; further ones answer at once. The
  // HTTP server has up to 256 worker threads, so waiting polls never hold more than an eighth
  // of them, each for poll_wait at most.
  int max_waiting_polls = 32;
};

class Athena {
 public:
  Athena(meta::Store& meta, glue::Glue& glue, std::string account_id, AthenaOptions options = {});
  ~Athena();
  Athena(const Athena&) = delete;
  Athena& operator=(const Athena&) = delete;

  // The service to register with the dispatcher; it refers to this object.
  std::unique_ptr<aws::Service> MakeService();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace athena
