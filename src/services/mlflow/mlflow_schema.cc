#include "services/mlflow/mlflow_schema.h"

namespace mlflow {

// Every tracking server is its own namespace: experiments carry the server they belong to and
// an experiment_id numbered per server ("0" is each server's Default experiment); runs,
// datasets and registered models hang off those. Internal integer keys (exp_key, run_key,
// model_key) join the tables; the ids clients see (experiment_id, run_uuid, model names) are
// columns. Runs never change experiment, so the high-volume tables are keyed by run_key alone
// and clustered (WITHOUT ROWID) so that one run's metrics, params and tags, and one metric's
// history, are contiguous ranges.
//
// - mlflow_metrics holds every logged value; its primary key orders a history by (step,
//   timestamp) and makes logging the same point twice a no-op, as MLflow's SQL store does.
//   NaN is stored as is_nan = 1 with value 0.
// - mlflow_latest_metrics holds one row per (run, key): the value with the greatest
//   (step, timestamp, value), maintained on every write; runs/get and search read it.
// - (key, value) indexes on latest metrics, params and tags serve search filters.
// The high-volume tables have no foreign keys (checking them would cost every write a
// lookup); deleting a server deletes its rows explicitly.
static constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE mlflow_servers (
  server_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, arn TEXT NOT NULL,
  artifact_store_uri TEXT NOT NULL, size TEXT NOT NULL, mlflow_version TEXT NOT NULL,
  role_arn TEXT NOT NULL, automatic_model_registration INTEGER NOT NULL,
  maintenance_window TEXT NOT NULL, status TEXT NOT NULL, bucket_owner_account TEXT,
  bucket_owner_verification INTEGER, tags TEXT NOT NULL, created_by TEXT NOT NULL,
  modified_by TEXT NOT NULL, created REAL NOT NULL, modified REAL NOT NULL,
  next_experiment_id INTEGER NOT NULL);
CREATE TABLE mlflow_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE mlflow_tokens (
  token_hash TEXT PRIMARY KEY,
  server_id INTEGER NOT NULL REFERENCES mlflow_servers(server_id) ON DELETE CASCADE,
  kind TEXT NOT NULL, principal TEXT NOT NULL, session_seconds INTEGER NOT NULL,
  expires REAL NOT NULL);
CREATE INDEX mlflow_tokens_expires ON mlflow_tokens(expires);

CREATE TABLE mlflow_experiments (
  exp_key INTEGER PRIMARY KEY,
  server_id INTEGER NOT NULL REFERENCES mlflow_servers(server_id) ON DELETE CASCADE,
  experiment_id INTEGER NOT NULL, name TEXT NOT NULL, artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL, creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL,
  UNIQUE (server_id, experiment_id), UNIQUE (server_id, name));
CREATE TABLE mlflow_experiment_tags (
  exp_key INTEGER NOT NULL REFERENCES mlflow_experiments(exp_key) ON DELETE CASCADE,
  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (exp_key, key)) WITHOUT ROWID;

CREATE TABLE mlflow_runs (
  run_key INTEGER PRIMARY KEY, run_uuid TEXT NOT NULL UNIQUE, server_id INTEGER NOT NULL,
  exp_key INTEGER NOT NULL, name TEXT NOT NULL, user_id TEXT NOT NULL, status TEXT NOT NULL,
  start_time INTEGER, end_time INTEGER, artifact_uri TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL, deleted_time INTEGER);
CREATE INDEX mlflow_runs_order ON mlflow_runs(exp_key, start_time DESC, run_uuid);
CREATE TABLE mlflow_metrics (
  run_key INTEGER NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL, is_nan INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (run_key, key, step, timestamp, is_nan, value)) WITHOUT ROWID;
CREATE TABLE mlflow_latest_metrics (
  run_key INTEGER NOT NULL, key TEXT NOT NULL, value REAL NOT NULL, is_nan INTEGER NOT NULL,
  timestamp INTEGER NOT NULL, step INTEGER NOT NULL,
  PRIMARY KEY (run_key, key)) WITHOUT ROWID;
CREATE INDEX mlflow_latest_metrics_value ON mlflow_latest_metrics(key, value);
CREATE TABLE mlflow_params (
  run_key INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_key, key)) WITHOUT ROWID;
CREATE INDEX mlflow_params_value ON mlflow_params(key, value);
CREATE TABLE mlflow_tags (
  run_key INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_key, key)) WITHOUT ROWID;
CREATE INDEX mlflow_tags_value ON mlflow_tags(key, value);
CREATE TABLE mlflow_datasets (
  dataset_key INTEGER PRIMARY KEY,
  exp_key INTEGER NOT NULL REFERENCES mlflow_experiments(exp_key) ON DELETE CASCADE,
  name TEXT NOT NULL, digest TEXT NOT NULL, source_type TEXT NOT NULL, source TEXT NOT NULL,
  schema TEXT, profile TEXT, UNIQUE (exp_key, name, digest));
CREATE TABLE mlflow_inputs (
  run_key INTEGER NOT NULL, dataset_key INTEGER NOT NULL, tags TEXT NOT NULL,
  PRIMARY KEY (run_key, dataset_key)) WITHOUT ROWID;

CREATE TABLE mlflow_registered_models (
  model_key INTEGER PRIMARY KEY,
  server_id INTEGER NOT NULL REFERENCES mlflow_servers(server_id) ON DELETE CASCADE,
  name TEXT NOT NULL, description TEXT, creation_timestamp INTEGER NOT NULL,
  last_updated_timestamp INTEGER NOT NULL, next_version INTEGER NOT NULL,
  UNIQUE (server_id, name));
CREATE TABLE mlflow_registered_model_tags (
  model_key INTEGER NOT NULL REFERENCES mlflow_registered_models(model_key) ON DELETE CASCADE,
  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (model_key, key)) WITHOUT ROWID;
CREATE TABLE mlflow_model_versions (
  model_key INTEGER NOT NULL REFERENCES mlflow_registered_models(model_key) ON DELETE CASCADE,
  version INTEGER NOT NULL, creation_timestamp INTEGER NOT NULL,
  last_updated_timestamp INTEGER NOT NULL, user_id TEXT NOT NULL, current_stage TEXT NOT NULL,
  description TEXT, source TEXT NOT NULL, run_id TEXT NOT NULL, status TEXT NOT NULL,
  status_message TEXT, run_link TEXT NOT NULL, storage_location TEXT NOT NULL,
  PRIMARY KEY (model_key, version));
CREATE INDEX mlflow_model_versions_run ON mlflow_model_versions(run_id);
CREATE TABLE mlflow_model_version_tags (
  model_key INTEGER NOT NULL, version INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (model_key, version, key),
  FOREIGN KEY (model_key, version) REFERENCES mlflow_model_versions(model_key, version)
    ON DELETE CASCADE) WITHOUT ROWID;
CREATE TABLE mlflow_model_aliases (
  model_key INTEGER NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (model_key, alias),
  FOREIGN KEY (model_key, version) REFERENCES mlflow_model_versions(model_key, version)
    ON DELETE CASCADE) WITHOUT ROWID;
)sql"},
};

std::span<const meta::Migration> MlflowMigrations() { return kMigrations; }

}  // namespace mlflow
