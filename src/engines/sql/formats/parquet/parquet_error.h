// The exceptions the Parquet reader and writer throw. A corrupt or truncated file, or writer
// input that does not match its schema, raises ParquetError; a well-formed file that uses a
// feature this library does not implement (nested columns, an unknown codec, encryption)
// raises ParquetUnsupportedError. Messages name the column or structure at fault and never
// a file-system path; the reader adds the byte offset of the structure it was decoding (the
// footer, a page header) when it knows it, so callers can say where a file is broken. Plain
// types: thread-safe like any immutable value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/error.h"

namespace sql::parquet {

class ParquetError : public base::Error {
 public:
  explicit ParquetError(const std::string& message) : base::Error(message) {}
  ParquetError(const std::string& message, uint64_t offset)
      : base::Error(message), offset_(offset) {}
  // The byte offset in the file of the structure being decoded, when known.
  std::optional<uint64_t> offset() const { return offset_; }

 private:
  std::optional<uint64_t> offset_;
};

class ParquetUnsupportedError : public ParquetError {
 public:
  using ParquetError::ParquetError;
};

}  // namespace sql::parquet
