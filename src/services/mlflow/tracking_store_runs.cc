// TrackingStore: runs and everything they log.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "base/crypto.h"
#include "base/json.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/run_search_query.h"
#include "services/mlflow/search_filter.h"
#include "services/mlflow/tracking_store.h"
#include "services/mlflow/tracking_store_internal.h"
#include "services/mlflow/validation.h"

namespace mlflow {

using internal::RunRow;

namespace {

constexpr std::string_view kRunNameTag = "mlflow.runName";
constexpr std::string_view kLoggedModelsTag = "mlflow.log-model.history";

// MLflow names unnamed runs "<adjective>-<noun>-<number>".
std::string RandomRunName() {
  static const char* kAdjectives[] = {
      "abundant",  "adorable", "agreeable",   "ambitious",   "bold",      "brave",     "bright",
      "calm",      "capable",  "clean",       "clever",      "colorful",  "dapper",    "delicate",
      "eager",     "elegant",  "enchanting",  "fearless",    "gentle",    "gifted",    "glamorous",
      "handsome",  "honest",   "illustrious", "industrious", "judicious", "kindly",    "learned",
      "likeable",  "lyrical",  "magnificent", "nebulous",    "polite",    "righteous", "rogue",
      "salty",     "sedate",   "silent",      "skillful",    "smiling",   "stylish",   "thoughtful",
      "traveling", "unique",   "upbeat",      "victorious",  "welcoming", "whimsical", "wise"};
  static const char* kNouns[] = {
      "ant",   "ape",    "asp",   "bass",  "bat",   "bear",  "bee",    "bird",  "boar",  "carp",
      "cat",   "crab",   "crane", "croc",  "cub",   "deer",  "doe",    "dog",   "dove",  "duck",
      "eel",   "elk",    "fawn",  "finch", "fish",  "fly",   "foal",   "fox",   "frog",  "gnat",
      "goat",  "goose",  "grub",  "gull",  "hare",  "hawk",  "hen",    "hog",   "horse", "hound",
      "jay",   "koi",    "lamb",  "lark",  "loon",  "lynx",  "mare",   "midge", "mink",  "mole",
      "moose", "moth",   "mouse", "mule",  "newt",  "owl",   "ox",     "panda", "perch", "pig",
      "pug",   "ram",    "rat",   "ray",   "robin", "seal",  "shad",   "shark", "sheep", "shoat",
      "shrew", "shrike", "skink", "skunk", "sloth", "slug",  "snail",  "snake", "sow",   "squid",
      "stag",  "stoat",  "swan",  "tern",  "toad",  "trout", "turtle", "vole",  "wasp",  "whale",
      "wolf",  "worm",   "wren",  "yak",   "zebra"};
  std::string r = base::RandomBytes(6);
  auto pick = [&](int i) {
    return static_cast<unsigned>(static_cast<unsigned char>(r[i])) << 8 |
           static_cast<unsigned char>(r[i + 1]);
  };
  return std::string(kAdjectives[pick(0) % std::size(kAdjectives)]) + "-" +
         kNouns[pick(2) % std::size(kNouns)] + "-" + std::to_string(pick(4) % 1000);
}

std::string CanonicalStatus(const std::string& status) {
  static const char* kNames[] = {"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
  for (int i = 0; i < 5; ++i) {
    if (status == kNames[i] || status == std::to_string(i + 1)) return kNames[i];
  }
  throw BadParameterValue("status", status);
}

std::optional<std::string> FindTag(const std::vector<KeyValue>& tags, std::string_view key) {
  std::optional<std::string> out;
  for (const KeyValue& t : tags) {
    if (t.key == key) out = t.value;
  }
  return out;
}

void InsertTag(meta::Transaction& tx, int64_t run_key, const std::string& key,
               const std::string& value) {
  tx.Exec(
      "INSERT INTO mlflow_tags(run_key, key, value) VALUES(?, ?, ?) "
      "ON CONFLICT(run_key, key) DO UPDATE SET value = excluded.value",
      {run_key, key, value});
}

void ValidateBatch(const LogBatch& b) {
  if (b.metrics.size() > kMaxBatchMetrics) {
    throw InvalidParameter("A batch logging request can contain at most " +
                           std::to_string(kMaxBatchMetrics) + " metrics. Got " +
                           std::to_string(b.metrics.size()) +
                           " metrics. Please split up metrics across multiple requests and try "
                           "again.");
  }
  if (b.params.size() > kMaxBatchParams) {
    throw InvalidParameter("A batch logging request can contain at most " +
                           std::to_string(kMaxBatchParams) + " params. Got " +
                           std::to_string(b.params.size()) +
                           " params. Please split up params across multiple requests and try "
                           "again.");
  }
  if (b.tags.size() > kMaxBatchTags) {
    throw InvalidParameter("A batch logging request can contain at most " +
                           std::to_string(kMaxBatchTags) + " tags. Got " +
                           std::to_string(b.tags.size()) +
                           " tags. Please split up tags across multiple requests and try again.");
  }
  size_t total = b.metrics.size() + b.params.size() + b.tags.size();
  if (total > kMaxBatchEntries) {
    throw InvalidParameter("A batch logging request can contain at most " +
                           std::to_string(kMaxBatchEntries) +
                           " metrics, params, and tags in total. Got " + std::to_string(total) +
                           " total entries. Please split up the data across multiple requests "
                           "and try again.");
  }
  for (const Metric& m : b.metrics) {
    ValidateKeyName("metric", m.key);
    if (m.timestamp < 0) {
      throw InvalidParameter("Got invalid timestamp " + std::to_string(m.timestamp) +
                             " for metric '" + m.key +
                             "'. Timestamp must be a nonnegative long (64-bit integer) ");
    }
  }
  std::map<std::string, std::string, std::less<>> params;
  for (const KeyValue& p : b.params) {
    ValidateKeyName("param", p.key);
    ValidateParamValue(p.key, p.value);
    auto [it, fresh] = params.emplace(p.key, p.value);
    if (!fresh && it->second != p.value) {
      throw InvalidParameter("Duplicate parameter keys have been submitted: ['" + p.key +
                             "']. Please ensure the request contains only one param value per "
                             "param key.");
    }
  }
  for (const KeyValue& t : b.tags) {
    ValidateKeyName("tag", t.key);
    ValidateTagValue(t.key, t.value);
  }
}

// Runs `head` VALUES(...), ... `tail` for `rows` rows of six values each (`values` appends
// row i's), several rows per statement: chunks of 64, 32, ..., 1 rows, so that a connection
// caches at most seven statement texts per `head`.
void InsertRows(meta::Transaction& tx, std::string_view head, std::string_view tail, size_t rows,
                const std::function<void(size_t, std::vector<meta::Value>&)>& values) {
  constexpr size_t kWidth = 6;
  size_t done = 0;
  std::vector<meta::Value> params;
  for (size_t chunk = 64; chunk > 0; chunk /= 2) {
    if (rows - done < chunk) continue;
    std::string sql(head);
    sql += " VALUES";
    for (size_t r = 0; r < chunk; ++r) sql += r ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)";
    sql += tail;
    while (rows - done >= chunk) {
      params.clear();
      params.reserve(chunk * kWidth);
      for (size_t r = 0; r < chunk; ++r) values(done + r, params);
      tx.Exec(sql, params);
      done += chunk;
    }
  }
}

// MLflow's order of "latest": step, then timestamp, then value (NaN lowest).
std::tuple<int64_t, int64_t, double> LatestKey(const Metric& m) {
  return {m.step, m.timestamp,
          std::isnan(m.value) ? -std::numeric_limits<double>::infinity() : m.value};
}

}  // namespace

Run TrackingStore::CreateRun(int64_t server, const NewRun& req) {
  std::optional<std::string> name_tag = FindTag(req.tags, kRunNameTag);
  std::optional<std::string> name = req.run_name;
  if (name && name->empty()) name.reset();
  if (name && name_tag && *name != *name_tag) {
    throw InvalidParameter(
        "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different "
        "values (run_name='" +
        *name + "', mlflow.runName='" + *name_tag + "').");
  }
  for (const KeyValue& t : req.tags) {
    ValidateKeyName("tag", t.key);
    ValidateTagValue(t.key, t.value);
  }
  std::string run_name = name ? *name : name_tag ? *name_tag : RandomRunName();
  std::string run_id = base::HexEncode(base::RandomBytes(16));
  std::string experiment_id = req.experiment_id.empty() ? "0" : req.experiment_id;
  int64_t start = req.start_time.value_or(NowMillis());
  Run run;
  store_.Write([&](meta::Transaction& tx) {
    internal::ExperimentRow e = internal::MustFindExperiment(tx, server, experiment_id);
    internal::RequireActiveExperiment(e);
    std::string artifact_uri = e.artifact_location;
    while (artifact_uri.size() > 1 && artifact_uri.back() == '/') artifact_uri.pop_back();
    artifact_uri += "/" + run_id + "/artifacts";
    tx.Exec(
        "INSERT INTO mlflow_runs(run_uuid, server_id, exp_key, name, user_id, status, "
        "start_time, end_time, artifact_uri, lifecycle_stage) "
        "VALUES(?, ?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active')",
        {run_id, server, e.exp_key, run_name, req.user_id, start, artifact_uri});
    int64_t run_key = tx.LastInsertId();
    for (const KeyValue& t : req.tags) InsertTag(tx, run_key, t.key, t.value);
    if (!name_tag) InsertTag(tx, run_key, std::string(kRunNameTag), run_name);
    run = internal::LoadRuns(tx, {run_key}).front();
  });
  return run;
}

RunInfo TrackingStore::UpdateRun(int64_t server, const std::string& run_id,
                                 const RunUpdate& update) {
  std::optional<std::string> status;
  if (update.status) status = CanonicalStatus(*update.status);
  RunInfo info;
  store_.Write([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    internal::RequireActiveRun(run);
    if (status) {
      tx.Exec("UPDATE mlflow_runs SET status = ? WHERE run_key = ?", {*status, run.run_key});
    }
    if (update.end_time) {
      tx.Exec("UPDATE mlflow_runs SET end_time = ? WHERE run_key = ?",
              {*update.end_time, run.run_key});
    }
    if (update.run_name && !update.run_name->empty()) {
      tx.Exec("UPDATE mlflow_runs SET name = ? WHERE run_key = ?", {*update.run_name, run.run_key});
      InsertTag(tx, run.run_key, std::string(kRunNameTag), *update.run_name);
    }
    info = internal::LoadRuns(tx, {run.run_key}).front().info;
  });
  return info;
}

void TrackingStore::DeleteRun(int64_t server, const std::string& run_id) {
  store_.Write([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    tx.Exec(
        "UPDATE mlflow_runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_key = ?",
        {NowMillis(), run.run_key});
  });
}

void TrackingStore::RestoreRun(int64_t server, const std::string& run_id) {
  store_.Write([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    tx.Exec(
        "UPDATE mlflow_runs SET lifecycle_stage = 'active', deleted_time = NULL "
        "WHERE run_key = ?",
        {run.run_key});
  });
}

Run TrackingStore::GetRun(int64_t server, const std::string& run_id) {
  Run run;
  store_.Read([&](meta::Transaction& tx) {
    run = internal::LoadRuns(tx, {internal::MustFindRun(tx, server, run_id).run_key}).front();
  });
  return run;
}

RunPage TrackingStore::SearchRuns(int64_t server, const RunSearchRequest& search) {
  int64_t limit = SearchLimit(search.max_results, 1000, kMaxSearchResults);
  int64_t offset = DecodeOffsetToken(search.page_token);
  std::vector<Comparison> filter = ParseFilter(search.filter);
  std::vector<OrderKey> order;
  for (const std::string& text : search.order_by) order.push_back(ParseOrderBy(text));
  RunPage page;
  store_.Read([&](meta::Transaction& tx) {
    std::vector<int64_t> exp_keys;
    for (const std::string& id : search.experiment_ids) {
      if (auto e = internal::FindExperiment(tx, server, id)) exp_keys.push_back(e->exp_key);
    }
    RunSearchQuery q =
        RunSearchQuery::Build(internal::JsonArrayOf(exp_keys), filter, order, search.view);
    if (exp_keys.empty()) return;
    std::vector<int64_t> keys;
    // One more than the page, to know whether another follows.
    auto fetch = [&](const std::string& sql, std::vector<meta::Value> params, int64_t from) {
      params.push_back(limit + 1 - static_cast<int64_t>(keys.size()));
      params.push_back(from);
      tx.Each(sql, params, [&](const meta::Row& r) {
        keys.push_back(r.Int(0));
        return true;
      });
    };
    fetch(q.sql, q.params, offset);
    if (q.split() && static_cast<int64_t>(keys.size()) <= limit) {
      // The first part ended within this page: the rest starts after its last run.
      int64_t first_part = offset + static_cast<int64_t>(keys.size());
      if (keys.empty()) first_part = tx.QueryOne(q.count_sql, q.params)->Int(0);
      fetch(q.rest_sql, q.rest_params, std::max<int64_t>(0, offset - first_part));
    }
    if (static_cast<int64_t>(keys.size()) > limit) {
      keys.pop_back();
      page.next_page_token = EncodeOffsetToken(offset + limit);
    }
    page.runs = internal::LoadRuns(tx, keys);
  });
  return page;
}

void TrackingStore::LogBatch(int64_t server, const std::string& run_id,
                             const mlflow::LogBatch& batch) {
  ValidateBatch(batch);
  // The latest point of each key in the batch; the store keeps whichever is later.
  std::map<std::string_view, const Metric*> latest;
  for (const Metric& m : batch.metrics) {
    auto [it, fresh] = latest.emplace(m.key, &m);
    if (!fresh && LatestKey(m) > LatestKey(*it->second)) it->second = &m;
  }
  log_writes_.Write([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    internal::RequireActiveRun(run);
    for (const KeyValue& p : batch.params) {
      auto existing = tx.QueryOne("SELECT value FROM mlflow_params WHERE run_key = ? AND key = ?",
                                  {run.run_key, p.key});
      if (existing) {
        if (existing->Text(0) != p.value) {
          throw InvalidParameter("Changing param values is not allowed. Param with key='" + p.key +
                                 "' was already logged with value='" + existing->Text(0) +
                                 "' for run ID='" + run_id + "'. Attempted logging new value '" +
                                 p.value + "'.");
        }
        continue;
      }
      tx.Exec("INSERT INTO mlflow_params(run_key, key, value) VALUES(?, ?, ?)",
              {run.run_key, p.key, p.value});
    }
    InsertRows(
        tx, "INSERT OR IGNORE INTO mlflow_metrics(run_key, key, step, timestamp, is_nan, value)",
        "", batch.metrics.size(), [&](size_t i, std::vector<meta::Value>& row) {
          const Metric& m = batch.metrics[i];
          bool nan = std::isnan(m.value);
          row.insert(row.end(),
                     {run.run_key, m.key, m.step, m.timestamp, int64_t{nan}, nan ? 0.0 : m.value});
        });
    std::vector<const Metric*> latest_points;
    for (const auto& entry : latest) latest_points.push_back(entry.second);
    InsertRows(
        tx, "INSERT INTO mlflow_latest_metrics(run_key, key, value, is_nan, timestamp, step)",
        " ON CONFLICT(run_key, key) DO UPDATE SET value = excluded.value, is_nan = "
        "excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step WHERE "
        "(excluded.step, excluded.timestamp, CASE WHEN excluded.is_nan THEN -9e999 ELSE "
        "excluded.value END) > (step, timestamp, CASE WHEN is_nan THEN -9e999 ELSE value "
        "END)",
        latest_points.size(), [&](size_t i, std::vector<meta::Value>& row) {
          const Metric& m = *latest_points[i];
          bool nan = std::isnan(m.value);
          row.insert(row.end(),
                     {run.run_key, m.key, nan ? 0.0 : m.value, int64_t{nan}, m.timestamp, m.step});
        });
    for (const KeyValue& t : batch.tags) {
      InsertTag(tx, run.run_key, t.key, t.value);
      if (t.key == kRunNameTag) {
        tx.Exec("UPDATE mlflow_runs SET name = ? WHERE run_key = ?", {t.value, run.run_key});
      }
    }
  });
}

void TrackingStore::DeleteTag(int64_t server, const std::string& run_id, const std::string& key) {
  store_.Write([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    internal::RequireActiveRun(run);
    if (tx.Exec("DELETE FROM mlflow_tags WHERE run_key = ? AND key = ?", {run.run_key, key}) == 0) {
      throw NotFound("No tag with name: " + key + " in run with id " + run_id);
    }
  });
}

void TrackingStore::LogInputs(int64_t server, const std::string& run_id,
                              const std::vector<DatasetInput>& inputs) {
  for (const DatasetInput& in : inputs) {
    const Dataset& d = in.dataset;
    if (d.name.empty()) throw MissingParameter("datasets.dataset.name");
    if (d.digest.empty()) throw MissingParameter("datasets.dataset.digest");
    if (d.source_type.empty()) throw MissingParameter("datasets.dataset.source_type");
    if (d.source.empty()) throw MissingParameter("datasets.dataset.source");
    for (const KeyValue& t : in.tags) {
      if (t.key.empty()) throw MissingParameter("datasets.tags.key");
    }
  }
  store_.Write([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    internal::RequireActiveRun(run);
    for (const DatasetInput& in : inputs) {
      const Dataset& d = in.dataset;
      auto schema = d.schema ? meta::Value(*d.schema) : meta::Null();
      auto profile = d.profile ? meta::Value(*d.profile) : meta::Null();
      tx.Exec(
          "INSERT INTO mlflow_datasets(exp_key, name, digest, source_type, source, schema, "
          "profile) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(exp_key, name, digest) DO NOTHING",
          {run.exp_key, d.name, d.digest, d.source_type, d.source, schema, profile});
      int64_t dataset_key =
          tx.QueryOne(
                "SELECT dataset_key FROM mlflow_datasets WHERE exp_key = ? AND name = ? AND "
                "digest = ?",
                {run.exp_key, d.name, d.digest})
              ->Int(0);
      base::Json tags = base::Json::array();
      for (const KeyValue& t : in.tags) tags.push_back({{"key", t.key}, {"value", t.value}});
      tx.Exec(
          "INSERT INTO mlflow_inputs(run_key, dataset_key, tags) VALUES(?, ?, ?) "
          "ON CONFLICT(run_key, dataset_key) DO NOTHING",
          {run.run_key, dataset_key, tags.dump()});
    }
  });
}

void TrackingStore::LogModel(int64_t server, const std::string& run_id,
                             const std::string& model_json) {
  base::Json model;
  try {
    model = base::ParseJson(model_json);
  } catch (const base::ParseError&) {
    throw InvalidParameter("Malformed model info. 'model_json' must be a JSON object.");
  }
  if (!model.is_object()) {
    throw InvalidParameter("Malformed model info. 'model_json' must be a JSON object.");
  }
  store_.Write([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    internal::RequireActiveRun(run);
    base::Json history = base::Json::array();
    if (auto row = tx.QueryOne("SELECT value FROM mlflow_tags WHERE run_key = ? AND key = ?",
                               {run.run_key, std::string(kLoggedModelsTag)})) {
      try {
        history = base::ParseJson(row->Text(0));
      } catch (const base::ParseError&) {
        history = base::Json::array();
      }
      if (!history.is_array()) history = base::Json::array();
    }
    history.push_back(model);
    std::string value = history.dump();
    ValidateTagValue(kLoggedModelsTag, value);
    InsertTag(tx, run.run_key, std::string(kLoggedModelsTag), value);
  });
}

MetricPage TrackingStore::GetMetricHistory(int64_t server, const std::string& run_id,
                                           const std::string& key,
                                           std::optional<int64_t> max_results,
                                           const std::string& page_token) {
  MetricPage page;
  page.next_page_token =
      VisitMetricHistory(server, run_id, key, max_results, page_token,
                         [&](int64_t step, int64_t timestamp, double value) {
                           page.metrics.push_back(Metric{key, value, timestamp, step});
                         });
  return page;
}

std::string TrackingStore::VisitMetricHistory(int64_t server, const std::string& run_id,
                                              const std::string& key,
                                              std::optional<int64_t> max_results,
                                              const std::string& page_token,
                                              const MetricPointFn& fn) {
  int64_t limit = max_results ? SearchLimit(max_results, 0, std::numeric_limits<int32_t>::max())
                              : std::numeric_limits<int64_t>::max();
  int64_t offset = DecodeOffsetToken(page_token);
  std::string next;
  store_.Read([&](meta::Transaction& tx) {
    RunRow run = internal::MustFindRun(tx, server, run_id);
    int64_t seen = 0;
    tx.Each(
        "SELECT step, timestamp, is_nan, value FROM mlflow_metrics WHERE run_key = ? AND key = ? "
        "ORDER BY step, timestamp, is_nan, value LIMIT ? OFFSET ?",
        {run.run_key, key, limit == std::numeric_limits<int64_t>::max() ? int64_t{-1} : limit + 1,
         offset},
        [&](const meta::Row& r) {
          if (seen == limit) {
            next = EncodeOffsetToken(offset + limit);
            return false;
          }
          ++seen;
          fn(r.Int(0), r.Int(1), r.Int(2) ? std::numeric_limits<double>::quiet_NaN() : r.Double(3));
          return true;
        });
  });
  return next;
}

}  // namespace mlflow
