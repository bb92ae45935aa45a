// ObjectStore listings: current objects, versions and delete markers, multipart uploads.
#include "engines/storage/catalog.h"
#include "engines/storage/key_scan.h"
#include "engines/storage/object_store.h"
#include "engines/storage/storage_error.h"

namespace storage {

using meta::Int;
using meta::Text;

namespace {

constexpr std::string_view kSummaryColumns =
    "key, version_id, is_latest, delete_marker, size, etag, modified_ms, storage_class, owner, "
    "checksums, checksum_type";

ObjectSummary SummaryFromRow(const meta::Row& row) {
  ObjectSummary s;
  s.key = row.Text(0);
  s.version_id = row.Text(1);
  s.is_latest = row.Int(2) != 0;
  s.delete_marker = row.Int(3) != 0;
  s.size = static_cast<uint64_t>(row.Int(4));
  s.etag = row.Text(5);
  s.last_modified = base::FromUnixMillis(row.Int(6));
  s.storage_class = row.Text(7);
  s.owner = row.Text(8);
  for (const auto& [algorithm, value] : Catalog::DecodeChecksums(row.Text(9))) {
    s.checksum_algorithms.push_back(algorithm);
  }
  s.checksum_type = static_cast<ChecksumType>(row.Int(10));
  return s;
}

std::string KeyRange(const char* op, bool bounded) {
  return std::string(" AND key ") + op + " ?" + (bounded ? " AND key < ?" : "");
}

MultipartUpload UploadFromRow(const meta::Row& row, std::string_view bucket) {
  MultipartUpload u;
  u.bucket = std::string(bucket);
  u.key = row.Text(0);
  u.upload_id = row.Text(1);
  u.initiated = base::FromUnixMillis(row.Int(2));
  u.owner = row.Text(3);
  u.storage_class = row.Text(4);
  if (auto name = row.OptText(5)) u.checksum_algorithm = ParseChecksumAlgorithm(*name);
  u.checksum_type = static_cast<ChecksumType>(row.Int(6));
  return u;
}

}  // namespace

ListObjectsResult ObjectStore::ListObjects(std::string_view bucket,
                                           const ListObjectsOptions& options) {
  ListObjectsResult out;
  KeyScan scan(options.prefix, options.delimiter, options.start_after, options.max_keys);
  meta_.Read([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    if (options.max_keys == 0) return;
    auto sql = [](const char* op, bool bounded) {
      return std::string("SELECT ") + std::string(kSummaryColumns) +
             " FROM storage_versions WHERE bucket_id = ? AND is_latest = 1 AND "
             "delete_marker = 0" +
             KeyRange(op, bounded) + " ORDER BY key";
    };
    scan.Scan(tx, sql, {Int(b.id)}, options.start_after, false,
              [&](const meta::Row& row) { out.objects.push_back(SummaryFromRow(row)); });
  });
  list_rows_read_ += scan.rows_read();
  out.common_prefixes = std::move(scan.common_prefixes());
  out.is_truncated = scan.truncated();
  out.next_marker = scan.last_entry();
  return out;
}

ListVersionsResult ObjectStore::ListObjectVersions(std::string_view bucket,
                                                   const ListVersionsOptions& options) {
  if (!options.version_id_marker.empty() && options.key_marker.empty()) {
    throw StorageError(ErrorCode::kInvalidArgument,
                       "A version-id marker cannot be specified without a key marker.");
  }
  ListVersionsResult out;
  KeyScan scan(options.prefix, options.delimiter, options.key_marker, options.max_keys);
  auto emit = [&](const meta::Row& row) {
    out.versions.push_back(SummaryFromRow(row));
    out.next_version_id_marker = out.versions.back().version_id;
  };
  meta_.Read([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    if (options.max_keys == 0) return;
    // The rest of the marker key's versions, older than the marker version.
    const std::string& mk = options.key_marker;
    if (!options.version_id_marker.empty() && mk.starts_with(options.prefix) &&
        !scan.CommonPrefixOf(mk)) {
      auto marker = tx.QueryOne(
          "SELECT seq FROM storage_versions WHERE bucket_id = ? AND key = ? AND version_id = ?",
          {Int(b.id), Text(mk), Text(options.version_id_marker)});
      if (!marker) {
        throw StorageError(ErrorCode::kInvalidArgument, "Invalid version id specified");
      }
      uint64_t rows = 0;
      tx.Each(std::string("SELECT ") + std::string(kSummaryColumns) +
                  " FROM storage_versions WHERE bucket_id = ? AND key = ? AND seq < ? "
                  "ORDER BY seq DESC",
              {Int(b.id), Text(mk), Int(marker->Int(0))}, [&](const meta::Row& row) {
                ++rows;
                if (scan.Full()) {
                  scan.MarkTruncated();
                  return false;
                }
                emit(row);
                scan.SetLastEntry(mk);
                scan.CountEntry();
                return true;
              });
      scan.AddRowsRead(rows);
    }
    if (scan.truncated()) return;
    auto sql = [](const char* op, bool bounded) {
      return std::string("SELECT ") + std::string(kSummaryColumns) +
             " FROM storage_versions WHERE bucket_id = ?" + KeyRange(op, bounded) +
             " ORDER BY key, seq DESC";
    };
    scan.Scan(tx, sql, {Int(b.id)}, mk, false, emit);
  });
  list_rows_read_ += scan.rows_read();
  out.common_prefixes = std::move(scan.common_prefixes());
  out.is_truncated = scan.truncated();
  out.next_key_marker = scan.last_entry();
  if (scan.last_was_prefix()) out.next_version_id_marker.clear();
  return out;
}

ListUploadsResult ObjectStore::ListMultipartUploads(std::string_view bucket,
                                                    const ListUploadsOptions& options) {
  ListUploadsResult out;
  KeyScan scan(options.prefix, options.delimiter, options.key_marker, options.max_uploads);
  constexpr std::string_view kColumns =
      "key, upload_id, initiated_ms, owner, storage_class, checksum_algorithm, checksum_type";
  auto emit = [&](const meta::Row& row) {
    out.uploads.push_back(UploadFromRow(row, bucket));
    out.next_upload_id_marker = out.uploads.back().upload_id;
  };
  meta_.Read([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    if (options.max_uploads == 0) return;
    const std::string& mk = options.key_marker;
    if (!options.upload_id_marker.empty() && !mk.empty() && mk.starts_with(options.prefix) &&
        !scan.CommonPrefixOf(mk)) {
      uint64_t rows = 0;
      tx.Each(std::string("SELECT ") + std::string(kColumns) +
                  " FROM storage_uploads WHERE bucket_id = ? AND key = ? AND upload_id > ? "
                  "ORDER BY upload_id",
              {Int(b.id), Text(mk), Text(options.upload_id_marker)}, [&](const meta::Row& row) {
                ++rows;
                if (scan.Full()) {
                  scan.MarkTruncated();
                  return false;
                }
                emit(row);
                scan.SetLastEntry(mk);
                scan.CountEntry();
                return true;
              });
      scan.AddRowsRead(rows);
    }
    if (scan.truncated()) return;
    auto sql = [&](const char* op, bool bounded) {
      return std::string("SELECT ") + std::string(kColumns) +
             " FROM storage_uploads WHERE bucket_id = ?" + KeyRange(op, bounded) +
             " ORDER BY key, upload_id";
    };
    scan.Scan(tx, sql, {Int(b.id)}, mk, false, emit);
  });
  list_rows_read_ += scan.rows_read();
  out.common_prefixes = std::move(scan.common_prefixes());
  out.is_truncated = scan.truncated();
  out.next_key_marker = scan.last_entry();
  if (scan.last_was_prefix()) out.next_upload_id_marker.clear();
  return out;
}

}  // namespace storage
