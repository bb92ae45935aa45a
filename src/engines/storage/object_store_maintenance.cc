// ObjectStore background work: lifecycle expiry, pack compaction and the integrity check.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/log.h"
#include "engines/storage/blob_files.h"
#include "engines/storage/catalog.h"
#include "engines/storage/committer.h"
#include "engines/storage/key_scan.h"
#include "engines/storage/object_store.h"
#include "engines/storage/storage_error.h"

namespace storage {

using meta::Int;
using meta::Text;

namespace {

// Rows a lifecycle pass reads per read transaction, and actions per group commit.
constexpr size_t kLifecyclePage = 512;
// Bytes of live ranges moved per compaction commit.
constexpr uint64_t kCompactionBatchBytes = 4 << 20;

enum class Action { kExpire, kRemoveMarker, kRemoveNoncurrent, kAbortUpload };

struct Due {
  Action action;
  std::string key;
  int64_t seq = 0;  // the version the decision was made on
  std::string upload_id;
};

}  // namespace

LifecycleReport ObjectStore::ApplyLifecycle(std::string_view bucket,
                                            const std::vector<LifecycleRule>& rules,
                                            base::TimePoint now) {
  RequireBucketExists(bucket);
  LifecycleReport report;
  for (const LifecycleRule& rule : rules) {
    if (rule.enabled) report += ApplyRule(bucket, rule, now);
  }
  return report;
}

LifecycleReport ObjectStore::ApplyRule(std::string_view bucket, const LifecycleRule& rule,
                                       base::TimePoint now) {
  LifecycleReport report;
  // Carries out decisions, each re-checked against the current state in its commit.
  auto carry_out = [&](std::vector<Due>& due) {
    std::vector<CommitRequest> requests(due.size());
    std::vector<char> applied(due.size(), 0);
    std::vector<CommitRequest*> pointers;
    for (size_t i = 0; i < due.size(); ++i) {
      requests[i].apply = [&, i](CommitContext& ctx) {
        meta::Transaction& tx = ctx.tx();
        BucketRow b = Catalog::RequireBucket(tx, bucket);
        const Due& d = due[i];
        if (d.action == Action::kAbortUpload) {
          if (!tx.QueryOne("SELECT 1 FROM storage_uploads WHERE upload_id = ?",
                           {Text(d.upload_id)})) {
            return;
          }
          for (const auto& row :
               tx.Query("SELECT id FROM storage_parts WHERE upload_id = ?", {Text(d.upload_id)})) {
            Catalog::DeleteSegments(ctx, row.Int(0));
          }
          tx.Exec("DELETE FROM storage_parts WHERE upload_id = ?", {Text(d.upload_id)});
          tx.Exec("DELETE FROM storage_uploads WHERE upload_id = ?", {Text(d.upload_id)});
          applied[i] = 1;
          return;
        }
        auto v = Catalog::FindBySeq(tx, b, d.seq);
        if (!v) return;
        if (d.action == Action::kExpire) {
          if (!v->info.is_latest || v->info.delete_marker) return;
          catalog_->Delete(ctx, b, d.key, std::nullopt, "");
        } else if (d.action == Action::kRemoveMarker) {
          auto count =
              tx.QueryOne("SELECT COUNT(*) FROM storage_versions WHERE bucket_id = ? AND key = ?",
                          {Int(b.id), Text(d.key)});
          if (!v->info.is_latest || count->Int(0) != 1) return;
          Catalog::RemoveVersion(ctx, *v);
        } else {
          if (v->info.is_latest) return;
          Catalog::RemoveVersion(ctx, *v);
        }
        applied[i] = 1;
      };
      pointers.push_back(&requests[i]);
    }
    committer_->CommitAll(pointers);
    for (size_t i = 0; i < due.size(); ++i) {
      if (requests[i].error) std::rethrow_exception(requests[i].error);
      if (!applied[i]) continue;
      switch (due[i].action) {
        case Action::kExpire:
          ++report.expired;
          break;
        case Action::kRemoveMarker:
          ++report.markers_removed;
          break;
        case Action::kRemoveNoncurrent:
          ++report.noncurrent_removed;
          break;
        case Action::kAbortUpload:
          ++report.uploads_aborted;
          break;
      }
    }
    due.clear();
  };

  bool expires = rule.expiration_days || rule.expiration_date;
  if (expires || rule.expired_object_delete_marker || rule.noncurrent_days) {
    // One pass over every version under the prefix, by key and newest first.
    std::string cursor_key = rule.prefix;
    int64_t cursor_seq = -1;  // -1: start at cursor_key itself
    std::string key;
    int position = 0;                // index of the row within its key
    base::TimePoint newer_modified;  // last-modified of the next newer version
    std::optional<Due> lone_marker;  // a latest delete marker, if no other version follows
    std::vector<Due> due;
    auto visit = [&](const meta::Row& row) {
      VersionRow v = Catalog::VersionFromRow(row, bucket);
      const ObjectInfo& o = v.info;
      cursor_key = o.key;
      cursor_seq = v.seq;
      if (o.key != key) {
        if (lone_marker) due.push_back(*lone_marker);
        lone_marker.reset();
        key = o.key;
        position = 0;
      } else {
        lone_marker.reset();
      }
      bool selected = LifecycleSelects(rule, o.key, o.size, v.tags);
      if (position == 0) {
        if (o.delete_marker) {
          if (rule.expired_object_delete_marker || rule.expiration_days) {
            lone_marker = Due{Action::kRemoveMarker, o.key, v.seq, ""};
          }
        } else if (expires && selected &&
                   ((rule.expiration_days &&
                     LifecycleDue(o.last_modified, *rule.expiration_days, now)) ||
                    (rule.expiration_date && now >= *rule.expiration_date))) {
          due.push_back(Due{Action::kExpire, o.key, v.seq, ""});
        }
      } else if (rule.noncurrent_days && selected &&
                 LifecycleDue(newer_modified, *rule.noncurrent_days, now) &&
                 (!rule.newer_noncurrent_versions || position > *rule.newer_noncurrent_versions)) {
        due.push_back(Due{Action::kRemoveNoncurrent, o.key, v.seq, ""});
      }
      newer_modified = o.last_modified;
      ++position;
    };
    std::string upper = rule.prefix.empty() ? "" : PrefixSuccessor(rule.prefix);
    while (true) {
      size_t rows = 0;
      meta_.Read([&](meta::Transaction& tx) {
        BucketRow b = Catalog::RequireBucket(tx, bucket);
        std::string select = std::string("SELECT ") + std::string(Catalog::kVersionColumns) +
                             " FROM storage_versions WHERE bucket_id = ? AND ";
        std::string limit = " LIMIT " + std::to_string(kLifecyclePage);
        auto count = [&](const meta::Row& row) {
          ++rows;
          visit(row);
          return true;
        };
        if (cursor_seq >= 0) {  // the rest of the current key's versions
          tx.Each(select + "key = ? AND seq < ? ORDER BY seq DESC" + limit,
                  {Int(b.id), Text(cursor_key), Int(cursor_seq)}, count);
          if (rows == kLifecyclePage) return;
        }
        std::vector<meta::Value> params{Int(b.id), Text(cursor_key)};
        if (!upper.empty()) params.push_back(Text(upper));
        tx.Each(select + (cursor_seq >= 0 ? "key > ?" : "key >= ?") +
                    (upper.empty() ? "" : " AND key < ?") + " ORDER BY key, seq DESC" + limit,
                params, count);
      });
      bool done = rows < kLifecyclePage;
      if (done && lone_marker) due.push_back(*lone_marker);
      carry_out(due);
      if (done) break;
    }
  }

  if (rule.abort_incomplete_multipart_days) {
    std::string cursor = rule.prefix;
    std::string cursor_id;
    std::vector<Due> due;
    while (true) {
      size_t rows = 0;
      bool past_prefix = false;
      meta_.Read([&](meta::Transaction& tx) {
        BucketRow b = Catalog::RequireBucket(tx, bucket);
        tx.Each(
            "SELECT key, upload_id, initiated_ms FROM storage_uploads WHERE bucket_id = ? AND "
            "(key, upload_id) > (?, ?) ORDER BY key, upload_id LIMIT " +
                std::to_string(kLifecyclePage),
            {Int(b.id), Text(cursor), Text(cursor_id)}, [&](const meta::Row& row) {
              ++rows;
              cursor = row.Text(0);
              cursor_id = row.Text(1);
              if (!cursor.starts_with(rule.prefix)) {
                past_prefix = true;
                return false;
              }
              if (LifecycleDue(base::FromUnixMillis(row.Int(2)),
                               *rule.abort_incomplete_multipart_days, now)) {
                due.push_back(Due{Action::kAbortUpload, cursor, 0, cursor_id});
              }
              return true;
            });
      });
      carry_out(due);
      if (past_prefix || rows < kLifecyclePage) break;
    }
  }
  return report;
}

size_t ObjectStore::CompactPacks(double max_live_fraction) {
  std::vector<int64_t> sparse;
  meta_.Read([&](meta::Transaction& tx) {
    tx.Each(
        "SELECT b.id, b.size, (SELECT COALESCE(SUM(s.length), 0) FROM storage_segments s "
        "WHERE s.blob_id = b.id) FROM storage_blobs b WHERE b.kind = 1",
        {}, [&](const meta::Row& row) {
          double size = static_cast<double>(row.Int(1));
          double live = static_cast<double>(row.Int(2));
          if (size > 0 && live < size * max_live_fraction) sparse.push_back(row.Int(0));
          return true;
        });
  });
  size_t compacted = 0;
  for (int64_t id : sparse) {
    if (committer_->IsBusyPack(id)) continue;
    CompactPack(id);
    ++compacted;
  }
  return compacted;
}

void ObjectStore::CompactPack(int64_t pack_id) {
  uint64_t epoch = files_->unlink_epoch();
  if (!files_->Pin({pack_id}, epoch)) return;
  struct Unpin {
    BlobFiles& files;
    int64_t id;
    ~Unpin() { files.UnpinOne(id); }
  } unpin{*files_, pack_id};
  int fd = ::open(files_->PathOf(pack_id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  // Moves each distinct live segment (overlapping ones are moved separately), a batch per
  // commit, paging by (start, length).
  int64_t after_start = -1;
  int64_t after_length = -1;
  while (true) {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    uint64_t bytes = 0;
    meta_.Read([&](meta::Transaction& tx) {
      tx.Each(
          "SELECT DISTINCT start, length FROM storage_segments WHERE blob_id = ? AND "
          "(start, length) > (?, ?) ORDER BY start, length",
          {Int(pack_id), Int(after_start), Int(after_length)}, [&](const meta::Row& row) {
            auto length = static_cast<uint64_t>(row.Int(1));
            if (!ranges.empty() && bytes + length > kCompactionBatchBytes) return false;
            ranges.emplace_back(static_cast<uint64_t>(row.Int(0)), length);
            bytes += length;
            return true;
          });
    });
    std::vector<std::string> data;
    for (const auto& [start, length] : ranges) {
      std::string bytes_of(length, '\0');
      size_t got = 0;
      while (got < length) {
        ssize_t n =
            ::pread(fd, bytes_of.data() + got, length - got, static_cast<off_t>(start + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          throw StorageError(ErrorCode::kInternalError, "compaction: a pack could not be read");
        }
        got += static_cast<size_t>(n);
      }
      data.push_back(std::move(bytes_of));
    }
    CommitRequest request;
    for (const std::string& d : data) request.payloads.push_back(d);
    request.apply = [&](CommitContext& ctx) {
      for (size_t i = 0; i < ranges.size(); ++i) {
        const PackLocation& to = ctx.location(i);
        ctx.tx().Exec(
            "UPDATE storage_segments SET blob_id = ?, start = ? "
            "WHERE blob_id = ? AND start = ? AND length = ?",
            {Int(to.blob_id), Int(static_cast<int64_t>(to.offset)), Int(pack_id),
             Int(static_cast<int64_t>(ranges[i].first)),
             Int(static_cast<int64_t>(ranges[i].second))});
      }
      // When the last range has moved, this commit deletes the pack.
      ctx.Unreference(pack_id);
    };
    committer_->Commit(request);
    if (ranges.empty()) return;
    after_start = static_cast<int64_t>(ranges.back().first);
    after_length = static_cast<int64_t>(ranges.back().second);
  }
}

IntegrityReport ObjectStore::CheckIntegrity() {
  IntegrityReport report;
  meta_.Read([&](meta::Transaction& tx) {
    files_->ForEachBlob([&](int64_t id) {
      ++report.blob_files;
      if (!committer_->IsBusyPack(id) &&
          !tx.QueryOne("SELECT 1 FROM storage_segments WHERE blob_id = ? LIMIT 1", {Int(id)})) {
        ++report.unreferenced_blobs;
      }
    });
    tx.Each("SELECT DISTINCT blob_id FROM storage_segments", {}, [&](const meta::Row& row) {
      if (!std::filesystem::exists(files_->PathOf(row.Int(0)))) ++report.missing_blobs;
      return true;
    });
  });
  report.temp_files = files_->CountTempFiles();
  return report;
}

}  // namespace storage
