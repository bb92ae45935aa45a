#include "services/glue/data_quality.h"

#include <chrono>
#include <condition_variable>

#include "base/crypto.h"
#include "base/strings.h"
#include "engines/sql/common/error.h"
#include "engines/sql/main/database.h"
#include "services/glue/dq_rule_compiler.h"
#include "services/glue/dq_ruleset_parser.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_error.h"
#include "services/glue/table_source.h"

namespace glue {

using base::Json;

namespace {

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE glue_dq_rulesets (
  name TEXT PRIMARY KEY,
  doc TEXT NOT NULL);
CREATE TABLE glue_dq_runs (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL);
CREATE TABLE glue_dq_results (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  doc TEXT NOT NULL);
)sql"},
    {2, R"sql(
ALTER TABLE glue_dq_runs ADD COLUMN client_token TEXT;
CREATE INDEX glue_dq_runs_by_token ON glue_dq_runs (client_token);
)sql"},
};

// A run's Timeout in minutes when StartDataQualityRulesetEvaluationRun gives none (AWS's).
constexpr int64_t kDefaultTimeout = 2880;
// The longest Timeout honoured, in minutes (about two years).
constexpr int64_t kMaxTimeout = 1'000'000;

GlueError NotFound(const std::string& what) {
  return GlueError(ErrorKind::kEntityNotFound, what + " not found.");
}

GlueError Invalid(const std::string& message) {
  return GlueError(ErrorKind::kInvalidInput, message);
}

DqRuleset ParseOrReject(const std::string& dqdl) {
  try {
    return ParseDqRuleset(dqdl);
  } catch (const DqSyntaxError& e) {
    throw Invalid(std::string("The ruleset is not valid DQDL. ") + e.what());
  }
}

// The GlueTable of a DataSource (DataQualityGlueTable is accepted as well).
const Json& GlueTableOf(const Json& data_source) {
  for (const char* member : {"GlueTable", "DataQualityGlueTable"}) {
    auto it = data_source.find(member);
    if (it != data_source.end() && it->is_object() && it->value("DatabaseName", "") != "" &&
        it->value("TableName", "") != "") {
      return *it;
    }
  }
  throw Invalid("DataSource.GlueTable with DatabaseName and TableName is required.");
}

// The first row of `result`, each column a number when it is one.
DqAnswer AnswerOf(const sql::QueryResult& result) {
  DqAnswer a;
  a.rows = result.RowCount();
  if (a.rows == 0) return a;
  for (size_t c = 0; c < result.names.size(); ++c) {
    sql::Value v = result.GetValue(c, 0);
    if (v.is_null() || !v.type().IsNumeric()) {
      a.values.push_back(std::nullopt);
    } else {
      a.values.push_back(v.AsDouble());
    }
  }
  return a;
}

std::string ErrorText(const sql::Error& e) { return e.name() + ": " + e.what(); }

}  // namespace

DataQuality::DataQuality(meta::Store& meta, Catalog& catalog, std::shared_ptr<sql::FileSystem> fs,
                         std::chrono::nanoseconds timeout_unit)
    : meta_(meta), catalog_(catalog), fs_(std::move(fs)), timeout_unit_(timeout_unit) {
  meta_.Migrate("glue_data_quality", kMigrations);
  meta_.Write([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT id, doc FROM glue_dq_runs")) {
      Json doc = base::ParseJson(row.Text(1));
      std::string status = doc.value("Status", "");
      if (status == "STARTING" || status == "RUNNING" || status == "STOPPING") {
        doc["Status"] = "FAILED";
        doc["ErrorString"] = "The run was interrupted by a server restart";
        tx.Exec("UPDATE glue_dq_runs SET doc = ? WHERE id = ?", {doc.dump(), row.Text(0)});
      }
    }
    auto row = tx.QueryOne(
        "SELECT MAX(s) FROM (SELECT COALESCE(MAX(seq), 0) AS s FROM glue_dq_runs UNION ALL "
        "SELECT COALESCE(MAX(seq), 0) FROM glue_dq_results) AS t");
    next_seq_ = row ? row->Int(0) + 1 : 1;
  });
}

DataQuality::~DataQuality() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, stop] : running_) stop->store(true);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void DataQuality::CreateRuleset(const Json& input) {
  std::string name = input.value("Name", "");
  if (name.empty()) throw Invalid("Name is required.");
  std::string dqdl = input.value("Ruleset", "");
  if (dqdl.empty()) throw Invalid("Ruleset is required.");
  ParseOrReject(dqdl);
  Json doc = {{"Name", name},
              {"Ruleset", dqdl},
              {"CreatedOn", NowSeconds()},
              {"LastModifiedOn", NowSeconds()}};
  for (const char* member : {"Description", "DataQualitySecurityConfiguration"}) {
    if (input.contains(member) && input[member].is_string()) doc[member] = input[member];
  }
  if (auto it = input.find("TargetTable"); it != input.end() && it->is_object()) {
    std::string database = it->value("DatabaseName", "");
    std::string table = it->value("TableName", "");
    if (database.empty() || table.empty()) {
      throw Invalid("TargetTable needs DatabaseName and TableName.");
    }
    if (!catalog_.GetTable(database, table)) {
      throw Invalid("Target table " + database + "." + table + " does not exist.");
    }
    doc["TargetTable"] = *it;
  }
  meta_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM glue_dq_rulesets WHERE name = ?", {name})) {
      throw GlueError(ErrorKind::kAlreadyExists, "Ruleset " + name + " already exists.");
    }
    tx.Exec("INSERT INTO glue_dq_rulesets (name, doc) VALUES (?, ?)", {name, doc.dump()});
  });
}

std::optional<Json> DataQuality::GetRuleset(const std::string& name) const {
  std::optional<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_dq_rulesets WHERE name = ?", {name})) {
      out = base::ParseJson(row->Text(0));
    }
  });
  return out;
}

std::vector<Json> DataQuality::ListRulesets() const {
  std::vector<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT doc FROM glue_dq_rulesets ORDER BY name")) {
      out.push_back(base::ParseJson(row.Text(0)));
    }
  });
  for (Json& doc : out) {
    try {
      doc["RuleCount"] = ParseDqRuleset(doc.value("Ruleset", "")).rules.size();
    } catch (const DqSyntaxError&) {
      // Stored before a stricter parser: listed without a count, rejected when evaluated.
    }
  }
  return out;
}

Json DataQuality::UpdateRuleset(const Json& input) {
  std::string name = input.value("Name", "");
  if (name.empty()) throw Invalid("Name is required.");
  auto ruleset = input.find("Ruleset");
  if (ruleset != input.end()) {
    if (!ruleset->is_string() || ruleset->get<std::string>().empty()) {
      throw Invalid("Ruleset must not be empty.");
    }
    ParseOrReject(*ruleset);
  }
  Json doc;
  meta_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM glue_dq_rulesets WHERE name = ?", {name});
    if (!row) throw NotFound("Ruleset " + name);
    doc = base::ParseJson(row->Text(0));
    if (ruleset != input.end()) doc["Ruleset"] = *ruleset;
    if (input.contains("Description") && input["Description"].is_string()) {
      doc["Description"] = input["Description"];
    }
    doc["LastModifiedOn"] = NowSeconds();
    tx.Exec("UPDATE glue_dq_rulesets SET doc = ? WHERE name = ?", {doc.dump(), name});
  });
  Json out = {{"Name", name}, {"Ruleset", doc["Ruleset"]}};
  if (doc.contains("Description")) out["Description"] = doc["Description"];
  return out;
}

void DataQuality::DeleteRuleset(const std::string& name) {
  meta_.Write([&](meta::Transaction& tx) {
    if (tx.Exec("DELETE FROM glue_dq_rulesets WHERE name = ?", {name}) == 0) {
      throw NotFound("Ruleset " + name);
    }
  });
}

std::string DataQuality::StartRun(const Json& input, DataAccess access) {
  if (!input.contains("DataSource") || !input["DataSource"].is_object()) {
    throw Invalid("DataSource is required.");
  }
  const Json& source = GlueTableOf(input["DataSource"]);
  if (input.value("Role", "").empty()) throw Invalid("Role is required.");
  auto names = input.find("RulesetNames");
  if (names == input.end() || !names->is_array() || names->empty()) {
    throw Invalid("RulesetNames must name at least one ruleset.");
  }
  std::vector<Json> rulesets;
  for (const Json& n : *names) {
    std::string name = n.is_string() ? n.get<std::string>() : "";
    std::optional<Json> ruleset = GetRuleset(name);
    if (!ruleset) throw NotFound("Ruleset " + name);
    rulesets.push_back(std::move(*ruleset));
  }
  std::string database = source.value("DatabaseName", "");
  std::string table = source.value("TableName", "");
  if (!catalog_.GetTable(database, table)) throw NotFound("Table " + database + "." + table);
  int64_t timeout = kDefaultTimeout;
  if (auto it = input.find("Timeout"); it != input.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1) {
      throw Invalid("Timeout must be a whole number of minutes, at least 1.");
    }
    timeout = std::min(it->get<int64_t>(), kMaxTimeout);
  }
  std::string token = input.value("ClientToken", "");
  if (token.size() > 255) throw Invalid("ClientToken is longer than 255 characters.");
  std::lock_guard lock(mu_);
  if (!token.empty()) {
    std::optional<Json> earlier;
    meta_.Read([&](meta::Transaction& tx) {
      if (auto row = tx.QueryOne("SELECT doc FROM glue_dq_runs WHERE client_token = ?", {token})) {
        earlier = base::ParseJson(row->Text(0));
      }
    });
    if (earlier) {
      if ((*earlier)["DataSource"] != input["DataSource"] || (*earlier)["RulesetNames"] != *names) {
        throw GlueError(ErrorKind::kConflict,
                        "ClientToken " + token + " already started a run with other parameters.");
      }
      return (*earlier)["RunId"].get<std::string>();
    }
  }
  std::string id = "dqrun-" + base::RandomHex(40);
  Json run = {{"RunId", id},
              {"DataSource", input["DataSource"]},
              {"Role", input["Role"]},
              {"NumberOfWorkers", input.value("NumberOfWorkers", 5)},
              {"Timeout", timeout},
              {"Status", "STARTING"},
              {"StartedOn", NowSeconds()},
              {"LastModifiedOn", NowSeconds()},
              {"ExecutionTime", 0},
              {"RulesetNames", *names},
              {"ResultIds", Json::array()}};
  if (input.contains("AdditionalRunOptions")) {
    run["AdditionalRunOptions"] = input["AdditionalRunOptions"];
  }
  if (input.contains("AdditionalDataSources")) {
    run["AdditionalDataSources"] = input["AdditionalDataSources"];
  }
  meta_.Write([&](meta::Transaction& tx) {
    tx.Exec("INSERT INTO glue_dq_runs (id, seq, doc, client_token) VALUES (?, ?, ?, ?)",
            {id, next_seq_++, run.dump(), token.empty() ? meta::Null() : meta::Value(token)});
  });
  auto stop = std::make_shared<std::atomic<bool>>(false);
  running_[id] = stop;
  threads_.emplace_back([this, run, rulesets = std::move(rulesets), stop,
                         access = std::move(access)] { Execute(run, rulesets, stop, access); });
  return id;
}

std::optional<Json> DataQuality::GetRun(const std::string& run_id) const {
  std::optional<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_dq_runs WHERE id = ?", {run_id})) {
      out = base::ParseJson(row->Text(0));
    }
  });
  return out;
}

std::vector<Json> DataQuality::ListRuns() const {
  std::vector<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT doc FROM glue_dq_runs ORDER BY seq DESC")) {
      out.push_back(base::ParseJson(row.Text(0)));
    }
  });
  return out;
}

void DataQuality::CancelRun(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto it = running_.find(run_id);
  if (it != running_.end()) {
    it->second->store(true);
    return;
  }
  std::optional<Json> run = GetRun(run_id);
  if (!run) throw NotFound("Run " + run_id);
  throw Invalid("Run " + run_id + " is not running; it ended " + run->value("Status", "") + ".");
}

std::optional<Json> DataQuality::GetResult(const std::string& result_id) const {
  std::optional<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_dq_results WHERE id = ?", {result_id})) {
      out = base::ParseJson(row->Text(0));
    }
  });
  return out;
}

std::vector<Json> DataQuality::ListResults() const {
  std::vector<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT doc FROM glue_dq_results ORDER BY seq DESC")) {
      out.push_back(base::ParseJson(row.Text(0)));
    }
  });
  return out;
}

void DataQuality::SaveRun(const Json& run) {
  meta_.Write([&](meta::Transaction& tx) {
    tx.Exec("UPDATE glue_dq_runs SET doc = ? WHERE id = ?",
            {run.dump(), run["RunId"].get<std::string>()});
  });
}

Json DataQuality::Evaluate(const Json& run, const Json& ruleset,
                           const std::shared_ptr<std::atomic<bool>>& stop,
                           const DataAccess& access) {
  const Json& source = GlueTableOf(run["DataSource"]);
  std::string database = source.value("DatabaseName", "");
  std::string table_name = source.value("TableName", "");
  double started = NowSeconds();
  // The table is resolved (its files listed) once, up front: a table that cannot be read
  // fails the run. `primary` names it, and so does its own name.
  std::shared_ptr<sql::FileSystem> fs = access.Wrap(fs_);
  std::shared_ptr<const sql::TableDefinition> definition =
      MakeTableResolver(catalog_, *fs, database, access.Observer())({database, table_name});
  if (!definition) throw NotFound("Table " + database + "." + table_name);
  std::vector<std::string> columns;
  for (const auto* list : {&definition->columns, &definition->partition_keys}) {
    for (const sql::ColumnDef& c : *list) columns.push_back(c.name);
  }
  DqRuleCompiler compiler(ParseOrReject(ruleset.value("Ruleset", "")), columns);
  sql::Database db(fs);
  db.catalog().SetResolver(
      [definition, table = base::ToLower(table_name),
       qualified = base::ToLower(database + "." + table_name)](
          const std::vector<std::string>& name) -> std::shared_ptr<const sql::TableDefinition> {
        std::string wanted = base::ToLower(base::Join(name, "."));
        return wanted == "primary" || wanted == table || wanted == qualified ? definition : nullptr;
      });
  auto query = [&](const std::string& sql) {
    sql::QueryOptions options;
    options.cancel = stop;
    // Rules read the evaluated table and nothing else: no file functions, no writes.
    options.read_only = true;
    options.file_table_functions = false;
    sql::Connection conn(db);
    return AnswerOf(conn.Query(sql, options));
  };
  // A stop or a denied read ends the run; other errors are the rules' own.
  auto fatal = [&](const sql::Error& e) { return stop->load() || e.name() == "PERMISSION_DENIED"; };
  // One scan computes every aggregate; when it fails, each aggregate runs alone so that only
  // the rules whose SQL is at fault report the error.
  std::vector<DqAnswer> aggregates(compiler.aggregates().size());
  try {
    DqAnswer row = query(compiler.ScanSql());
    for (size_t i = 0; i < aggregates.size(); ++i) {
      aggregates[i].rows = row.rows;
      aggregates[i].values = {i < row.values.size() ? row.values[i] : std::nullopt};
    }
  } catch (const sql::Error& e) {
    if (fatal(e)) throw;
    for (size_t i = 0; i < aggregates.size(); ++i) {
      try {
        aggregates[i] = query(compiler.AggregateSql(i));
      } catch (const sql::Error& each) {
        if (fatal(each)) throw;
        aggregates[i].error = ErrorText(each);
      }
    }
  }
  std::vector<DqAnswer> statements;
  for (const std::string& sql : compiler.statements()) {
    try {
      statements.push_back(query(sql));
    } catch (const sql::Error& e) {
      if (fatal(e)) throw;
      statements.push_back({{}, 0, ErrorText(e)});
    }
  }
  std::vector<DqRuleResult> results = compiler.Judge(aggregates, statements);
  Json rule_results = Json::array();
  int passed = 0;
  for (const DqRuleResult& r : results) {
    Json j = {{"Name", r.name},
              {"Description", r.description},
              {"Result", r.result},
              {"EvaluatedMetrics", Json::object()}};
    for (const auto& [metric, value] : r.metrics) j["EvaluatedMetrics"][metric] = value;
    if (!r.message.empty()) j["EvaluationMessage"] = r.message;
    if (r.result == "PASS") passed++;
    rule_results.push_back(std::move(j));
  }
  double total = static_cast<double>(results.size());
  Json out = {{"ResultId", "dqresult-" + base::RandomHex(40)},
              {"Score", total > 0 ? passed / total : 0.0},
              {"DataSource", run["DataSource"]},
              {"RulesetName", ruleset.value("Name", "")},
              {"EvaluationContext", ruleset.value("Name", "")},
              {"StartedOn", started},
              {"CompletedOn", NowSeconds()},
              {"RulesetEvaluationRunId", run.value("RunId", "")},
              {"RuleResults", rule_results},
              {"AnalyzerResults", Json::array()},
              {"Observations", Json::array()},
              {"AggregatedMetrics",
               {{"TotalRulesProcessed", total},
                {"TotalRulesPassed", passed},
                {"TotalRulesFailed", total - passed}}}};
  if (aggregates[0].error.empty() && !aggregates[0].values.empty() && aggregates[0].values[0]) {
    out["AggregatedMetrics"]["TotalRowsProcessed"] = *aggregates[0].values[0];
  }
  return out;
}

void DataQuality::Execute(Json run, std::vector<Json> rulesets,
                          std::shared_ptr<std::atomic<bool>> stop, DataAccess access) {
  auto started = std::chrono::steady_clock::now();
  std::string id = run["RunId"];
  // The watchdog stops the run when it is still going at its deadline; a run that ends past
  // its deadline before the watchdog woke has timed out all the same.
  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool finished = false;
  bool timed_out = false;
  int64_t timeout = run.value("Timeout", kDefaultTimeout);
  auto deadline = started + timeout * timeout_unit_;
  auto past_deadline = [&] { return std::chrono::steady_clock::now() >= deadline; };
  std::thread watchdog([&] {
    std::unique_lock watch_lock(watch_mu);
    if (!watch_cv.wait_until(watch_lock, deadline, [&] { return finished; })) {
      timed_out = true;
      stop->store(true);
    }
  });
  run["Status"] = "RUNNING";
  run["LastModifiedOn"] = NowSeconds();
  SaveRun(run);
  std::string status = "SUCCEEDED";
  std::string error;
  std::vector<Json> results;
  try {
    for (const Json& ruleset : rulesets) {
      if (stop->load()) break;
      results.push_back(Evaluate(run, ruleset, stop, access));
    }
    std::string prefix;
    if (run.contains("AdditionalRunOptions")) {
      prefix = run["AdditionalRunOptions"].value("ResultsS3Prefix", "");
    }
    if (!prefix.empty() && !stop->load() && !past_deadline()) {
      if (prefix.back() != '/') prefix += '/';
      for (const Json& result : results) {
        std::string path = prefix + result["ResultId"].get<std::string>() + ".json";
        std::unique_ptr<sql::WritableFile> file = access.Wrap(fs_)->Create(path);
        file->Append(result.dump(2));
        file->Close();
      }
    }
  } catch (const std::exception& e) {
    status = "FAILED";
    error = e.what();
    if (const auto* sql_error = dynamic_cast<const sql::Error*>(&e)) error = ErrorText(*sql_error);
  }
  {
    std::lock_guard watch_lock(watch_mu);
    finished = true;
  }
  watch_cv.notify_one();
  watchdog.join();
  if (timed_out || past_deadline()) {
    status = "TIMEOUT";
    error = "The run did not finish within its timeout of " + std::to_string(timeout) +
            (timeout == 1 ? " minute" : " minutes");
  } else if (stop->load()) {
    status = "STOPPED";
    error.clear();
  }
  std::lock_guard lock(mu_);
  run["Status"] = status;
  run["CompletedOn"] = NowSeconds();
  run["LastModifiedOn"] = NowSeconds();
  run["ExecutionTime"] = static_cast<int64_t>(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!error.empty()) run["ErrorString"] = error;
  meta_.Write([&](meta::Transaction& tx) {
    if (status == "SUCCEEDED") {
      for (const Json& result : results) {
        std::string result_id = result["ResultId"];
        run["ResultIds"].push_back(result_id);
        tx.Exec("INSERT INTO glue_dq_results (id, seq, run_id, doc) VALUES (?, ?, ?, ?)",
                {result_id, next_seq_++, id, result.dump()});
      }
    }
    tx.Exec("UPDATE glue_dq_runs SET doc = ? WHERE id = ?", {run.dump(), id});
  });
  running_.erase(id);
}

}  // namespace glue
