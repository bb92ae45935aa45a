// Reading data files into the engine's vectors: whole-file reads through the FileSystem
// with transparent gzip/zstd decompression (by extension), and the CSV / JSON Lines
// decoders that turn text into typed chunks. Stateless functions; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engines/sql/catalog/file_system.h"
#include "engines/sql/catalog/table_definition.h"
#include "engines/sql/common/vector.h"

namespace sql {

// Errors in the data throw ExecutionError HIVE_BAD_DATA whose message starts with where in
// the file (the text's line, or the compressed byte offset) and says what is wrong; the caller
// puts the file's name in front.

// Reads a whole file, decompressing *.gz (gzip/zlib) and *.zst (zstd) content; corrupt or
// truncated compressed data fails.
std::string ReadFileContents(FileSystem& fs, const std::string& path, uint64_t* bytes_read);

// Decodes `text` into chunks of the requested columns: `columns[i]` is the index of the
// file field to read into output column i with type `types[i]`. Bad values become NULL
// (LazySimpleSerDe) or fail (`invalid_values_fail`, OpenCSVSerde); `null_marker` and empty
// non-string fields are NULL.
void DecodeCsv(std::string_view text, const CsvOptions& options, const std::vector<int>& columns,
               const std::vector<Type>& types, const std::function<void(DataChunk&)>& emit);

// Splits the first record of a CSV text into its fields (header names or a sample row).
std::vector<std::vector<std::string>> CsvSampleRows(std::string_view text, const CsvOptions& options,
                                                    size_t max_rows);

// Decodes JSON Lines: each line an object (a line that is not fails); output column i reads
// key `names[i]` (case-insensitive).
void DecodeJsonLines(std::string_view text, const std::vector<std::string>& names,
                     const std::vector<Type>& types, const std::function<void(DataChunk&)>& emit);

}  // namespace sql
