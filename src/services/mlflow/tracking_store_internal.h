// Helpers the TrackingStore's .cc files share (not part of the module's interface): lookups
// of experiments and runs by their client-facing ids within one server, the lifecycle checks
// with MLflow's messages, and the batched loading of runs by internal key. Each runs inside
// the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/meta/store.h"
#include "services/mlflow/entities.h"

namespace mlflow::internal {

struct ExperimentRow {
  int64_t exp_key = 0;
  std::string experiment_id;
  std::string name;
  std::string artifact_location;
  std::string lifecycle_stage;
  int64_t creation_time = 0;
  int64_t last_update_time = 0;
};

struct RunRow {
  int64_t run_key = 0;
  int64_t exp_key = 0;
  std::string run_id;
  std::string lifecycle_stage;
  std::string name;
};

// "[1,2,3]": a list of keys bound as one json_each() parameter.
std::string JsonArrayOf(const std::vector<int64_t>& keys);

std::optional<ExperimentRow> FindExperiment(meta::Transaction& tx, int64_t server,
                                            const std::string& experiment_id);
ExperimentRow MustFindExperiment(meta::Transaction& tx, int64_t server,
                                 const std::string& experiment_id);
void RequireActiveExperiment(const ExperimentRow& e);
RunRow MustFindRun(meta::Transaction& tx, int64_t server, const std::string& run_id);
void RequireActiveRun(const RunRow& run);
// The runs with these keys, in the order given.
std::vector<Run> LoadRuns(meta::Transaction& tx, const std::vector<int64_t>& keys);

}  // namespace mlflow::internal
