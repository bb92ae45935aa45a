// Glue jobs and their runs. A job with `CodeGenConfigurationNodes` is a Visual ETL flow: a run
// compiles the node graph (etl_plan.h) and executes it for real on the SQL engine over the
// object store, writing each target's rows as files (CSV with a header, JSON Lines, Parquet;
// Hive partition folders) and, for catalog targets or targets that update the catalog,
// registering the table and its partitions. Runs go through STARTING, RUNNING and end
// SUCCEEDED, FAILED (ErrorMessage says why) or STOPPED; each keeps its log lines. Jobs without
// a node graph (script jobs) are stored but cannot run here. A run reads and writes with the
// permissions of its DataAccess (a session of the job's role): a denied read or write fails
// the run with a message naming the action and the resource.
//
//   glue::Jobs jobs(meta, catalog, fs);
//   jobs.Create(create_job_input);
//   std::string run_id = jobs.StartRun("flow", {});
//   jobs.GetRun("flow", run_id)   // JobRun document
//
// Errors are GlueError. Thread-safe; destroying it stops runs in flight and waits for them.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "engines/sql/catalog/file_system.h"
#include "platform/meta/store.h"
#include "services/glue/catalog.h"
#include "services/glue/data_access_authorizer.h"

namespace glue {

class Jobs {
 public:
  Jobs(meta::Store& meta, Catalog& catalog, std::shared_ptr<sql::FileSystem> fs);
  ~Jobs();
  Jobs(const Jobs&) = delete;
  Jobs& operator=(const Jobs&) = delete;

  void Create(const base::Json& input);
  std::optional<base::Json> Get(const std::string& name) const;
  std::vector<base::Json> List() const;
  // UpdateJob's JobUpdate: the members given replace the job's.
  void Update(const std::string& name, const base::Json& job_update);
  void Delete(const std::string& name);

  // Starts a run of the job that reads and writes as `access` says; returns its JobRunId.
  std::string StartRun(const std::string& name, const base::Json& arguments,
                       DataAccess access = {});
  std::optional<base::Json> GetRun(const std::string& job, const std::string& run_id) const;
  // The job's runs, newest first.
  std::vector<base::Json> GetRuns(const std::string& job) const;
  // Stops a running run; false when it is not running.
  bool StopRun(const std::string& job, const std::string& run_id);
  // The log lines a run wrote.
  std::vector<std::string> RunLog(const std::string& run_id) const;

 private:
  void Execute(base::Json job, std::string run_id, std::shared_ptr<std::atomic<bool>> stop,
               DataAccess access);
  void SaveRun(const base::Json& run);

  meta::Store& meta_;
  Catalog& catalog_;
  std::shared_ptr<sql::FileSystem> fs_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;
  std::vector<std::thread> threads_;
  int64_t next_seq_ = 1;
};

}  // namespace glue
