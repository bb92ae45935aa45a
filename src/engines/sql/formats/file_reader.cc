#include "engines/sql/formats/file_reader.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "base/json.h"
#include "engines/sql/common/error.h"
#include "engines/sql/function/cast.h"

namespace sql {

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Gunzip(const std::string& in) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {
    throw ExecutionError("GENERIC_INTERNAL_ERROR", "zlib could not start");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[1 << 16];
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members.
      if (zs.avail_in > 0) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc != Z_OK) {
      uint64_t at = in.size() - zs.avail_in;
      inflateEnd(&zs);
      throw ExecutionError("HIVE_BAD_DATA",
                           "byte offset " + std::to_string(at) + ": corrupt gzip data");
    }
    // All input read and inflate wanted no more room for output: the stream did not end.
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      throw ExecutionError("HIVE_BAD_DATA", "byte offset " + std::to_string(in.size()) +
                                                ": truncated gzip data (the stream does not end)");
    }
  }
  inflateEnd(&zs);
  return out;
}

std::string Unzstd(const std::string& in) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  ZSTD_initDStream(ds);
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::string out;
  std::vector<char> buf(ZSTD_DStreamOutSize());
  size_t last = 0;  // 0 once a frame is complete
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buf.data(), buf.size(), 0};
    size_t rc = ZSTD_decompressStream(ds, &output, &input);
    if (ZSTD_isError(rc)) {
      ZSTD_freeDStream(ds);
      throw ExecutionError("HIVE_BAD_DATA", "byte offset " + std::to_string(input.pos) +
                                                ": corrupt zstd data: " + ZSTD_getErrorName(rc));
    }
    out.append(buf.data(), output.pos);
    last = rc;
  }
  ZSTD_freeDStream(ds);
  if (last != 0) {
    throw ExecutionError("HIVE_BAD_DATA", "byte offset " + std::to_string(in.size()) +
                                              ": truncated zstd data (the frame does not end)");
  }
  return out;
}

// Splits CSV text into records of fields. Quoted fields may hold delimiters, newlines and
// doubled quotes; the escape character makes the next character literal.
template <class F>
void ForEachRecord(std::string_view text, const CsvOptions& o, F&& on_record) {
  std::vector<std::string> fields;
  std::string field;
  std::vector<bool> quoted_flags;
  size_t i = 0, n = text.size();
  while (i < n) {
    size_t start = i;
    fields.clear();
    quoted_flags.clear();
    bool end_of_record = false;
    while (!end_of_record) {
      field.clear();
      bool quoted = false;
      if (o.quote && i < n && text[i] == o.quote) {
        quoted = true;
        i++;
        while (i < n) {
          char c = text[i];
          if (o.escape && c == o.escape && i + 1 < n) {
            field += text[i + 1];
            i += 2;
            continue;
          }
          if (c == o.quote) {
            if (i + 1 < n && text[i + 1] == o.quote) {
              field += o.quote;
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field += c;
          i++;
        }
      }
      while (i < n && text[i] != o.delimiter && text[i] != '\n') {
        char c = text[i];
        if (o.escape && c == o.escape && i + 1 < n) {
          char e = text[i + 1];
          field += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          i += 2;
          continue;
        }
        if (c != '\r' || (i + 1 < n && text[i + 1] != '\n')) field += c;
        i++;
      }
      fields.push_back(field);
      quoted_flags.push_back(quoted);
      if (i >= n || text[i] == '\n') {
        end_of_record = true;
      }
      i++;
    }
    if (fields.size() == 1 && fields[0].empty() && !quoted_flags[0]) continue;  // blank line
    on_record(fields, quoted_flags, start);
  }
}

}  // namespace

std::string ReadFileContents(FileSystem& fs, const std::string& path, uint64_t* bytes_read) {
  auto file = fs.Open(path);
  std::string data(file->Size(), '\0');
  size_t got = file->ReadAt(0, data.size(), data.data());
  data.resize(got);
  if (bytes_read) *bytes_read = got;
  if (EndsWith(path, ".gz") || EndsWith(path, ".gzip")) return Gunzip(data);
  if (EndsWith(path, ".zst") || EndsWith(path, ".zstd")) return Unzstd(data);
  return data;
}

std::vector<std::vector<std::string>> CsvSampleRows(std::string_view text, const CsvOptions& options,
                                                    size_t max_rows) {
  std::vector<std::vector<std::string>> rows;
  // Only look at a prefix of the text.
  size_t limit = std::min<size_t>(text.size(), 1 << 20);
  size_t cut = text.rfind('\n', limit);
  std::string_view prefix = (limit < text.size() && cut != std::string_view::npos) ? text.substr(0, cut + 1) : text;
  ForEachRecord(prefix, options,
                [&](const std::vector<std::string>& f, const std::vector<bool>&, size_t) {
    if (rows.size() < max_rows) rows.push_back(f);
  });
  return rows;
}

namespace {

// The 1-based line of `text` that byte `offset` is on.
size_t LineAt(std::string_view text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

}  // namespace

void DecodeCsv(std::string_view text, const CsvOptions& options, const std::vector<int>& columns,
               const std::vector<Type>& types, const std::function<void(DataChunk&)>& emit) {
  std::vector<Type> text_types(columns.size(), Type::Varchar());
  DataChunk raw(text_types, kVectorSize);
  std::vector<size_t> starts;  // where each row of `raw` starts in `text`
  int skip = options.skip_header_lines;
  auto flush = [&] {
    if (raw.size() == 0) return;
    DataChunk out;
    out.columns().resize(columns.size());
    for (size_t c = 0; c < columns.size(); c++) {
      if (types[c].IsString()) {
        out.column(c).Reference(raw.column(c));
        continue;
      }
      CastVector(raw.column(c), raw.size(), types[c], out.column(c), true);
      if (!options.invalid_values_fail) continue;
      for (size_t r = 0; r < raw.size(); r++) {
        if (!raw.column(c).IsValid(r) || out.column(c).IsValid(r)) continue;
        std::string value(raw.column(c).data<std::string_view>()[r]);
        throw ExecutionError(
            "HIVE_BAD_DATA", "line " + std::to_string(LineAt(text, starts[r])) +
                                 ": Error parsing field value '" + value + "' for field " +
                                 std::to_string(columns[c]) + ": For input string: \"" + value +
                                 "\" is not a valid " + types[c].ToString());
      }
    }
    out.set_size(raw.size());
    emit(out);
    raw = DataChunk(text_types, kVectorSize);
    starts.clear();
  };
  ForEachRecord(text, options, [&](const std::vector<std::string>& fields,
                                   const std::vector<bool>& quoted, size_t start) {
    if (skip > 0) {
      skip--;
      return;
    }
    size_t row = raw.size();
    for (size_t c = 0; c < columns.size(); c++) {
      Vector& v = raw.column(c);
      int f = columns[c];
      bool missing = f < 0 || static_cast<size_t>(f) >= fields.size();
      const std::string empty;
      const std::string& s = missing ? empty : fields[f];
      bool is_null = missing || (!quoted[f] && s == options.null_marker) ||
                     (s.empty() && !types[c].IsString() && !quoted[f]);
      // OpenCSVSerde has no NULL text: an empty field is an empty string, which a typed column
      // fails to parse (HIVE_BAD_DATA) unless invalid values read as NULL.
      if (options.open_csv_serde && !missing && s.empty() && !quoted[f]) is_null = false;
      if (is_null) {
        v.data<std::string_view>()[row] = {};
        v.SetNull(row);
      } else {
        v.data<std::string_view>()[row] = v.AddString(s);
      }
    }
    starts.push_back(start);
    raw.set_size(row + 1);
    if (raw.size() == kVectorSize) flush();
  });
  flush();
}

void DecodeJsonLines(std::string_view text, const std::vector<std::string>& names, const std::vector<Type>& types,
                     const std::function<void(DataChunk&)>& emit) {
  std::vector<Type> text_types(names.size(), Type::Varchar());
  DataChunk raw(text_types, kVectorSize);
  auto flush = [&] {
    if (raw.size() == 0) return;
    DataChunk out;
    out.columns().resize(names.size());
    for (size_t c = 0; c < names.size(); c++) {
      if (types[c].IsString()) {
        out.column(c).Reference(raw.column(c));
      } else {
        CastVector(raw.column(c), raw.size(), types[c], out.column(c), true);
      }
    }
    out.set_size(raw.size());
    emit(out);
    raw = DataChunk(text_types, kVectorSize);
  };
  std::vector<std::string> lower;
  for (const auto& n : names) {
    std::string l;
    for (char c : n) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lower.push_back(l);
  }
  size_t pos = 0;
  size_t line_number = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    line_number++;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    base::Json obj = base::Json::parse(line.begin(), line.end(), nullptr, false);
    if (obj.is_discarded() || !obj.is_object()) {
      throw ExecutionError("HIVE_BAD_DATA", "line " + std::to_string(line_number) +
                                                ": Row is not a valid JSON Object: " +
                                                std::string(line.substr(0, 80)));
    }
    size_t row = raw.size();
    for (size_t c = 0; c < names.size(); c++) {
      Vector& v = raw.column(c);
      const base::Json* value = nullptr;
      for (auto it = obj.begin(); it != obj.end(); ++it) {
        std::string k;
        for (char ch : it.key()) k += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (k == lower[c]) {
          value = &it.value();
          break;
        }
      }
      if (!value || value->is_null()) {
        v.data<std::string_view>()[row] = {};
        v.SetNull(row);
      } else if (value->is_string()) {
        v.data<std::string_view>()[row] = v.AddString(value->get<std::string>());
      } else {
        v.data<std::string_view>()[row] = v.AddString(value->dump());
      }
    }
    raw.set_size(row + 1);
    if (raw.size() == kVectorSize) flush();
  }
  flush();
}

}  // namespace sql
