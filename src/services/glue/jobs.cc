#include "services/glue/jobs.h"

#include <chrono>
#include <set>

#include "base/crypto.h"
#include "base/strings.h"
#include "base/time.h"
#include "engines/sql/common/error.h"
#include "engines/sql/formats/table_writer.h"
#include "engines/sql/main/database.h"
#include "services/glue/etl_plan.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_error.h"
#include "services/glue/table_format.h"
#include "services/glue/table_source.h"

namespace glue {

using base::Json;

namespace {

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE glue_jobs (
  name TEXT PRIMARY KEY,
  doc TEXT NOT NULL);
CREATE TABLE glue_job_runs (
  id TEXT PRIMARY KEY,
  job TEXT NOT NULL,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL,
  log TEXT NOT NULL DEFAULT '');
CREATE INDEX glue_job_runs_by_job ON glue_job_runs (job, seq);
)sql"},
};

GlueError NotFound(const std::string& what) {
  return GlueError(ErrorKind::kEntityNotFound, what + " not found.");
}

std::string Directory(const std::string& path) { return path.substr(0, path.rfind('/') + 1); }

}  // namespace

Jobs::Jobs(meta::Store& meta, Catalog& catalog, std::shared_ptr<sql::FileSystem> fs)
    : meta_(meta), catalog_(catalog), fs_(std::move(fs)) {
  meta_.Migrate("glue_jobs", kMigrations);
  meta_.Write([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT id, doc FROM glue_job_runs")) {
      Json doc = base::ParseJson(row.Text(1));
      std::string state = doc.value("JobRunState", "");
      if (state == "STARTING" || state == "RUNNING" || state == "STOPPING") {
        doc["JobRunState"] = "FAILED";
        doc["ErrorMessage"] = "The run was interrupted by a server restart";
        tx.Exec("UPDATE glue_job_runs SET doc = ? WHERE id = ?", {doc.dump(), row.Text(0)});
      }
    }
    auto row = tx.QueryOne("SELECT COALESCE(MAX(seq), 0) FROM glue_job_runs");
    next_seq_ = row ? row->Int(0) + 1 : 1;
  });
}

Jobs::~Jobs() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, stop] : running_) stop->store(true);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void Jobs::Create(const Json& input) {
  std::string name = input.value("Name", "");
  if (name.empty()) throw GlueError(ErrorKind::kInvalidInput, "Name is required.");
  Json doc = input;
  doc.erase("Tags");
  doc["CreatedOn"] = NowSeconds();
  doc["LastModifiedOn"] = NowSeconds();
  if (!doc.contains("GlueVersion")) doc["GlueVersion"] = "4.0";
  if (!doc.contains("MaxRetries")) doc["MaxRetries"] = 0;
  if (!doc.contains("Timeout")) doc["Timeout"] = 2880;
  if (!doc.contains("ExecutionProperty")) doc["ExecutionProperty"] = {{"MaxConcurrentRuns", 1}};
  meta_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM glue_jobs WHERE name = ?", {name})) {
      throw GlueError(ErrorKind::kAlreadyExists, "Job " + name + " already exists.");
    }
    tx.Exec("INSERT INTO glue_jobs (name, doc) VALUES (?, ?)", {name, doc.dump()});
  });
}

std::optional<Json> Jobs::Get(const std::string& name) const {
  std::optional<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_jobs WHERE name = ?", {name})) {
      out = base::ParseJson(row->Text(0));
    }
  });
  return out;
}

std::vector<Json> Jobs::List() const {
  std::vector<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT doc FROM glue_jobs ORDER BY name")) {
      out.push_back(base::ParseJson(row.Text(0)));
    }
  });
  return out;
}

void Jobs::Update(const std::string& name, const Json& job_update) {
  meta_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM glue_jobs WHERE name = ?", {name});
    if (!row) throw NotFound("Job " + name);
    Json doc = base::ParseJson(row->Text(0));
    for (auto& [k, v] : job_update.items()) doc[k] = v;
    doc["Name"] = name;
    doc["LastModifiedOn"] = NowSeconds();
    tx.Exec("UPDATE glue_jobs SET doc = ? WHERE name = ?", {doc.dump(), name});
  });
}

void Jobs::Delete(const std::string& name) {
  meta_.Write(
      [&](meta::Transaction& tx) { tx.Exec("DELETE FROM glue_jobs WHERE name = ?", {name}); });
}

void Jobs::SaveRun(const Json& run) {
  meta_.Write([&](meta::Transaction& tx) {
    tx.Exec("UPDATE glue_job_runs SET doc = ? WHERE id = ?",
            {run.dump(), run["Id"].get<std::string>()});
  });
}

std::string Jobs::StartRun(const std::string& name, const Json& arguments, DataAccess access) {
  std::optional<Json> job = Get(name);
  if (!job) throw NotFound("Job " + name);
  std::string id = "jr_" + base::RandomHex(64);
  Json run = {{"Id", id},
              {"Attempt", 0},
              {"JobName", name},
              {"StartedOn", NowSeconds()},
              {"LastModifiedOn", NowSeconds()},
              {"JobRunState", "STARTING"},
              {"Arguments", arguments.is_object() ? arguments : Json::object()},
              {"PredecessorRuns", Json::array()},
              {"ExecutionTime", 0},
              {"Timeout", job->value("Timeout", 2880)},
              {"GlueVersion", job->value("GlueVersion", "4.0")},
              {"LogGroupName", "/aws-glue/jobs"}};
  std::lock_guard lock(mu_);
  int max_runs = (*job)["ExecutionProperty"].value("MaxConcurrentRuns", 1);
  int active = 0;
  for (const auto& [rid, stop] : running_) {
    if (rid.starts_with(name + "/")) active++;
  }
  if (active >= max_runs) {
    throw GlueError(ErrorKind::kConcurrentRuns,
                    "Concurrent runs exceeded for " + name + ": " + std::to_string(max_runs));
  }
  meta_.Write([&](meta::Transaction& tx) {
    tx.Exec("INSERT INTO glue_job_runs (id, job, seq, doc) VALUES (?, ?, ?, ?)",
            {id, name, next_seq_++, run.dump()});
  });
  auto stop = std::make_shared<std::atomic<bool>>(false);
  running_[name + "/" + id] = stop;
  threads_.emplace_back(
      [this, job = *job, id, stop, access = std::move(access)] { Execute(job, id, stop, access); });
  return id;
}

std::optional<Json> Jobs::GetRun(const std::string& job, const std::string& run_id) const {
  std::optional<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row =
            tx.QueryOne("SELECT doc FROM glue_job_runs WHERE id = ? AND job = ?", {run_id, job})) {
      out = base::ParseJson(row->Text(0));
    }
  });
  return out;
}

std::vector<Json> Jobs::GetRuns(const std::string& job) const {
  std::vector<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    for (const auto& row :
         tx.Query("SELECT doc FROM glue_job_runs WHERE job = ? ORDER BY seq DESC", {job})) {
      out.push_back(base::ParseJson(row.Text(0)));
    }
  });
  return out;
}

bool Jobs::StopRun(const std::string& job, const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto it = running_.find(job + "/" + run_id);
  if (it == running_.end()) return false;
  it->second->store(true);
  return true;
}

std::vector<std::string> Jobs::RunLog(const std::string& run_id) const {
  std::string log;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT log FROM glue_job_runs WHERE id = ?", {run_id})) {
      log = row->Text(0);
    }
  });
  std::vector<std::string> lines = base::Split(log, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

void Jobs::Execute(Json job, std::string run_id, std::shared_ptr<std::atomic<bool>> stop,
                   DataAccess access) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> log;
  auto say = [&](const std::string& line) {
    log.push_back(base::FormatIso8601(base::Now()) + " " + line);
  };
  std::optional<Json> run = GetRun(job.value("Name", ""), run_id);
  if (!run) return;
  (*run)["JobRunState"] = "RUNNING";
  SaveRun(*run);
  std::string state = "SUCCEEDED";
  std::string error;
  try {
    if (!job.contains("CodeGenConfigurationNodes")) {
      throw GlueError(ErrorKind::kInvalidInput,
                      "Only Visual ETL jobs (CodeGenConfigurationNodes) can run here; script jobs "
                      "need a Spark runtime");
    }
    // Every object the flow lists, reads or writes is checked against the run's role.
    std::shared_ptr<sql::FileSystem> fs = access.Wrap(fs_);
    sql::Database db(fs);
    const Json& nodes = job["CodeGenConfigurationNodes"];
    db.catalog().SetResolver(MakeEtlSourceResolver(
        nodes, *fs, MakeTableResolver(catalog_, *fs, "default", access.Observer())));
    auto query = [&](const std::string& sql) {
      sql::QueryOptions o;
      o.cancel = stop;
      // The flow's queries only read (targets are written here, not by the engine), and only
      // its source nodes and catalog tables: no file table functions.
      o.read_only = true;
      o.file_table_functions = false;
      sql::Connection conn(db);
      return conn.Query(sql, o);
    };
    EtlPlan plan = CompileEtlGraph(job["CodeGenConfigurationNodes"], query);
    say("Compiled " + std::to_string(job["CodeGenConfigurationNodes"].size()) + " nodes into " +
        std::to_string(plan.targets.size()) + " target queries");
    for (const EtlTarget& t : plan.targets) {
      say("Target " + t.node_id + " (" + t.node_type + "): " + t.sql);
      sql::QueryResult r = query(t.sql);
      std::vector<std::string> names;
      for (const std::string& n : r.names) names.push_back(base::ToLower(n));
      std::vector<sql::Type> types = r.types;
      for (sql::Type& ty : types) {
        if (ty.id() == sql::TypeId::kUnknown) ty = sql::Type::Varchar();
      }
      sql::WriteOptions o;
      o.file_prefix = "run-" + run_id.substr(3, 16);
      o.partition_by = t.partition_keys;
      StorageFormat format;
      std::optional<Json> table;
      if (t.node_type == "CatalogTarget") {
        table = catalog_.GetTable(t.database, t.table);
        if (!table) throw NotFound("Table " + t.database + "." + t.table);
        format = ReadStorageFormat(*table);
        o.location = (*table)["StorageDescriptor"].value("Location", "");
        o.partition_by.clear();
        for (const Json& k : table->value("PartitionKeys", Json::array())) {
          o.partition_by.push_back(base::ToLower(k.value("Name", "")));
        }
        o.header = format.format == sql::FileFormat::kCsv && format.csv.skip_header_lines > 0;
      } else {
        o.location = t.path;
        if (t.format == "csv") {
          format.format = sql::FileFormat::kCsv;
          format.open_csv = true;
          format.csv.delimiter = ',';
          format.csv.quote = '"';
          format.csv.null_marker = "";
          o.header = true;
        } else if (t.format == "json") {
          format.format = sql::FileFormat::kJson;
        } else if (t.format == "parquet" || t.format == "glueparquet") {
          format.format = sql::FileFormat::kParquet;
          format.compression = t.compression.empty() ? "SNAPPY" : base::ToUpper(t.compression);
        } else {
          throw GlueError(ErrorKind::kInvalidInput,
                          "Node " + t.node_id + ": format " + t.format + " is not supported");
        }
      }
      if (!o.location.empty() && o.location.back() != '/') o.location += '/';
      o.format = format.format;
      o.csv = format.csv;
      if (format.format == sql::FileFormat::kParquet && !format.compression.empty()) {
        o.parquet_compression = format.compression;
      }
      // The catalog changes the target makes are checked before any file is written.
      if (!t.table.empty() && !table && !catalog_.GetTable(t.database, t.table)) {
        access.CheckChange("glue:CreateTable", t.database, t.table);
      }
      if (!t.table.empty() && !o.partition_by.empty()) {
        access.CheckChange("glue:BatchCreatePartition", t.database, t.table);
      }
      sql::TableDefinition def =
          sql::WriteTable(*fs, t.table.empty() ? "etl" : t.table, names, types, r.rows, o);
      say("Wrote " + std::to_string(r.RowCount()) + " rows in " + std::to_string(def.files.size()) +
          " files under " + o.location);
      if (!t.table.empty()) {
        if (!table) {
          table = catalog_.GetTable(t.database, t.table);
          if (!table) {
            Json input =
                MakeTableInput(format, def.columns, def.partition_keys, o.location, o.header);
            input["Name"] = t.table;
            catalog_.CreateTable(t.database, input);
            table = catalog_.GetTable(t.database, t.table);
            say("Created table " + t.database + "." + t.table);
          }
        }
        std::set<std::vector<std::string>> seen;
        for (const sql::DataFile& f : def.files) {
          std::vector<std::string> values = f.partition_values;
          for (std::string& v : values) {
            if (v.empty()) v = "__HIVE_DEFAULT_PARTITION__";
          }
          if (values.empty() || !seen.insert(values).second ||
              catalog_.GetPartition(t.database, t.table, values)) {
            continue;
          }
          Json sd = (*table)["StorageDescriptor"];
          sd["Location"] = Directory(f.path);
          catalog_.CreatePartition(t.database, t.table,
                                   {{"Values", values}, {"StorageDescriptor", sd}});
          say("Added partition " + base::Join(values, "/") + " to " + t.table);
        }
      }
    }
  } catch (const sql::Error& e) {
    state = stop->load() ? "STOPPED" : "FAILED";
    error = stop->load() ? "Job run was stopped" : e.name() + ": " + std::string(e.what());
  } catch (const std::exception& e) {
    state = "FAILED";
    error = e.what();
  }
  if (!error.empty()) say(error);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  (*run)["JobRunState"] = state;
  (*run)["CompletedOn"] = NowSeconds();
  (*run)["LastModifiedOn"] = NowSeconds();
  (*run)["ExecutionTime"] = static_cast<int64_t>(seconds);
  if (!error.empty()) (*run)["ErrorMessage"] = error;
  std::lock_guard lock(mu_);
  running_.erase(job.value("Name", "") + "/" + run_id);
  meta_.Write([&](meta::Transaction& tx) {
    tx.Exec("UPDATE glue_job_runs SET doc = ?, log = ? WHERE id = ?",
            {run->dump(), base::Join(log, "\n") + "\n", run_id});
  });
}

}  // namespace glue
