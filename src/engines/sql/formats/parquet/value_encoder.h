// Internal to the Parquet library. EncodeValues writes a page's dense physical values (a
// ColumnBatch in the array PhysicalValueType names) in one of the value encodings the writer
// offers: PLAIN, RLE (booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. EncodingFits says which encodings a physical type
// can take. Stateless functions: thread-safe.
#pragma once

#include <string>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/format.h"
#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

// Whether the writer can encode `type` values with `encoding` (dictionary encodings
// included, except for BOOLEAN).
bool EncodingFits(Encoding encoding, PhysicalType type);

// Appends the encoding of values [0, count) of `values` to `out`.
void EncodeValues(Encoding encoding, PhysicalType type, const ColumnBatch& values, int64_t count,
                  std::string* out);

}  // namespace sql::parquet
