#include "services/athena/athena.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"
#include "base/time.h"
#include "engines/sql/common/error.h"
#include "platform/aws/api_error.h"
#include "services/athena/query_runner.h"
#include "services/glue/data_access_authorizer.h"
#include "services/glue/glue_error.h"
#include "services/glue/object_store_file_system.h"

namespace athena {

using base::Json;

namespace {

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE athena_queries (
  id TEXT PRIMARY KEY,
  workgroup TEXT NOT NULL,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL);
CREATE INDEX athena_queries_by_workgroup ON athena_queries (workgroup, seq);
CREATE TABLE athena_workgroups (
  name TEXT PRIMARY KEY,
  doc TEXT NOT NULL);
CREATE TABLE athena_named_queries (
  id TEXT PRIMARY KEY,
  workgroup TEXT NOT NULL,
  doc TEXT NOT NULL);
)sql"},
};

constexpr const char* kEngineVersion = "Athena engine version 3";
constexpr size_t kCachedResults = 64;

aws::ApiError InvalidRequest(const std::string& message) {
  return aws::ApiError(400, "InvalidRequestException", message);
}

aws::ApiError NotFound(const std::string& message) {
  return aws::ApiError(400, "ResourceNotFoundException", message);
}

std::string Str(const Json& in, const char* name, std::string fallback = "") {
  auto it = in.find(name);
  return it != in.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string Required(const Json& in, const char* name) {
  std::string v = Str(in, name);
  if (v.empty()) throw InvalidRequest(std::string(name) + " is required.");
  return v;
}

double NowSeconds() { return base::ToUnixSecondsDouble(base::Now()); }

int64_t MillisSince(base::TimePoint from, base::TimePoint to) {
  return std::max<int64_t>(0, base::ToUnixMillis(to) - base::ToUnixMillis(from));
}

// Offset tokens over ordered lists.
size_t TokenOffset(const Json& in) {
  std::string token = Str(in, "NextToken");
  if (token.empty()) return 0;
  std::optional<std::string> decoded = base::Base64Decode(token);
  try {
    if (!decoded || !decoded->starts_with("o:")) throw std::invalid_argument("token");
    return std::stoul(decoded->substr(2));
  } catch (const std::exception&) {
    throw InvalidRequest("Invalid NextToken.");
  }
}

std::string TokenAt(size_t offset) { return base::Base64Encode("o:" + std::to_string(offset)); }

size_t MaxResults(const Json& in, size_t fallback, size_t limit) {
  auto it = in.find("MaxResults");
  if (it == in.end() || !it->is_number_integer()) return fallback;
  int64_t n = it->get<int64_t>();
  if (n < 1) throw InvalidRequest("MaxResults must be at least 1.");
  return std::min(static_cast<size_t>(n), limit);
}

std::string WithSlash(std::string location) {
  if (!location.empty() && location.back() != '/') location += '/';
  return location;
}

// The first line of an error message (the engine adds a caret excerpt below it).
std::string FirstLine(const std::string& message) { return message.substr(0, message.find('\n')); }

bool IsFinal(const Json& doc) {
  std::string state = doc["Status"].value("State", "");
  return state != "QUEUED" && state != "RUNNING";
}

// A QueryExecution document as the API returns it, without what is kept for internal use.
Json PublicDoc(Json doc) {
  for (const char* internal : {"ResultColumns", "ResultHeader", "UpdateCount", "RuntimeRows"}) {
    doc.erase(internal);
  }
  return doc;
}

}  // namespace

struct Athena::Impl {
  struct Execution {
    Json doc;  // the QueryExecution document
    std::vector<ResultColumn> columns;
    std::shared_ptr<const ResultSet> results;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    QueryRequest request;
    base::TimePoint submitted;
    // Checks the caller's glue and s3 permissions for the data the query touches; null when
    // requests are not authenticated.
    std::shared_ptr<glue::DataAccessAuthorizer> authz;
    std::string region;
  };

  Impl(meta::Store& m, glue::Glue& g, std::string account, AthenaOptions o)
      : meta(m),
        glue(g),
        account_id(std::move(account)),
        options(o),
        runner(g.catalog(), g.file_system()) {
    meta.Migrate("athena", kMigrations);
    try {
      glue.catalog().CreateDatabase({{"Name", "default"}, {"Description", "Default database"}});
    } catch (const glue::GlueError&) {
      // Already there.
    }
    meta.Write([&](meta::Transaction& tx) {
      if (!tx.QueryOne("SELECT 1 FROM athena_workgroups WHERE name = 'primary'")) {
        Json wg = NewWorkGroup("primary", Json::object(), "");
        tx.Exec("INSERT INTO athena_workgroups (name, doc) VALUES (?, ?)", {"primary", wg.dump()});
      }
      // Queries that were queued or running when the server stopped did not finish.
      for (const auto& row : tx.Query("SELECT id, doc FROM athena_queries")) {
        Json doc = base::ParseJson(row.Text(1));
        std::string state = doc["Status"].value("State", "");
        if (state == "QUEUED" || state == "RUNNING") {
          doc["Status"]["State"] = "FAILED";
          doc["Status"]["StateChangeReason"] = "Query was interrupted by a server restart";
          doc["Status"]["CompletionDateTime"] = NowSeconds();
          tx.Exec("UPDATE athena_queries SET doc = ? WHERE id = ?", {doc.dump(), row.Text(0)});
        }
      }
      auto row = tx.QueryOne("SELECT COALESCE(MAX(seq), 0) FROM athena_queries");
      next_seq = row ? row->Int(0) + 1 : 1;
    });
    int n = std::max(1, options.max_concurrent_queries);
    for (int i = 0; i < n; i++) workers.emplace_back([this] { Work(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mu);
      stopping = true;
      for (auto& [id, e] : executions) e->cancel->store(true);
    }
    cv.notify_all();
    finished.notify_all();
    for (std::thread& t : workers) t.join();
  }

  static Json NewWorkGroup(const std::string& name, const Json& configuration,
                           const std::string& description) {
    Json config = {
        {"EnforceWorkGroupConfiguration", false},
        {"PublishCloudWatchMetricsEnabled", false},
        {"RequesterPaysEnabled", false},
        {"EngineVersion",
         {{"SelectedEngineVersion", "AUTO"}, {"EffectiveEngineVersion", kEngineVersion}}}};
    for (auto& [k, v] : configuration.items()) {
      if (k != "EngineVersion") config[k] = v;
    }
    return {{"Name", name},
            {"State", "ENABLED"},
            {"Configuration", config},
            {"Description", description},
            {"CreationTime", NowSeconds()}};
  }

  // --- Persistence. ---

  void Save(const std::string& id, const Json& doc, bool insert) {
    meta.Write([&](meta::Transaction& tx) {
      if (insert) {
        tx.Exec("INSERT INTO athena_queries (id, workgroup, seq, doc) VALUES (?, ?, ?, ?)",
                {id, doc.value("WorkGroup", "primary"), next_seq++, doc.dump()});
      } else {
        tx.Exec("UPDATE athena_queries SET doc = ? WHERE id = ?", {doc.dump(), id});
      }
    });
  }

  std::optional<Json> WorkGroup(const std::string& name) {
    std::optional<Json> out;
    meta.Read([&](meta::Transaction& tx) {
      if (auto row = tx.QueryOne("SELECT doc FROM athena_workgroups WHERE name = ?", {name})) {
        out = base::ParseJson(row->Text(0));
      }
    });
    return out;
  }

  Json RequireWorkGroup(const std::string& name) {
    std::optional<Json> wg = WorkGroup(name);
    if (!wg) throw InvalidRequest("WorkGroup " + name + " is not found.");
    return *wg;
  }

  // The query's document, from memory or the store.
  std::optional<Json> QueryDoc(const std::string& id) {
    {
      std::lock_guard lock(mu);
      if (auto it = executions.find(id); it != executions.end()) return it->second->doc;
    }
    return QueryDocLocked(id);
  }

  // The query's document once it reached a final state, or after options.poll_wait (while
  // fewer than options.max_waiting_polls calls wait), whichever comes first.
  std::optional<Json> QueryDocWhenFinished(const std::string& id) {
    {
      std::unique_lock lock(mu);
      if (auto it = executions.find(id); it != executions.end()) {
        std::shared_ptr<Execution> e = it->second;
        if (!IsFinal(e->doc) && options.poll_wait.count() > 0 &&
            waiting_polls < options.max_waiting_polls) {
          waiting_polls++;
          finished.wait_for(lock, options.poll_wait, [&] { return stopping || IsFinal(e->doc); });
          waiting_polls--;
        }
        return e->doc;
      }
    }
    return QueryDocLocked(id);
  }

  // The stored document of a query that is not in memory (callable with `mu` held).
  std::optional<Json> QueryDocLocked(const std::string& id) {
    std::optional<Json> out;
    meta.Read([&](meta::Transaction& tx) {
      if (auto row = tx.QueryOne("SELECT doc FROM athena_queries WHERE id = ?", {id})) {
        out = base::ParseJson(row->Text(0));
      }
    });
    return out;
  }

  // --- Queue. ---

  // The caller of `ctx`, for the checks its query makes later on a worker thread.
  std::shared_ptr<glue::DataAccessAuthorizer> CallerOf(aws::RequestContext& ctx, const Json& in,
                                                       const std::string& workgroup) {
    if (ctx.credentials() == nullptr) return nullptr;
    glue::DataAccessor caller;
    caller.principal = ctx.principal();
    caller.session_policy = ctx.session_policy();
    // The request's global condition keys, as the dispatcher filled them in to authorize
    // this very call (which therefore passes again).
    ctx.Authorize("athena:StartQueryExecution", ctx.Arn("athena", "workgroup/" + workgroup), in,
                  [&caller](auth::ContextKeys& keys) { caller.keys = keys; });
    return std::make_shared<glue::DataAccessAuthorizer>(*ctx.credentials(), std::move(caller),
                                                        &glue.file_system()->store());
  }

  Json Start(aws::RequestContext& ctx, const Json& in) {
    std::string sql = Required(in, "QueryString");
    std::string wg_name = Str(in, "WorkGroup", "primary");
    std::string token = Str(in, "ClientRequestToken");
    if (!token.empty()) {
      std::lock_guard lock(mu);
      if (auto it = tokens.find(token); it != tokens.end()) {
        return {{"QueryExecutionId", it->second}};
      }
    }
    Json wg = RequireWorkGroup(wg_name);
    if (wg.value("State", "ENABLED") != "ENABLED") {
      throw InvalidRequest("WorkGroup " + wg_name + " is disabled.");
    }
    const Json& config = wg["Configuration"];
    bool enforce = config.value("EnforceWorkGroupConfiguration", false);
    Json result_config = in.value("ResultConfiguration", Json::object());
    Json wg_result = config.value("ResultConfiguration", Json::object());
    std::string output = Str(result_config, "OutputLocation");
    if (enforce || output.empty()) {
      std::string from_wg = Str(wg_result, "OutputLocation");
      if (!from_wg.empty() || enforce) output = from_wg;
      if (enforce) result_config = wg_result;
    }
    if (output.empty()) {
      throw InvalidRequest(
          "No output location provided. An output location is required either through the "
          "Workgroup result configuration setting or as an API input.");
    }
    if (!glue::S3Uri::Parse(output)) {
      throw InvalidRequest("OutputLocation must be an s3:// location: " + output);
    }
    Json context = in.value("QueryExecutionContext", Json::object());
    std::string database = base::ToLower(Str(context, "Database", "default"));
    std::string catalog = Str(context, "Catalog", "AwsDataCatalog");
    if (base::ToLower(catalog) != "awsdatacatalog") {
      throw InvalidRequest("Catalog " + catalog + " does not exist.");
    }

    auto e = std::make_shared<Execution>();
    std::string id = base::Uuid4();
    e->submitted = base::Now();
    e->request.query_id = id;
    e->request.sql = sql;
    e->request.database = database;
    e->request.output_location = WithSlash(output);
    e->request.cancel = e->cancel;
    e->request.threads = options.engine_threads;
    e->authz = CallerOf(ctx, in, wg_name);
    e->region = ctx.region();
    if (config.contains("BytesScannedCutoffPerQuery")) {
      e->request.bytes_scanned_cutoff = config["BytesScannedCutoffPerQuery"].get<uint64_t>();
    }
    Json out_config = result_config;
    out_config["OutputLocation"] = e->request.output_location + id + ".csv";
    std::string statement_type = "DML";
    try {
      statement_type = StatementType(ParseStatement(sql).kind);
    } catch (const sql::Error&) {
      // Reported when the query runs.
    }
    if (statement_type != "DML") {
      out_config["OutputLocation"] = e->request.output_location + id + ".txt";
    }
    e->doc = {
        {"QueryExecutionId", id},
        {"Query", sql},
        {"StatementType", statement_type},
        {"ResultConfiguration", out_config},
        {"ResultReuseConfiguration", {{"ResultReuseByAgeConfiguration", {{"Enabled", false}}}}},
        {"QueryExecutionContext", {{"Database", database}, {"Catalog", "awsdatacatalog"}}},
        {"Status", {{"State", "QUEUED"}, {"SubmissionDateTime", NowSeconds()}}},
        {"Statistics",
         {{"EngineExecutionTimeInMillis", 0},
          {"DataScannedInBytes", 0},
          {"TotalExecutionTimeInMillis", 0},
          {"QueryQueueTimeInMillis", 0},
          {"ServicePreProcessingTimeInMillis", 0},
          {"QueryPlanningTimeInMillis", 0},
          {"ServiceProcessingTimeInMillis", 0},
          {"ResultReuseInformation", {{"ReusedPreviousResult", false}}}}},
        {"WorkGroup", wg_name},
        {"EngineVersion",
         {{"SelectedEngineVersion", "AUTO"}, {"EffectiveEngineVersion", kEngineVersion}}}};
    if (auto it = in.find("ExecutionParameters"); it != in.end() && it->is_array()) {
      for (const Json& p : *it) {
        if (!p.is_string() || p.get<std::string>().empty()) {
          throw InvalidRequest("ExecutionParameters must be non-empty strings.");
        }
        e->request.parameters.push_back(p.get<std::string>());
      }
      e->doc["ExecutionParameters"] = *it;
    }
    Save(id, e->doc, true);
    {
      std::lock_guard lock(mu);
      executions[id] = e;
      if (!token.empty()) tokens[token] = id;
      queue.push_back(id);
    }
    cv.notify_one();
    return {{"QueryExecutionId", id}};
  }

  void Work() {
    while (true) {
      std::shared_ptr<Execution> e;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        std::string id = queue.front();
        queue.pop_front();
        e = executions[id];
        if (e->doc["Status"]["State"] != "QUEUED") continue;  // stopped while queued
        e->doc["Status"]["State"] = "RUNNING";
      }
      Execute(*e);
    }
  }

  // Runs a query taken off the queue. RUNNING is kept in memory only (a restart fails
  // queries that were running anyway); the final state is stored once.
  void Execute(Execution& e) {
    base::TimePoint started = base::Now();
    {
      std::lock_guard lock(mu);
      e.doc["Statistics"]["QueryQueueTimeInMillis"] = MillisSince(e.submitted, started);
    }
    if (e.authz) {
      e.request.observer = e.authz->TableChecker(e.region, account_id);
      e.request.check_change = e.authz->ChangeChecker(e.region, account_id);
      e.request.file_system = e.authz->Wrap(glue.file_system());
    }
    Json status;
    QueryOutcome outcome;
    bool ok = false;
    base::TimePoint engine_done = started;
    try {
      outcome = runner.Run(e.request);
      engine_done = outcome.executed;  // writing the result files is service time
      ok = true;
    } catch (const sql::Error& err) {
      engine_done = base::Now();
      if (err.name() == "USER_CANCELED" && e.cancel->load()) {
        status = {{"State", "CANCELLED"}, {"StateChangeReason", "Query was cancelled by the user"}};
      } else {
        std::string reason = err.name() + ": " + FirstLine(err.what());
        status = {{"State", "FAILED"},
                  {"StateChangeReason", reason},
                  {"AthenaError",
                   {{"ErrorCategory", 2},
                    {"ErrorType", err.name() == "SYNTAX_ERROR" ? 1002 : 1100},
                    {"Retryable", false},
                    {"ErrorMessage", reason}}}};
      }
    } catch (const std::exception& err) {
      engine_done = base::Now();
      std::string reason = FirstLine(err.what());
      status = {{"State", "FAILED"},
                {"StateChangeReason", reason},
                {"AthenaError",
                 {{"ErrorCategory", 2},
                  {"ErrorType", 1100},
                  {"Retryable", false},
                  {"ErrorMessage", reason}}}};
    }
    base::TimePoint done = base::Now();
    std::unique_lock lock(mu);
    Json& doc = e.doc;
    Json submitted = doc["Status"]["SubmissionDateTime"];
    if (ok) status = {{"State", "SUCCEEDED"}};
    status["SubmissionDateTime"] = submitted;
    status["CompletionDateTime"] = NowSeconds();
    doc["Status"] = status;
    Json& stats = doc["Statistics"];
    stats["EngineExecutionTimeInMillis"] = MillisSince(started, engine_done);
    stats["DataScannedInBytes"] = outcome.bytes_scanned;
    stats["TotalExecutionTimeInMillis"] = MillisSince(e.submitted, done);
    stats["ServiceProcessingTimeInMillis"] = MillisSince(engine_done, done);
    stats["QueryPlanningTimeInMillis"] = 0;
    uint64_t output_rows = outcome.update_count >= 0
                               ? static_cast<uint64_t>(outcome.update_count)
                               : outcome.results.rows.size();
    doc["RuntimeRows"] = {{"InputRows", outcome.rows_scanned},
                          {"InputBytes", outcome.bytes_scanned},
                          {"OutputRows", output_rows},
                          {"OutputBytes", outcome.output_bytes}};
    if (ok) {
      doc["StatementType"] = StatementType(outcome.kind);
      doc["ResultConfiguration"]["OutputLocation"] = outcome.output_file;
      if (outcome.update_count >= 0) doc["UpdateCount"] = outcome.update_count;
      doc["ResultColumns"] = Json::array();
      for (const ResultColumn& c : outcome.results.columns) {
        doc["ResultColumns"].push_back({{"Name", c.name}, {"Type", c.type}});
      }
      doc["ResultHeader"] = outcome.results.header;
      e.results = std::make_shared<const ResultSet>(std::move(outcome.results));
      cached.push_back(e.request.query_id);
      if (cached.size() > kCachedResults) {
        if (auto it = executions.find(cached.front()); it != executions.end()) {
          it->second->results.reset();
        }
        cached.pop_front();
      }
    }
    Json final_doc = doc;
    lock.unlock();
    finished.notify_all();
    // Nothing changes a finished query's document afterwards, so the store cannot be left
    // with an older state than memory.
    Save(e.request.query_id, final_doc, false);
  }

  // The results of a finished query: from memory, else read back from its result files.
  std::shared_ptr<const ResultSet> Results(const std::string& id, const Json& doc) {
    {
      std::lock_guard lock(mu);
      if (auto it = executions.find(id); it != executions.end() && it->second->results) {
        return it->second->results;
      }
    }
    std::string path = doc["ResultConfiguration"].value("OutputLocation", "");
    auto read = [&](const std::string& p) {
      std::unique_ptr<sql::RandomAccessFile> f = runner.file_system().Open(p);
      std::string bytes(f->Size(), '\0');
      f->ReadAt(0, bytes.size(), bytes.data());
      return bytes;
    };
    auto rs = std::make_shared<ResultSet>();
    rs->header = doc.value("ResultHeader", true);
    for (const Json& c : doc.value("ResultColumns", Json::array())) {
      ResultColumn col;
      col.name = c.value("Name", "");
      col.type = c.value("Type", "varchar");
      rs->columns.push_back(col);
    }
    try {
      std::string bytes = read(path);
      if (path.ends_with(".csv")) {
        if (auto meta_cols = ParseMetadataProto(read(path + ".metadata"))) rs->columns = *meta_cols;
        std::optional<std::vector<ResultRow>> rows = ParseCsvRows(bytes);
        if (!rows) throw InvalidRequest("The query's result file is not readable: " + path);
        rs->rows = std::move(*rows);
      } else {
        for (const std::string& line : base::Split(bytes, '\n')) rs->rows.push_back({line});
        if (!rs->rows.empty() && bytes.ends_with('\n')) rs->rows.pop_back();
      }
    } catch (const sql::Error&) {
      throw InvalidRequest("The query's result file is gone: " + path);
    }
    return rs;
  }

  meta::Store& meta;
  glue::Glue& glue;
  std::string account_id;
  AthenaOptions options;
  QueryRunner runner;
  int64_t next_seq = 1;

  std::mutex mu;
  std::condition_variable cv;        // queue and stopping changes
  std::condition_variable finished;  // a query reached a final state
  int waiting_polls = 0;
  bool stopping = false;
  std::deque<std::string> queue;
  std::map<std::string, std::shared_ptr<Execution>> executions;
  std::map<std::string, std::string> tokens;
  std::deque<std::string> cached;
  std::vector<std::thread> workers;
};

Athena::Athena(meta::Store& meta, glue::Glue& glue, std::string account_id, AthenaOptions options)
    : impl_(std::make_unique<Impl>(meta, glue, std::move(account_id), options)) {}

Athena::~Athena() = default;

namespace {

std::string WorkGroupArn(const aws::RequestContext& ctx, const std::string& name) {
  return ctx.Arn("athena", "workgroup/" + name);
}

// Applies UpdateWorkGroup's ConfigurationUpdates to a Configuration.
void ApplyConfigurationUpdates(Json& config, const Json& updates) {
  for (const char* flag : {"EnforceWorkGroupConfiguration", "PublishCloudWatchMetricsEnabled",
                           "RequesterPaysEnabled"}) {
    if (updates.contains(flag)) config[flag] = updates[flag];
  }
  if (updates.contains("BytesScannedCutoffPerQuery")) {
    config["BytesScannedCutoffPerQuery"] = updates["BytesScannedCutoffPerQuery"];
  }
  if (updates.value("RemoveBytesScannedCutoffPerQuery", false)) {
    config.erase("BytesScannedCutoffPerQuery");
  }
  if (auto it = updates.find("ResultConfigurationUpdates"); it != updates.end()) {
    Json& rc = config["ResultConfiguration"];
    if (!rc.is_object()) rc = Json::object();
    for (const char* member :
         {"OutputLocation", "ExpectedBucketOwner", "EncryptionConfiguration", "AclConfiguration"}) {
      if (it->contains(member)) rc[member] = (*it)[member];
      if (it->value(std::string("Remove") + member, false)) rc.erase(member);
    }
  }
}

}  // namespace

std::unique_ptr<aws::Service> Athena::MakeService() {
  auto svc = std::make_unique<aws::Service>("athena", "athena");
  Impl& m = *impl_;
  auto query_wg = [&m](const aws::RequestContext& ctx, const Json& in) {
    std::optional<Json> doc = m.QueryDoc(Str(in, "QueryExecutionId"));
    return WorkGroupArn(ctx, doc ? doc->value("WorkGroup", "primary") : "primary");
  };
  auto named_wg = [](const char* member) {
    return [member](const aws::RequestContext& ctx, const Json& in) {
      return WorkGroupArn(ctx, Str(in, member, "primary"));
    };
  };

  // --- Query executions. ---
  svc->Handle("StartQueryExecution",
              [&m](aws::RequestContext& ctx, const Json& in) { return m.Start(ctx, in); })
      .Resource(named_wg("WorkGroup"));
  svc->Handle("GetQueryExecution",
              [&m](aws::RequestContext&, const Json& in) {
                std::string id = Required(in, "QueryExecutionId");
                std::optional<Json> doc = m.QueryDocWhenFinished(id);
                if (!doc) throw InvalidRequest("QueryExecution " + id + " was not found");
                return Json{{"QueryExecution", PublicDoc(std::move(*doc))}};
              })
      .Resource(query_wg);
  svc->Handle("GetQueryRuntimeStatistics",
              [&m](aws::RequestContext&, const Json& in) {
                std::string id = Required(in, "QueryExecutionId");
                std::optional<Json> doc = m.QueryDoc(id);
                if (!doc) throw InvalidRequest("QueryExecution " + id + " was not found");
                const Json& stats = (*doc)["Statistics"];
                Json timeline = Json::object();
                for (const char* member :
                     {"QueryQueueTimeInMillis", "ServicePreProcessingTimeInMillis",
                      "QueryPlanningTimeInMillis", "EngineExecutionTimeInMillis",
                      "ServiceProcessingTimeInMillis", "TotalExecutionTimeInMillis"}) {
                  timeline[member] = stats.value(member, 0);
                }
                Json rows = doc->value("RuntimeRows", Json{{"InputRows", 0},
                                                           {"InputBytes", 0},
                                                           {"OutputRows", 0},
                                                           {"OutputBytes", 0}});
                return Json{{"QueryRuntimeStatistics", {{"Timeline", timeline}, {"Rows", rows}}}};
              })
      .Resource(query_wg);
  svc->Handle("BatchGetQueryExecution", [&m](aws::RequestContext&, const Json& in) {
    Json found = Json::array();
    Json missing = Json::array();
    for (const Json& v : in.value("QueryExecutionIds", Json::array())) {
      std::string id = v.is_string() ? v.get<std::string>() : "";
      std::optional<Json> doc = m.QueryDoc(id);
      if (!doc) {
        missing.push_back({{"QueryExecutionId", id},
                           {"ErrorCode", "INVALID_INPUT"},
                           {"ErrorMessage", "QueryExecution " + id + " was not found"}});
        continue;
      }
      found.push_back(PublicDoc(std::move(*doc)));
    }
    return Json{{"QueryExecutions", found}, {"UnprocessedQueryExecutionIds", missing}};
  });
  svc->Handle("ListQueryExecutions",
              [&m](aws::RequestContext&, const Json& in) {
                std::string wg = Str(in, "WorkGroup", "primary");
                m.RequireWorkGroup(wg);
                size_t offset = TokenOffset(in);
                size_t limit = MaxResults(in, 50, 50);
                Json ids = Json::array();
                bool more = false;
                m.meta.Read([&](meta::Transaction& tx) {
                  for (const auto& row : tx.Query(
                           "SELECT id FROM athena_queries WHERE workgroup = ? ORDER BY seq DESC "
                           "LIMIT ? OFFSET ?",
                           {wg, static_cast<int64_t>(limit + 1), static_cast<int64_t>(offset)})) {
                    if (ids.size() == limit) {
                      more = true;
                      break;
                    }
                    ids.push_back(row.Text(0));
                  }
                });
                Json out = {{"QueryExecutionIds", ids}};
                if (more) out["NextToken"] = TokenAt(offset + limit);
                return out;
              })
      .Resource(named_wg("WorkGroup"));
  svc->Handle("StopQueryExecution",
              [&m](aws::RequestContext&, const Json& in) {
                std::string id = Required(in, "QueryExecutionId");
                Json saved;
                {
                  std::lock_guard lock(m.mu);
                  auto it = m.executions.find(id);
                  if (it == m.executions.end()) {
                    if (!m.QueryDocLocked(id))
                      throw InvalidRequest("QueryExecution " + id + " was not found");
                    return Json::object();  // already finished
                  }
                  Impl::Execution& e = *it->second;
                  std::string state = e.doc["Status"].value("State", "");
                  if (state == "QUEUED") {
                    e.doc["Status"]["State"] = "CANCELLED";
                    e.doc["Status"]["StateChangeReason"] = "Query was cancelled by the user";
                    e.doc["Status"]["CompletionDateTime"] = NowSeconds();
                    saved = e.doc;
                  } else if (state == "RUNNING") {
                    e.cancel->store(true);
                  }
                }
                if (!saved.is_null()) {
                  m.finished.notify_all();
                  m.Save(id, saved, false);
                }
                return Json::object();
              })
      .Resource(query_wg);
  svc->Handle(
         "GetQueryResults",
         [&m](aws::RequestContext&, const Json& in) {
           std::string id = Required(in, "QueryExecutionId");
           std::optional<Json> doc = m.QueryDoc(id);
           if (!doc) throw InvalidRequest("QueryExecution " + id + " was not found");
           std::string state = (*doc)["Status"].value("State", "");
           if (state == "QUEUED" || state == "RUNNING") {
             throw InvalidRequest("Query has not yet finished. Current state: " + state);
           }
           if (state != "SUCCEEDED") {
             throw InvalidRequest("Query did not finish successfully. Final query state: " + state);
           }
           std::shared_ptr<const ResultSet> rs = m.Results(id, *doc);
           size_t offset = TokenOffset(in);
           size_t limit = MaxResults(in, 1000, 1000);
           Json rows = Json::array();
           size_t total = rs->PagedRowCount();
           for (size_t i = offset; i < total && rows.size() < limit; i++)
             rows.push_back(rs->PagedRow(i));
           Json out = {
               {"ResultSet",
                {{"Rows", rows}, {"ResultSetMetadata", {{"ColumnInfo", rs->ColumnInfo()}}}}},
               {"UpdateCount", doc->value("UpdateCount", 0)}};
           if (offset + rows.size() < total) out["NextToken"] = TokenAt(offset + rows.size());
           return out;
         })
      .Resource(query_wg);

  // --- Work groups. ---
  svc->Handle(
         "CreateWorkGroup",
         [&m](aws::RequestContext&, const Json& in) {
           std::string name = Required(in, "Name");
           Json wg = Impl::NewWorkGroup(name, in.value("Configuration", Json::object()),
                                        Str(in, "Description"));
           m.meta.Write([&](meta::Transaction& tx) {
             if (tx.QueryOne("SELECT 1 FROM athena_workgroups WHERE name = ?", {name})) {
               throw InvalidRequest("WorkGroup is already created");
             }
             tx.Exec("INSERT INTO athena_workgroups (name, doc) VALUES (?, ?)", {name, wg.dump()});
           });
           return Json::object();
         })
      .Resource(named_wg("Name"));
  svc->Handle("GetWorkGroup",
              [&m](aws::RequestContext&, const Json& in) {
                return Json{{"WorkGroup", m.RequireWorkGroup(Required(in, "WorkGroup"))}};
              })
      .Resource(named_wg("WorkGroup"));
  svc->Handle("ListWorkGroups", [&m](aws::RequestContext&, const Json& in) {
    std::vector<Json> all;
    m.meta.Read([&](meta::Transaction& tx) {
      for (const auto& row : tx.Query("SELECT doc FROM athena_workgroups ORDER BY name")) {
        Json wg = base::ParseJson(row.Text(0));
        all.push_back({{"Name", wg["Name"]},
                       {"State", wg["State"]},
                       {"Description", wg.value("Description", "")},
                       {"CreationTime", wg["CreationTime"]},
                       {"EngineVersion", wg["Configuration"]["EngineVersion"]}});
      }
    });
    size_t offset = TokenOffset(in);
    size_t limit = MaxResults(in, 50, 50);
    Json page = Json::array();
    for (size_t i = offset; i < all.size() && page.size() < limit; i++) page.push_back(all[i]);
    Json out = {{"WorkGroups", page}};
    if (offset + page.size() < all.size()) out["NextToken"] = TokenAt(offset + page.size());
    return out;
  });
  svc->Handle("UpdateWorkGroup",
              [&m](aws::RequestContext&, const Json& in) {
                std::string name = Required(in, "WorkGroup");
                m.meta.Write([&](meta::Transaction& tx) {
                  auto row =
                      tx.QueryOne("SELECT doc FROM athena_workgroups WHERE name = ?", {name});
                  if (!row) throw InvalidRequest("WorkGroup " + name + " is not found.");
                  Json wg = base::ParseJson(row->Text(0));
                  if (in.contains("Description")) wg["Description"] = in["Description"];
                  if (in.contains("State")) wg["State"] = in["State"];
                  ApplyConfigurationUpdates(wg["Configuration"],
                                            in.value("ConfigurationUpdates", Json::object()));
                  tx.Exec("UPDATE athena_workgroups SET doc = ? WHERE name = ?", {wg.dump(), name});
                });
                return Json::object();
              })
      .Resource(named_wg("WorkGroup"));
  svc->Handle("DeleteWorkGroup",
              [&m](aws::RequestContext&, const Json& in) {
                std::string name = Required(in, "WorkGroup");
                if (name == "primary")
                  throw InvalidRequest("The primary workgroup cannot be deleted.");
                m.meta.Write([&](meta::Transaction& tx) {
                  if (tx.Exec("DELETE FROM athena_workgroups WHERE name = ?", {name}) == 0) {
                    throw InvalidRequest("WorkGroup " + name + " is not found.");
                  }
                  if (in.value("RecursiveDeleteOption", false)) {
                    tx.Exec("DELETE FROM athena_named_queries WHERE workgroup = ?", {name});
                  }
                });
                return Json::object();
              })
      .Resource(named_wg("WorkGroup"));

  // --- Named queries. ---
  svc->Handle("CreateNamedQuery",
              [&m](aws::RequestContext&, const Json& in) {
                std::string wg = Str(in, "WorkGroup", "primary");
                m.RequireWorkGroup(wg);
                std::string id = base::Uuid4();
                Json doc = {{"Name", Required(in, "Name")},
                            {"Description", Str(in, "Description")},
                            {"Database", Required(in, "Database")},
                            {"QueryString", Required(in, "QueryString")},
                            {"NamedQueryId", id},
                            {"WorkGroup", wg}};
                m.meta.Write([&](meta::Transaction& tx) {
                  tx.Exec("INSERT INTO athena_named_queries (id, workgroup, doc) VALUES (?, ?, ?)",
                          {id, wg, doc.dump()});
                });
                return Json{{"NamedQueryId", id}};
              })
      .Resource(named_wg("WorkGroup"));
  auto named_query = [&m](const std::string& id) {
    std::optional<Json> out;
    m.meta.Read([&](meta::Transaction& tx) {
      if (auto row = tx.QueryOne("SELECT doc FROM athena_named_queries WHERE id = ?", {id})) {
        out = base::ParseJson(row->Text(0));
      }
    });
    return out;
  };
  svc->Handle("GetNamedQuery", [named_query](aws::RequestContext&, const Json& in) {
    std::string id = Required(in, "NamedQueryId");
    std::optional<Json> q = named_query(id);
    if (!q) throw InvalidRequest("NamedQuery " + id + " was not found");
    return Json{{"NamedQuery", *q}};
  });
  svc->Handle("BatchGetNamedQuery", [named_query](aws::RequestContext&, const Json& in) {
    Json found = Json::array();
    Json missing = Json::array();
    for (const Json& v : in.value("NamedQueryIds", Json::array())) {
      std::string id = v.is_string() ? v.get<std::string>() : "";
      if (std::optional<Json> q = named_query(id)) {
        found.push_back(*q);
      } else {
        missing.push_back({{"NamedQueryId", id},
                           {"ErrorCode", "INVALID_INPUT"},
                           {"ErrorMessage", "NamedQuery " + id + " was not found"}});
      }
    }
    return Json{{"NamedQueries", found}, {"UnprocessedNamedQueryIds", missing}};
  });
  svc->Handle("ListNamedQueries",
              [&m](aws::RequestContext&, const Json& in) {
                std::string wg = Str(in, "WorkGroup", "primary");
                std::vector<std::string> all;
                m.meta.Read([&](meta::Transaction& tx) {
                  for (const auto& row : tx.Query(
                           "SELECT id FROM athena_named_queries WHERE workgroup = ? ORDER BY id",
                           {wg})) {
                    all.push_back(row.Text(0));
                  }
                });
                size_t offset = TokenOffset(in);
                size_t limit = MaxResults(in, 50, 50);
                Json page = Json::array();
                for (size_t i = offset; i < all.size() && page.size() < limit; i++)
                  page.push_back(all[i]);
                Json out = {{"NamedQueryIds", page}};
                if (offset + page.size() < all.size())
                  out["NextToken"] = TokenAt(offset + page.size());
                return out;
              })
      .Resource(named_wg("WorkGroup"));
  svc->Handle("UpdateNamedQuery", [&m, named_query](aws::RequestContext&, const Json& in) {
    std::string id = Required(in, "NamedQueryId");
    std::optional<Json> q = named_query(id);
    if (!q) throw InvalidRequest("NamedQuery " + id + " was not found");
    (*q)["Name"] = Required(in, "Name");
    (*q)["QueryString"] = Required(in, "QueryString");
    if (in.contains("Description")) (*q)["Description"] = in["Description"];
    m.meta.Write([&](meta::Transaction& tx) {
      tx.Exec("UPDATE athena_named_queries SET doc = ? WHERE id = ?", {q->dump(), id});
    });
    return Json::object();
  });
  svc->Handle("DeleteNamedQuery", [&m](aws::RequestContext&, const Json& in) {
    std::string id = Required(in, "NamedQueryId");
    m.meta.Write([&](meta::Transaction& tx) {
      if (tx.Exec("DELETE FROM athena_named_queries WHERE id = ?", {id}) == 0) {
        throw InvalidRequest("NamedQuery " + id + " was not found");
      }
    });
    return Json::object();
  });

  // --- Data catalogs and their metadata. ---
  auto data_catalog = [&m]() {
    return Json{{"Name", "AwsDataCatalog"},
                {"Description", "The Glue Data Catalog of the account"},
                {"Type", "GLUE"},
                {"Parameters", {{"catalog-id", m.account_id}}}};
  };
  auto check_catalog = [](const Json& in, const char* member) {
    std::string name = Str(in, member, "AwsDataCatalog");
    if (base::ToLower(name) != "awsdatacatalog") {
      throw NotFound("Catalog " + name + " was not found.");
    }
  };
  svc->Handle("ListDataCatalogs", [](aws::RequestContext&, const Json&) {
    return Json{{"DataCatalogsSummary",
                 Json::array({{{"CatalogName", "AwsDataCatalog"}, {"Type", "GLUE"}}})}};
  });
  svc->Handle("GetDataCatalog",
              [data_catalog, check_catalog](aws::RequestContext&, const Json& in) {
                check_catalog(in, "Name");
                return Json{{"DataCatalog", data_catalog()}};
              });
  auto database_doc = [](const Json& db) {
    Json out = {{"Name", db.value("Name", "")}};
    if (db.contains("Description")) out["Description"] = db["Description"];
    if (db.contains("Parameters")) out["Parameters"] = db["Parameters"];
    return out;
  };
  svc->Handle("ListDatabases",
              [&m, check_catalog, database_doc](aws::RequestContext&, const Json& in) {
                check_catalog(in, "CatalogName");
                std::vector<Json> all = m.glue.catalog().ListDatabases().items;
                size_t offset = TokenOffset(in);
                size_t limit = MaxResults(in, 50, 50);
                Json page = Json::array();
                for (size_t i = offset; i < all.size() && page.size() < limit; i++) {
                  page.push_back(database_doc(all[i]));
                }
                Json out = {{"DatabaseList", page}};
                if (offset + page.size() < all.size())
                  out["NextToken"] = TokenAt(offset + page.size());
                return out;
              });
  svc->Handle("GetDatabase",
              [&m, check_catalog, database_doc](aws::RequestContext&, const Json& in) {
                check_catalog(in, "CatalogName");
                std::string name = Required(in, "DatabaseName");
                std::optional<Json> db = m.glue.catalog().GetDatabase(name);
                if (!db)
                  throw aws::ApiError(400, "MetadataException", "Database " + name + " not found.");
                return Json{{"Database", database_doc(*db)}};
              });
  auto table_metadata = [](const Json& t) {
    auto columns = [](const Json& list) {
      Json out = Json::array();
      for (const Json& c : list) {
        Json col = {{"Name", c.value("Name", "")}, {"Type", c.value("Type", "")}};
        if (c.contains("Comment")) col["Comment"] = c["Comment"];
        out.push_back(col);
      }
      return out;
    };
    Json out = {
        {"Name", t.value("Name", "")},
        {"TableType", t.value("TableType", "EXTERNAL_TABLE")},
        {"Columns",
         columns(t.value("StorageDescriptor", Json::object()).value("Columns", Json::array()))},
        {"PartitionKeys", columns(t.value("PartitionKeys", Json::array()))},
        {"Parameters", t.value("Parameters", Json::object())}};
    if (t.contains("CreateTime")) out["CreateTime"] = t["CreateTime"];
    return out;
  };
  svc->Handle("ListTableMetadata", [&m, check_catalog, table_metadata](aws::RequestContext&,
                                                                       const Json& in) {
    check_catalog(in, "CatalogName");
    std::string db = Required(in, "DatabaseName");
    if (!m.glue.catalog().GetDatabase(db)) {
      throw aws::ApiError(400, "MetadataException", "Database " + db + " not found.");
    }
    std::vector<Json> all = m.glue.catalog().ListTables(db, Str(in, "Expression")).items;
    size_t offset = TokenOffset(in);
    size_t limit = MaxResults(in, 50, 50);
    Json page = Json::array();
    for (size_t i = offset; i < all.size() && page.size() < limit; i++) {
      page.push_back(table_metadata(all[i]));
    }
    Json out = {{"TableMetadataList", page}};
    if (offset + page.size() < all.size()) out["NextToken"] = TokenAt(offset + page.size());
    return out;
  });
  svc->Handle("GetTableMetadata",
              [&m, check_catalog, table_metadata](aws::RequestContext&, const Json& in) {
                check_catalog(in, "CatalogName");
                std::string db = Required(in, "DatabaseName");
                std::string name = Required(in, "TableName");
                std::optional<Json> t = m.glue.catalog().GetTable(db, name);
                if (!t)
                  throw aws::ApiError(400, "MetadataException", "Table " + name + " not found.");
                return Json{{"TableMetadata", table_metadata(*t)}};
              });
  return svc;
}

}  // namespace athena
