// The tracking server's web UI, rendered on the server as plain HTML: experiments; an
// experiment's runs with their params and latest metrics; a run's params, tags and metrics,
// and one metric's history as a table; registered models and their versions. Pages are chosen
// by query parameters (?experiment=, ?run=&metric=, ?models, ?model=) and every value is
// HTML-escaped. Thread-safe (it only reads the stores).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "services/mlflow/model_registry.h"
#include "services/mlflow/tracking_servers.h"
#include "services/mlflow/tracking_store.h"

namespace mlflow {

class UiPages {
 public:
  UiPages(TrackingStore& tracking, ModelRegistry& registry)
      : tracking_(tracking), registry_(registry) {}

  // The page for `query` (decoded parameters) on `server`. MlflowError for unknown ids.
  std::string Render(const TrackingServerRecord& server,
                     const std::vector<std::pair<std::string, std::string>>& query);

 private:
  std::string Experiments(const TrackingServerRecord& server);
  std::string Runs(const TrackingServerRecord& server, const std::string& experiment_id);
  std::string RunPage(const TrackingServerRecord& server, const std::string& run_id);
  std::string MetricPage(const TrackingServerRecord& server, const std::string& run_id,
                         const std::string& key);
  std::string Models(const TrackingServerRecord& server);
  std::string ModelPage(const TrackingServerRecord& server, const std::string& name);

  TrackingStore& tracking_;
  ModelRegistry& registry_;
};

}  // namespace mlflow
