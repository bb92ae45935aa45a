#include "base/json.h"

#include "base/error.h"

namespace base {

Json ParseJson(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    throw ParseError("malformed JSON at byte " + std::to_string(e.byte));
  } catch (const Json::exception&) {
    // Numbers out of range (1e99999) and the like.
    throw ParseError("malformed JSON: a value is out of range");
  }
}

}  // namespace base
