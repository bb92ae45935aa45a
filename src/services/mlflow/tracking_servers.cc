#include "services/mlflow/tracking_servers.h"

#include <mutex>

#include "base/crypto.h"
#include "base/time.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/mlflow_schema.h"
#include "services/mlflow/tracking_store.h"

namespace mlflow {
namespace {

constexpr const char* kColumns =
    "server_id, name, arn, artifact_store_uri, size, mlflow_version, role_arn, "
    "automatic_model_registration, maintenance_window, status, bucket_owner_account, "
    "bucket_owner_verification, tags, created_by, modified_by, created, modified";

TrackingServerRecord FromRow(const meta::Row& r) {
  TrackingServerRecord s;
  s.id = r.Int(0);
  s.name = r.Text(1);
  s.arn = r.Text(2);
  s.artifact_store_uri = r.Text(3);
  s.size = r.Text(4);
  s.mlflow_version = r.Text(5);
  s.role_arn = r.Text(6);
  s.automatic_model_registration = r.Int(7) != 0;
  s.maintenance_window = r.Text(8);
  s.status = r.Text(9);
  s.bucket_owner_account = r.OptText(10);
  if (!r.IsNull(11)) s.bucket_owner_verification = r.Int(11) != 0;
  s.tags = base::ParseJson(r.Text(12));
  s.created_by = base::ParseJson(r.Text(13));
  s.modified_by = base::ParseJson(r.Text(14));
  s.created = r.Double(15);
  s.modified = r.Double(16);
  return s;
}

std::string HashToken(const std::string& token) { return base::HexEncode(base::Sha256(token)); }

double NowSeconds() { return base::ToUnixSecondsDouble(base::Now()); }

}  // namespace

TrackingServers::TrackingServers(meta::Store& store) : store_(store) {
  store_.Migrate("mlflow", MlflowMigrations());
  store_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT value FROM mlflow_settings WHERE name = 'signing_secret'");
    if (row) {
      signing_secret_ = row->Text(0);
    } else {
      signing_secret_ = base::RandomHex(64);
      tx.Exec("INSERT INTO mlflow_settings(name, value) VALUES('signing_secret', ?)",
              {signing_secret_});
    }
    tx.Exec("DELETE FROM mlflow_tokens WHERE expires < ?", {NowSeconds()});
    tx.Each(std::string("SELECT ") + kColumns + " FROM mlflow_servers", {},
            [&](const meta::Row& r) {
              TrackingServerRecord s = FromRow(r);
              by_name_.emplace(s.name, std::move(s));
              return true;
            });
  });
}

TrackingServerRecord TrackingServers::Create(TrackingServerRecord s) {
  std::unique_lock lock(mu_);
  if (by_name_.count(s.name)) {
    throw AlreadyExists("Tracking server " + s.name + " already exists.");
  }
  store_.Write([&](meta::Transaction& tx) {
    tx.Exec(
        "INSERT INTO mlflow_servers(name, arn, artifact_store_uri, size, mlflow_version, "
        "role_arn, automatic_model_registration, maintenance_window, status, "
        "bucket_owner_account, bucket_owner_verification, tags, created_by, modified_by, "
        "created, modified, next_experiment_id) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        {s.name, s.arn, s.artifact_store_uri, s.size, s.mlflow_version, s.role_arn,
         int64_t{s.automatic_model_registration}, s.maintenance_window, s.status,
         s.bucket_owner_account ? meta::Value(*s.bucket_owner_account) : meta::Null(),
         s.bucket_owner_verification ? meta::Value(int64_t{*s.bucket_owner_verification})
                                     : meta::Null(),
         s.tags.dump(), s.created_by.dump(), s.modified_by.dump(), s.created, s.modified});
    s.id = tx.LastInsertId();
    TrackingStore::CreateDefaultExperiment(tx, s.id, static_cast<int64_t>(s.created * 1000));
  });
  by_name_[s.name] = s;
  return s;
}

std::optional<TrackingServerRecord> TrackingServers::Find(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<TrackingServerRecord> TrackingServers::FindById(int64_t id) const {
  std::shared_lock lock(mu_);
  for (const auto& [name, s] : by_name_) {
    if (s.id == id) return s;
  }
  return std::nullopt;
}

std::vector<TrackingServerRecord> TrackingServers::List() const {
  std::shared_lock lock(mu_);
  std::vector<TrackingServerRecord> out;
  for (const auto& [name, s] : by_name_) out.push_back(s);
  return out;
}

void TrackingServers::Save(const TrackingServerRecord& s) {
  std::unique_lock lock(mu_);
  store_.Write([&](meta::Transaction& tx) {
    tx.Exec(
        "UPDATE mlflow_servers SET artifact_store_uri = ?, size = ?, mlflow_version = ?, "
        "role_arn = ?, automatic_model_registration = ?, maintenance_window = ?, status = ?, "
        "bucket_owner_account = ?, bucket_owner_verification = ?, tags = ?, modified_by = ?, "
        "modified = ? WHERE server_id = ?",
        {s.artifact_store_uri, s.size, s.mlflow_version, s.role_arn,
         int64_t{s.automatic_model_registration}, s.maintenance_window, s.status,
         s.bucket_owner_account ? meta::Value(*s.bucket_owner_account) : meta::Null(),
         s.bucket_owner_verification ? meta::Value(int64_t{*s.bucket_owner_verification})
                                     : meta::Null(),
         s.tags.dump(), s.modified_by.dump(), s.modified, s.id});
  });
  by_name_[s.name] = s;
}

bool TrackingServers::Delete(const std::string& name) {
  std::unique_lock lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  int64_t id = it->second.id;
  store_.Write([&](meta::Transaction& tx) {
    TrackingStore::DeleteServerData(tx, id);
    tx.Exec("DELETE FROM mlflow_servers WHERE server_id = ?", {id});
  });
  by_name_.erase(it);
  return true;
}

std::string TrackingServers::IssueToken(int64_t server_id, const std::string& kind,
                                        const std::string& access_key_id, int64_t ttl_seconds,
                                        int64_t session_seconds) {
  std::string token = base::RandomHex(48);
  store_.Write([&](meta::Transaction& tx) {
    tx.Exec("DELETE FROM mlflow_tokens WHERE expires < ?", {NowSeconds()});
    tx.Exec(
        "INSERT INTO mlflow_tokens(token_hash, server_id, kind, principal, session_seconds, "
        "expires) VALUES(?, ?, ?, ?, ?, ?)",
        {HashToken(token), server_id, kind, access_key_id, session_seconds,
         NowSeconds() + static_cast<double>(ttl_seconds)});
  });
  return token;
}

std::optional<TokenGrant> TrackingServers::RedeemUrlToken(const std::string& token) {
  std::optional<TokenGrant> grant;
  store_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne(
        "SELECT server_id, principal, session_seconds FROM mlflow_tokens "
        "WHERE token_hash = ? AND kind = 'url' AND expires >= ?",
        {HashToken(token), NowSeconds()});
    tx.Exec("DELETE FROM mlflow_tokens WHERE token_hash = ? AND kind = 'url'", {HashToken(token)});
    if (row) grant = TokenGrant{row->Int(0), row->Text(1), row->Int(2)};
  });
  return grant;
}

std::optional<TokenGrant> TrackingServers::LookupSession(const std::string& token) const {
  std::optional<TokenGrant> grant;
  store_.Read([&](meta::Transaction& tx) {
    auto row = tx.QueryOne(
        "SELECT server_id, principal, session_seconds FROM mlflow_tokens "
        "WHERE token_hash = ? AND kind = 'session' AND expires >= ?",
        {HashToken(token), NowSeconds()});
    if (row) grant = TokenGrant{row->Int(0), row->Text(1), row->Int(2)};
  });
  return grant;
}

}  // namespace mlflow
