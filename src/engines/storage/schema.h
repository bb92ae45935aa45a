// The storage module's tables in the metadata store, applied as numbered migrations.
//
// storage_buckets / storage_bucket_configs: buckets and their opaque configuration documents.
// storage_versions: one row per object version or delete marker; `seq` (shared with
//   storage_parts.id) orders versions of a key, newest highest; the partial index over
//   current objects serves ListObjects, the (bucket, key, seq DESC) index version listings.
// storage_segments: the ordered byte ranges of blobs that make up a version or a part.
// storage_blobs: every blob file (kind 0 whole body, 1 pack) and its size.
// storage_object_parts: part boundaries of objects completed from multipart uploads.
// storage_uploads / storage_parts: multipart uploads in progress.
#pragma once

#include "platform/meta/store.h"

namespace storage {

void MigrateSchema(meta::Store& meta);

}  // namespace storage
