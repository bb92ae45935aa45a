#include "services/mlflow/ui_pages.h"

#include <map>
#include <set>

#include "base/strings.h"
#include "base/time.h"
#include "services/mlflow/json_writer.h"

namespace mlflow {
namespace {

constexpr size_t kMaxHistoryRows = 10000;

std::string H(std::string_view s) { return base::XmlEscape(s); }

std::string Q(std::string_view s) { return base::UriEncode(s); }

std::string Time(std::optional<int64_t> ms) {
  return ms ? base::FormatIso8601(base::FromUnixMillis(*ms)) : std::string();
}

std::string Number(double v) {
  JsonWriter w;
  w.Double(v);
  std::string s = w.Take();
  if (!s.empty() && s.front() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::string Page(const TrackingServerRecord& server, const std::string& title,
                 const std::string& body) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + H(title) + " - " +
         H(server.name) +
         "</title><style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:"
         "collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
         "th{background:#f3f3f3}nav a{margin-right:1em}</style></head><body><nav><b>MLflow "
         "&middot; " +
         H(server.name) +
         "</b> &nbsp; <a href=\"?\">Experiments</a><a href=\"?models\">Models"
         "</a></nav><h2>" +
         H(title) + "</h2>" + body + "</body></html>";
}

std::string Table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><tr>";
  for (const std::string& h : head) out += "<th>" + H(h) + "</th>";
  out += "</tr>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const std::string& cell : row) out += "<td>" + cell + "</td>";
    out += "</tr>";
  }
  return out + "</table>";
}

std::string KeyValueTable(const std::vector<KeyValue>& kvs) {
  std::vector<std::vector<std::string>> rows;
  for (const KeyValue& kv : kvs) rows.push_back({H(kv.key), H(kv.value)});
  return Table({"Key", "Value"}, rows);
}

}  // namespace

std::string UiPages::Render(const TrackingServerRecord& server,
                            const std::vector<std::pair<std::string, std::string>>& query) {
  std::map<std::string, std::string> q(query.begin(), query.end());
  if (q.count("run") && q.count("metric")) return MetricPage(server, q["run"], q["metric"]);
  if (q.count("run")) return RunPage(server, q["run"]);
  if (q.count("experiment")) return Runs(server, q["experiment"]);
  if (q.count("model")) return ModelPage(server, q["model"]);
  if (q.count("models")) return Models(server);
  return Experiments(server);
}

std::string UiPages::Experiments(const TrackingServerRecord& server) {
  ExperimentSearch s;
  s.max_results = kMaxSearchResults;
  s.order_by = {"experiment_id ASC"};
  std::vector<std::vector<std::string>> rows;
  for (const Experiment& e : tracking_.SearchExperiments(server.id, s).experiments) {
    rows.push_back({H(e.experiment_id),
                    "<a href=\"?experiment=" + Q(e.experiment_id) + "\">" + H(e.name) + "</a>",
                    H(e.artifact_location), H(Time(e.creation_time))});
  }
  return Page(server, "Experiments", Table({"ID", "Name", "Artifact location", "Created"}, rows));
}

std::string UiPages::Runs(const TrackingServerRecord& server, const std::string& experiment_id) {
  Experiment e = tracking_.GetExperiment(server.id, experiment_id);
  RunSearchRequest s;
  s.experiment_ids = {experiment_id};
  s.max_results = 1000;
  std::vector<Run> runs = tracking_.SearchRuns(server.id, s).runs;
  std::set<std::string> params, metrics;
  for (const Run& r : runs) {
    for (const KeyValue& p : r.params) params.insert(p.key);
    for (const Metric& m : r.metrics) metrics.insert(m.key);
  }
  std::vector<std::string> head = {"Run", "Status", "Started"};
  for (const std::string& p : params) head.push_back("params." + p);
  for (const std::string& m : metrics) head.push_back("metrics." + m);
  std::vector<std::vector<std::string>> rows;
  for (const Run& r : runs) {
    std::vector<std::string> row = {
        "<a href=\"?run=" + Q(r.info.run_id) + "\">" + H(r.info.run_name) + "</a>",
        H(r.info.status), H(Time(r.info.start_time))};
    for (const std::string& p : params) {
      std::string v;
      for (const KeyValue& kv : r.params) {
        if (kv.key == p) v = H(kv.value);
      }
      row.push_back(v);
    }
    for (const std::string& k : metrics) {
      std::string v;
      for (const Metric& m : r.metrics) {
        if (m.key == k) v = H(Number(m.value));
      }
      row.push_back(v);
    }
    rows.push_back(std::move(row));
  }
  return Page(server, "Experiment " + e.name, Table(head, rows));
}

std::string UiPages::RunPage(const TrackingServerRecord& server, const std::string& run_id) {
  Run r = tracking_.GetRun(server.id, run_id);
  std::vector<std::vector<std::string>> metrics;
  for (const Metric& m : r.metrics) {
    metrics.push_back(
        {"<a href=\"?run=" + Q(run_id) + "&amp;metric=" + Q(m.key) + "\">" + H(m.key) + "</a>",
         H(Number(m.value)), std::to_string(m.step), H(Time(m.timestamp))});
  }
  std::string body = Table({"Run ID", "Experiment", "Status", "Started", "Ended", "Artifacts"},
                           {{H(r.info.run_id),
                             "<a href=\"?experiment=" + Q(r.info.experiment_id) + "\">" +
                                 H(r.info.experiment_id) + "</a>",
                             H(r.info.status), H(Time(r.info.start_time)), H(Time(r.info.end_time)),
                             H(r.info.artifact_uri)}}) +
                     "<h3>Parameters</h3>" + KeyValueTable(r.params) + "<h3>Metrics</h3>" +
                     Table({"Key", "Latest value", "Step", "Time"}, metrics) + "<h3>Tags</h3>" +
                     KeyValueTable(r.tags);
  return Page(server, "Run " + r.info.run_name, body);
}

std::string UiPages::MetricPage(const TrackingServerRecord& server, const std::string& run_id,
                                const std::string& key) {
  Run r = tracking_.GetRun(server.id, run_id);
  mlflow::MetricPage history =
      tracking_.GetMetricHistory(server.id, run_id, key, kMaxHistoryRows, "");
  std::vector<std::vector<std::string>> rows;
  for (const Metric& m : history.metrics) {
    rows.push_back({std::to_string(m.step), H(Time(m.timestamp)), H(Number(m.value))});
  }
  std::string note = history.next_page_token.empty()
                         ? ""
                         : "<p>The first " + std::to_string(kMaxHistoryRows) + " values.</p>";
  return Page(server, key + " of run " + r.info.run_name,
              "<p><a href=\"?run=" + Q(run_id) + "\">Back to the run</a></p>" + note +
                  Table({"Step", "Time", "Value"}, rows));
}

std::string UiPages::Models(const TrackingServerRecord& server) {
  RegistrySearch s;
  s.max_results = 1000;
  std::vector<std::vector<std::string>> rows;
  for (const RegisteredModel& m : registry_.SearchRegisteredModels(server.id, s).models) {
    std::string latest;
    for (const ModelVersion& v : m.latest_versions) {
      latest += "v" + H(v.version) + " (" + H(v.current_stage) + ") ";
    }
    rows.push_back({"<a href=\"?model=" + Q(m.name) + "\">" + H(m.name) + "</a>", latest,
                    H(m.description.value_or("")), H(Time(m.last_updated_timestamp))});
  }
  return Page(server, "Registered models",
              Table({"Name", "Latest versions", "Description", "Updated"}, rows));
}

std::string UiPages::ModelPage(const TrackingServerRecord& server, const std::string& name) {
  RegisteredModel m = registry_.GetRegisteredModel(server.id, name);
  RegistrySearch s;
  s.filter = "name = '" + [&] {
    std::string escaped;
    for (char c : name) escaped += c == '\'' ? std::string("''") : std::string(1, c);
    return escaped;
  }() + "'";
  s.order_by = {"version_number DESC"};
  s.max_results = 1000;
  std::vector<std::vector<std::string>> rows;
  for (const ModelVersion& v : registry_.SearchModelVersions(server.id, s).versions) {
    std::string aliases;
    for (const std::string& a : v.aliases) aliases += "@" + H(a) + " ";
    std::string run = v.run_id.empty()
                          ? std::string()
                          : "<a href=\"?run=" + Q(v.run_id) + "\">" + H(v.run_id) + "</a>";
    rows.push_back({H(v.version), H(v.current_stage), aliases, H(v.source), run,
                    H(Time(v.creation_timestamp))});
  }
  return Page(server, "Model " + m.name,
              "<p>" + H(m.description.value_or("")) + "</p>" +
                  Table({"Version", "Stage", "Aliases", "Source", "Run", "Created"}, rows));
}

}  // namespace mlflow
