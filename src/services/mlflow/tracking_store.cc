// TrackingStore: experiments, shared helpers, and the run-loading queries.
#include "services/mlflow/tracking_store.h"

#include <cmath>
#include <limits>

#include "base/crypto.h"
#include "base/json.h"
#include "base/time.h"
#include "services/mlflow/filter_sql.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/search_filter.h"
#include "services/mlflow/tracking_store_internal.h"
#include "services/mlflow/validation.h"

namespace mlflow {

int64_t NowMillis() { return base::ToUnixMillis(base::Now()); }

ViewType ParseViewType(const std::optional<std::string>& text, std::string_view member) {
  if (!text || text->empty() || *text == "ACTIVE_ONLY" || *text == "1") {
    return ViewType::kActiveOnly;
  }
  if (*text == "DELETED_ONLY" || *text == "2") return ViewType::kDeletedOnly;
  if (*text == "ALL" || *text == "3") return ViewType::kAll;
  throw BadParameterValue(member, *text);
}

std::string EncodeOffsetToken(int64_t offset) {
  return base::Base64Encode(base::Json({{"offset", offset}}).dump());
}

int64_t DecodeOffsetToken(const std::string& token) {
  if (token.empty()) return 0;
  std::optional<std::string> decoded = base::Base64Decode(token);
  if (!decoded) throw InvalidParameter("Invalid page token, could not base64-decode");
  base::Json parsed;
  try {
    parsed = base::ParseJson(*decoded);
  } catch (const base::ParseError&) {
    throw InvalidParameter("Invalid page token, decoded value=" + *decoded);
  }
  auto it = parsed.is_object() ? parsed.find("offset") : parsed.end();
  if (it == parsed.end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
    throw InvalidParameter("Invalid page token, parsed value=" + parsed.dump());
  }
  return it->get<int64_t>();
}

int64_t SearchLimit(std::optional<int64_t> requested, int64_t fallback, int64_t limit) {
  int64_t n = requested.value_or(fallback);
  if (n <= 0 || n > limit) {
    throw InvalidParameter("Invalid value " + std::to_string(n) +
                           " for parameter 'max_results' supplied. It must be a positive "
                           "integer at most " +
                           std::to_string(limit) + ".");
  }
  return n;
}

namespace internal {

std::string JsonArrayOf(const std::vector<int64_t>& keys) {
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out.push_back(',');
    out += std::to_string(keys[i]);
  }
  out.push_back(']');
  return out;
}

std::optional<ExperimentRow> FindExperiment(meta::Transaction& tx, int64_t server,
                                            const std::string& experiment_id) {
  int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(experiment_id, &used);
    if (used != experiment_id.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto row = tx.QueryOne(
      "SELECT exp_key, experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
      "last_update_time FROM mlflow_experiments WHERE server_id = ? AND experiment_id = ?",
      {server, id});
  if (!row) return std::nullopt;
  return ExperimentRow{row->Int(0),  std::to_string(row->Int(1)),
                       row->Text(2), row->Text(3),
                       row->Text(4), row->Int(5),
                       row->Int(6)};
}

ExperimentRow MustFindExperiment(meta::Transaction& tx, int64_t server,
                                 const std::string& experiment_id) {
  auto row = FindExperiment(tx, server, experiment_id);
  if (!row) throw NotFound("No Experiment with id=" + experiment_id + " exists");
  return *row;
}

void RequireActiveExperiment(const ExperimentRow& e) {
  if (e.lifecycle_stage != kActive) {
    throw InvalidParameter("The experiment " + e.experiment_id +
                           " must be in the 'active' state. Current state is " + e.lifecycle_stage +
                           ".");
  }
}

RunRow MustFindRun(meta::Transaction& tx, int64_t server, const std::string& run_id) {
  auto row = tx.QueryOne(
      "SELECT run_key, exp_key, lifecycle_stage, name FROM mlflow_runs "
      "WHERE run_uuid = ? AND server_id = ?",
      {run_id, server});
  if (!row) throw NotFound("Run with id=" + run_id + " not found");
  return RunRow{row->Int(0), row->Int(1), run_id, row->Text(2), row->Text(3)};
}

void RequireActiveRun(const RunRow& run) {
  if (run.lifecycle_stage != kActive) {
    throw InvalidParameter("The run " + run.run_id +
                           " must be in the 'active' state. Current state is " +
                           run.lifecycle_stage + ".");
  }
}

std::vector<Run> LoadRuns(meta::Transaction& tx, const std::vector<int64_t>& keys) {
  std::vector<Run> runs(keys.size());
  if (keys.empty()) return runs;
  std::unordered_map<int64_t, size_t> index;
  for (size_t i = 0; i < keys.size(); ++i) index.emplace(keys[i], i);
  std::string json = JsonArrayOf(keys);
  tx.Each(
      "SELECT r.run_key, r.run_uuid, r.name, e.experiment_id, r.user_id, r.status, "
      "r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage FROM mlflow_runs r "
      "JOIN mlflow_experiments e ON e.exp_key = r.exp_key "
      "WHERE r.run_key IN (SELECT value FROM json_each(?))",
      {json}, [&](const meta::Row& row) {
        RunInfo& info = runs[index.at(row.Int(0))].info;
        info.run_id = row.Text(1);
        info.run_name = row.Text(2);
        info.experiment_id = std::to_string(row.Int(3));
        info.user_id = row.Text(4);
        info.status = row.Text(5);
        info.start_time = row.OptInt(6);
        info.end_time = row.OptInt(7);
        info.artifact_uri = row.Text(8);
        info.lifecycle_stage = row.Text(9);
        return true;
      });
  tx.Each(
      "SELECT run_key, key, value, is_nan, timestamp, step FROM mlflow_latest_metrics "
      "WHERE run_key IN (SELECT value FROM json_each(?))",
      {json}, [&](const meta::Row& row) {
        double v = row.Int(3) ? std::numeric_limits<double>::quiet_NaN() : row.Double(2);
        runs[index.at(row.Int(0))].metrics.push_back(
            Metric{row.Text(1), v, row.Int(4), row.Int(5)});
        return true;
      });
  tx.Each(
      "SELECT run_key, key, value FROM mlflow_params "
      "WHERE run_key IN (SELECT value FROM json_each(?))",
      {json}, [&](const meta::Row& row) {
        runs[index.at(row.Int(0))].params.push_back(KeyValue{row.Text(1), row.Text(2)});
        return true;
      });
  tx.Each(
      "SELECT run_key, key, value FROM mlflow_tags "
      "WHERE run_key IN (SELECT value FROM json_each(?))",
      {json}, [&](const meta::Row& row) {
        runs[index.at(row.Int(0))].tags.push_back(KeyValue{row.Text(1), row.Text(2)});
        return true;
      });
  tx.Each(
      "SELECT i.run_key, i.tags, d.name, d.digest, d.source_type, d.source, d.schema, "
      "d.profile FROM mlflow_inputs i JOIN mlflow_datasets d ON d.dataset_key = i.dataset_key "
      "WHERE i.run_key IN (SELECT value FROM json_each(?))",
      {json}, [&](const meta::Row& row) {
        DatasetInput in;
        for (const base::Json& t : base::ParseJson(row.Text(1))) {
          in.tags.push_back(KeyValue{t.value("key", ""), t.value("value", "")});
        }
        in.dataset = Dataset{row.Text(2), row.Text(3),    row.Text(4),
                             row.Text(5), row.OptText(6), row.OptText(7)};
        runs[index.at(row.Int(0))].inputs.push_back(std::move(in));
        return true;
      });
  return runs;
}

}  // namespace internal

using internal::ExperimentRow;

namespace {

Experiment LoadExperiment(meta::Transaction& tx, const ExperimentRow& row) {
  Experiment e{
      row.experiment_id,    row.name, row.artifact_location, row.lifecycle_stage, row.creation_time,
      row.last_update_time, {}};
  tx.Each("SELECT key, value FROM mlflow_experiment_tags WHERE exp_key = ? ORDER BY key",
          {row.exp_key}, [&](const meta::Row& t) {
            e.tags.push_back(KeyValue{t.Text(0), t.Text(1)});
            return true;
          });
  return e;
}

void ValidateExperimentName(const std::string& name) {
  if (name.empty()) throw InvalidParameter("Invalid experiment name: ''");
}

// The filter language of search_experiments: name, creation_time and last_update_time
// attributes and tags.
void AddExperimentCondition(const Comparison& c, std::string& joins, std::string& where,
                            std::vector<meta::Value>& join_params, std::vector<meta::Value>& params,
                            int index) {
  if (c.type == EntityType::kTag) {
    std::string alias = "t" + std::to_string(index);
    std::vector<meta::Value> p;
    std::string cond = StringCondition(c, alias + ".value", p);
    joins += " JOIN mlflow_experiment_tags " + alias + " ON " + alias +
             ".exp_key = e.exp_key AND " + alias + ".key = ? AND " + cond;
    join_params.push_back(c.key);
    for (auto& v : p) join_params.push_back(std::move(v));
    return;
  }
  if (c.type != EntityType::kAttribute) {
    throw InvalidParameter("Invalid entity type '" + std::string(EntityName(c.type)) +
                           "'. Valid values are ['tag', 'attribute']");
  }
  if (c.key == "name") {
    where += " AND " + StringCondition(c, "e.name", params);
    return;
  }
  if (c.key == "creation_time" || c.key == "last_update_time") {
    static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
    int op = static_cast<int>(c.op);
    if (op > static_cast<int>(Comparator::kGe)) {
      throw InvalidParameter("Invalid comparator '" + c.op_text +
                             "' not one of '{'=', '!=', '>', '>=', '<', '<='}'");
    }
    if (c.value.kind != FilterValue::Kind::kNumber) {
      throw InvalidParameter("Expected numeric value type for numeric attribute: " + c.key +
                             ". Found " + c.value.text);
    }
    where += " AND e." + c.key + " " + kOps[op] + " ?";
    params.push_back(static_cast<int64_t>(c.value.number));
    return;
  }
  throw InvalidParameter("Invalid attribute key '" + c.key +
                         "' specified. Valid keys are '['name', 'creation_time', "
                         "'last_update_time']'");
}

}  // namespace

void TrackingStore::CreateDefaultExperiment(meta::Transaction& tx, int64_t server_id,
                                            int64_t now_ms) {
  tx.Exec(
      "INSERT INTO mlflow_experiments(server_id, experiment_id, name, artifact_location, "
      "lifecycle_stage, creation_time, last_update_time) VALUES(?, 0, 'Default', "
      "'mlflow-artifacts:/0', 'active', ?, ?)",
      {server_id, now_ms, now_ms});
}

void TrackingStore::DeleteServerData(meta::Transaction& tx, int64_t server_id) {
  meta::Params runs = {server_id};
  for (const char* table : {"mlflow_metrics", "mlflow_latest_metrics", "mlflow_params",
                            "mlflow_tags", "mlflow_inputs"}) {
    tx.Exec(std::string("DELETE FROM ") + table +
                " WHERE run_key IN (SELECT run_key FROM mlflow_runs WHERE server_id = ?)",
            runs);
  }
  tx.Exec("DELETE FROM mlflow_runs WHERE server_id = ?", runs);
  // Experiments (with their tags and datasets) and registered models (with versions, tags
  // and aliases) go by cascade.
  tx.Exec("DELETE FROM mlflow_experiments WHERE server_id = ?", runs);
  tx.Exec("DELETE FROM mlflow_registered_models WHERE server_id = ?", runs);
}

std::string TrackingStore::CreateExperiment(int64_t server, const std::string& name,
                                            const std::optional<std::string>& artifact_location,
                                            const std::vector<KeyValue>& tags) {
  ValidateExperimentName(name);
  for (const KeyValue& t : tags) {
    ValidateKeyName("tag", t.key);
    ValidateTagValue(t.key, t.value);
  }
  std::string id;
  store_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM mlflow_experiments WHERE server_id = ? AND name = ?",
                    {server, name})) {
      throw AlreadyExists("Experiment(name=" + name + ") already exists.");
    }
    auto next =
        tx.QueryOne("SELECT next_experiment_id FROM mlflow_servers WHERE server_id = ?", {server});
    if (!next) throw NotFound("The tracking server no longer exists.");
    int64_t number = next->Int(0);
    tx.Exec("UPDATE mlflow_servers SET next_experiment_id = ? WHERE server_id = ?",
            {number + 1, server});
    id = std::to_string(number);
    std::string location = artifact_location && !artifact_location->empty()
                               ? *artifact_location
                               : "mlflow-artifacts:/" + id;
    int64_t now = NowMillis();
    tx.Exec(
        "INSERT INTO mlflow_experiments(server_id, experiment_id, name, artifact_location, "
        "lifecycle_stage, creation_time, last_update_time) VALUES(?, ?, ?, ?, 'active', ?, ?)",
        {server, number, name, location, now, now});
    int64_t key = tx.LastInsertId();
    for (const KeyValue& t : tags) {
      tx.Exec(
          "INSERT INTO mlflow_experiment_tags(exp_key, key, value) VALUES(?, ?, ?) "
          "ON CONFLICT(exp_key, key) DO UPDATE SET value = excluded.value",
          {key, t.key, t.value});
    }
  });
  return id;
}

Experiment TrackingStore::GetExperiment(int64_t server, const std::string& experiment_id) {
  Experiment e;
  store_.Read([&](meta::Transaction& tx) {
    e = LoadExperiment(tx, internal::MustFindExperiment(tx, server, experiment_id));
  });
  return e;
}

Experiment TrackingStore::GetExperimentByName(int64_t server, const std::string& name) {
  Experiment e;
  store_.Read([&](meta::Transaction& tx) {
    auto row =
        tx.QueryOne("SELECT experiment_id FROM mlflow_experiments WHERE server_id = ? AND name = ?",
                    {server, name});
    if (!row) throw NotFound("Could not find experiment with name " + name);
    e = LoadExperiment(tx, internal::MustFindExperiment(tx, server, std::to_string(row->Int(0))));
  });
  return e;
}

ExperimentPage TrackingStore::SearchExperiments(int64_t server, const ExperimentSearch& search) {
  int64_t limit = SearchLimit(search.max_results, 1000, kMaxSearchResults);
  int64_t offset = DecodeOffsetToken(search.page_token);
  std::string joins, where, order;
  std::vector<meta::Value> join_params, params;
  int index = 0;
  for (const Comparison& c : ParseFilter(search.filter)) {
    AddExperimentCondition(c, joins, where, join_params, params, index++);
  }
  bool has_id_order = false;
  for (const std::string& text : search.order_by) {
    OrderKey k = ParseOrderBy(text);
    if (k.type != EntityType::kAttribute ||
        (k.key != "name" && k.key != "experiment_id" && k.key != "creation_time" &&
         k.key != "last_update_time")) {
      throw InvalidParameter("Invalid attribute key '" + k.key +
                             "' specified. Valid keys are '['name', 'experiment_id', "
                             "'creation_time', 'last_update_time']'");
    }
    has_id_order |= k.key == "experiment_id";
    order += ", e." + k.key + (k.ascending ? " ASC" : " DESC");
  }
  if (search.order_by.empty()) order = ", e.creation_time DESC";
  if (!has_id_order) order += ", e.experiment_id ASC";
  std::string sql =
      "SELECT e.exp_key, e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, "
      "e.creation_time, e.last_update_time FROM mlflow_experiments e" +
      joins + " WHERE e.server_id = ?";
  std::vector<meta::Value> all = std::move(join_params);
  all.push_back(server);
  if (search.view == ViewType::kActiveOnly) sql += " AND e.lifecycle_stage = 'active'";
  if (search.view == ViewType::kDeletedOnly) sql += " AND e.lifecycle_stage = 'deleted'";
  sql += where + " ORDER BY " + order.substr(2) + " LIMIT ? OFFSET ?";
  for (auto& p : params) all.push_back(std::move(p));
  all.push_back(limit + 1);
  all.push_back(offset);
  ExperimentPage page;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& r : tx.Query(sql, all)) {
      if (static_cast<int64_t>(page.experiments.size()) == limit) {
        page.next_page_token = EncodeOffsetToken(offset + limit);
        break;
      }
      page.experiments.push_back(
          LoadExperiment(tx, ExperimentRow{r.Int(0), std::to_string(r.Int(1)), r.Text(2), r.Text(3),
                                           r.Text(4), r.Int(5), r.Int(6)}));
    }
  });
  return page;
}

void TrackingStore::DeleteExperiment(int64_t server, const std::string& experiment_id) {
  store_.Write([&](meta::Transaction& tx) {
    ExperimentRow e = internal::MustFindExperiment(tx, server, experiment_id);
    if (e.lifecycle_stage != kActive) {
      throw NotFound("No Experiment with id=" + experiment_id + " exists");
    }
    int64_t now = NowMillis();
    tx.Exec(
        "UPDATE mlflow_experiments SET lifecycle_stage = 'deleted', last_update_time = ? "
        "WHERE exp_key = ?",
        {now, e.exp_key});
    tx.Exec(
        "UPDATE mlflow_runs SET lifecycle_stage = 'deleted', deleted_time = ? "
        "WHERE exp_key = ? AND lifecycle_stage = 'active'",
        {now, e.exp_key});
  });
}

void TrackingStore::RestoreExperiment(int64_t server, const std::string& experiment_id) {
  store_.Write([&](meta::Transaction& tx) {
    ExperimentRow e = internal::MustFindExperiment(tx, server, experiment_id);
    if (e.lifecycle_stage != kDeleted) {
      throw InvalidParameter("Cannot restore an active experiment.");
    }
    tx.Exec(
        "UPDATE mlflow_experiments SET lifecycle_stage = 'active', last_update_time = ? "
        "WHERE exp_key = ?",
        {NowMillis(), e.exp_key});
    tx.Exec(
        "UPDATE mlflow_runs SET lifecycle_stage = 'active', deleted_time = NULL "
        "WHERE exp_key = ? AND lifecycle_stage = 'deleted'",
        {e.exp_key});
  });
}

void TrackingStore::RenameExperiment(int64_t server, const std::string& experiment_id,
                                     const std::string& new_name) {
  ValidateExperimentName(new_name);
  store_.Write([&](meta::Transaction& tx) {
    ExperimentRow e = internal::MustFindExperiment(tx, server, experiment_id);
    if (e.lifecycle_stage != kActive) {
      throw InvalidState("Cannot rename a non-active experiment.");
    }
    if (new_name != e.name &&
        tx.QueryOne("SELECT 1 FROM mlflow_experiments WHERE server_id = ? AND name = ?",
                    {server, new_name})) {
      throw AlreadyExists("Experiment(name=" + new_name + ") already exists.");
    }
    tx.Exec("UPDATE mlflow_experiments SET name = ?, last_update_time = ? WHERE exp_key = ?",
            {new_name, NowMillis(), e.exp_key});
  });
}

void TrackingStore::SetExperimentTag(int64_t server, const std::string& experiment_id,
                                     const KeyValue& tag) {
  ValidateKeyName("tag", tag.key);
  ValidateTagValue(tag.key, tag.value);
  store_.Write([&](meta::Transaction& tx) {
    ExperimentRow e = internal::MustFindExperiment(tx, server, experiment_id);
    internal::RequireActiveExperiment(e);
    tx.Exec(
        "INSERT INTO mlflow_experiment_tags(exp_key, key, value) VALUES(?, ?, ?) "
        "ON CONFLICT(exp_key, key) DO UPDATE SET value = excluded.value",
        {e.exp_key, tag.key, tag.value});
  });
}

void TrackingStore::DeleteExperimentTag(int64_t server, const std::string& experiment_id,
                                        const std::string& key) {
  store_.Write([&](meta::Transaction& tx) {
    ExperimentRow e = internal::MustFindExperiment(tx, server, experiment_id);
    internal::RequireActiveExperiment(e);
    if (tx.Exec("DELETE FROM mlflow_experiment_tags WHERE exp_key = ? AND key = ?",
                {e.exp_key, key}) == 0) {
      throw NotFound("No tag with name: " + key + " in experiment with id " + experiment_id);
    }
  });
}

}  // namespace mlflow
