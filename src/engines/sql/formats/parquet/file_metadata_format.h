// Internal to the Parquet library. The footer and page-header structures of parquet.thrift
// that this library reads and writes, as plain structs, with their compact-protocol decoders
// and encoders. Fields not listed are skipped when reading; optional fields are
// std::optional. Decoding throws ParquetError on corrupt input and on a missing required
// field. Plain values and stateless functions: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sql::parquet::format {

struct Statistics {
  std::optional<std::string> max;
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

// The LogicalType union: `kind` is the union member's field id (1 STRING ... 15 FLOAT16),
// 0 when absent or unknown.
struct LogicalType {
  enum Kind : int16_t {
    kAbsent = 0,
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
  };
  int16_t kind = kAbsent;
  int32_t scale = 0;             // kDecimal
  int32_t precision = 0;         // kDecimal
  bool adjusted_to_utc = false;  // kTime, kTimestamp
  int32_t unit = 1;              // kTime, kTimestamp: 1 MILLIS, 2 MICROS, 3 NANOS
  int32_t bit_width = 0;         // kInteger
  bool is_signed = true;         // kInteger
};

struct SchemaElement {
  std::optional<int32_t> type;
  std::optional<int32_t> type_length;
  std::optional<int32_t> repetition_type;  // 0 REQUIRED, 1 OPTIONAL, 2 REPEATED
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<int32_t> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;
};

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  int32_t definition_level_encoding = 0;
  int32_t repetition_level_encoding = 0;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  std::optional<bool> is_sorted;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

struct PageHeader {
  int32_t type = 0;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct ColumnMetaData {
  int32_t type = 0;
  std::vector<int32_t> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  bool encrypted = false;  // crypto_metadata or encrypted_column_metadata present
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

// The ColumnOrder union: 1 TYPE_ORDER, 2 IEEE_754_TOTAL_ORDER, 3 INT96_TIMESTAMP_ORDER,
// 0 unknown.
struct ColumnOrder {
  int16_t kind = 0;
};

struct FileMetaData {
  int32_t version = 0;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  std::optional<std::vector<ColumnOrder>> column_orders;
  bool encrypted = false;  // encryption_algorithm present (plaintext-footer encryption)
};

FileMetaData ParseFileMetaData(const uint8_t* data, size_t size);
std::string SerializeFileMetaData(const FileMetaData& metadata);

// Parses a page header at the start of data[0, size) and returns its length in bytes.
// Throws ThriftEndOfInput when the header continues past `size`.
size_t ParsePageHeader(const uint8_t* data, size_t size, PageHeader* header);
std::string SerializePageHeader(const PageHeader& header);

}  // namespace sql::parquet::format
