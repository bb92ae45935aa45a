// ObjectStore multipart uploads: parts are stored like small objects (their own blobs or pack
// ranges); completion writes a version whose segments are the parts' segments in order, so
// no byte is copied.
#include "base/crypto.h"
#include "base/strings.h"
#include "engines/storage/blob_files.h"
#include "engines/storage/catalog.h"
#include "engines/storage/committer.h"
#include "engines/storage/copy_source.h"
#include "engines/storage/object_store.h"
#include "engines/storage/staged_body.h"
#include "engines/storage/storage_error.h"
#include "engines/storage/time_ordered_id.h"
#include "engines/storage/validation.h"

namespace storage {

using meta::Int;
using meta::Text;

namespace {

struct UploadRow {
  MultipartUpload upload;
  int64_t bucket_id = 0;
  ObjectAttributes attributes;
  TagSet tags;
};

struct PartRow {
  int64_t id = 0;
  PartInfo info;
};

UploadRow RequireUpload(meta::Transaction& tx, const BucketRow& bucket, std::string_view key,
                        std::string_view upload_id) {
  auto row = tx.QueryOne(
      "SELECT key, upload_id, initiated_ms, owner, storage_class, checksum_algorithm, "
      "checksum_type, attributes, tags FROM storage_uploads "
      "WHERE upload_id = ? AND bucket_id = ? AND key = ?",
      {Text(upload_id), Int(bucket.id), Text(key)});
  if (!row) {
    throw StorageError(ErrorCode::kNoSuchUpload,
                       "The specified upload does not exist. The upload ID may be invalid, or "
                       "the upload may have been aborted or completed.");
  }
  UploadRow u;
  u.bucket_id = bucket.id;
  u.upload.bucket = bucket.info.name;
  u.upload.key = row->Text(0);
  u.upload.upload_id = row->Text(1);
  u.upload.initiated = base::FromUnixMillis(row->Int(2));
  u.upload.owner = row->Text(3);
  u.upload.storage_class = row->Text(4);
  if (auto name = row->OptText(5)) u.upload.checksum_algorithm = ParseChecksumAlgorithm(*name);
  u.upload.checksum_type = static_cast<ChecksumType>(row->Int(6));
  u.attributes = Catalog::DecodeAttributes(row->Text(7), u.upload.storage_class);
  u.tags = Catalog::DecodeTags(row->Text(8));
  return u;
}

PartRow PartFromRow(const meta::Row& row) {
  PartRow p;
  p.id = row.Int(0);
  p.info.part_number = static_cast<int>(row.Int(1));
  p.info.size = static_cast<uint64_t>(row.Int(2));
  p.info.etag = row.Text(3);
  p.info.last_modified = base::FromUnixMillis(row.Int(4));
  p.info.checksums = Catalog::DecodeChecksums(row.Text(5));
  return p;
}

constexpr std::string_view kPartColumns = "id, part_number, size, etag, modified_ms, checksums";

std::vector<PartRow> AllParts(meta::Transaction& tx, std::string_view upload_id) {
  std::vector<PartRow> out;
  tx.Each(std::string("SELECT ") + std::string(kPartColumns) +
              " FROM storage_parts WHERE upload_id = ? ORDER BY part_number",
          {Text(upload_id)}, [&](const meta::Row& row) {
            out.push_back(PartFromRow(row));
            return true;
          });
  return out;
}

void RemoveUpload(CommitContext& ctx, std::string_view upload_id) {
  for (const PartRow& p : AllParts(ctx.tx(), upload_id)) Catalog::DeleteSegments(ctx, p.id);
  ctx.tx().Exec("DELETE FROM storage_parts WHERE upload_id = ?", {Text(upload_id)});
  ctx.tx().Exec("DELETE FROM storage_uploads WHERE upload_id = ?", {Text(upload_id)});
}

// Stores part `number` of the upload, replacing an earlier one.
void PutPart(CommitContext& ctx, Catalog& catalog, const PartInfo& part,
             const std::vector<SegmentRow>& segments, std::string_view upload_id) {
  meta::Transaction& tx = ctx.tx();
  if (auto old = tx.QueryOne("SELECT id FROM storage_parts WHERE upload_id = ? AND part_number = ?",
                             {Text(upload_id), Int(part.part_number)})) {
    Catalog::DeleteSegments(ctx, old->Int(0));
    tx.Exec("DELETE FROM storage_parts WHERE id = ?", {Int(old->Int(0))});
  }
  int64_t id = catalog.NextSeq();
  tx.Exec(
      "INSERT INTO storage_parts(id, upload_id, part_number, size, etag, modified_ms, checksums) "
      "VALUES(?, ?, ?, ?, ?, ?, ?)",
      {Int(id), Text(upload_id), Int(part.part_number), Int(static_cast<int64_t>(part.size)),
       Text(part.etag), Int(base::ToUnixMillis(part.last_modified)),
       Text(Catalog::EncodeChecksums(part.checksums))});
  Catalog::InsertSegments(tx, id, segments);
}

void ValidatePartNumber(int part_number) {
  if (part_number < 1 || part_number > kMaxPartNumber) {
    throw StorageError(ErrorCode::kInvalidArgument,
                       "Part number must be an integer between 1 and 10000, inclusive");
  }
}

std::string Unquoted(std::string_view etag) {
  etag = base::Trim(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

}  // namespace

MultipartUpload ObjectStore::CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                   const MultipartOptions& options) {
  ValidateKey(key);
  ValidateAttributes(options.attributes);
  ValidateTags(options.tags);
  MultipartUpload u;
  u.bucket = std::string(bucket);
  u.key = std::string(key);
  u.upload_id = NewTimeOrderedId();
  u.initiated = base::FromUnixMillis(base::ToUnixMillis(base::Now()));
  u.owner = options.owner;
  u.storage_class = options.attributes.storage_class;
  u.checksum_algorithm = options.checksum_algorithm;
  if (options.checksum_type && !options.checksum_algorithm) {
    throw StorageError(ErrorCode::kInvalidRequest,
                       "The x-amz-checksum-type header can only be used with the "
                       "x-amz-checksum-algorithm header.");
  }
  if (options.checksum_algorithm) {
    u.checksum_type =
        options.checksum_type.value_or(DefaultMultipartChecksumType(*options.checksum_algorithm));
    if (!MultipartSupports(*options.checksum_algorithm, u.checksum_type)) {
      throw StorageError(ErrorCode::kInvalidRequest,
                         "The " + std::string(ChecksumTypeName(u.checksum_type)) +
                             " checksum type cannot be used with the " +
                             std::string(ChecksumAlgorithmName(*options.checksum_algorithm)) +
                             " checksum algorithm.");
    }
  }
  CommitRequest request{
      {}, [&](CommitContext& ctx) {
        const BucketRow& b = catalog_->RequireBucket(ctx, bucket);
        ctx.tx().Exec(
            "INSERT INTO storage_uploads(upload_id, bucket_id, key, initiated_ms, owner, "
            "storage_class, checksum_algorithm, checksum_type, attributes, tags) "
            "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {Text(u.upload_id), Int(b.id), Text(u.key), Int(base::ToUnixMillis(u.initiated)),
             Text(u.owner), Text(u.storage_class),
             u.checksum_algorithm ? Text(ChecksumAlgorithmName(*u.checksum_algorithm))
                                  : meta::Null(),
             Int(static_cast<int64_t>(u.checksum_type)),
             Text(Catalog::EncodeAttributes(options.attributes)),
             Text(Catalog::EncodeTags(options.tags))});
      }};
  committer_->Commit(request);
  return u;
}

PartInfo ObjectStore::UploadPart(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id, int part_number, ByteSource& body,
                                 const PartOptions& options) {
  ValidatePartNumber(part_number);
  UploadRow upload;
  meta_.Read([&](meta::Transaction& tx) {
    upload = RequireUpload(tx, Catalog::RequireBucket(tx, bucket), key, upload_id);
  });
  std::vector<ChecksumAlgorithm> algorithms;
  if (upload.upload.checksum_algorithm) algorithms.push_back(*upload.upload.checksum_algorithm);
  StagedBody staged(body,
                    BodyExpectations{options.expected_size, kMaxPutSize, options.content_md5,
                                     algorithms, options.expected_checksums},
                    *files_);
  PartInfo part;
  part.part_number = part_number;
  part.size = staged.size();
  part.etag = staged.etag();
  part.checksums = staged.checksums();
  part.last_modified = base::FromUnixMillis(base::ToUnixMillis(base::Now()));
  CommitRequest request{staged.Payloads(), [&](CommitContext& ctx) {
                          const BucketRow& b = catalog_->RequireBucket(ctx, bucket);
                          RequireUpload(ctx.tx(), b, key, upload_id);
                          PutPart(ctx, *catalog_, part, staged.Segments(ctx), upload_id);
                        }};
  committer_->Commit(request);
  staged.Release();
  return part;
}

PartInfo ObjectStore::UploadPartCopy(std::string_view bucket, std::string_view key,
                                     std::string_view upload_id, int part_number,
                                     const CopySource& source,
                                     const std::optional<ByteRange>& range) {
  ValidatePartNumber(part_number);
  UploadRow upload;
  meta_.Read([&](meta::Transaction& tx) {
    upload = RequireUpload(tx, Catalog::RequireBucket(tx, bucket), key, upload_id);
  });
  std::vector<ChecksumAlgorithm> algorithms;
  if (upload.upload.checksum_algorithm) algorithms.push_back(*upload.upload.checksum_algorithm);
  for (int attempt = 0;; ++attempt) {
    Opened opened = OpenVersion(source.bucket, source.key, source.version_id);
    const ObjectInfo& src = opened.reader.info();
    CheckSourceConditions(src, source.conditions);
    uint64_t offset = 0;
    uint64_t length = src.size;
    if (range) {
      if (range->first > range->last || range->last >= src.size) {
        throw StorageError(ErrorCode::kInvalidRange,
                           "The x-amz-copy-source-range value is not valid for a source object "
                           "of size " +
                               std::to_string(src.size));
      }
      offset = range->first;
      length = range->last - range->first + 1;
    }
    if (length > kMaxPutSize) {
      throw StorageError(ErrorCode::kEntityTooLarge,
                         "Your proposed upload exceeds the maximum allowed size");
    }
    PartInfo part;
    part.part_number = part_number;
    part.size = length;
    std::string md5;
    part.checksums = ComputeChecksums(opened.reader, offset, length, algorithms, &md5);
    part.etag = base::HexEncode(md5);
    part.last_modified = base::FromUnixMillis(base::ToUnixMillis(base::Now()));
    CommitRequest request{
        {}, [&](CommitContext& ctx) {
          meta::Transaction& tx = ctx.tx();
          BucketRow sb = Catalog::RequireBucket(tx, source.bucket);
          if (!Catalog::FindBySeq(tx, sb, opened.seq)) throw SourceChanged{};
          BucketRow b = Catalog::RequireBucket(tx, bucket);
          RequireUpload(tx, b, key, upload_id);
          PutPart(ctx, *catalog_, part,
                  SliceSegments(Catalog::Segments(tx, opened.seq), offset, length), upload_id);
        }};
    try {
      committer_->Commit(request);
      return part;
    } catch (const SourceChanged&) {
      if (attempt + 1 >= kCopyAttempts) {
        throw StorageError(ErrorCode::kNoSuchKey, "The copy source changed during the copy.");
      }
    }
  }
}

ListPartsResult ObjectStore::ListParts(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id, int part_number_marker,
                                       size_t max_parts) {
  ListPartsResult out;
  meta_.Read([&](meta::Transaction& tx) {
    out.upload = RequireUpload(tx, Catalog::RequireBucket(tx, bucket), key, upload_id).upload;
    tx.Each(std::string("SELECT ") + std::string(kPartColumns) +
                " FROM storage_parts WHERE upload_id = ? AND part_number > ? "
                "ORDER BY part_number",
            {Text(upload_id), Int(part_number_marker)}, [&](const meta::Row& row) {
              if (out.parts.size() == max_parts) {
                out.is_truncated = true;
                return false;
              }
              out.parts.push_back(PartFromRow(row).info);
              return true;
            });
  });
  out.next_part_number_marker = out.parts.empty() ? 0 : out.parts.back().part_number;
  return out;
}

void ObjectStore::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id) {
  CommitRequest request{{}, [&](CommitContext& ctx) {
                          const BucketRow& b = catalog_->RequireBucket(ctx, bucket);
                          RequireUpload(ctx.tx(), b, key, upload_id);
                          RemoveUpload(ctx, upload_id);
                        }};
  committer_->Commit(request);
}

ObjectInfo ObjectStore::CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                                std::string_view upload_id,
                                                const std::vector<CompletedPart>& parts,
                                                const CompleteOptions& options) {
  if (parts.empty()) {
    throw StorageError(ErrorCode::kInvalidRequest, "You must specify at least one part");
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].part_number <= parts[i - 1].part_number) {
      throw StorageError(ErrorCode::kInvalidPartOrder,
                         "The list of parts was not in ascending order. Parts must be ordered "
                         "by part number.");
    }
  }
  VersionRow v;
  CommitRequest request{
      {}, [&](CommitContext& ctx) {
        meta::Transaction& tx = ctx.tx();
        BucketRow b = Catalog::RequireBucket(tx, bucket);
        UploadRow upload = RequireUpload(tx, b, key, upload_id);
        const auto& algorithm = upload.upload.checksum_algorithm;
        auto invalid_part = [] {
          return StorageError(ErrorCode::kInvalidPart,
                              "One or more of the specified parts could not be found. The part "
                              "may not have been uploaded, or the specified entity tag may not "
                              "match the part's entity tag.");
        };
        base::Digest md5s(base::DigestAlgorithm::kMd5);
        std::string part_sums;  // concatenated raw part checksums (COMPOSITE)
        std::string full_crc;   // combined CRC so far (FULL_OBJECT)
        std::vector<SegmentRow> segments;
        std::vector<ObjectPart> layout;
        uint64_t size = 0;
        for (size_t i = 0; i < parts.size(); ++i) {
          const CompletedPart& want = parts[i];
          auto row = tx.QueryOne(std::string("SELECT ") + std::string(kPartColumns) +
                                     " FROM storage_parts WHERE upload_id = ? AND part_number = ?",
                                 {Text(upload_id), Int(want.part_number)});
          if (!row) throw invalid_part();
          PartRow p = PartFromRow(*row);
          if (Unquoted(want.etag) != p.info.etag) throw invalid_part();
          for (const auto& [a, value] : want.checksums) {
            auto it = p.info.checksums.find(a);
            if (it == p.info.checksums.end() || it->second != value) throw invalid_part();
          }
          if (i + 1 < parts.size() && p.info.size < kMinPartSize) {
            throw StorageError(ErrorCode::kEntityTooSmall,
                               "Your proposed upload is smaller than the minimum allowed size");
          }
          md5s.Update(*base::HexDecode(p.info.etag));
          if (algorithm) {
            auto it = p.info.checksums.find(*algorithm);
            if (it == p.info.checksums.end()) throw invalid_part();
            std::string raw = *base::Base64Decode(it->second);
            if (upload.upload.checksum_type == ChecksumType::kComposite) {
              part_sums += raw;
            } else {
              full_crc = i == 0 ? raw : CombineCrc(*algorithm, full_crc, raw, p.info.size);
            }
          }
          for (const SegmentRow& s : Catalog::Segments(tx, p.id)) segments.push_back(s);
          ObjectPart part{want.part_number, size, p.info.size, {}};
          if (algorithm) part.checksums[*algorithm] = p.info.checksums.at(*algorithm);
          layout.push_back(part);
          size += p.info.size;
        }
        std::string suffix = "-" + std::to_string(parts.size());
        ObjectInfo& o = v.info;
        o.key = std::string(key);
        o.size = size;
        o.etag = base::HexEncode(md5s.Final()) + suffix;
        o.owner = upload.upload.owner;
        o.attributes = upload.attributes;
        o.parts_count = static_cast<int>(parts.size());
        o.last_modified = upload.upload.initiated;
        o.checksum_type = upload.upload.checksum_type;
        if (algorithm) {
          o.checksums[*algorithm] =
              upload.upload.checksum_type == ChecksumType::kComposite
                  ? base::Base64Encode(ComputeChecksum(*algorithm, part_sums)) + suffix
                  : base::Base64Encode(full_crc);
        }
        for (const auto& [a, value] : options.expected_checksums) {
          auto it = o.checksums.find(a);
          if (it == o.checksums.end() || it->second != value) {
            throw StorageError(ErrorCode::kChecksumMismatch,
                               "The " + std::string(ChecksumAlgorithmName(a)) +
                                   " you specified did not match the calculated checksum.");
          }
        }
        if (options.expected_size && *options.expected_size != size) {
          throw StorageError(ErrorCode::kInvalidRequest,
                             "The provided object size " + std::to_string(*options.expected_size) +
                                 " does not match the size of the parts, " + std::to_string(size));
        }
        v.tags = upload.tags;
        catalog_->PutVersion(ctx, b, v, segments, layout, options.conditions);
        RemoveUpload(ctx, upload_id);
      }};
  committer_->Commit(request);
  return v.info;
}

}  // namespace storage
