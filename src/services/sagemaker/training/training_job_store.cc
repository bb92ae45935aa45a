#include "services/sagemaker/training/training_job_store.h"

#include "services/sagemaker/common/api_support.h"

namespace sagemaker {
namespace {

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE sagemaker_training_jobs (
  name_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  arn TEXT NOT NULL,
  tuning_job TEXT,
  status TEXT NOT NULL,
  secondary_status TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  end_ms INTEGER,
  request TEXT NOT NULL,
  state TEXT NOT NULL);
CREATE INDEX sagemaker_training_jobs_by_tuning ON sagemaker_training_jobs(tuning_job);
CREATE INDEX sagemaker_training_jobs_by_status ON sagemaker_training_jobs(status);
CREATE TABLE sagemaker_training_metrics (
  job TEXT NOT NULL,
  metric TEXT NOT NULL,
  seq INTEGER NOT NULL,
  value REAL NOT NULL,
  ts_ms INTEGER NOT NULL,
  PRIMARY KEY (job, metric, seq));
)sql"},
};

constexpr const char* kColumns =
    "name, arn, tuning_job, status, secondary_status, created_ms, modified_ms, end_ms, request, "
    "state";

TrainingJobRecord ReadRecord(const meta::Row& row) {
  TrainingJobRecord r;
  r.name = row.Text(0);
  r.arn = row.Text(1);
  r.tuning_job = row.Text(2);
  r.status = row.Text(3);
  r.secondary_status = row.Text(4);
  r.created_ms = row.Int(5);
  r.modified_ms = row.Int(6);
  r.end_ms = row.OptInt(7);
  r.request = base::ParseJson(row.Text(8));
  r.state = base::ParseJson(row.Text(9));
  return r;
}

meta::Value OptionalText(const std::string& s) { return s.empty() ? meta::Null() : meta::Text(s); }

meta::Value OptionalInt(const std::optional<int64_t>& v) { return v ? meta::Value(*v) : meta::Null(); }

}  // namespace

TrainingJobStore::TrainingJobStore(meta::Store& store) : store_(store) {
  store_.Migrate("sagemaker-training", kMigrations);
}

bool TrainingJobStore::Insert(const TrainingJobRecord& r) {
  bool inserted = false;
  store_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM sagemaker_training_jobs WHERE name_key = ?", {NameKey(r.name)}))
      return;
    tx.Exec(
        "INSERT INTO sagemaker_training_jobs (name_key, name, arn, tuning_job, status, "
        "secondary_status, created_ms, modified_ms, end_ms, request, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {NameKey(r.name), r.name, r.arn, OptionalText(NameKey(r.tuning_job)), r.status,
         r.secondary_status, r.created_ms, r.modified_ms, OptionalInt(r.end_ms), r.request.dump(),
         r.state.dump()});
    inserted = true;
  });
  return inserted;
}

std::optional<TrainingJobRecord> TrainingJobStore::Find(const std::string& name) {
  std::optional<TrainingJobRecord> out;
  store_.Read([&](meta::Transaction& tx) {
    auto row = tx.QueryOne(std::string("SELECT ") + kColumns +
                               " FROM sagemaker_training_jobs WHERE name_key = ?",
                           {NameKey(name)});
    if (row) out = ReadRecord(*row);
  });
  return out;
}

std::optional<TrainingJobRecord> TrainingJobStore::Update(
    const std::string& name, const std::function<void(TrainingJobRecord&)>& change) {
  std::optional<TrainingJobRecord> out;
  store_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne(std::string("SELECT ") + kColumns +
                               " FROM sagemaker_training_jobs WHERE name_key = ?",
                           {NameKey(name)});
    if (!row) return;
    TrainingJobRecord r = ReadRecord(*row);
    change(r);
    tx.Exec(
        "UPDATE sagemaker_training_jobs SET status = ?, secondary_status = ?, modified_ms = ?, "
        "end_ms = ?, state = ? WHERE name_key = ?",
        {r.status, r.secondary_status, r.modified_ms, OptionalInt(r.end_ms), r.state.dump(),
         NameKey(name)});
    out = std::move(r);
  });
  return out;
}

std::vector<TrainingJobRecord> TrainingJobStore::List(const std::string& tuning_job) {
  std::vector<TrainingJobRecord> out;
  store_.Read([&](meta::Transaction& tx) {
    std::vector<meta::Row> rows =
        tuning_job.empty()
            ? tx.Query(std::string("SELECT ") + kColumns + " FROM sagemaker_training_jobs")
            : tx.Query(std::string("SELECT ") + kColumns +
                           " FROM sagemaker_training_jobs WHERE tuning_job = ?",
                       {NameKey(tuning_job)});
    for (const meta::Row& row : rows) out.push_back(ReadRecord(row));
  });
  return out;
}

std::vector<TrainingJobRecord> TrainingJobStore::Unfinished() {
  std::vector<TrainingJobRecord> out;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& row :
         tx.Query(std::string("SELECT ") + kColumns +
                  " FROM sagemaker_training_jobs WHERE status IN ('InProgress', 'Stopping')")) {
      out.push_back(ReadRecord(row));
    }
  });
  return out;
}

void TrainingJobStore::AppendMetrics(const std::string& job, const std::vector<MetricPoint>& points,
                                     std::map<std::string, int64_t>& next_seq) {
  if (points.empty()) return;
  store_.Write([&](meta::Transaction& tx) {
    for (const MetricPoint& p : points) {
      tx.Exec(
          "INSERT INTO sagemaker_training_metrics (job, metric, seq, value, ts_ms) "
          "VALUES (?, ?, ?, ?, ?)",
          {NameKey(job), p.metric, next_seq[p.metric]++, p.value, p.time_ms});
    }
  });
}

std::map<std::string, std::vector<MetricPoint>> TrainingJobStore::Series(const std::string& job) {
  std::map<std::string, std::vector<MetricPoint>> out;
  store_.Read([&](meta::Transaction& tx) {
    tx.Each(
        "SELECT metric, value, ts_ms FROM sagemaker_training_metrics WHERE job = ? "
        "ORDER BY metric, seq",
        {NameKey(job)}, [&](const meta::Row& row) {
          out[row.Text(0)].push_back({row.Text(0), row.Double(1), row.Int(2)});
          return true;
        });
  });
  return out;
}

std::vector<FinalMetric> TrainingJobStore::FinalMetrics(const std::string& job) {
  std::vector<FinalMetric> out;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& row : tx.Query(
             "SELECT m.metric, m.value, m.ts_ms, c.n FROM sagemaker_training_metrics m JOIN "
             "(SELECT metric, MAX(seq) AS last, COUNT(*) AS n FROM sagemaker_training_metrics "
             "WHERE job = ? GROUP BY metric) c ON c.metric = m.metric AND c.last = m.seq "
             "WHERE m.job = ? ORDER BY m.metric",
             {NameKey(job), NameKey(job)})) {
      out.push_back({row.Text(0), row.Double(1), row.Int(2), row.Int(3)});
    }
  });
  return out;
}

}  // namespace sagemaker
