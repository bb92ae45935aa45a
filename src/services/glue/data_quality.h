// Glue Data Quality: DQDL rulesets kept in the metadata store, and evaluation runs that judge
// rulesets against a catalog table on the SQL engine. A ruleset's DQDL is parsed when it is
// created or updated, so a ruleset that is stored can be evaluated. A run goes RUNNING and
// ends SUCCEEDED (one result per ruleset: each rule PASS/FAIL/ERROR with its metrics, and the
// score, the share of rules that passed), FAILED (ErrorString says why) or STOPPED. Results
// are stored and, given AdditionalRunOptions.ResultsS3Prefix, also written to S3 as JSON. A
// run reads and writes with the permissions of its DataAccess (a session of its Role): a denied
// read or write fails the run with a message naming the action and the resource.
// A run still going after its Timeout (minutes) is stopped and ends TIMEOUT; starting a run
// again with the same ClientToken returns the first run's id.
//
//   glue::DataQuality dq(meta, catalog, fs);
//   dq.CreateRuleset({{"Name", "orders-dq"}, {"Ruleset", "Rules = [ RowCount > 0 ]"}});
//   std::string run = dq.StartRun(start_input);   // returns at once
//   dq.GetRun(run)   // Status SUCCEEDED, ResultIds [...]
//
// Documents are the API's shapes (GetDataQualityRuleset, GetDataQualityRulesetEvaluationRun,
// GetDataQualityResult) with timestamps in epoch seconds. Errors are GlueError. Thread-safe;
// destroying it stops runs in flight and waits for them.
#pragma once

#include <atomic>
#include <chrono>
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

class DataQuality {
 public:
  // A run's Timeout counts `timeout_unit`s: minutes, as in the API (tests count less).
  DataQuality(meta::Store& meta, Catalog& catalog, std::shared_ptr<sql::FileSystem> fs,
              std::chrono::nanoseconds timeout_unit = std::chrono::minutes(1));
  ~DataQuality();
  DataQuality(const DataQuality&) = delete;
  DataQuality& operator=(const DataQuality&) = delete;

  // CreateDataQualityRuleset's input. kInvalidInput for DQDL that does not parse,
  // kEntityNotFound for a TargetTable that does not exist, kAlreadyExists for a taken name.
  void CreateRuleset(const base::Json& input);
  std::optional<base::Json> GetRuleset(const std::string& name) const;
  // All rulesets by name, each with its RuleCount.
  std::vector<base::Json> ListRulesets() const;
  // UpdateDataQualityRuleset's input; returns the updated Name, Description and Ruleset.
  base::Json UpdateRuleset(const base::Json& input);
  void DeleteRuleset(const std::string& name);

  // StartDataQualityRulesetEvaluationRun's input; returns the RunId. kConflict when the
  // ClientToken started a run on another table or rulesets.
  std::string StartRun(const base::Json& input, DataAccess access = {});
  std::optional<base::Json> GetRun(const std::string& run_id) const;
  // All runs, newest first.
  std::vector<base::Json> ListRuns() const;
  // Stops a running run (it ends STOPPED); kInvalidInput when it has already ended.
  void CancelRun(const std::string& run_id);

  std::optional<base::Json> GetResult(const std::string& result_id) const;
  // All results, newest first.
  std::vector<base::Json> ListResults() const;

 private:
  void Execute(base::Json run, std::vector<base::Json> rulesets,
               std::shared_ptr<std::atomic<bool>> stop, DataAccess access);
  base::Json Evaluate(const base::Json& run, const base::Json& ruleset,
                      const std::shared_ptr<std::atomic<bool>>& stop, const DataAccess& access);
  void SaveRun(const base::Json& run);

  meta::Store& meta_;
  Catalog& catalog_;
  std::shared_ptr<sql::FileSystem> fs_;
  std::chrono::nanoseconds timeout_unit_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;
  std::vector<std::thread> threads_;
  int64_t next_seq_ = 1;
};

}  // namespace glue
