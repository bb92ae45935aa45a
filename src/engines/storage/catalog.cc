#include "engines/storage/catalog.h"

#include "base/json.h"
#include "base/strings.h"
#include "engines/storage/storage_error.h"
#include "engines/storage/time_ordered_id.h"

namespace storage {
namespace {

using meta::Int;
using meta::Text;

constexpr const char* kAttributeNames[] = {"content_type",        "content_encoding",
                                           "content_disposition", "content_language",
                                           "cache_control",       "expires"};

// The optional header fields of ObjectAttributes, in kAttributeNames order.
template <typename Attributes>
auto* AttributeField(Attributes& a, size_t i) {
  decltype(&a.content_type) fields[] = {&a.content_type,        &a.content_encoding,
                                        &a.content_disposition, &a.content_language,
                                        &a.cache_control,       &a.expires};
  return fields[i];
}

std::string_view StripQuotes(std::string_view s) {
  s = base::Trim(s);
  if (s.starts_with("W/")) s.remove_prefix(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

bool EtagMatches(std::string_view condition, std::string_view etag) {
  for (const std::string& candidate : base::Split(condition, ',')) {
    std::string_view c = StripQuotes(candidate);
    if (c == "*" || c == StripQuotes(etag)) return true;
  }
  return false;
}

void Catalog::InitSequence(meta::Transaction& tx) {
  auto row = tx.QueryOne(
      "SELECT MAX(COALESCE((SELECT MAX(seq) FROM storage_versions), 0),"
      " COALESCE((SELECT MAX(id) FROM storage_parts), 0))");
  next_seq_ = (row ? row->Int(0) : 0) + 1;
}

std::optional<BucketRow> Catalog::FindBucket(meta::Transaction& tx, std::string_view name) {
  auto row = tx.QueryOne(
      "SELECT id, name, region, owner, created_ms, versioning FROM storage_buckets "
      "WHERE name = ?",
      {Text(name)});
  if (!row) return std::nullopt;
  BucketRow b;
  b.id = row->Int(0);
  b.info.name = row->Text(1);
  b.info.region = row->Text(2);
  b.info.owner = row->Text(3);
  b.info.created = base::FromUnixMillis(row->Int(4));
  b.info.versioning = static_cast<VersioningState>(row->Int(5));
  return b;
}

BucketRow Catalog::RequireBucket(meta::Transaction& tx, std::string_view name) {
  auto b = FindBucket(tx, name);
  if (!b) throw StorageError(ErrorCode::kNoSuchBucket, "The specified bucket does not exist");
  return *b;
}

VersionRow Catalog::VersionFromRow(const meta::Row& row, std::string_view bucket) {
  VersionRow v;
  v.seq = row.Int(0);
  v.bucket_id = row.Int(1);
  ObjectInfo& o = v.info;
  o.bucket = std::string(bucket);
  o.key = row.Text(2);
  o.version_id = row.Text(3);
  o.is_latest = row.Int(4) != 0;
  o.delete_marker = row.Int(5) != 0;
  o.size = static_cast<uint64_t>(row.Int(6));
  o.etag = row.Text(7);
  o.last_modified = base::FromUnixMillis(row.Int(8));
  o.owner = row.Text(9);
  o.attributes = DecodeAttributes(row.Text(14), row.Text(10));
  o.checksums = DecodeChecksums(row.Text(11));
  o.checksum_type = static_cast<ChecksumType>(row.Int(12));
  o.parts_count = static_cast<int>(row.Int(13));
  v.tags = DecodeTags(row.Text(15));
  o.tag_count = v.tags.size();
  return v;
}

std::optional<VersionRow> Catalog::Latest(meta::Transaction& tx, const BucketRow& bucket,
                                          std::string_view key) {
  auto row = tx.QueryOne(std::string("SELECT ") + std::string(kVersionColumns) +
                             " FROM storage_versions WHERE bucket_id = ? AND key = ? "
                             "ORDER BY seq DESC LIMIT 1",
                         {Int(bucket.id), Text(key)});
  if (!row) return std::nullopt;
  return VersionFromRow(*row, bucket.info.name);
}

const BucketRow& Catalog::RequireBucket(CommitContext& ctx, std::string_view name) {
  if (memo_batch_ != ctx.batch()) {
    bucket_memo_.clear();
    memo_batch_ = ctx.batch();
  }
  auto it = bucket_memo_.find(name);
  if (it == bucket_memo_.end()) {
    it = bucket_memo_.emplace(std::string(name), RequireBucket(ctx.tx(), name)).first;
  }
  return it->second;
}

std::optional<VersionRow> Catalog::LatestForWrite(meta::Transaction& tx, const BucketRow& bucket,
                                                  std::string_view key) {
  auto row = tx.QueryOne(
      "SELECT seq, version_id, is_latest, delete_marker, etag, parts_count FROM storage_versions "
      "WHERE bucket_id = ? AND key = ? ORDER BY seq DESC LIMIT 1",
      {Int(bucket.id), Text(key)});
  if (!row) return std::nullopt;
  VersionRow v;
  v.seq = row->Int(0);
  v.bucket_id = bucket.id;
  v.info.bucket = bucket.info.name;
  v.info.key = std::string(key);
  v.info.version_id = row->Text(1);
  v.info.is_latest = row->Int(2) != 0;
  v.info.delete_marker = row->Int(3) != 0;
  v.info.etag = row->Text(4);
  v.info.parts_count = static_cast<int>(row->Int(5));
  return v;
}

std::optional<VersionRow> Catalog::FindVersion(meta::Transaction& tx, const BucketRow& bucket,
                                               std::string_view key, std::string_view version_id) {
  auto row = tx.QueryOne(std::string("SELECT ") + std::string(kVersionColumns) +
                             " FROM storage_versions WHERE bucket_id = ? AND key = ? AND "
                             "version_id = ?",
                         {Int(bucket.id), Text(key), Text(version_id)});
  if (!row) return std::nullopt;
  return VersionFromRow(*row, bucket.info.name);
}

std::optional<VersionRow> Catalog::FindBySeq(meta::Transaction& tx, const BucketRow& bucket,
                                             int64_t seq) {
  auto row = tx.QueryOne(std::string("SELECT ") + std::string(kVersionColumns) +
                             " FROM storage_versions WHERE seq = ? AND bucket_id = ?",
                         {Int(seq), Int(bucket.id)});
  if (!row) return std::nullopt;
  return VersionFromRow(*row, bucket.info.name);
}

VersionRow Catalog::Resolve(meta::Transaction& tx, const BucketRow& bucket, std::string_view key,
                            const std::optional<std::string>& version_id) {
  if (version_id) {
    auto v = FindVersion(tx, bucket, key, *version_id);
    if (!v) {
      throw StorageError(ErrorCode::kNoSuchVersion, "The specified version does not exist.");
    }
    if (v->info.delete_marker) {
      throw StorageError::DeleteMarker(ErrorCode::kMethodNotAllowed, v->info.version_id);
    }
    return *v;
  }
  auto v = Latest(tx, bucket, key);
  if (!v) throw StorageError(ErrorCode::kNoSuchKey, "The specified key does not exist.");
  if (v->info.delete_marker) {
    throw StorageError::DeleteMarker(ErrorCode::kNoSuchKey, v->info.version_id);
  }
  return *v;
}

std::vector<SegmentRow> Catalog::Segments(meta::Transaction& tx, int64_t owner) {
  std::vector<SegmentRow> out;
  tx.Each("SELECT blob_id, start, length FROM storage_segments WHERE owner = ? ORDER BY idx",
          {Int(owner)}, [&](const meta::Row& row) {
            out.push_back(SegmentRow{row.Int(0), static_cast<uint64_t>(row.Int(1)),
                                     static_cast<uint64_t>(row.Int(2))});
            return true;
          });
  return out;
}

void Catalog::InsertSegments(meta::Transaction& tx, int64_t owner,
                             const std::vector<SegmentRow>& segments) {
  int64_t idx = 0;
  for (const SegmentRow& s : segments) {
    tx.Exec(
        "INSERT INTO storage_segments(owner, idx, blob_id, start, length) VALUES(?, ?, ?, ?, ?)",
        {Int(owner), Int(idx++), Int(s.blob_id), Int(static_cast<int64_t>(s.start)),
         Int(static_cast<int64_t>(s.length))});
  }
}

void Catalog::AddBlob(meta::Transaction& tx, int64_t blob_id, uint64_t size) {
  tx.Exec("INSERT INTO storage_blobs(id, kind, size) VALUES(?, 0, ?)",
          {Int(blob_id), Int(static_cast<int64_t>(size))});
}

void Catalog::DeleteSegments(CommitContext& ctx, int64_t owner) {
  for (const SegmentRow& s : Segments(ctx.tx(), owner)) ctx.Unreference(s.blob_id);
  ctx.tx().Exec("DELETE FROM storage_segments WHERE owner = ?", {Int(owner)});
}

std::vector<ObjectPart> Catalog::ObjectParts(meta::Transaction& tx, int64_t seq) {
  std::vector<ObjectPart> out;
  tx.Each(
      "SELECT part_number, start, size, checksums FROM storage_object_parts WHERE seq = ? "
      "ORDER BY part_number",
      {Int(seq)}, [&](const meta::Row& row) {
        out.push_back(ObjectPart{static_cast<int>(row.Int(0)), static_cast<uint64_t>(row.Int(1)),
                                 static_cast<uint64_t>(row.Int(2)), DecodeChecksums(row.Text(3))});
        return true;
      });
  return out;
}

void Catalog::CheckWriteConditions(const std::optional<VersionRow>& latest,
                                   const WriteConditions& conditions) {
  bool exists = latest && !latest->info.delete_marker;
  if (conditions.if_none_match_any && exists) {
    throw StorageError(ErrorCode::kPreconditionFailed,
                       "At least one of the pre-conditions you specified did not hold");
  }
  if (conditions.if_match) {
    if (!exists) throw StorageError(ErrorCode::kNoSuchKey, "The specified key does not exist.");
    if (!EtagMatches(*conditions.if_match, latest->info.etag)) {
      throw StorageError(ErrorCode::kPreconditionFailed,
                         "At least one of the pre-conditions you specified did not hold");
    }
  }
}

void Catalog::InsertVersion(meta::Transaction& tx, const VersionRow& v) {
  const ObjectInfo& o = v.info;
  tx.Exec(
      "INSERT INTO storage_versions(seq, bucket_id, key, version_id, is_latest, delete_marker, "
      "size, etag, modified_ms, owner, storage_class, checksums, checksum_type, parts_count, "
      "attributes, tags) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Int(v.seq), Int(v.bucket_id), Text(o.key), Text(o.version_id), Int(o.is_latest ? 1 : 0),
       Int(o.delete_marker ? 1 : 0), Int(static_cast<int64_t>(o.size)), Text(o.etag),
       Int(base::ToUnixMillis(o.last_modified)), Text(o.owner), Text(o.attributes.storage_class),
       Text(EncodeChecksums(o.checksums)), Int(static_cast<int64_t>(o.checksum_type)),
       Int(o.parts_count), Text(o.delete_marker ? "{}" : EncodeAttributes(o.attributes)),
       Text(EncodeTags(v.tags))});
}

void Catalog::PutVersion(CommitContext& ctx, const BucketRow& bucket, VersionRow& version,
                         const std::vector<SegmentRow>& segments,
                         const std::vector<ObjectPart>& parts, const WriteConditions& conditions) {
  meta::Transaction& tx = ctx.tx();
  ObjectInfo& o = version.info;
  auto latest = LatestForWrite(tx, bucket, o.key);
  CheckWriteConditions(latest, conditions);
  bool versioned = bucket.info.versioning == VersioningState::kEnabled;
  // Without a newest version the key has none at all; the null version is usually the newest.
  if (!versioned && latest) {
    if (latest->info.version_id == kNullVersionId) {
      RemoveVersion(ctx, *latest, /*promote_next=*/false);
      latest.reset();
    } else if (auto null = FindVersion(tx, bucket, o.key, kNullVersionId)) {
      RemoveVersion(ctx, *null, /*promote_next=*/false);
    }
  }
  if (latest) {
    tx.Exec("UPDATE storage_versions SET is_latest = 0 WHERE seq = ?", {Int(latest->seq)});
  }
  version.seq = NextSeq();
  version.bucket_id = bucket.id;
  o.bucket = bucket.info.name;
  o.version_id = versioned ? NewTimeOrderedId() : std::string(kNullVersionId);
  o.is_latest = true;
  // Millisecond precision, as stored, so the answer equals what later reads return.
  if (o.last_modified == base::TimePoint()) {
    o.last_modified = base::FromUnixMillis(base::ToUnixMillis(base::Now()));
  }
  o.tag_count = version.tags.size();
  InsertVersion(tx, version);
  InsertSegments(tx, version.seq, segments);
  for (const ObjectPart& p : parts) {
    tx.Exec(
        "INSERT INTO storage_object_parts(seq, part_number, start, size, checksums) "
        "VALUES(?, ?, ?, ?, ?)",
        {Int(version.seq), Int(p.part_number), Int(static_cast<int64_t>(p.offset)),
         Int(static_cast<int64_t>(p.size)), Text(EncodeChecksums(p.checksums))});
  }
}

DeleteResult Catalog::Delete(CommitContext& ctx, const BucketRow& bucket, std::string_view key,
                             const std::optional<std::string>& version_id, std::string_view owner) {
  meta::Transaction& tx = ctx.tx();
  if (version_id) {
    auto v = FindVersion(tx, bucket, key, *version_id);
    if (!v) return DeleteResult{*version_id, false};
    RemoveVersion(ctx, *v);
    return DeleteResult{v->info.version_id, v->info.delete_marker};
  }
  if (bucket.info.versioning == VersioningState::kUnset) {
    // A bucket that never versioned holds only null versions, one per key.
    if (auto v = LatestForWrite(tx, bucket, key)) RemoveVersion(ctx, *v);
    return DeleteResult{};
  }
  VersionRow marker;
  marker.info.key = std::string(key);
  marker.info.delete_marker = true;
  marker.info.owner = std::string(owner);
  marker.info.attributes.storage_class.clear();
  PutVersion(ctx, bucket, marker, {}, {}, {});
  return DeleteResult{marker.info.version_id, true};
}

void Catalog::RemoveVersion(CommitContext& ctx, const VersionRow& v, bool promote_next) {
  meta::Transaction& tx = ctx.tx();
  DeleteSegments(ctx, v.seq);
  // Part rows exist only for versions stored with parts (parts_count of them).
  if (v.info.parts_count > 0)
    tx.Exec("DELETE FROM storage_object_parts WHERE seq = ?", {Int(v.seq)});
  tx.Exec("DELETE FROM storage_versions WHERE seq = ?", {Int(v.seq)});
  if (!v.info.is_latest || !promote_next) return;
  auto next = tx.QueryOne(
      "SELECT seq FROM storage_versions WHERE bucket_id = ? AND key = ? ORDER BY seq DESC LIMIT 1",
      {Int(v.bucket_id), Text(v.info.key)});
  if (next) tx.Exec("UPDATE storage_versions SET is_latest = 1 WHERE seq = ?", {Int(next->Int(0))});
}

std::string Catalog::EncodeAttributes(const ObjectAttributes& a) {
  base::Json j = base::Json::object();
  for (size_t i = 0; i < std::size(kAttributeNames); ++i) {
    if (const auto* f = AttributeField(a, i); f->has_value()) j[kAttributeNames[i]] = **f;
  }
  if (!a.metadata.empty()) j["metadata"] = a.metadata;
  if (!a.system.empty()) j["system"] = a.system;
  return j.dump();
}

ObjectAttributes Catalog::DecodeAttributes(std::string_view json, std::string storage_class) {
  ObjectAttributes a;
  a.storage_class = std::move(storage_class);
  base::Json j = base::ParseJson(json);
  for (size_t i = 0; i < std::size(kAttributeNames); ++i) {
    auto it = j.find(kAttributeNames[i]);
    if (it != j.end()) *AttributeField(a, i) = it->get<std::string>();
  }
  if (auto it = j.find("metadata"); it != j.end()) {
    a.metadata = it->get<std::map<std::string, std::string>>();
  }
  if (auto it = j.find("system"); it != j.end()) {
    a.system = it->get<std::map<std::string, std::string>>();
  }
  return a;
}

std::string Catalog::EncodeChecksums(const Checksums& checksums) {
  base::Json j = base::Json::object();
  for (const auto& [algorithm, value] : checksums) j[ChecksumAlgorithmName(algorithm)] = value;
  return j.dump();
}

Checksums Catalog::DecodeChecksums(std::string_view json) {
  Checksums out;
  base::Json j = base::ParseJson(json);
  for (const auto& [name, value] : j.items()) {
    if (auto algorithm = ParseChecksumAlgorithm(name)) out[*algorithm] = value.get<std::string>();
  }
  return out;
}

std::string Catalog::EncodeTags(const TagSet& tags) {
  base::Json j = base::Json::array();
  for (const Tag& t : tags) j.push_back({t.key, t.value});
  return j.dump();
}

TagSet Catalog::DecodeTags(std::string_view json) {
  TagSet out;
  for (const auto& t : base::ParseJson(json)) {
    out.push_back(Tag{t.at(0).get<std::string>(), t.at(1).get<std::string>()});
  }
  return out;
}

}  // namespace storage
