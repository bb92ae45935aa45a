// The exceptions the Parquet reader and writer throw. A corrupt or truncated file, or writer
// input that does not match its schema, raises ParquetError; a well-formed file that uses a
// feature this library does not implement (nested columns, an unknown codec, encryption)
// raises ParquetUnsupportedError. Messages name the column or structure at fault and never
// a file-system path. Plain types: thread-safe like any immutable value.
#pragma once

#include "base/error.h"

namespace sql::parquet {

class ParquetError : public base::Error {
 public:
  using base::Error::Error;
};

class ParquetUnsupportedError : public ParquetError {
 public:
  using ParquetError::ParquetError;
};

}  // namespace sql::parquet
