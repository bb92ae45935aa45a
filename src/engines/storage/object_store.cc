#include "engines/storage/object_store.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/log.h"
#include "engines/storage/blob_files.h"
#include "engines/storage/catalog.h"
#include "engines/storage/committer.h"
#include "engines/storage/copy_source.h"
#include "engines/storage/schema.h"
#include "engines/storage/staged_body.h"
#include "engines/storage/storage_error.h"
#include "engines/storage/validation.h"

namespace storage {

using meta::Int;
using meta::Text;

namespace {

// How often OpenVersion retries when every snapshot it reads names a blob already deleted.
constexpr int kOpenAttempts = 100;

}  // namespace

ObjectStore::ObjectStore(const std::filesystem::path& data_dir, meta::Store& meta)
    : meta_(meta),
      files_(std::make_unique<BlobFiles>(data_dir)),
      catalog_(std::make_unique<Catalog>()) {
  MigrateSchema(meta_);
  meta_.Read([&](meta::Transaction& tx) { catalog_->InitSequence(tx); });
  Recover();
  committer_ = std::make_unique<Committer>(meta_, *files_);
}

ObjectStore::~ObjectStore() = default;

void ObjectStore::Recover() {
  files_->RemoveTempFiles();
  std::vector<int64_t> orphans;
  meta_.Read([&](meta::Transaction& tx) {
    files_->ForEachBlob([&](int64_t id) {
      if (!tx.QueryOne("SELECT 1 FROM storage_segments WHERE blob_id = ? LIMIT 1", {Int(id)})) {
        orphans.push_back(id);
      }
    });
  });
  meta_.Write([&](meta::Transaction& tx) {
    tx.Exec(
        "DELETE FROM storage_blobs WHERE NOT EXISTS "
        "(SELECT 1 FROM storage_segments s WHERE s.blob_id = storage_blobs.id)");
  });
  for (int64_t id : orphans) files_->Remove(id);
  if (!orphans.empty()) {
    LOG_INFO("storage recovery removed unreferenced blobs",
             {{"count", std::to_string(orphans.size())}});
  }
}

void ObjectStore::RequireBucketExists(std::string_view bucket) {
  meta_.Read([&](meta::Transaction& tx) { Catalog::RequireBucket(tx, bucket); });
}

// ---------------------------------------------------------------------------------------------
// Buckets

BucketInfo ObjectStore::CreateBucket(std::string_view name, std::string_view region,
                                     std::string_view owner) {
  ValidateBucketName(name);
  BucketInfo info;
  info.name = std::string(name);
  info.region = region.empty() ? "us-east-1" : std::string(region);
  info.owner = std::string(owner);
  info.created = base::FromUnixMillis(base::ToUnixMillis(base::Now()));
  meta_.Write([&](meta::Transaction& tx) {
    if (auto existing = Catalog::FindBucket(tx, name)) {
      if (existing->info.owner == owner) {
        throw StorageError(ErrorCode::kBucketAlreadyOwnedByYou,
                           "Your previous request to create the named bucket succeeded and you "
                           "already own it.");
      }
      throw StorageError(ErrorCode::kBucketAlreadyExists,
                         "The requested bucket name is not available.");
    }
    tx.Exec(
        "INSERT INTO storage_buckets(name, region, owner, created_ms, versioning) "
        "VALUES(?, ?, ?, ?, 0)",
        {Text(info.name), Text(info.region), Text(info.owner),
         Int(base::ToUnixMillis(info.created))});
  });
  return info;
}

void ObjectStore::DeleteBucket(std::string_view name) {
  meta_.Write([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, name);
    bool has_versions =
        tx.QueryOne("SELECT 1 FROM storage_versions WHERE bucket_id = ? LIMIT 1", {Int(b.id)})
            .has_value();
    bool has_uploads =
        tx.QueryOne("SELECT 1 FROM storage_uploads WHERE bucket_id = ? LIMIT 1", {Int(b.id)})
            .has_value();
    if (has_versions || has_uploads) {
      throw StorageError(ErrorCode::kBucketNotEmpty, "The bucket you tried to delete is not empty");
    }
    tx.Exec("DELETE FROM storage_bucket_configs WHERE bucket_id = ?", {Int(b.id)});
    tx.Exec("DELETE FROM storage_buckets WHERE id = ?", {Int(b.id)});
  });
}

BucketInfo ObjectStore::GetBucket(std::string_view name) {
  BucketInfo info;
  meta_.Read([&](meta::Transaction& tx) { info = Catalog::RequireBucket(tx, name).info; });
  return info;
}

BucketListResult ObjectStore::ListBuckets(const BucketListOptions& options) {
  BucketListResult out;
  meta_.Read([&](meta::Transaction& tx) {
    std::vector<std::string> names;
    tx.Each("SELECT name FROM storage_buckets WHERE name > ? AND name >= ? ORDER BY name",
            {Text(options.start_after), Text(options.prefix)}, [&](const meta::Row& row) {
              std::string name = row.Text(0);
              if (!name.starts_with(options.prefix)) return false;
              if (options.max_buckets != 0 && names.size() == options.max_buckets) {
                out.is_truncated = true;
                return false;
              }
              names.push_back(std::move(name));
              return true;
            });
    for (const std::string& name : names) {
      out.buckets.push_back(Catalog::RequireBucket(tx, name).info);
    }
  });
  return out;
}

void ObjectStore::SetVersioning(std::string_view bucket, VersioningState state) {
  if (state == VersioningState::kUnset) {
    throw StorageError(ErrorCode::kInvalidArgument, "Versioning can only be Enabled or Suspended.");
  }
  meta_.Write([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    tx.Exec("UPDATE storage_buckets SET versioning = ? WHERE id = ?",
            {Int(static_cast<int64_t>(state)), Int(b.id)});
  });
}

std::optional<std::string> ObjectStore::GetBucketConfig(std::string_view bucket,
                                                        std::string_view name) {
  std::optional<std::string> out;
  meta_.Read([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    if (auto row = tx.QueryOne(
            "SELECT document FROM storage_bucket_configs WHERE bucket_id = ? AND name = ?",
            {Int(b.id), Text(name)})) {
      out = row->Text(0);
    }
  });
  return out;
}

void ObjectStore::PutBucketConfig(std::string_view bucket, std::string_view name,
                                  std::string_view document) {
  meta_.Write([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    tx.Exec(
        "INSERT INTO storage_bucket_configs(bucket_id, name, document) VALUES(?, ?, ?) "
        "ON CONFLICT(bucket_id, name) DO UPDATE SET document = excluded.document",
        {Int(b.id), Text(name), Text(document)});
  });
}

void ObjectStore::DeleteBucketConfig(std::string_view bucket, std::string_view name) {
  meta_.Write([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    tx.Exec("DELETE FROM storage_bucket_configs WHERE bucket_id = ? AND name = ?",
            {Int(b.id), Text(name)});
  });
}

// ---------------------------------------------------------------------------------------------
// Objects

ObjectInfo ObjectStore::PutObject(std::string_view bucket, std::string_view key, ByteSource& body,
                                  const PutOptions& options) {
  return PutObjects(bucket, {ObjectWrite{std::string(key), body, options}}).front();
}

// Bodies read, verified and staged, and the commit request that publishes them.
struct ObjectStore::PendingWrite {
  std::string bucket;
  std::vector<std::unique_ptr<StagedBody>> staged;
  std::vector<VersionRow> versions;
  std::vector<WriteConditions> conditions;
  std::vector<size_t> first_payload;
  CommitRequest request;

  // After the commit succeeded: the blobs belong to the versions now.
  std::vector<ObjectInfo> Published() {
    std::vector<ObjectInfo> out;
    out.reserve(versions.size());
    for (size_t i = 0; i < versions.size(); ++i) {
      staged[i]->Release();
      out.push_back(std::move(versions[i].info));
    }
    return out;
  }
};

std::unique_ptr<ObjectStore::PendingWrite> ObjectStore::StageWrites(
    std::string_view bucket, const std::vector<ObjectWrite>& objects) {
  // The commit checks the bucket anyway; a read transaction before it only pays when it can
  // spare reading a large body into a bucket that does not exist.
  bool small = true;
  for (const ObjectWrite& o : objects) {
    ValidateKey(o.key);
    ValidateAttributes(o.options.attributes);
    ValidateTags(o.options.tags);
    small = small && o.options.expected_size && *o.options.expected_size <= kPackedBodyMax;
  }
  if (!small) RequireBucketExists(bucket);
  auto w = std::make_unique<PendingWrite>();
  w->bucket = std::string(bucket);
  w->versions.resize(objects.size());
  std::vector<std::string_view> payloads;
  for (size_t i = 0; i < objects.size(); ++i) {
    const PutOptions& options = objects[i].options;
    const StagedBody& body = *w->staged.emplace_back(std::make_unique<StagedBody>(
        objects[i].body,
        BodyExpectations{options.expected_size, kMaxPutSize, options.content_md5,
                         options.checksum_algorithms, options.expected_checksums},
        *files_));
    VersionRow& v = w->versions[i];
    v.info.key = objects[i].key;
    v.info.size = body.size();
    v.info.etag = body.etag();
    v.info.owner = options.owner;
    v.info.attributes = options.attributes;
    v.info.checksums = body.checksums();
    v.tags = options.tags;
    w->conditions.push_back(options.conditions);
    w->first_payload.push_back(payloads.size());
    for (std::string_view p : body.Payloads()) payloads.push_back(p);
  }
  PendingWrite* pending = w.get();
  w->request = CommitRequest{std::move(payloads), [this, pending](CommitContext& ctx) {
                               const BucketRow& b = catalog_->RequireBucket(ctx, pending->bucket);
                               for (size_t i = 0; i < pending->versions.size(); ++i) {
                                 catalog_->PutVersion(
                                     ctx, b, pending->versions[i],
                                     pending->staged[i]->Segments(ctx, pending->first_payload[i]),
                                     {}, pending->conditions[i]);
                               }
                             }};
  return w;
}

std::vector<ObjectInfo> ObjectStore::PutObjects(std::string_view bucket,
                                                const std::vector<ObjectWrite>& objects) {
  if (objects.empty()) return {};
  std::unique_ptr<PendingWrite> w = StageWrites(bucket, objects);
  committer_->Commit(w->request);
  return w->Published();
}

void ObjectStore::PutObjectAsync(std::string_view bucket, std::string_view key, ByteSource& body,
                                 const PutOptions& options, PutCallback done) {
  std::shared_ptr<PendingWrite> w =
      StageWrites(bucket, {ObjectWrite{std::string(key), body, options}});
  CommitRequest* request = &w->request;
  committer_->Submit(request, [w = std::move(w), done = std::move(done)] {
    PutOutcome outcome;
    if (w->request.error) {
      outcome.error = w->request.error;
    } else {
      outcome.info = std::move(w->Published().front());
    }
    done(std::move(outcome));
  });
}

ObjectInfo ObjectStore::HeadObject(std::string_view bucket, std::string_view key,
                                   const std::optional<std::string>& version_id) {
  ObjectInfo info;
  meta_.Read([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    info = Catalog::Resolve(tx, b, key, version_id).info;
  });
  return info;
}

ObjectStore::Opened ObjectStore::OpenVersion(std::string_view bucket, std::string_view key,
                                             const std::optional<std::string>& version_id) {
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    uint64_t epoch = files_->unlink_epoch();
    VersionRow v;
    std::vector<SegmentRow> segments;
    std::vector<ObjectPart> parts;
    meta_.Read([&](meta::Transaction& tx) {
      BucketRow b = Catalog::RequireBucket(tx, bucket);
      v = Catalog::Resolve(tx, b, key, version_id);
      segments = Catalog::Segments(tx, v.seq);
      if (v.info.parts_count > 0) parts = Catalog::ObjectParts(tx, v.seq);
    });
    std::vector<int64_t> ids;
    for (const SegmentRow& s : segments) ids.push_back(s.blob_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (files_->Pin(ids, epoch)) {
      return Opened{
          ObjectReader(*files_, std::move(v.info), std::move(parts), segments, std::move(ids)),
          v.seq};
    }
  }
  throw StorageError(ErrorCode::kInternalError, "the object kept changing while being opened");
}

ObjectReader ObjectStore::GetObject(std::string_view bucket, std::string_view key,
                                    const std::optional<std::string>& version_id) {
  return OpenVersion(bucket, key, version_id).reader;
}

DeleteResult ObjectStore::DeleteObject(std::string_view bucket, std::string_view key,
                                       const std::optional<std::string>& version_id,
                                       std::string_view owner) {
  ValidateKey(key);
  DeleteResult result;
  CommitRequest request{{}, [&](CommitContext& ctx) {
                          const BucketRow& b = catalog_->RequireBucket(ctx, bucket);
                          result = catalog_->Delete(ctx, b, key, version_id, owner);
                        }};
  committer_->Commit(request);
  return result;
}

std::vector<DeleteOutcome> ObjectStore::DeleteObjects(std::string_view bucket,
                                                      const std::vector<ObjectIdentifier>& objects,
                                                      std::string_view owner) {
  std::vector<DeleteOutcome> out(objects.size());
  std::vector<CommitRequest> requests(objects.size());
  std::vector<CommitRequest*> pointers;
  for (size_t i = 0; i < objects.size(); ++i) {
    out[i].object = objects[i];
    requests[i].apply = [&, i](CommitContext& ctx) {
      ValidateKey(objects[i].key);
      const BucketRow& b = catalog_->RequireBucket(ctx, bucket);
      out[i].result = catalog_->Delete(ctx, b, objects[i].key, objects[i].version_id, owner);
    };
    pointers.push_back(&requests[i]);
  }
  committer_->CommitAll(pointers);
  for (size_t i = 0; i < objects.size(); ++i) {
    if (!requests[i].error) continue;
    out[i].result.reset();
    try {
      std::rethrow_exception(requests[i].error);
    } catch (const StorageError& e) {
      out[i].error_code = std::string(ErrorCodeName(e.code()));
      out[i].error_message = e.what();
    } catch (const std::exception& e) {
      out[i].error_code = "InternalError";
      out[i].error_message = "We encountered an internal error. Please try again.";
      LOG_ERROR("delete failed", {{"error", e.what()}});
    }
  }
  return out;
}

Checksums ObjectStore::ComputeChecksums(const ObjectReader& reader, uint64_t offset,
                                        uint64_t length,
                                        const std::vector<ChecksumAlgorithm>& algorithms,
                                        std::string* md5_out) {
  std::vector<Checksummer> sums;
  for (ChecksumAlgorithm a : algorithms) sums.emplace_back(a);
  base::Digest md5(base::DigestAlgorithm::kMd5);
  auto source = reader.OpenRange(offset, length);
  std::string buf(1 << 20, '\0');
  while (size_t n = source->Read(buf.data(), buf.size())) {
    std::string_view data(buf.data(), n);
    if (md5_out) md5.Update(data);
    for (auto& s : sums) s.Update(data);
  }
  if (md5_out) *md5_out = md5.Final();
  Checksums out;
  for (auto& s : sums) out[s.algorithm()] = base::Base64Encode(s.Final());
  return out;
}

ObjectInfo ObjectStore::CopyObject(const CopySource& source, std::string_view bucket,
                                   std::string_view key, const CopyOptions& options) {
  ValidateKey(key);
  if (options.attributes) ValidateAttributes(*options.attributes);
  if (options.tags) ValidateTags(*options.tags);
  RequireBucketExists(bucket);
  for (int attempt = 0;; ++attempt) {
    // A copy that must carry checksums its source lacks reads the source first.
    std::optional<Opened> opened;
    Checksums computed;
    if (!options.checksum_algorithms.empty()) {
      opened.emplace(OpenVersion(source.bucket, source.key, source.version_id));
      const ObjectInfo& src = opened->reader.info();
      std::vector<ChecksumAlgorithm> missing;
      for (ChecksumAlgorithm a : options.checksum_algorithms) {
        if (src.checksum_type != ChecksumType::kFullObject || !src.checksums.count(a)) {
          missing.push_back(a);
        } else {
          computed[a] = src.checksums.at(a);
        }
      }
      if (!missing.empty()) {
        for (auto& [a, value] : ComputeChecksums(opened->reader, 0, src.size, missing, nullptr)) {
          computed[a] = value;
        }
      }
    }
    VersionRow v;
    CommitRequest request{{}, [&](CommitContext& ctx) {
                            meta::Transaction& tx = ctx.tx();
                            BucketRow sb = Catalog::RequireBucket(tx, source.bucket);
                            std::optional<VersionRow> src;
                            if (opened) {
                              src = Catalog::FindBySeq(tx, sb, opened->seq);
                              if (!src) throw SourceChanged{};
                            } else {
                              src = Catalog::Resolve(tx, sb, source.key, source.version_id);
                            }
                            CheckSourceConditions(src->info, source.conditions);
                            BucketRow db = Catalog::RequireBucket(tx, bucket);
                            v.info = src->info;
                            v.info.key = std::string(key);
                            v.info.owner = options.owner;
                            v.info.last_modified = base::TimePoint();
                            if (options.attributes) v.info.attributes = *options.attributes;
                            v.tags = options.tags ? *options.tags : src->tags;
                            if (opened) {
                              v.info.checksums = computed;
                              v.info.checksum_type = ChecksumType::kFullObject;
                            }
                            catalog_->PutVersion(ctx, db, v, Catalog::Segments(tx, src->seq),
                                                 Catalog::ObjectParts(tx, src->seq),
                                                 options.conditions);
                          }};
    try {
      committer_->Commit(request);
      return v.info;
    } catch (const SourceChanged&) {
      if (attempt + 1 >= kCopyAttempts) {
        throw StorageError(ErrorCode::kNoSuchKey, "The copy source changed during the copy.");
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tags

std::string ObjectStore::PutObjectTagging(std::string_view bucket, std::string_view key,
                                          const std::optional<std::string>& version_id,
                                          const TagSet& tags) {
  ValidateTags(tags);
  std::string id;
  CommitRequest request{{}, [&](CommitContext& ctx) {
                          const BucketRow& b = catalog_->RequireBucket(ctx, bucket);
                          VersionRow v = Catalog::Resolve(ctx.tx(), b, key, version_id);
                          ctx.tx().Exec("UPDATE storage_versions SET tags = ? WHERE seq = ?",
                                        {Text(Catalog::EncodeTags(tags)), Int(v.seq)});
                          id = v.info.version_id;
                        }};
  committer_->Commit(request);
  return id;
}

TaggingResult ObjectStore::GetObjectTagging(std::string_view bucket, std::string_view key,
                                            const std::optional<std::string>& version_id) {
  TaggingResult out;
  meta_.Read([&](meta::Transaction& tx) {
    BucketRow b = Catalog::RequireBucket(tx, bucket);
    VersionRow v = Catalog::Resolve(tx, b, key, version_id);
    out.version_id = v.info.version_id;
    out.tags = std::move(v.tags);
  });
  return out;
}

std::string ObjectStore::DeleteObjectTagging(std::string_view bucket, std::string_view key,
                                             const std::optional<std::string>& version_id) {
  return PutObjectTagging(bucket, key, version_id, {});
}

StoreStats ObjectStore::stats() const {
  return StoreStats{committer_->batches(), committer_->requests(), list_rows_read_.load()};
}

}  // namespace storage
