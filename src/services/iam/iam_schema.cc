#include "services/iam/iam_schema.h"

namespace iam {

// Names are unique case-insensitively, as in IAM: each table keeps the name as given and a
// lower-cased key. Principals in attachment and inline-policy tables are typed
// ('user' | 'group' | 'role') and referenced by their lower-cased name.
static constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE iam_users (
  name_key TEXT PRIMARY KEY, name TEXT NOT NULL, user_id TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL, arn TEXT NOT NULL, created REAL NOT NULL, tags TEXT NOT NULL DEFAULT '[]');
CREATE TABLE iam_groups (
  name_key TEXT PRIMARY KEY, name TEXT NOT NULL, group_id TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL, arn TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE iam_group_members (
  group_key TEXT NOT NULL REFERENCES iam_groups(name_key) ON DELETE CASCADE,
  user_key TEXT NOT NULL REFERENCES iam_users(name_key) ON DELETE CASCADE,
  PRIMARY KEY (group_key, user_key));
CREATE INDEX iam_group_members_user ON iam_group_members(user_key);
CREATE TABLE iam_roles (
  name_key TEXT PRIMARY KEY, name TEXT NOT NULL, role_id TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL, arn TEXT NOT NULL, created REAL NOT NULL,
  trust_policy TEXT NOT NULL, description TEXT, max_session INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]');
CREATE TABLE iam_policies (
  arn TEXT PRIMARY KEY, name TEXT NOT NULL, policy_id TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL, description TEXT, default_version INTEGER NOT NULL,
  next_version INTEGER NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]');
CREATE TABLE iam_policy_versions (
  policy_arn TEXT NOT NULL REFERENCES iam_policies(arn) ON DELETE CASCADE,
  version INTEGER NOT NULL, document TEXT NOT NULL, created REAL NOT NULL,
  PRIMARY KEY (policy_arn, version));
CREATE TABLE iam_attachments (
  principal_type TEXT NOT NULL, principal_key TEXT NOT NULL, policy_arn TEXT NOT NULL,
  PRIMARY KEY (principal_type, principal_key, policy_arn));
CREATE INDEX iam_attachments_policy ON iam_attachments(policy_arn);
CREATE TABLE iam_inline_policies (
  principal_type TEXT NOT NULL, principal_key TEXT NOT NULL, name TEXT NOT NULL,
  document TEXT NOT NULL, PRIMARY KEY (principal_type, principal_key, name));
CREATE TABLE iam_access_keys (
  access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL,
  user_key TEXT NOT NULL REFERENCES iam_users(name_key) ON DELETE CASCADE,
  status TEXT NOT NULL, created REAL NOT NULL, last_used REAL, last_used_service TEXT,
  last_used_region TEXT);
CREATE INDEX iam_access_keys_user ON iam_access_keys(user_key);
CREATE TABLE sts_sessions (
  access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, session_token TEXT NOT NULL,
  kind TEXT NOT NULL, principal_arn TEXT NOT NULL, user_id TEXT NOT NULL,
  user_name TEXT, role_arn TEXT, session_name TEXT, session_policy TEXT,
  source_key TEXT, expires REAL NOT NULL);
CREATE INDEX sts_sessions_expires ON sts_sessions(expires);
)sql"},
};

std::span<const meta::Migration> IamMigrations() { return kMigrations; }

}  // namespace iam
