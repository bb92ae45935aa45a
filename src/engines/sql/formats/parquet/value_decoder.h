// Internal to the Parquet library. ValueDecoder turns the value section of one data page into
// dense values (nulls already removed) in a ColumnBatch, a run at a time: one virtual call per
// run, bulk loops inside. MakeValueDecoder covers every encoding of the format for each
// physical type and writes physical values (the array PhysicalValueType names);
// MakeDictionaryDecoder reads RLE_DICTIONARY / PLAIN_DICTIONARY indices and gathers from a
// dictionary already converted to the column's in-memory type. One thread per decoder; the
// page bytes must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "engines/sql/formats/parquet/column_batch.h"
#include "engines/sql/formats/parquet/format.h"
#include "engines/sql/formats/parquet/schema.h"

namespace sql::parquet {

class ValueDecoder {
 public:
  virtual ~ValueDecoder() = default;
  // Writes the next `n` values to positions [pos, pos + n) of `out`'s array. Fixed-width
  // arrays are already sized; for kBinary, offsets[pos] equals bytes.size() on entry, and the
  // decoder appends to bytes and sets offsets[pos + 1 .. pos + n]. Throws ParquetError when
  // the page holds fewer values or is corrupt.
  virtual void Decode(int64_t n, ColumnBatch* out, int64_t pos) = 0;

  // Passes over the next `n` values, writing only those at positions idx[0, count) among
  // them (ascending, each below n) to positions [pos, pos + count) of `out`'s array, and
  // returns true; the others are not decoded (`out` may be null when `count` is 0). Returns
  // false, consuming nothing, when the encoding cannot pick values out without decoding
  // them all. Throws ParquetError like Decode.
  virtual bool DecodeSelected(int64_t /*n*/, const uint32_t* /*idx*/, size_t /*count*/,
                              ColumnBatch* /*out*/, int64_t /*pos*/) {
    return false;
  }
};

// `max_values` bounds how many values the page can hold (its value count, nulls included).
// Throws ParquetError when the encoding does not apply to the type.
std::unique_ptr<ValueDecoder> MakeValueDecoder(Encoding encoding, PhysicalType type,
                                               int32_t type_length, const uint8_t* data,
                                               size_t size, int64_t max_values);

// Dictionary-encoded page values: Decode gathers the values; DecodeIndices hands out the next
// `n` dictionary positions instead (each checked against the dictionary's size);
// SkipIndices passes over some.
class DictionaryValueDecoder : public ValueDecoder {
 public:
  virtual void DecodeIndices(int64_t n, uint32_t* out) = 0;
  // Passes over the next `n` indices without unpacking them (nor checking them).
  virtual void SkipIndices(int64_t n) = 0;
};

std::unique_ptr<DictionaryValueDecoder> MakeDictionaryDecoder(const ColumnBatch* dictionary,
                                                              const uint8_t* data, size_t size);

// Writes dictionary values idx[0..n) to positions [pos, pos + n) of `out`'s array (kBinary as
// ValueDecoder::Decode appends). The indices must be below dictionary.num_rows.
void GatherDictionary(const ColumnBatch& dictionary, const uint32_t* idx, size_t n,
                      ColumnBatch* out, int64_t pos);

}  // namespace sql::parquet
