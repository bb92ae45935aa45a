#include "engines/sql/formats/parquet/file_metadata_format.h"

#include <limits>

#include "engines/sql/formats/parquet/thrift_compact.h"

namespace sql::parquet::format {
namespace {

using T = ThriftType;

[[noreturn]] void Missing(const char* field) {
  throw ParquetError(std::string("corrupt Parquet metadata: missing ") + field);
}

bool IsInt(T t) { return t == T::kByte || t == T::kI16 || t == T::kI32 || t == T::kI64; }
bool IsBool(T t) { return t == T::kTrue || t == T::kFalse; }

int64_t ReadInt64(CompactReader& r, T t) { return t == T::kByte ? r.ReadByte() : r.ReadInt(); }

int32_t ReadInt32(CompactReader& r, T t) {
  const int64_t v = ReadInt64(r, t);
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    throw ParquetError("corrupt Parquet metadata: 32-bit field out of range");
  }
  return static_cast<int32_t>(v);
}

// Runs `field(id, type)` for every field of a struct; a field it does not take (returns
// false) is skipped.
template <typename F>
void ReadStruct(CompactReader& r, F&& field) {
  r.BeginStruct();
  int16_t id;
  T type;
  while (r.NextField(&id, &type)) {
    if (!field(id, type)) r.Skip(type);
  }
}

// Reads a list whose elements `element(type)` decodes; other element types are skipped.
template <typename F>
bool ReadList(CompactReader& r, T type, T want, F&& element) {
  if (type != T::kList && type != T::kSet) return false;
  T element_type;
  const uint32_t n = r.ReadListBegin(&element_type);
  for (uint32_t i = 0; i < n; ++i) {
    const bool match = element_type == want || (IsInt(want) && IsInt(element_type));
    if (match) {
      element(element_type);
    } else if (IsBool(element_type)) {
      r.ReadListBool();
    } else {
      r.Skip(element_type);
    }
  }
  return true;
}

template <typename Int>
bool Int32Field(CompactReader& r, T t, Int* out) {
  if (!IsInt(t)) return false;
  *out = ReadInt32(r, t);
  return true;
}
bool Int32Field(CompactReader& r, T t, std::optional<int32_t>* out) {
  if (!IsInt(t)) return false;
  *out = ReadInt32(r, t);
  return true;
}
bool Int64Field(CompactReader& r, T t, int64_t* out) {
  if (!IsInt(t)) return false;
  *out = ReadInt64(r, t);
  return true;
}
bool Int64Field(CompactReader& r, T t, std::optional<int64_t>* out) {
  if (!IsInt(t)) return false;
  *out = ReadInt64(r, t);
  return true;
}
bool BinaryField(CompactReader& r, T t, std::string* out) {
  if (t != T::kBinary) return false;
  *out = r.ReadBinary();
  return true;
}
bool BinaryField(CompactReader& r, T t, std::optional<std::string>* out) {
  if (t != T::kBinary) return false;
  *out = r.ReadBinary();
  return true;
}
bool BoolField(CompactReader& r, T t, bool* out) {
  if (!IsBool(t)) return false;
  *out = r.ReadBoolField(t);
  return true;
}

Statistics ParseStatistics(CompactReader& r) {
  Statistics s;
  ReadStruct(r, [&](int16_t id, T t) {
    switch (id) {
      case 1:
        return BinaryField(r, t, &s.max);
      case 2:
        return BinaryField(r, t, &s.min);
      case 3:
        return Int64Field(r, t, &s.null_count);
      case 4:
        return Int64Field(r, t, &s.distinct_count);
      case 5:
        return BinaryField(r, t, &s.max_value);
      case 6:
        return BinaryField(r, t, &s.min_value);
      default:
        return false;
    }
  });
  return s;
}

// TimeUnit union: the member's field id is the unit.
int32_t ParseTimeUnit(CompactReader& r) {
  int32_t unit = 0;
  ReadStruct(r, [&](int16_t id, T t) {
    if (t != T::kStruct) return false;
    unit = id;
    r.Skip(t);
    return true;
  });
  return unit;
}

LogicalType ParseLogicalType(CompactReader& r) {
  LogicalType lt;
  ReadStruct(r, [&](int16_t id, T t) {
    if (t != T::kStruct) return false;
    switch (id) {
      case LogicalType::kDecimal:
        ReadStruct(r, [&](int16_t f, T ft) {
          if (f == 1) return Int32Field(r, ft, &lt.scale);
          if (f == 2) return Int32Field(r, ft, &lt.precision);
          return false;
        });
        break;
      case LogicalType::kTime:
      case LogicalType::kTimestamp:
        ReadStruct(r, [&](int16_t f, T ft) {
          if (f == 1) return BoolField(r, ft, &lt.adjusted_to_utc);
          if (f == 2 && ft == T::kStruct) {
            lt.unit = ParseTimeUnit(r);
            return true;
          }
          return false;
        });
        break;
      case LogicalType::kInteger:
        ReadStruct(r, [&](int16_t f, T ft) {
          if (f == 1) return Int32Field(r, ft, &lt.bit_width);
          if (f == 2) return BoolField(r, ft, &lt.is_signed);
          return false;
        });
        break;
      default:
        r.Skip(t);
        break;
    }
    const bool known = (id >= 1 && id <= 8) || (id >= 10 && id <= 15);
    lt.kind = known ? id : int16_t{LogicalType::kAbsent};
    return true;
  });
  return lt;
}

SchemaElement ParseSchemaElement(CompactReader& r) {
  SchemaElement e;
  bool has_name = false;
  ReadStruct(r, [&](int16_t id, T t) {
    switch (id) {
      case 1:
        return Int32Field(r, t, &e.type);
      case 2:
        return Int32Field(r, t, &e.type_length);
      case 3:
        return Int32Field(r, t, &e.repetition_type);
      case 4:
        return has_name = BinaryField(r, t, &e.name);
      case 5:
        return Int32Field(r, t, &e.num_children);
      case 6:
        return Int32Field(r, t, &e.converted_type);
      case 7:
        return Int32Field(r, t, &e.scale);
      case 8:
        return Int32Field(r, t, &e.precision);
      case 9:
        return Int32Field(r, t, &e.field_id);
      case 10:
        if (t != T::kStruct) return false;
        e.logical_type = ParseLogicalType(r);
        return true;
      default:
        return false;
    }
  });
  if (!has_name) Missing("SchemaElement.name");
  return e;
}

ColumnMetaData ParseColumnMetaData(CompactReader& r) {
  ColumnMetaData m;
  uint32_t seen = 0;
  ReadStruct(r, [&](int16_t id, T t) {
    bool took = false;
    switch (id) {
      case 1:
        took = Int32Field(r, t, &m.type);
        break;
      case 2:
        took = ReadList(r, t, T::kI32, [&](T et) { m.encodings.push_back(ReadInt32(r, et)); });
        break;
      case 3:
        took = ReadList(r, t, T::kBinary, [&](T) { m.path_in_schema.push_back(r.ReadBinary()); });
        break;
      case 4:
        took = Int32Field(r, t, &m.codec);
        break;
      case 5:
        took = Int64Field(r, t, &m.num_values);
        break;
      case 6:
        took = Int64Field(r, t, &m.total_uncompressed_size);
        break;
      case 7:
        took = Int64Field(r, t, &m.total_compressed_size);
        break;
      case 9:
        took = Int64Field(r, t, &m.data_page_offset);
        break;
      case 10:
        took = Int64Field(r, t, &m.index_page_offset);
        break;
      case 11:
        took = Int64Field(r, t, &m.dictionary_page_offset);
        break;
      case 12:
        if (t == T::kStruct) {
          m.statistics = ParseStatistics(r);
          took = true;
        }
        break;
      default:
        break;
    }
    if (took && id < 32) seen |= 1u << id;
    return took;
  });
  const uint32_t required = (1u << 1) | (1u << 4) | (1u << 5) | (1u << 7) | (1u << 9);
  if ((seen & required) != required) Missing("ColumnMetaData fields");
  return m;
}

ColumnChunk ParseColumnChunk(CompactReader& r) {
  ColumnChunk c;
  ReadStruct(r, [&](int16_t id, T t) {
    switch (id) {
      case 1:
        return BinaryField(r, t, &c.file_path);
      case 2:
        return Int64Field(r, t, &c.file_offset);
      case 3:
        if (t != T::kStruct) return false;
        c.meta_data = ParseColumnMetaData(r);
        return true;
      case 8:
      case 9:
        c.encrypted = true;
        return false;
      default:
        return false;
    }
  });
  return c;
}

RowGroup ParseRowGroup(CompactReader& r) {
  RowGroup g;
  bool has_rows = false;
  ReadStruct(r, [&](int16_t id, T t) {
    switch (id) {
      case 1:
        return ReadList(r, t, T::kStruct, [&](T) { g.columns.push_back(ParseColumnChunk(r)); });
      case 2:
        return Int64Field(r, t, &g.total_byte_size);
      case 3:
        return has_rows = Int64Field(r, t, &g.num_rows);
      case 5:
        return Int64Field(r, t, &g.file_offset);
      case 6:
        return Int64Field(r, t, &g.total_compressed_size);
      case 7:
        if (!IsInt(t)) return false;
        g.ordinal = static_cast<int16_t>(ReadInt64(r, t));
        return true;
      default:
        return false;
    }
  });
  if (!has_rows) Missing("RowGroup.num_rows");
  return g;
}

KeyValue ParseKeyValue(CompactReader& r) {
  KeyValue kv;
  ReadStruct(r, [&](int16_t id, T t) {
    if (id == 1) return BinaryField(r, t, &kv.key);
    if (id == 2) return BinaryField(r, t, &kv.value);
    return false;
  });
  return kv;
}

void WriteStatistics(CompactWriter& w, const Statistics& s) {
  if (s.max) w.BinaryField(1, *s.max);
  if (s.min) w.BinaryField(2, *s.min);
  if (s.null_count) w.I64Field(3, *s.null_count);
  if (s.distinct_count) w.I64Field(4, *s.distinct_count);
  if (s.max_value) w.BinaryField(5, *s.max_value);
  if (s.min_value) w.BinaryField(6, *s.min_value);
  w.EndStruct();
}

void WriteEmptyStructField(CompactWriter& w, int16_t id) {
  w.StructField(id);
  w.EndStruct();
}

void WriteLogicalType(CompactWriter& w, const LogicalType& lt) {
  w.StructField(lt.kind);
  switch (lt.kind) {
    case LogicalType::kDecimal:
      w.I32Field(1, lt.scale);
      w.I32Field(2, lt.precision);
      break;
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      w.BoolField(1, lt.adjusted_to_utc);
      w.StructField(2);
      WriteEmptyStructField(w, static_cast<int16_t>(lt.unit));
      w.EndStruct();
      break;
    case LogicalType::kInteger:
      w.ByteField(1, static_cast<int8_t>(lt.bit_width));  // an i8 on the wire
      w.BoolField(2, lt.is_signed);
      break;
    default:
      break;
  }
  w.EndStruct();
  w.EndStruct();
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.I32Field(1, *e.type);
  if (e.type_length) w.I32Field(2, *e.type_length);
  if (e.repetition_type) w.I32Field(3, *e.repetition_type);
  w.BinaryField(4, e.name);
  if (e.num_children) w.I32Field(5, *e.num_children);
  if (e.converted_type) w.I32Field(6, *e.converted_type);
  if (e.scale) w.I32Field(7, *e.scale);
  if (e.precision) w.I32Field(8, *e.precision);
  if (e.field_id) w.I32Field(9, *e.field_id);
  if (e.logical_type && e.logical_type->kind != LogicalType::kAbsent) {
    w.StructField(10);
    WriteLogicalType(w, *e.logical_type);
  }
  w.EndStruct();
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  w.I32Field(1, m.type);
  w.ListField(2, T::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (int32_t e : m.encodings) w.I32(e);
  w.ListField(3, T::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const auto& p : m.path_in_schema) w.Binary(p);
  w.I32Field(4, m.codec);
  w.I64Field(5, m.num_values);
  w.I64Field(6, m.total_uncompressed_size);
  w.I64Field(7, m.total_compressed_size);
  w.I64Field(9, m.data_page_offset);
  if (m.index_page_offset) w.I64Field(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.I64Field(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.StructField(12);
    WriteStatistics(w, *m.statistics);
  }
  w.EndStruct();
}

void WriteKeyValues(CompactWriter& w, int16_t id, const std::vector<KeyValue>& kvs) {
  if (kvs.empty()) return;
  w.ListField(id, T::kStruct, static_cast<uint32_t>(kvs.size()));
  for (const KeyValue& kv : kvs) {
    w.BeginStruct();
    w.BinaryField(1, kv.key);
    if (kv.value) w.BinaryField(2, *kv.value);
    w.EndStruct();
  }
}

}  // namespace

FileMetaData ParseFileMetaData(const uint8_t* data, size_t size) {
  CompactReader r(data, size);
  FileMetaData m;
  uint32_t seen = 0;
  ReadStruct(r, [&](int16_t id, T t) {
    bool took = false;
    switch (id) {
      case 1:
        took = Int32Field(r, t, &m.version);
        break;
      case 2:
        took = ReadList(r, t, T::kStruct, [&](T) { m.schema.push_back(ParseSchemaElement(r)); });
        break;
      case 3:
        took = Int64Field(r, t, &m.num_rows);
        break;
      case 4:
        took = ReadList(r, t, T::kStruct, [&](T) { m.row_groups.push_back(ParseRowGroup(r)); });
        break;
      case 5:
        took = ReadList(r, t, T::kStruct,
                        [&](T) { m.key_value_metadata.push_back(ParseKeyValue(r)); });
        break;
      case 6:
        took = BinaryField(r, t, &m.created_by);
        break;
      case 7:
        m.column_orders.emplace();
        took = ReadList(r, t, T::kStruct, [&](T) {
          ColumnOrder order;
          ReadStruct(r, [&](int16_t f, T ft) {
            if (ft != T::kStruct) return false;
            order.kind = f;
            r.Skip(ft);
            return true;
          });
          m.column_orders->push_back(order);
        });
        break;
      case 8:
        m.encrypted = true;
        break;
      default:
        break;
    }
    if (took && id < 32) seen |= 1u << id;
    return took;
  });
  const uint32_t required = (1u << 2) | (1u << 3) | (1u << 4);
  if ((seen & required) != required) Missing("FileMetaData fields");
  return m;
}

std::string SerializeFileMetaData(const FileMetaData& m) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.I32Field(1, m.version);
  w.ListField(2, T::kStruct, static_cast<uint32_t>(m.schema.size()));
  for (const SchemaElement& e : m.schema) WriteSchemaElement(w, e);
  w.I64Field(3, m.num_rows);
  w.ListField(4, T::kStruct, static_cast<uint32_t>(m.row_groups.size()));
  for (const RowGroup& g : m.row_groups) {
    w.BeginStruct();
    w.ListField(1, T::kStruct, static_cast<uint32_t>(g.columns.size()));
    for (const ColumnChunk& c : g.columns) {
      w.BeginStruct();
      if (c.file_path) w.BinaryField(1, *c.file_path);
      w.I64Field(2, c.file_offset);
      if (c.meta_data) {
        w.StructField(3);
        WriteColumnMetaData(w, *c.meta_data);
      }
      w.EndStruct();
    }
    w.I64Field(2, g.total_byte_size);
    w.I64Field(3, g.num_rows);
    if (g.file_offset) w.I64Field(5, *g.file_offset);
    if (g.total_compressed_size) w.I64Field(6, *g.total_compressed_size);
    if (g.ordinal) w.I32Field(7, *g.ordinal);
    w.EndStruct();
  }
  WriteKeyValues(w, 5, m.key_value_metadata);
  if (m.created_by) w.BinaryField(6, *m.created_by);
  if (m.column_orders) {
    w.ListField(7, T::kStruct, static_cast<uint32_t>(m.column_orders->size()));
    for (const ColumnOrder& o : *m.column_orders) {
      w.BeginStruct();
      WriteEmptyStructField(w, o.kind);
      w.EndStruct();
    }
  }
  w.EndStruct();
  return out;
}

size_t ParsePageHeader(const uint8_t* data, size_t size, PageHeader* h) {
  CompactReader r(data, size);
  *h = PageHeader();
  uint32_t seen = 0;
  ReadStruct(r, [&](int16_t id, T t) {
    bool took = false;
    switch (id) {
      case 1:
        took = Int32Field(r, t, &h->type);
        break;
      case 2:
        took = Int32Field(r, t, &h->uncompressed_page_size);
        break;
      case 3:
        took = Int32Field(r, t, &h->compressed_page_size);
        break;
      case 4:
        took = Int32Field(r, t, &h->crc);
        break;
      case 5:
        if (t != T::kStruct) break;
        h->data_page_header.emplace();
        ReadStruct(r, [&](int16_t f, T ft) {
          DataPageHeader& d = *h->data_page_header;
          switch (f) {
            case 1:
              return Int32Field(r, ft, &d.num_values);
            case 2:
              return Int32Field(r, ft, &d.encoding);
            case 3:
              return Int32Field(r, ft, &d.definition_level_encoding);
            case 4:
              return Int32Field(r, ft, &d.repetition_level_encoding);
            default:
              return false;
          }
        });
        took = true;
        break;
      case 7:
        if (t != T::kStruct) break;
        h->dictionary_page_header.emplace();
        ReadStruct(r, [&](int16_t f, T ft) {
          DictionaryPageHeader& d = *h->dictionary_page_header;
          switch (f) {
            case 1:
              return Int32Field(r, ft, &d.num_values);
            case 2:
              return Int32Field(r, ft, &d.encoding);
            case 3:
              if (!IsBool(ft)) return false;
              d.is_sorted = r.ReadBoolField(ft);
              return true;
            default:
              return false;
          }
        });
        took = true;
        break;
      case 8:
        if (t != T::kStruct) break;
        h->data_page_header_v2.emplace();
        ReadStruct(r, [&](int16_t f, T ft) {
          DataPageHeaderV2& d = *h->data_page_header_v2;
          switch (f) {
            case 1:
              return Int32Field(r, ft, &d.num_values);
            case 2:
              return Int32Field(r, ft, &d.num_nulls);
            case 3:
              return Int32Field(r, ft, &d.num_rows);
            case 4:
              return Int32Field(r, ft, &d.encoding);
            case 5:
              return Int32Field(r, ft, &d.definition_levels_byte_length);
            case 6:
              return Int32Field(r, ft, &d.repetition_levels_byte_length);
            case 7:
              return BoolField(r, ft, &d.is_compressed);
            default:
              return false;
          }
        });
        took = true;
        break;
      default:
        break;
    }
    if (took && id < 32) seen |= 1u << id;
    return took;
  });
  const uint32_t required = (1u << 1) | (1u << 2) | (1u << 3);
  if ((seen & required) != required) Missing("PageHeader fields");
  return r.consumed();
}

std::string SerializePageHeader(const PageHeader& h) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.I32Field(1, h.type);
  w.I32Field(2, h.uncompressed_page_size);
  w.I32Field(3, h.compressed_page_size);
  if (h.crc) w.I32Field(4, *h.crc);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.StructField(5);
    w.I32Field(1, d.num_values);
    w.I32Field(2, d.encoding);
    w.I32Field(3, d.definition_level_encoding);
    w.I32Field(4, d.repetition_level_encoding);
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.StructField(7);
    w.I32Field(1, d.num_values);
    w.I32Field(2, d.encoding);
    if (d.is_sorted) w.BoolField(3, *d.is_sorted);
    w.EndStruct();
  }
  if (h.data_page_header_v2) {
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    w.StructField(8);
    w.I32Field(1, d.num_values);
    w.I32Field(2, d.num_nulls);
    w.I32Field(3, d.num_rows);
    w.I32Field(4, d.encoding);
    w.I32Field(5, d.definition_levels_byte_length);
    w.I32Field(6, d.repetition_levels_byte_length);
    w.BoolField(7, d.is_compressed);
    w.EndStruct();
  }
  w.EndStruct();
  return out;
}

}  // namespace sql::parquet::format
