// libFuzzer target: any bytes as a Parquet file (footer, schema, statistics, page headers,
// every encoding and codec). The library may refuse the input with base::Error; anything
// else (a crash, a sanitizer report, another exception type) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.h"
#include "engines/sql/formats/parquet/fuzz_read.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    sql::parquet::testing::ReadEverything(std::string(reinterpret_cast<const char*>(data), size),
                                          100000);
  } catch (const base::Error&) {
  }
  return 0;
}
