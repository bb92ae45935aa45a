#include "platform/aws/protocol/json_document.h"

#include "base/error.h"
#include "platform/aws/protocol/codec_error.h"

namespace aws::protocol::detail {

namespace {

// The deepest array/object nesting of `text`, stopping early past `limit`. Strings are
// skipped; the syntax itself is left to the parser.
int NestingDepth(std::string_view text, int limit) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
      if (max_depth > limit) return max_depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

base::Json ParseJsonDocument(std::string_view text) {
  if (NestingDepth(text, kMaxDepth) > kMaxDepth) {
    throw InputError(InputError::Kind::kMalformed,
                     "JSON nesting exceeds " + std::to_string(kMaxDepth) + " levels");
  }
  try {
    return base::ParseJson(text);
  } catch (const base::ParseError& e) {
    throw InputError(InputError::Kind::kMalformed, e.what());
  } catch (const base::Json::exception&) {
    // Out-of-range numbers ("1e400") and the like.
    throw InputError(InputError::Kind::kMalformed, "malformed JSON: number out of range");
  }
}

std::string DumpJson(const base::Json& value) {
  return value.dump(-1, ' ', false, base::Json::error_handler_t::replace);
}

}  // namespace aws::protocol::detail
