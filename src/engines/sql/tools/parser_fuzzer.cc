// libFuzzer target: the lexer and parser must reject any input with ParserError, never
// crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engines/sql/common/error.h"
#include "engines/sql/parser/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    sql::ParseStatements(text);
  } catch (const sql::Error&) {
  }
  return 0;
}
