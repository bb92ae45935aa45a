#include "engines/storage/schema.h"

namespace storage {
namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE storage_buckets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  region TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  versioning INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE storage_bucket_configs (
  bucket_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (bucket_id, name)
);
CREATE TABLE storage_versions (
  seq INTEGER PRIMARY KEY,
  bucket_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  version_id TEXT NOT NULL,
  is_latest INTEGER NOT NULL,
  delete_marker INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  owner TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  checksums TEXT NOT NULL,
  checksum_type INTEGER NOT NULL,
  parts_count INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL
);
CREATE INDEX storage_versions_by_key ON storage_versions(bucket_id, key, seq DESC);
CREATE UNIQUE INDEX storage_versions_by_id ON storage_versions(bucket_id, key, version_id);
CREATE INDEX storage_versions_current ON storage_versions(bucket_id, key)
  WHERE is_latest = 1 AND delete_marker = 0;
CREATE TABLE storage_segments (
  owner INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  blob_id INTEGER NOT NULL,
  start INTEGER NOT NULL,
  length INTEGER NOT NULL,
  PRIMARY KEY (owner, idx)
) WITHOUT ROWID;
CREATE INDEX storage_segments_by_blob ON storage_segments(blob_id, start);
CREATE TABLE storage_blobs (
  id INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL,
  size INTEGER NOT NULL
);
CREATE TABLE storage_object_parts (
  seq INTEGER NOT NULL,
  part_number INTEGER NOT NULL,
  start INTEGER NOT NULL,
  size INTEGER NOT NULL,
  checksums TEXT NOT NULL,
  PRIMARY KEY (seq, part_number)
) WITHOUT ROWID;
CREATE TABLE storage_uploads (
  upload_id TEXT PRIMARY KEY,
  bucket_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  initiated_ms INTEGER NOT NULL,
  owner TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  checksum_algorithm TEXT,
  checksum_type INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL
);
CREATE INDEX storage_uploads_by_key ON storage_uploads(bucket_id, key, upload_id);
CREATE TABLE storage_parts (
  id INTEGER PRIMARY KEY,
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  checksums TEXT NOT NULL,
  UNIQUE (upload_id, part_number)
);
)sql";

constexpr meta::Migration kMigrations[] = {{1, kV1}};

}  // namespace

void MigrateSchema(meta::Store& meta) { meta.Migrate("storage", kMigrations); }

}  // namespace storage
