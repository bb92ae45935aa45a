// The tracking servers of the installation as SageMaker resources (name, ARN, artifact store,
// size, MLflow version, role, status, tags, who created and changed them), and the short-lived
// tokens that sign browsers and Bearer clients into one server.
//
// Records live in the metadata store and are mirrored in memory, so the MLflow routes look a
// server up per request without a query. A token is a random secret of which only the
// SHA-256 is stored: a sign-in URL token is redeemed once, for a session token that lasts the
// session duration it was issued with. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/json.h"
#include "platform/meta/store.h"

namespace mlflow {

struct TrackingServerRecord {
  int64_t id = 0;
  std::string name;
  std::string arn;
  std::string artifact_store_uri;
  std::string size;
  std::string mlflow_version;
  std::string role_arn;
  bool automatic_model_registration = false;
  std::string maintenance_window;
  std::string status;  // Created, Updated, Started, Stopped
  std::optional<std::string> bucket_owner_account;
  std::optional<bool> bucket_owner_verification;
  base::Json tags = base::Json::array();  // [{"Key": ..., "Value": ...}]
  base::Json created_by = base::Json::object();
  base::Json modified_by = base::Json::object();
  double created = 0;  // epoch seconds
  double modified = 0;

  bool stopped() const { return status == "Stopped"; }
};

// What a redeemed or presented token grants: access to one server as the principal whose
// access key issued it.
struct TokenGrant {
  int64_t server_id = 0;
  std::string access_key_id;
  int64_t session_seconds = 0;
};

class TrackingServers {
 public:
  // Loads every record into memory.
  explicit TrackingServers(meta::Store& store);

  // Inserts `record` (its id is assigned) with the server's Default experiment. Throws
  // MlflowError RESOURCE_ALREADY_EXISTS when the name is taken.
  TrackingServerRecord Create(TrackingServerRecord record);
  std::optional<TrackingServerRecord> Find(const std::string& name) const;
  std::optional<TrackingServerRecord> FindById(int64_t id) const;
  // All records, by name.
  std::vector<TrackingServerRecord> List() const;
  // Stores a changed record (same id and name).
  void Save(const TrackingServerRecord& record);
  // Removes the server and everything in it. Returns false when there is no such server.
  bool Delete(const std::string& name);

  // Issues a token of `kind` ("url" or "session") for the server, valid `ttl_seconds`.
  std::string IssueToken(int64_t server_id, const std::string& kind,
                         const std::string& access_key_id, int64_t ttl_seconds,
                         int64_t session_seconds);
  // Redeems a sign-in URL token (once); nullopt when unknown, used or expired.
  std::optional<TokenGrant> RedeemUrlToken(const std::string& token);
  // The grant of a live session token.
  std::optional<TokenGrant> LookupSession(const std::string& token) const;

  // A secret of this installation, created on first use (signs multipart part URLs).
  const std::string& signing_secret() const { return signing_secret_; }

 private:
  meta::Store& store_;
  std::string signing_secret_;
  mutable std::shared_mutex mu_;
  std::map<std::string, TrackingServerRecord, std::less<>> by_name_;
};

}  // namespace mlflow
