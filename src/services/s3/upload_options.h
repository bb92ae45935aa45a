// What PutObject, UploadPart, CompleteMultipartUpload and CopyObject read from their input
// for the storage engine: the Content-MD5 digest, the checksums to compute, and the write
// conditions (If-None-Match: *, If-Match). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "engines/storage/object_types.h"
#include "services/s3/body_source.h"

namespace s3 {

// The raw 16-byte Content-MD5, if sent; InvalidDigest (400) when it is not a base64 MD5.
std::optional<std::string> ContentMd5(const base::Json& in);

// The algorithms to compute and store: the one x-amz-sdk-checksum-algorithm names, those of
// checksums sent as headers, and the trailing checksum's.
std::vector<storage::ChecksumAlgorithm> UploadChecksumAlgorithms(const base::Json& in,
                                                                 const BodySource& body);

// If-None-Match (only `*`, as S3) and If-Match of a write. NotImplemented for other
// If-None-Match values.
storage::WriteConditions WriteConditionsOf(const base::Json& in);

}  // namespace s3
